/**
 * Terraform values (snake_case attributes, explicit nulls, UNKNOWN) ⇄ engine props (camelCase fields,
 * undefined for absent). Conversion follows the field's declared type, so nested objects, lists, sets and
 * maps of objects map their attribute names too.
 */
import type { FieldType, Fields, Props } from "../core";
import { snakeCase } from "../core";
import { UNKNOWN, normalizeNumber } from "./codec";
import type { TfAttr } from "./schema";

export type TfObject = Record<string, unknown>;

/** A Terraform value of a field → the engine's form (UNKNOWN kept where Terraform does not know yet). */
export function fieldFromTf(t: FieldType, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof t === "string") return t === "number" ? normalizeNumber(v) : v;
  if ("list" in t) return (v as unknown[]).map((e) => fieldFromTf(t.list, e));
  if ("set" in t) return (v as unknown[]).map((e) => fieldFromTf(t.set, e));
  if ("map" in t) {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) r[k] = fieldFromTf(t.map, e);
    return r;
  }
  return objectFromTf(t.object, v as TfObject);
}

function objectFromTf(fields: Fields, v: TfObject): Props {
  const r: Props = {};
  for (const [key, f] of Object.entries(fields)) {
    const e = fieldFromTf(f.type, v[snakeCase(key)]);
    if (e !== undefined) r[key] = e;
  }
  return r;
}

/** An engine value of a field → Terraform's form (every object attribute present, null when absent). */
export function fieldToTf(t: FieldType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof t === "string") return v;
  if ("list" in t) return asArray(v).map((e) => fieldToTf(t.list, e));
  if ("set" in t) return asArray(v).map((e) => fieldToTf(t.set, e));
  if ("map" in t) {
    const r: TfObject = {};
    for (const [k, e] of Object.entries(v as Props)) r[k] = fieldToTf(t.map, e);
    return r;
  }
  const r: TfObject = {};
  for (const [key, f] of Object.entries(t.object)) r[snakeCase(key)] = fieldToTf(f.type, (v as Props)[key]);
  return r;
}

function asArray(v: unknown): unknown[] {
  // Spot sometimes answers a single object where a list is declared; a kind should normalize it, but a
  // one-element list is the only faithful reading.
  return Array.isArray(v) ? v : [v];
}

/** The engine props carried by the `field` attributes of a Terraform object. */
export function propsFromTf(attrs: readonly TfAttr[], obj: TfObject | null): Props {
  const r: Props = {};
  if (!obj) return r;
  for (const a of attrs) {
    if (a.role !== "field" || !a.field || !a.def) continue;
    const v = fieldFromTf(a.def.type, obj[a.name]);
    if (v !== undefined) r[a.field] = v;
  }
  return r;
}

/** Set the `field` attributes of a Terraform object from engine props (others untouched). */
export function propsToTf(attrs: readonly TfAttr[], props: Props, into: TfObject = {}): TfObject {
  for (const a of attrs) {
    if (a.role !== "field" || !a.field || !a.def) continue;
    into[a.name] = a.writeOnly ? null : fieldToTf(a.def.type, props[a.field]);
  }
  return into;
}

/** A Terraform object with every attribute present (null unless given). */
export function emptyObject(attrs: readonly TfAttr[]): TfObject {
  const r: TfObject = {};
  for (const a of attrs) r[a.name] = null;
  return r;
}

/** Replace every UNKNOWN inside `planned` with the matching part of `actual` (null when absent). */
export function fillUnknowns(planned: unknown, actual: unknown): unknown {
  if (planned === UNKNOWN) return actual === undefined || actual === UNKNOWN ? null : actual;
  if (Array.isArray(planned)) {
    const act = Array.isArray(actual) ? actual : [];
    return planned.map((e, i) => fillUnknowns(e, act[i]));
  }
  if (planned && typeof planned === "object" && !Buffer.isBuffer(planned)) {
    const act = actual && typeof actual === "object" ? (actual as TfObject) : {};
    const r: TfObject = {};
    for (const [k, e] of Object.entries(planned as TfObject)) r[k] = fillUnknowns(e, act[k]);
    return r;
  }
  return planned;
}

export type PathStep = { attribute_name: string } | { element_key_string: string } | { element_key_int: number };

/**
 * An engine field path ("policies.0.policyId") → Terraform attribute path steps, following the schema.
 * Stops at a set (its elements have no index in Terraform) and at anything the schema does not know.
 */
export function fieldPathToSteps(fields: Fields, path: string): PathStep[] {
  const parts = path.split(".").filter((p) => p !== "");
  const steps: PathStep[] = [];
  let t: FieldType | undefined;
  let cur: Fields | undefined = fields;
  for (const part of parts) {
    if (cur) {
      const f: (typeof cur)[string] | undefined = cur[part];
      if (!f) break;
      steps.push({ attribute_name: snakeCase(part) });
      t = f.type;
      cur = undefined;
    } else if (t && typeof t === "object" && "list" in t) {
      if (!/^\d+$/.test(part)) break;
      steps.push({ element_key_int: Number(part) });
      t = t.list;
    } else if (t && typeof t === "object" && "map" in t) {
      steps.push({ element_key_string: part });
      t = t.map;
    } else break;
    if (t && typeof t === "object" && "object" in t) cur = t.object;
  }
  return steps;
}
