/**
 * The one "not known yet" marker of the engine. A value computed by another resource (a Pulumi output in
 * preview, a Terraform reference before apply, a GitOps reference to an object the same run creates) is
 * UNKNOWN in the core's props; each front-end maps its own wire form to it when decoding and back when encoding:
 * Terraform's msgpack extension, Pulumi's unknown-value UUID, the GitOps planner's unresolved reference.
 *
 * A registered symbol (Symbol.for) so that two copies of this module in one process (src and dist in tests, a
 * Pulumi host loading its own copy) agree on it.
 */

export const UNKNOWN: unique symbol = Symbol.for("spot-iac.unknown");
export type Unknown = typeof UNKNOWN;

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

/** Whether UNKNOWN appears anywhere inside `v`. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** Dotted paths ("policies.0.accountIds.1") of every UNKNOWN inside `v`, outermost first. */
export function unknownPaths(v: unknown, prefix = ""): string[] {
  if (v === UNKNOWN) return [prefix];
  const out: string[] = [];
  if (Array.isArray(v)) v.forEach((e, i) => out.push(...unknownPaths(e, prefix ? `${prefix}.${i}` : String(i))));
  else if (v && typeof v === "object")
    for (const [k, e] of Object.entries(v)) out.push(...unknownPaths(e, prefix ? `${prefix}.${k}` : k));
  return out;
}

/** Whether a dotted path lies inside, contains or equals one of the unknown paths. */
export function touchesUnknown(path: string, unknown: readonly string[]): boolean {
  return unknown.some((u) => u === path || u.startsWith(path + ".") || path.startsWith(u + ".") || u === "");
}

/** `v` with every UNKNOWN removed (object keys dropped, list elements dropped). */
export function withoutUnknowns<T>(v: T): T {
  if (v === UNKNOWN) return undefined as T;
  if (Array.isArray(v)) return v.filter((e) => e !== UNKNOWN).map(withoutUnknowns) as T;
  if (v && typeof v === "object") {
    const r: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) if (e !== UNKNOWN) r[k] = withoutUnknowns(e);
    return r as T;
  }
  return v;
}
