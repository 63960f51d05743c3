/**
 * The desired-versus-live comparison every front-end plans with. Inputs the user did not give are left alone
 * when Spot computes them; otherwise an absent input means "unset" and differs from a live value. Secrets compare
 * by salted hash; a desired value that is UNKNOWN is a change whose outcome is known after apply.
 */
import type { FieldType } from "./schema";
import { isInput } from "./schema";
import type { DiffResult, FieldChange, Props, ResourceKind } from "./kind";
import { isSecretHash, secretMatches } from "./secrets";
import { UNKNOWN, containsUnknown, withoutUnknowns } from "./unknown";

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

function equalSecret(desired: unknown, live: unknown): boolean | undefined {
  if (live === undefined || live === null) return undefined; // Spot does not return it and nothing was recorded
  if (isSecretHash(live)) return secretMatches(String(desired), live);
  return desired === live;
}

/**
 * The live object made comparable with `desired`: the kind's normalizeLive, then nested alignment. normalizeLive
 * sees known values only: a kind would misread the marker (an e-mail compared without case, a date parsed), and an
 * UNKNOWN value is a change whatever the live one is.
 */
export function comparableLive<I extends Props, O extends Props>(kind: ResourceKind<I, O>, desired: I, live: O): Props {
  const n = kind.normalizeLive ? kind.normalizeLive(live, withoutUnknowns(desired)) : live;
  return liveForDiff(kind, desired, n);
}

/**
 * Desired inputs against the live object. A secret with nothing to compare with (no hash recorded, Spot returns
 * none) is reported as an `unverified` change when Spot can update it in place, so that the declared secret is
 * sent once and remembered; otherwise it is left alone.
 */
export function diffResource<I extends Props, O extends Props>(
  kind: ResourceKind<I, O>,
  desired: I,
  liveRaw: O,
): DiffResult {
  const live = comparableLive(kind, desired, liveRaw);
  const changes: FieldChange[] = [];
  for (const [key, f] of Object.entries(kind.fields)) {
    if (!isInput(f)) continue;
    const want = desired[key];
    const have = live[key];
    const mode = f.onChange ?? "update";
    if ((want === undefined || want === null) && f.computed) continue;
    if (containsUnknown(want)) {
      changes.push({
        field: key,
        before: f.secret ? "(secret)" : normalize(f.type, have),
        after: UNKNOWN,
        mode,
        secret: f.secret,
      });
      continue;
    }
    if (f.secret) {
      if (want === undefined || want === null) continue;
      const same = equalSecret(want, have);
      if (same === false) changes.push({ field: key, before: "(secret)", after: "(secret)", mode, secret: true });
      else if (same === undefined && mode === "update" && !f.local)
        changes.push({ field: key, before: "(secret)", after: "(secret)", mode, secret: true, unverified: true });
      continue;
    }
    const a = normalize(f.type, want);
    const b = normalize(f.type, have);
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field: key, before: b, after: a, mode });
  }
  const rejected = changes
    .filter((c) => c.mode === "reject" && c.after !== UNKNOWN)
    .map((c) => {
      const hint = kind.fields[c.field].rejectHint;
      const shown = c.secret ? "" : ` (${JSON.stringify(c.before)} → ${JSON.stringify(c.after)})`;
      return {
        field: c.field,
        before: c.before,
        after: c.after,
        hint,
        message: `${c.field} cannot be changed in Spot${shown}. ${hint ?? ""}`.trim(),
      };
    });
  return { changes, replace: changes.some((c) => c.mode === "replace"), rejected };
}

/**
 * The live values of the fields a plan depends on, normalized: what apply compares to tell whether the object
 * moved since it was planned. Secrets and local settings are not Spot's to move; computed fields the declaration
 * leaves out are not compared by the diff either; a field planned as UNKNOWN is set whatever Spot holds (and its
 * live value is normalized against a desired value known only at apply, so it would seem to move).
 */
export function fingerprint<I extends Props, O extends Props>(
  kind: ResourceKind<I, O>,
  desired: I,
  live: O,
): Record<string, string> {
  const l = comparableLive(kind, desired, live);
  const out: Record<string, string> = {};
  for (const [key, f] of Object.entries(kind.fields)) {
    if (!isInput(f) || f.secret || f.local) continue;
    if (f.computed && (desired[key] === undefined || desired[key] === null)) continue;
    if (containsUnknown(desired[key])) continue;
    out[key] = JSON.stringify(normalize(f.type, l[key]) ?? null);
  }
  return out;
}

/** Fields whose fingerprint differs between two reads. */
export function movedFields(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((k) => k in after && before[k] !== after[k]);
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
