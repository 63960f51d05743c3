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

/** Bounds of what redact() keeps: the audit log records request bodies, not arbitrary amounts of data. */
export interface RedactLimits {
  depth: number;
  string: number;
  items: number;
  keys: number;
}

export const AUDIT_LIMITS: RedactLimits = { depth: 16, string: 1024, items: 100, keys: 100 };
const NO_LIMITS: RedactLimits = { depth: 64, string: Infinity, items: Infinity, keys: Infinity };

/**
 * A copy of `value` with every secret-named field masked, recursively, cut to `limits` (strings clipped, long
 * arrays and objects shortened, deep levels replaced by a marker). `cut` is set when anything was cut. Keys are
 * copied as own properties, so a `__proto__` key stays a key.
 */
export function redact(value: unknown, limits: RedactLimits = NO_LIMITS, cut = { value: false }): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") {
      if (v.length <= limits.string) return v;
      cut.value = true;
      return `${v.slice(0, limits.string)}…[+${v.length - limits.string} chars]`;
    }
    if (typeof v !== "object" || v === null) return v;
    if (depth >= limits.depth) {
      cut.value = true;
      return `[nested deeper than ${limits.depth} levels]`;
    }
    if (Array.isArray(v)) {
      const kept = v.slice(0, limits.items).map((x) => walk(x, depth + 1));
      if (v.length > limits.items) {
        cut.value = true;
        kept.push(`…[+${v.length - limits.items} items]`);
      }
      return kept;
    }
    const entries = Object.entries(v);
    const out: [string, unknown][] = entries
      .slice(0, limits.keys)
      .map(([k, x]) => [k, isSecretName(k) && x !== null && x !== undefined ? MASK : walk(x, depth + 1)]);
    if (entries.length > limits.keys) {
      cut.value = true;
      out.push(["…", `+${entries.length - limits.keys} keys`]);
    }
    return Object.fromEntries(out);
  };
  return walk(value, 0);
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
