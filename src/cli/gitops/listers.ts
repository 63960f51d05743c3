/**
 * Enumerating live objects for prune, through each kind's own `list` (a kind without one cannot be pruned).
 */
import type { Props, ResourceContext, ResourceKind } from "../../core";

export type LiveObject = { id: string; outputs: Props };

/** Whether prune can enumerate this kind. */
export function canList(kind: ResourceKind): boolean {
  return typeof kind.list === "function";
}

export async function listLive(kind: ResourceKind, ctx: ResourceContext): Promise<LiveObject[]> {
  return kind.list ? kind.list({ ctx }) : [];
}

/** Objects prune never deletes, with the reason the kind gives. */
export function neverPruned(kind: ResourceKind, live: Props): string | undefined {
  return kind.pruneGuard?.(live);
}
