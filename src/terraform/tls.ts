/**
 * go-plugin AutoMTLS: a fresh self-signed server certificate per launch. Terraform pins it from the
 * handshake line and dials with ServerName "localhost", so the certificate carries SAN DNS:localhost.
 *
 * The RSA key comes from native crypto (started asynchronously at process start so it overlaps module
 * loading); node-forge only assembles the X.509 structure, and the signature is native too: forge's
 * pure-JS RSA would cost a good part of the start-up budget.
 */
import { createPrivateKey, generateKeyPair, randomBytes, sign } from "node:crypto";

export interface KeyPairPem {
  publicKey: string;
  privateKey: string;
}

export function generateRsaKeyPair(): Promise<KeyPairPem> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      "rsa",
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })),
    ),
  );
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  /** DER of the certificate, base64 without padding: the handshake line's last field. */
  derBase64: string;
}

export function selfSignedCertificate(keys: KeyPairPem, now = new Date()): ServerCertificate {
  const forge = require("node-forge/lib/forge");
  require("node-forge/lib/x509");
  const { pki, asn1, util } = forge;

  const spkiDer = Buffer.from(keys.publicKey.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromAsn1(asn1.fromDer(util.createBuffer(spkiDer.toString("binary"))));
  // Positive 16-byte serial (high bit cleared).
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 24 * 3600_000);
  const subject = [
    { name: "commonName", value: "localhost" },
    { name: "organizationName", value: "spot-iac terraform provider" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
  ]);
  const sha256WithRSA = pki.oids.sha256WithRSAEncryption;
  cert.signatureOid = sha256WithRSA;
  cert.siginfo.algorithmOid = sha256WithRSA;
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbsDer = Buffer.from(asn1.toDer(cert.tbsCertificate).getBytes(), "binary");
  cert.signature = sign("sha256", tbsDer, createPrivateKey(keys.privateKey)).toString("binary");
  const der = Buffer.from(asn1.toDer(pki.certificateToAsn1(cert)).getBytes(), "binary");
  const b64 = der.toString("base64");
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: keys.privateKey, derBase64: b64.replace(/=+$/, "") };
}
