/**
 * Redaction shared by the client's logs and errors; resources and front-ends reuse it for their own output.
 *
 * Two mechanisms, because neither alone is enough:
 * - by field name (recursive): catches secrets in bodies before anyone knows their value;
 * - by value: the client registers every secret it sends or receives (its token, a client secret in a body,
 *   a programmatic user's token in a response), so a secret echoed back inside a Spot error message, a URL or
 *   any free text is masked too.
 */

export const REDACTED = "[REDACTED]";

// Lower-cased, separators removed: "client_secret", "clientSecret" and "Client-Secret" all match "clientsecret".
const SECRET_KEYS = new Set([
  "password",
  "newpassword",
  "oldpassword",
  "token",
  "accesstoken",
  "refreshtoken",
  "personalaccesstoken",
  "apitoken",
  "apikey",
  "authorization",
  "clientsecret",
  "secret",
  "privatekey",
  "privatekeyid",
  "secretaccesskey",
  "sessiontoken",
]);

function normKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** True when a field of this name holds a secret (password, token, clientSecret, private_key, …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normKey(key));
}

// Values shorter than this are not registered: masking "abc" everywhere would garble logs without protecting much.
const MIN_SECRET_LENGTH = 6;
const MAX_REGISTERED = 10_000;
const registered = new Set<string>();
let registeredSorted: string[] | undefined;

/** Remember a secret value so that any later text containing it is masked. */
export function registerSecret(value: unknown): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  if (registered.size >= MAX_REGISTERED) {
    // Oldest first: a long-lived process keeps masking its recent secrets; the name-based pass still applies.
    const first = registered.values().next().value;
    if (first !== undefined) registered.delete(first);
  }
  registered.add(value);
  registeredSorted = undefined;
}

/** Register every value of a secret field found anywhere in `value` (a request or response body). */
export function registerSecretsIn(value: unknown, depth = 0): void {
  if (depth > 20 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const v of value) registerSecretsIn(v, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(k) && typeof v === "string") registerSecret(v);
    else registerSecretsIn(v, depth + 1);
  }
}

const PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// "password":"…" / password=… inside free text (a JSON fragment or a query string that slipped into a message).
const JSON_FIELD =
  /("(?:password|token|accessToken|refreshToken|personalAccessToken|clientSecret|client_secret|private_key|private_key_id|privateKey|secret|apiKey|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const QUERY_FIELD =
  /([?&](?:password|token|accessToken|access_token|refreshToken|clientSecret|client_secret|secret|apiKey)=)[^&#\s]*/gi;

function redactString(s: string, extra?: readonly string[]): string {
  let out = s;
  if (registered.size || extra?.length) {
    if (!registeredSorted) registeredSorted = [...registered].sort((a, b) => b.length - a.length);
    // Longest first, so a secret containing another one is masked whole.
    const values = extra?.length
      ? [...extra, ...registeredSorted].sort((a, b) => b.length - a.length)
      : registeredSorted;
    for (const v of values) {
      if (v && v.length >= MIN_SECRET_LENGTH && out.includes(v)) out = out.split(v).join(REDACTED);
    }
  }
  return out
    .replace(PEM, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JSON_FIELD, `$1"${REDACTED}"`)
    .replace(QUERY_FIELD, `$1${REDACTED}`);
}

function redactValue(
  value: unknown,
  extra: readonly string[] | undefined,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (typeof value === "string") return redactString(value, extra);
  if (value === null || typeof value !== "object") return value;
  if (depth > 20 || seen.has(value)) return "[…]";
  seen.add(value);
  if (value instanceof Error) return redactString(value.message, extra);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, extra, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      isSecretKey(k) && v !== undefined && v !== null && v !== "" ? REDACTED : redactValue(v, extra, depth + 1, seen);
  }
  return out;
}

/**
 * Mask secrets. A string comes back with registered secret values, bearer tokens, PEM private keys and
 * `"password": "…"`-style fragments masked; an object or array comes back as a deep copy with every secret
 * field (by name) replaced by "[REDACTED]" and every string masked as above. `extraSecrets` are masked too
 * without being registered.
 */
export function redact<T>(value: T, extraSecrets?: readonly string[]): T {
  return redactValue(value, extraSecrets, 0, new WeakSet()) as T;
}
