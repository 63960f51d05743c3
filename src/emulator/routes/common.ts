import type { Ctx } from "../context";
import { notFound } from "../errors";
import type { Account, Policy, User } from "../model";
import type { Store } from "../store";
import { queryString } from "../validate";

export const iso = (d: Date): string => d.toISOString();

/** The organization's default account: its oldest (frozen). */
export function oldestAccount(store: Store, orgId: string): Account | undefined {
  return store.first("account", orgId);
}

/** An account of the caller's organization by id, or Account_DOESNT_EXIST (other organizations are invisible). */
export function accountById(ctx: Ctx, id: string, field?: string): Account {
  const acc = ctx.store.getInOrg("account", ctx.principal.orgId, id);
  if (!acc) throw notFound("Account", id, field);
  return acc;
}

/**
 * The account named by `?accountId=` (a private copy the handler may change). Routes whose OpenAPI parameter is
 * required reject a missing one (`"accountId" is required`, field query.accountId); the others fall back to the
 * oldest account. Whether the caller may act on it is the route's requireAccount (403), not a lookup failure.
 */
export function accountFromQuery(ctx: Ctx, required: boolean): Account {
  const id = queryString(ctx.query, "accountId", required) ?? oldestAccount(ctx.store, ctx.principal.orgId)?.id;
  if (id === undefined) throw notFound("Account", "(default)", "query.accountId");
  const acc = accountById(ctx, id, "query.accountId");
  ctx.audit.accountId = acc.id;
  return acc;
}

/**
 * A user who is a member of the caller's organization, or User_DOESNT_EXIST: a private copy to change, or with
 * `copy` false the shared frozen object for reading.
 */
export function memberUser(ctx: Ctx, id: string, field?: string, copy = true): User {
  const user = copy ? ctx.store.get("user", id) : ctx.store.peek("user", id);
  if (!user || !ctx.store.membership(id, ctx.principal.orgId)) throw notFound("User", id, field);
  return user;
}

/** A policy usable in the caller's organization (its own or a built-in one, frozen), or Policy_DOESNT_EXIST. */
export function usablePolicy(ctx: Ctx, id: string, field?: string): Policy {
  const pol = ctx.store.peek("policy", id);
  if (!pol || (pol.orgId !== ctx.principal.orgId && pol.orgId !== "*")) throw notFound("Policy", id, field);
  return pol;
}

export function displayName(u: User): string {
  return u.type === "personal" ? `${u.firstName ?? ""} ${u.lastName ?? ""}`.trim() : (u.name ?? u.id);
}

/** Checks a policy-mapping `accountIds` list: "*" or accounts of the caller's organization. */
export function checkAccountIds(ctx: Ctx, ids: string[], field: string): void {
  ids.forEach((id, i) => {
    if (id !== "*" && !ctx.store.peekInOrg("account", ctx.principal.orgId, id)) {
      throw notFound("Account", id, `${field}[${i}]`);
    }
  });
}
