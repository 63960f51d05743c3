/**
 * Input checking, once for every front-end: the schema's rules (types, enums, required, per-field validators),
 * defaults, then the kind's own cross-field check. No API call.
 *
 * A value that is UNKNOWN (computed by another resource, see ./unknown) cannot be checked yet: with
 * `allowUnknown` it is kept as is and every failure it could explain is left for later; the cross-field check
 * runs only once nothing is unknown, since it would trip over the marker (an ARN pattern, "give one of a or b").
 */
import type { Field, FieldType, Fields } from "./schema";
import { isInput } from "./schema";
import type { CheckFailure, Props } from "./kind";
import { UNKNOWN, containsUnknown, touchesUnknown, unknownPaths } from "./unknown";

export interface CheckOptions<I extends Props = Props> {
  /** The kind's cross-field check (or a lookup's), run after the schema's once every value is known. */
  check?: (inputs: I) => CheckFailure[];
  /** Accept UNKNOWN values (plan, preview); without it an UNKNOWN is a failure (apply). */
  allowUnknown?: boolean;
}

export interface CheckResult<I extends Props = Props> {
  /** Checked inputs: defaults applied, UNKNOWN kept where allowed. */
  inputs: I;
  failures: CheckFailure[];
  /** Dotted paths of the values that are not known yet. */
  unknown: string[];
}

function typeName(t: FieldType): string {
  if (typeof t === "string") return t === "bool" ? "boolean" : t;
  if ("list" in t) return `list of ${typeName(t.list)}`;
  if ("set" in t) return `list of ${typeName(t.set)}`;
  if ("map" in t) return `map of ${typeName(t.map)}`;
  return "object";
}

class Checker {
  readonly failures: CheckFailure[] = [];
  constructor(private readonly allowUnknown: boolean) {}

  value(path: string, f: Field | undefined, t: FieldType, v: unknown): unknown {
    if (v === undefined || v === null) return undefined;
    if (v === UNKNOWN) {
      if (!this.allowUnknown)
        this.failures.push({ field: path, message: "is not known yet; it must be known when the change is applied" });
      return UNKNOWN;
    }
    if (typeof t === "string") {
      const ok =
        (t === "string" && typeof v === "string") ||
        (t === "number" && typeof v === "number" && Number.isFinite(v)) ||
        (t === "bool" && typeof v === "boolean");
      // A secret given with the wrong type must not be echoed back in the message.
      const shown = f?.secret ? "(secret)" : JSON.stringify(v);
      if (!ok) {
        this.failures.push({ field: path, message: `must be a ${typeName(t)}, got ${shown}` });
        return v;
      }
      if (f?.enum && t === "string" && !f.enum.includes(v as string)) {
        this.failures.push({
          field: path,
          message: `must be one of ${f.enum.map((e) => JSON.stringify(e)).join(", ")}; got ${shown}`,
        });
      }
      return v;
    }
    if ("list" in t || "set" in t) {
      const inner = "list" in t ? t.list : t.set;
      if (!Array.isArray(v)) {
        this.failures.push({ field: path, message: `must be a ${typeName(t)}` });
        return v;
      }
      return v.map((e, i) => this.value(`${path}.${i}`, typeof inner === "string" ? f : undefined, inner, e));
    }
    if ("map" in t) {
      if (typeof v !== "object" || Array.isArray(v)) {
        this.failures.push({ field: path, message: `must be a ${typeName(t)}` });
        return v;
      }
      const r: Props = {};
      for (const [k, e] of Object.entries(v as Props)) r[k] = this.value(`${path}.${k}`, undefined, t.map, e);
      return r;
    }
    if (typeof v !== "object" || Array.isArray(v)) {
      this.failures.push({ field: path, message: "must be an object" });
      return v;
    }
    return this.object(t.object, v as Props, path + ".");
  }

  object(fields: Fields, raw: Props, prefix: string): Props {
    const result: Props = {};
    for (const key of Object.keys(raw)) {
      const f = fields[key];
      if (f && isInput(f)) continue;
      if (raw[key] === undefined || raw[key] === null) continue;
      const known = Object.entries(fields)
        .filter(([, g]) => isInput(g))
        .map(([k]) => k);
      this.failures.push({
        field: prefix + key,
        message: f
          ? `is an output set by Spot and cannot be given; remove it`
          : `is not a known field; expected one of ${known.join(", ")}`,
      });
    }
    for (const [key, f] of Object.entries(fields)) {
      if (!isInput(f)) continue;
      let v = raw[key];
      if ((v === undefined || v === null) && f.default !== undefined) v = structuredClone(f.default);
      if (v === undefined || v === null) {
        if (f.required) this.failures.push({ field: prefix + key, message: `is required: ${f.description}` });
        continue;
      }
      const before = this.failures.length;
      const checked = this.value(prefix + key, f, f.type, v);
      // A validator sees known values only: it would misread the marker.
      if (this.failures.length === before && f.validate && !containsUnknown(checked)) {
        const msg = f.validate(checked);
        if (msg) this.failures.push({ field: prefix + key, message: msg });
      }
      result[key] = checked;
    }
    return result;
  }
}

/** Validate raw inputs against a schema and a cross-field check; apply defaults. No API call. */
export function checkInputs<I extends Props = Props>(
  fields: Fields,
  raw: Props | undefined,
  opts: CheckOptions<I> = {},
): CheckResult<I> {
  const c = new Checker(!!opts.allowUnknown);
  const inputs = c.object(fields, raw ?? {}, "") as I;
  const unknown = opts.allowUnknown ? unknownPaths(inputs) : [];
  if (c.failures.length === 0 && unknown.length === 0 && opts.check) c.failures.push(...opts.check(inputs));
  // A failure below or above an unknown value may vanish once it is known.
  const failures = unknown.length ? c.failures.filter((f) => !touchesUnknown(f.field, unknown)) : c.failures;
  return { inputs, failures, unknown };
}

/** One readable line per failure, naming the resource, the field and the fix. */
export function formatFailures(kindName: string, resourceName: string, failures: CheckFailure[]): string {
  return failures.map((f) => `${kindName} "${resourceName}": ${f.field} ${f.message}`).join("\n");
}
