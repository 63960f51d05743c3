/**
 * Schema-driven pieces every front-end shares: input checking and the desired-vs-live diff.
 * Kind modules add only what their schema cannot say (cross-field checks, normalizeLive).
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { Field, FieldType, Fields } from "./schema";
import { isInput } from "./schema";
import type { CheckFailure, DiffResult, FieldChange, Props, ResourceKind } from "./types";

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

/** Whether `value` is the secret `standIn` (a hashSecret result) was made from. */
export function secretMatches(value: string, standIn: string): boolean {
  if (!isSecretHash(standIn)) return false;
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

function typeName(t: FieldType): string {
  if (typeof t === "string") return t === "bool" ? "boolean" : t;
  if ("list" in t) return `list of ${typeName(t.list)}`;
  if ("set" in t) return `list of ${typeName(t.set)}`;
  if ("map" in t) return `map of ${typeName(t.map)}`;
  return "object";
}

function checkValue(path: string, f: Field | undefined, t: FieldType, v: unknown, out: CheckFailure[]): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof t === "string") {
    const ok =
      (t === "string" && typeof v === "string") ||
      (t === "number" && typeof v === "number" && Number.isFinite(v)) ||
      (t === "bool" && typeof v === "boolean");
    // A secret given with the wrong type must not be echoed back in the message.
    const shown = f?.secret ? "(secret)" : JSON.stringify(v);
    if (!ok) {
      out.push({ field: path, message: `must be a ${typeName(t)}, got ${shown}` });
      return v;
    }
    if (f?.enum && t === "string" && !f.enum.includes(v as string)) {
      out.push({
        field: path,
        message: `must be one of ${f.enum.map((e) => JSON.stringify(e)).join(", ")}; got ${shown}`,
      });
    }
    return v;
  }
  if ("list" in t || "set" in t) {
    const inner = "list" in t ? t.list : t.set;
    if (!Array.isArray(v)) {
      out.push({ field: path, message: `must be a ${typeName(t)}` });
      return v;
    }
    return v.map((e, i) => checkValue(`${path}.${i}`, typeof inner === "string" ? f : undefined, inner, e, out));
  }
  if ("map" in t) {
    if (typeof v !== "object" || Array.isArray(v)) {
      out.push({ field: path, message: `must be a ${typeName(t)}` });
      return v;
    }
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) r[k] = checkValue(`${path}.${k}`, undefined, t.map, e, out);
    return r;
  }
  if (typeof v !== "object" || Array.isArray(v)) {
    out.push({ field: path, message: "must be an object" });
    return v;
  }
  return checkObject(t.object, v as Props, path + ".", out);
}

function checkObject(fields: Fields, raw: Props, prefix: string, out: CheckFailure[]): Props {
  const result: Props = {};
  for (const key of Object.keys(raw)) {
    const f = fields[key];
    if (!f || !isInput(f)) {
      if (raw[key] === undefined || raw[key] === null) continue;
      const known = Object.entries(fields)
        .filter(([, g]) => isInput(g))
        .map(([k]) => k);
      out.push({
        field: prefix + key,
        message: f
          ? `is an output set by Spot and cannot be given; remove it`
          : `is not a known field; expected one of ${known.join(", ")}`,
      });
    }
  }
  for (const [key, f] of Object.entries(fields)) {
    if (!isInput(f)) continue;
    let v = raw[key];
    if ((v === undefined || v === null) && f.default !== undefined) v = structuredClone(f.default);
    if (v === undefined || v === null) {
      if (f.required) out.push({ field: prefix + key, message: `is required: ${f.description}` });
      continue;
    }
    const before = out.length;
    const checked = checkValue(prefix + key, f, f.type, v, out);
    if (out.length === before && f.validate) {
      const msg = f.validate(checked);
      if (msg) out.push({ field: prefix + key, message: msg });
    }
    result[key] = checked;
  }
  return result;
}

/** Validate raw inputs against the kind's schema and its own check(); apply defaults. No API call. */
export function checkInputs<I extends Props>(
  kind: ResourceKind<I>,
  raw: Props,
): { inputs: I; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const inputs = checkObject(kind.fields, raw ?? {}, "", failures) as I;
  if (failures.length === 0 && kind.check) failures.push(...kind.check(inputs));
  return { inputs, failures };
}

/** One readable line per failure, naming the resource, the field and the fix. */
export function formatFailures(kindName: string, resourceName: string, failures: CheckFailure[]): string {
  return failures.map((f) => `${kindName} "${resourceName}": ${f.field} ${f.message}`).join("\n");
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0)
  );
}

/** Canonical form for comparison: sets sorted, empties dropped, object keys ordered. */
export function normalize(t: FieldType, v: unknown): unknown {
  if (isEmpty(v)) return undefined;
  if (typeof t === "string") return v;
  if ("list" in t) return (v as unknown[]).map((e) => normalize(t.list, e));
  if ("set" in t) {
    const items = (v as unknown[]).map((e) => normalize(t.set, e));
    return items
      .map((e) => [JSON.stringify(e), e] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([k], i, arr) => i === 0 || arr[i - 1][0] !== k)
      .map(([, e]) => e);
  }
  if ("map" in t) {
    const r: Props = {};
    for (const k of Object.keys(v as Props).sort()) {
      const n = normalize(t.map, (v as Props)[k]);
      if (n !== undefined) r[k] = n;
    }
    return Object.keys(r).length ? r : undefined;
  }
  const r: Props = {};
  for (const k of Object.keys(t.object).sort()) {
    const n = normalize(t.object[k].type, (v as Props)[k]);
    if (n !== undefined) r[k] = n;
  }
  return Object.keys(r).length ? r : undefined;
}

