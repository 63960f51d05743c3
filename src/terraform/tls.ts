/**
 * go-plugin AutoMTLS: a fresh self-signed server certificate per launch. Terraform pins it from the
 * handshake line and dials with ServerName "localhost", so the certificate carries SAN DNS:localhost.
 *
 * Keys come from native crypto. The default is ECDSA P-256 (what go-plugin itself uses for its AutoMTLS
 * certificates, with P-521): generating it takes under a millisecond, where an RSA-2048 key takes 50–300 ms
 * of random prime search, most of the provider's start-up budget on a loaded machine
 * (bench/terraform-startup.js prints both). SPOT_IAC_TF_TLS_KEY=rsa selects RSA-2048.
 *
 * node-forge's ASN.1 layer writes the X.509 DER; the signature is native (forge's certificate builder
 * only handles RSA keys and signs in pure JS, and loading it costs ~20 ms per launch).
 */
import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, sign } from "node:crypto";

export type KeyType = "ec" | "rsa";

export interface KeyPairPem {
  type: KeyType;
  publicKey: string;
  privateKey: string;
}

export function keyTypeFromEnv(env: NodeJS.ProcessEnv = process.env): KeyType {
  return (env.SPOT_IAC_TF_TLS_KEY ?? "").toLowerCase() === "rsa" ? "rsa" : "ec";
}

export function generateServerKeyPair(type: KeyType = "ec"): Promise<KeyPairPem> {
  if (type === "ec") {
    const { publicKey, privateKey } = generateKeyPairSync("ec", {
      namedCurve: "prime256v1",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    return Promise.resolve({ type, publicKey, privateKey });
  }
  // Asynchronous: the thread pool searches primes while the main thread loads modules.
  return new Promise((resolve, reject) =>
    generateKeyPair(
      "rsa",
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ type, publicKey, privateKey })),
    ),
  );
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  /** DER of the certificate, base64 without padding (Go's RawStdEncoding): the handshake line's last field. */
  derBase64: string;
}

const OID = {
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  sha256WithRsa: "1.2.840.113549.1.1.11",
};

export function selfSignedCertificate(keys: KeyPairPem, now = new Date()): ServerCertificate {
  const asn1 = require("node-forge/lib/asn1");
  const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
  const T = asn1.Type;
  const seq = (v: unknown[]): unknown => asn1.create(UNIVERSAL, T.SEQUENCE, true, v);
  const oid = (o: string): unknown => asn1.create(UNIVERSAL, T.OID, false, asn1.oidToDer(o).getBytes());
  const utf8 = (s: string): unknown => asn1.create(UNIVERSAL, T.UTF8, false, Buffer.from(s, "utf8").toString("binary"));
  const der = (node: unknown): string => asn1.toDer(node).getBytes();
  const extension = (id: string, critical: boolean, value: unknown): unknown =>
    seq([
      oid(id),
      ...(critical ? [asn1.create(UNIVERSAL, T.BOOLEAN, false, "\xff")] : []),
      asn1.create(UNIVERSAL, T.OCTETSTRING, false, der(value)),
    ]);
  const sigAlg = (): unknown =>
    keys.type === "ec"
      ? seq([oid(OID.ecdsaWithSha256)]) // RFC 5758: no parameters
      : seq([oid(OID.sha256WithRsa), asn1.create(UNIVERSAL, T.NULL, false, "")]);

  const name = seq([
    asn1.create(UNIVERSAL, T.SET, true, [seq([oid(OID.commonName), utf8("localhost")])]),
    asn1.create(UNIVERSAL, T.SET, true, [seq([oid(OID.organizationName), utf8("spot-iac terraform provider")])]),
  ]);
  // Positive and minimally encoded: top bit clear, next bit set.
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  // digitalSignature(0) + keyCertSign(5), plus keyEncipherment(2) for RSA; 2 unused trailing bits.
  const keyUsage = String.fromCharCode(2) + String.fromCharCode(keys.type === "ec" ? 0x84 : 0xa4);
  const spkiDer = Buffer.from(keys.publicKey.replace(/-----[^-]+-----|\s/g, ""), "base64").toString("binary");

  const tbs = seq([
    asn1.create(CONTEXT_SPECIFIC, 0, true, [asn1.create(UNIVERSAL, T.INTEGER, false, asn1.integerToDer(2).getBytes())]),
    asn1.create(UNIVERSAL, T.INTEGER, false, serial.toString("binary")),
    sigAlg(),
    name,
    seq([
      asn1.create(UNIVERSAL, T.UTCTIME, false, asn1.dateToUtcTime(new Date(now.getTime() - 60_000))),
      asn1.create(UNIVERSAL, T.UTCTIME, false, asn1.dateToUtcTime(new Date(now.getTime() + 24 * 3600_000))),
    ]),
    name,
    asn1.fromDer(spkiDer),
    asn1.create(CONTEXT_SPECIFIC, 3, true, [
      seq([
        extension(OID.basicConstraints, true, seq([asn1.create(UNIVERSAL, T.BOOLEAN, false, "\xff")])),
        extension(OID.keyUsage, true, asn1.create(UNIVERSAL, T.BITSTRING, false, keyUsage)),
        extension(OID.extKeyUsage, false, seq([oid(OID.serverAuth), oid(OID.clientAuth)])),
        extension(OID.subjectAltName, false, seq([asn1.create(CONTEXT_SPECIFIC, 2, false, "localhost")])),
      ]),
    ]),
  ]);
  const tbsDer = Buffer.from(der(tbs), "binary");
  const signature = sign("sha256", tbsDer, createPrivateKey(keys.privateKey)); // ECDSA: DER Ecdsa-Sig-Value
  const cert = Buffer.from(
    der(seq([tbs, sigAlg(), asn1.create(UNIVERSAL, T.BITSTRING, false, "\x00" + signature.toString("binary"))])),
    "binary",
  );
  const b64 = cert.toString("base64");
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: keys.privateKey, derBase64: b64.replace(/=+$/, "") };
}
