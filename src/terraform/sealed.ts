/**
 * Sealing of secret outputs (a programmatic user's token, returned by Spot once) to a user-given RSA
 * public key, so Terraform state holds only ciphertext (the aws_iam_access_key `pgp_key` idea, with
 * native crypto instead of PGP).
 *
 * Format: "spotseal1:" + base64( u16be(len(wrappedKey)) | wrappedKey | iv(12) | tag(16) | ciphertext ),
 * wrappedKey = RSA-OAEP(SHA-256) of a random AES-256 key, ciphertext = AES-256-GCM of the UTF-8 secret.
 * `spot-iac terraform decrypt --key private.pem` opens it.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  constants,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from "node:crypto";
import type { KeyObject } from "node:crypto";

export const SEALED_PREFIX = "spotseal1:";
const MIN_RSA_BITS = 2048;

/** Parse and check a public key; throws an Error whose message says what is wrong and how to fix it. */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(
      "is not a PEM public key; give an RSA public key such as the output of " +
        "`openssl rsa -in private.pem -pubout` (it starts with -----BEGIN PUBLIC KEY-----)",
    );
  }
  if (key.asymmetricKeyType !== "rsa")
    throw new Error(
      `is a ${key.asymmetricKeyType} key; only RSA public keys (${MIN_RSA_BITS} bits or more) are supported`,
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`is a ${bits}-bit RSA key; use ${MIN_RSA_BITS} bits or more`);
  return key;
}

export function seal(plaintext: string, publicKeyPem: string): string {
  const key = parsePublicKey(publicKeyPem);
  const aesKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aesKey, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  const wrapped = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, aesKey);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(wrapped.length);
  return SEALED_PREFIX + Buffer.concat([len, wrapped, iv, tag, ct]).toString("base64");
}

export function open(sealed: string, privateKeyPem: string, passphrase?: string): string {
  const text = sealed.trim();
  if (!text.startsWith(SEALED_PREFIX))
    throw new Error(`not a sealed value (expected it to start with "${SEALED_PREFIX}")`);
  const buf = Buffer.from(text.slice(SEALED_PREFIX.length), "base64");
  const n = buf.readUInt16BE(0);
  const wrapped = buf.subarray(2, 2 + n);
  const iv = buf.subarray(2 + n, 14 + n);
  const tag = buf.subarray(14 + n, 30 + n);
  const ct = buf.subarray(30 + n);
  const key = createPrivateKey({ key: privateKeyPem, passphrase });
  let aesKey: Buffer;
  try {
    aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, wrapped);
  } catch {
    throw new Error("the private key does not match the public key this value was sealed to");
  }
  const decipher = createDecipheriv("aes-256-gcm", aesKey, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8");
}