function equalSecret(desired: unknown, live: unknown): boolean | undefined {
  if (live === undefined || live === null) return undefined; // Spot does not return it and nothing was recorded
  if (isSecretHash(live)) return secretMatches(String(desired), live);
  return desired === live;
}

/**
 * The live object as the engine's diff should see it: inside nested objects, drop what the user cannot
 * set (outputs) and computed values the user left unset, as diffResource does for top-level fields;
 * without it a server-filled nested field would plan an update on every run.
 */
function alignNested(t: FieldType, want: unknown, have: unknown): unknown {
  if (have === null || have === undefined || typeof t === "string") return have;
  if ("object" in t) {
    if (typeof have !== "object" || Array.isArray(have)) return have;
    const w = (want && typeof want === "object" ? want : {}) as Props;
    const r: Props = {};
    for (const [k, v] of Object.entries(have as Props)) {
      const f = t.object[k];
      if (f && (!isInput(f) || (f.computed && (w[k] === undefined || w[k] === null)))) continue;
      r[k] = f ? alignNested(f.type, w[k], v) : v;
    }
    return r;
  }
  if ("list" in t || "set" in t) {
    if (!Array.isArray(have)) return have;
    const inner = "list" in t ? t.list : t.set;
    const w = Array.isArray(want) ? want : [];
    // Set elements have no position: a nested field counts as given when any desired element gives it.
    const merged = w.every((e) => e && typeof e === "object" && !Array.isArray(e))
      ? Object.assign({}, ...w)
      : undefined;
    return have.map((e, i) => alignNested(inner, "list" in t ? w[i] : merged, e));
  }
  if (typeof have !== "object" || Array.isArray(have)) return have;
  const w = (want && typeof want === "object" ? want : {}) as Props;
  const r: Props = {};
  for (const [k, v] of Object.entries(have as Props)) r[k] = alignNested(t.map, w[k], v);
  return r;
}

function liveForDiff(kind: ResourceKind, desired: Props, live: Props): Props {
  const r: Props = { ...live };
  for (const [k, f] of Object.entries(kind.fields)) {
    if (typeof f.type !== "string" && r[k] !== undefined) r[k] = alignNested(f.type, desired[k], r[k]);
  }
  return r;
}

/**
 * Desired inputs against the live object. Inputs the user did not give are left alone when Spot computes
 * them; otherwise an absent input means "unset" and differs from a live value. Secrets compare by hash
 * when the live side only has the hash, and are skipped when Spot returns nothing to compare with.
 */
export function diffResource<I extends Props, O extends Props>(
  kind: ResourceKind<I, O>,
  desired: I,
  liveRaw: O,
): DiffResult {
  const live = liveForDiff(kind, desired, kind.normalizeLive ? kind.normalizeLive(liveRaw, desired) : liveRaw);
  const changes: FieldChange[] = [];
  for (const [key, f] of Object.entries(kind.fields)) {
    if (!isInput(f)) continue;
    const want = desired[key];
    const have = live[key];
    if ((want === undefined || want === null) && f.computed) continue;
    if (f.secret) {
      if (want === undefined || want === null) continue;
      const same = equalSecret(want, have);
      if (same === false)
        changes.push({ field: key, before: "(secret)", after: "(secret)", mode: f.onChange ?? "update", secret: true });
      continue;
    }
    const a = normalize(f.type, want);
    const b = normalize(f.type, have);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      changes.push({ field: key, before: b, after: a, mode: f.onChange ?? "update" });
    }
  }
  const rejected = changes
    .filter((c) => c.mode === "reject")
    .map((c) => ({
      field: c.field,
      message:
        `${c.field} cannot be changed in Spot (${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}). ${kind.fields[c.field].rejectHint ?? ""}`.trim(),
    }));
  return { changes, replace: changes.some((c) => c.mode === "replace"), rejected };
}

/** Outputs without undefined anywhere (the Pulumi host crashes on undefined; Terraform wants explicit nulls). */
export function stripUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.filter((e) => e !== undefined).map(stripUndefined) as T;
  if (v && typeof v === "object") {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) if (e !== undefined) r[k] = stripUndefined(e);
    return r as T;
  }
  return v;
}

/** Read each id through `read`, dropping the ones that vanished meanwhile (kinds' list() helpers). */
export async function readAll<O>(
  ids: string[],
  read: (id: string) => Promise<O | undefined>,
): Promise<{ id: string; outputs: O }[]> {
  const out: { id: string; outputs: O }[] = [];
  for (const id of ids) {
    const outputs = await read(id);
    if (outputs) out.push({ id, outputs });
  }
  return out;
}
