/**
 * Secret redaction by field name, recursively. Used for audit `context` and the request log, so passwords,
 * tokens, client secrets and private keys never leave the request that carried them.
 */
const SECRET_NAMES = new Set([
  "password",
  "token",
  "accesstoken",
  "refreshtoken",
  "personalaccesstoken",
  "clientsecret",
  "secret",
  "privatekey",
  "privatekeyid",
  "apikey",
  "authorization",
  "secretaccesskey",
  "sessiontoken",
]);

export const MASK = "********";

export function isSecretName(key: string): boolean {
  const n = key.toLowerCase().replace(/[_-]/g, "");
  if (SECRET_NAMES.has(n)) return true;
  if (n.endsWith("secret") || n.endsWith("password")) return true;
  // `generateToken=true` is a flag, not a secret.
  return n.endsWith("token") && n !== "generatetoken";
}

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretName(k) && v !== null && v !== undefined ? MASK : redact(v);
    }
    return out;
  }
  return value;
}

/** A request URL with secret-named query parameters masked. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (isSecretName(key)) {
      params.set(key, MASK);
      changed = true;
    }
  }
  return changed ? url.slice(0, q) + "?" + params.toString() : url;
}
