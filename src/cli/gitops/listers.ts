/**
 * Enumerating live objects for prune. A kind that has `list(ctx)` is asked directly (Account has). For the
 * others, ResourceKind has no list operation yet, so the ids come from the client's list endpoints here and
 * each object is read through its kind: the kind still decides what the object looks like.
 */
import type { Props, ResourceContext, ResourceKind } from "../../resources";

export type LiveObject = { id: string; outputs: Props };
type IdLister = (ctx: ResourceContext) => Promise<string[]>;

const ID_LISTERS: Record<string, IdLister> = {
  User: async (ctx) =>
    (await ctx.client.users.listOrganization())
      .filter((u: Props) => (u.type ?? "personal") === "personal")
      .map((u: Props) => u.userId),
  ProgrammaticUser: async (ctx) =>
    (await ctx.client.users.listOrganization())
      .filter((u: Props) => u.type === "programmatic")
      .map((u: Props) => u.userId),
  UserAttachment: async (ctx) =>
    (await ctx.client.users.list()).flatMap((u: Props) =>
      ((u.mappedAccountIds ?? []) as string[]).map((a) => `${a}/${u.userId}`),
    ),
  AccessPolicy: async (ctx) => (await ctx.client.access.policies.list()).map((p: Props) => p.id),
  UserGroup: async (ctx) => (await ctx.client.access.userGroups.list()).map((g: Props) => g.id),
  NotificationPolicy: async (ctx) => {
    const accounts = await ctx.client.accounts.list();
    const ids = new Set<string>();
    for (const a of accounts)
      for (const p of await ctx.client.notifications.list({ accountId: a.accountId })) ids.add(p.policyId);
    return [...ids];
  },
};

/** Whether prune can enumerate this kind. */
export function canList(kind: ResourceKind): boolean {
  return typeof (kind as { list?: unknown }).list === "function" || kind.name in ID_LISTERS;
}

export async function listLive(kind: ResourceKind, ctx: ResourceContext): Promise<LiveObject[]> {
  const own = (kind as { list?: (ctx: ResourceContext) => Promise<LiveObject[]> }).list;
  if (typeof own === "function") return own.call(kind, ctx);
  const ids = await ID_LISTERS[kind.name](ctx);
  const out: LiveObject[] = [];
  for (const id of ids) {
    const outputs = await kind.read(ctx, id);
    if (outputs) out.push({ id, outputs });
  }
  return out;
}

/**
 * Objects prune never deletes, with the reason. Organization admins: there is no "who am I" endpoint, and
 * the token running spot-iac belongs to an admin, so deleting admins could lock the run out mid-way.
 */
export function neverPruned(kind: ResourceKind, live: Props): string | undefined {
  if (kind.name === "User" && live.role === "admin")
    return "organization admins are never pruned (remove them in the Spot console)";
  return undefined;
}
