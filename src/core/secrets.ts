/**
 * Secrets in the core: the salted hash that stands in for a secret Spot never returns, the one interface through
 * which every front-end remembers those hashes across runs, and the scrubbing of secret values from any text.
 *
 * Where the memory lives is each front-end's business: Terraform keeps it in the resource's private state, the
 * GitOps CLI in its run journal, Pulumi in the (secret) outputs of the resource. What is remembered, and when, is
 * decided here (rememberSecrets), once.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { redact, registerSecret } from "../api/redact";
import type { Fields, FieldType } from "./schema";
import type { Props } from "./kind";

/** Prefix of a secret's stand-in: state that must not hold a secret holds this salted hash instead. */
export const SECRET_HASH_PREFIX = "scrypt:";

// scrypt with a random salt per hash: a state file or journal that leaks must not let a guessable password be
// recovered by hashing candidates once for everyone. ~30 ms per hash; secrets are few per object.
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** The salted hash kept in place of a secret: `scrypt:<salt>:<hash>` (base64url). */
export function hashSecret(value: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(value, salt, KEY_LENGTH, SCRYPT);
  return `${SECRET_HASH_PREFIX}${salt.toString("base64url")}:${hash.toString("base64url")}`;
}

export function isSecretHash(v: unknown): v is string {
  return typeof v === "string" && v.startsWith(SECRET_HASH_PREFIX);
}

// scrypt costs ~30 ms by design; one plan may compare the same secret with the same hash several times (a GCP key
// file's parts, drift and apply). Answers are remembered per (SHA-256 of the value, hash) — never the value itself.
const matches = new Map<string, boolean>();
const MAX_REMEMBERED = 1000;

/** Whether `value` is the secret `standIn` (a hashSecret result) was made from. */
export function secretMatches(value: string, standIn: string): boolean {
  if (!isSecretHash(standIn)) return false;
  const key = createHash("sha256").update(value).digest("base64url") + " " + standIn;
  const known = matches.get(key);
  if (known !== undefined) return known;
  const answer = scryptMatches(value, standIn);
  if (matches.size >= MAX_REMEMBERED) matches.delete(matches.keys().next().value!);
  matches.set(key, answer);
  return answer;
}

function scryptMatches(value: string, standIn: string): boolean {
  const [salt, hash] = standIn.slice(SECRET_HASH_PREFIX.length).split(":");
  const want = Buffer.from(hash ?? "", "base64url");
  if (!salt || want.length !== KEY_LENGTH) return false;
  return timingSafeEqual(scryptSync(value, Buffer.from(salt, "base64url"), KEY_LENGTH, SCRYPT), want);
}

/** What outputs keep of a secret Spot never returns: a plaintext becomes its hash, a hash is kept. */
export function secretStandIn(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  return isSecretHash(v) ? v : hashSecret(v);
}

/**
 * The hashes of one object's secret inputs, remembered across runs. `get` answers the hash recorded for a field
 * (undefined: never recorded, e.g. after an import); `set` records a new one.
 */
export interface SecretMemory {
  get(field: string): string | undefined;
  set(field: string, hash: string): void;
}

/** A SecretMemory over a plain record (Terraform's private state, a journal entry, tests). */
export function memoryOf(record: Record<string, string> = {}): SecretMemory & { record: Record<string, string> } {
  return {
    record,
    get: (field) => record[field],
    set: (field, hash) => {
      record[field] = hash;
    },
  };
}

/** A memory that knows nothing and forgets what it is told (imports, lookups). */
export const NO_MEMORY: SecretMemory = { get: () => undefined, set: () => undefined };

/** Secret fields that are inputs (what a memory holds hashes of), top level. */
export function secretInputs(fields: Fields): string[] {
  return Object.entries(fields)
    .filter(([, f]) => f.secret && (f.required || f.optional))
    .map(([k]) => k);
}

/**
 * After a create or update: record the hash of every secret the object now holds. A hash the kind returned
 * (derived secrets, e.g. the parts of a GCP key file) is taken as is; a plaintext input is hashed, except when the
 * recorded hash still matches it — a fresh salt would make an unchanged secret look changed (Terraform's
 * `<name>_version` would count it).
 */
export function rememberSecrets(fields: Fields, memory: SecretMemory, inputs: Props, outputs: Props): void {
  for (const [key, f] of Object.entries(fields)) {
    if (!f.secret) continue;
    const out = outputs[key];
    const given = inputs[key];
    const known = memory.get(key);
    if (typeof given === "string" && given !== "") {
      if (!(known && secretMatches(given, known))) memory.set(key, isSecretHash(out) ? out : hashSecret(given));
    } else if (isSecretHash(out) && out !== known && (f.required || f.optional)) memory.set(key, out);
  }
}

/** The recorded hashes, as `prior` for a kind's read (kinds carry them into their outputs). */
export function recalled(fields: Fields, memory: SecretMemory | undefined): Props {
  const out: Props = {};
  if (!memory) return out;
  for (const key of Object.keys(fields)) {
    if (!fields[key].secret) continue;
    const h = memory.get(key);
    if (h !== undefined) out[key] = h;
  }
  return out;
}

/**
 * Remember secret values so that no later log line, error message or diagnostic of this process can carry them
 * (the client's redaction masks registered values everywhere).
 */
export function registerSecrets(fields: Fields, ...bags: (Props | undefined)[]): void {
  for (const bag of bags) walkSecrets(fields, bag);
}

function walkSecrets(fields: Fields, v: Props | undefined): void {
  if (!v || typeof v !== "object") return;
  for (const [key, f] of Object.entries(fields)) {
    const value = v[key];
    if (f.secret && typeof value === "string") registerSecret(value);
    const inner = nestedFieldsOf(f.type);
    if (inner && value && typeof value === "object")
      for (const item of elementsOf(f.type, value)) walkSecrets(inner, item);
  }
}

/** The fields of the objects a field holds (an object, or a list/set/map of objects). */
export function nestedFieldsOf(t: FieldType): Fields | undefined {
  if (typeof t === "string") return undefined;
  if ("object" in t) return t.object;
  const elem = "list" in t ? t.list : "set" in t ? t.set : t.map;
  return typeof elem === "object" && "object" in elem ? elem.object : undefined;
}

function elementsOf(t: FieldType, v: object): Props[] {
  if (typeof t === "object" && "object" in t) return [v as Props];
  return (Array.isArray(v) ? v : Object.values(v)) as Props[];
}

export { registerSecret };

/** Text with every registered secret (and anything secret-shaped) masked. */
export function scrub(text: string, extra?: readonly string[]): string {
  return redact(text, extra);
}
