/**
 * Terraform state ⇄ the core's props: what the engine knows of an object from its state and private state, and
 * the Terraform-only attributes (secret versions, sealed outputs, allow_deletion) around the kind's fields.
 */
import type { Props } from "../core";
import { UNKNOWN } from "./codec";
import type { PrivateState } from "./private-state";
import type { TfAttr, TfResourceSchema } from "./schema";
import { fieldToTf, propsFromTf } from "./values";
import type { TfObject } from "./values";

/** What the engine knows of the object: state attributes plus the secret hashes kept in private state. */
export function liveFromState(rs: TfResourceSchema, state: TfObject, priv: PrivateState): Props {
  const props = propsFromTf(rs.attrs, state);
  for (const key of rs.secretInputs) {
    if (priv.secrets[key]) props[key] = priv.secrets[key];
    else delete props[key];
  }
  return props;
}

/** The write-only secret values of a configuration (so no diagnostic can carry them). */
export function secretsOf(rs: TfResourceSchema, cfg: TfObject | null): string[] {
  if (!cfg) return [];
  return rs.attrs.filter((a) => a.writeOnly && typeof cfg[a.name] === "string").map((a) => cfg[a.name] as string);
}

export function defaultOf(a: TfAttr): unknown {
  return a.def?.default !== undefined ? fieldToTf(a.def.type, a.def.default) : undefined;
}

/** Computed attributes inside nested objects the user gave: default, else unknown until apply. */
export function markNestedComputed(a: TfAttr, v: unknown): unknown {
  if (!a.nested || v === null || v === UNKNOWN) return v;
  const fix = (obj: unknown): unknown => {
    if (!obj || obj === UNKNOWN || typeof obj !== "object") return obj;
    const r: TfObject = { ...(obj as TfObject) };
    for (const inner of a.nested!.attrs) {
      if (inner.computed && !inner.required && r[inner.name] === null) {
        r[inner.name] = inner.def?.default !== undefined ? fieldToTf(inner.def.type, inner.def.default) : UNKNOWN;
      } else r[inner.name] = markNestedComputed(inner, r[inner.name]);
    }
    return r;
  };
  if (a.nested.nesting === "single") return fix(v);
  if (a.nested.nesting === "map") {
    const r: TfObject = {};
    for (const [k, e] of Object.entries(v as TfObject)) r[k] = fix(e);
    return r;
  }
  return (v as unknown[]).map(fix);
}

/**
 * Empty collections of optional, non-computed attributes as null: the form a configuration that leaves them out
 * has (the core treats empty and absent alike). Terraform plans such an attribute as its configured value, so an
 * imported `policies = []` would show as a change to null against a configuration without it.
 */
export function emptyAsUnset(attrs: readonly TfAttr[], obj: TfObject): TfObject {
  for (const a of attrs) {
    const v = obj[a.name];
    if (v === null || v === undefined || v === UNKNOWN) continue;
    const empty = Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v as object).length === 0;
    if (a.optional && !a.computed && a.nested?.nesting !== "single" && empty) obj[a.name] = null;
    else if (a.nested && typeof v === "object") {
      const elems = a.nested.nesting === "single" ? [v] : Object.values(v as object);
      for (const e of elems) if (e && typeof e === "object") emptyAsUnset(a.nested.attrs, e as TfObject);
    }
  }
  return obj;
}
