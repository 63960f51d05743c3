/**
 * Authentication (bearer token → principal) and the permission checks every route makes.
 *
 * The model follows Spot's documentation (docs.spot.io "Permission Policies", reference §5):
 * - organization roles: admin (everything), editor (reads everything, writes account-level objects), viewer
 *   (reads everything, incl. audit events);
 * - account roles (ROLE_BASED account mappings, programmatic users' `accounts`): viewer / editor of that account;
 * - access policies have a scope. An ACCOUNT policy is mapped to accounts ("you select the relevant accounts …
 *   once you attach the policy") and grants only account-scope actions, only on those accounts; an ORGANIZATION
 *   policy grants only organization-scope actions, wherever it is mapped. Which scope an action has comes from
 *   the action catalogue (catalog.ts), so a wildcard such as "*" or "*:describe*" in an ACCOUNT policy never
 *   reaches organization actions (creating users, reading the audit log, …);
 * - a matching DENY wins over ALLOW within the same scope; being mapped to an account with any ACCOUNT policy
 *   (or a POLICY_BASED mapping) makes the user a viewer of it ("a policy-based user with no policies is equivalent
 *   to a viewer user").
 * Refusals are 403 FORBIDDEN in Spot's envelope; objects of other organizations do not exist for the token
 * (`<Entity>_DOESNT_EXIST`), while an account of the caller's own organization it has no rights on is a 403.
 */
import { createHash } from "node:crypto";
import { policyAction } from "./catalog";
import type { Ctx, Principal } from "./context";
import { forbidden, unauthorized } from "./errors";
import type { Account, Policy, Statement } from "./model";
import type { Store } from "./store";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// Token → principal, valid while store.authGeneration is unchanged (any user, membership or token change
// invalidates every entry). Keyed by the token's hash so the cache holds no token values.
const principalCache = new WeakMap<Store, { generation: number; entries: Map<string, Principal> }>();
const CACHE_LIMIT = 10_000;

/** Resolves `Authorization: Bearer <token>` to a principal, or throws 401. */
export function authenticate(store: Store, header: string | undefined): Principal {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw unauthorized("Missing bearer token: send Authorization: Bearer <token>");
  const hash = hashToken(m[1]);
  let cache = principalCache.get(store);
  if (!cache || cache.generation !== store.authGeneration) {
    cache = { generation: store.authGeneration, entries: new Map() };
    principalCache.set(store, cache);
  }
  const hit = cache.entries.get(hash);
  if (hit) return hit;
  const row = store.findToken(hash);
  if (!row) throw unauthorized("Unknown or revoked token");
  // The shared, frozen user: a principal never changes the user it stands for.
  const user = store.peek("user", row.userId);
  const member = store.membership(row.userId, row.orgId);
  if (!user || !member) throw unauthorized("Unknown or revoked token");
  const principal: Principal = { user, orgId: row.orgId, role: member.role, tokenId: row.tokenId };
  if (cache.entries.size >= CACHE_LIMIT) cache.entries.clear();
  cache.entries.set(hash, principal);
  return principal;
}

export type Level = "read" | "write" | "admin";

/** What the principal's policies grant, computed once per request (see grantsOf). */
export interface Grants {
  /** ORGANIZATION policies mapped to the user directly or through its groups (their account list is moot). */
  organization: Policy[];
  /** ACCOUNT policies mapped with "*": every account, now and future. */
  everyAccount: Policy[];
  /** ACCOUNT policies per mapped account (direct, groups, POLICY_BASED account mappings). */
  byAccount: Map<string, Policy[]>;
}

function globMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const re = new RegExp("^" + pattern.split("*").map(escapeRe).join(".*") + "$", "i");
  return re.test(value);
}
function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

export function grantsOf(ctx: Ctx): Grants {
  if (ctx.grants) return ctx.grants;
  const { store, principal: p } = ctx;
  const grants: Grants = { organization: [], everyAccount: [], byAccount: new Map() };
  const seenOrg = new Set<string>();
  const usable = (id: string): Policy | undefined => {
    const pol = store.peek("policy", id);
    return pol && (pol.orgId === p.orgId || pol.orgId === "*") ? pol : undefined;
  };
  const onAccount = (accountId: string, pol: Policy) => {
    const list = grants.byAccount.get(accountId);
    if (!list) grants.byAccount.set(accountId, [pol]);
    else if (!list.includes(pol)) list.push(pol);
  };
  const mapped = (policyId: string, accountIds: string[]) => {
    const pol = usable(policyId);
    if (!pol) return;
    if (pol.type === "ORGANIZATION") {
      if (!seenOrg.has(pol.id)) grants.organization.push(pol);
      seenOrg.add(pol.id);
      return;
    }
    for (const acc of accountIds) {
      if (acc === "*") {
        if (!grants.everyAccount.includes(pol)) grants.everyAccount.push(pol);
      } else onAccount(acc, pol);
    }
  };
  for (const m of p.user.policies) if (m.orgId === p.orgId) mapped(m.policyId, m.accountIds);
  for (const g of store.groupsOf(p.orgId, p.user.id)) for (const m of g.policies) mapped(m.policyId, m.accountIds);
  // A POLICY_BASED account mapping is scoped to its account: only ACCOUNT policies count there.
  for (const [acc, mapping] of Object.entries(p.user.accounts)) {
    if (mapping.permissionStrategy !== "POLICY_BASED") continue;
    for (const id of mapping.policyIds ?? []) {
      const pol = usable(id);
      if (pol && pol.type === "ACCOUNT") onAccount(acc, pol);
    }
  }
  ctx.grants = grants;
  return grants;
}

/** ACCOUNT policies that apply on one account. */
export function accountPolicies(ctx: Ctx, accountId: string): Policy[] {
  const g = grantsOf(ctx);
  const mapped = g.byAccount.get(accountId) ?? [];
  return g.everyAccount.length === 0 ? mapped : [...g.everyAccount, ...mapped];
}

/**
 * "allow", "deny" (a matching DENY) or "none" for an action, looking only at policies of the action's scope.
 * Actions outside the catalogue are never granted: every action the emulator checks is in it.
 */
export function decide(policies: Policy[], action: string): "allow" | "deny" | "none" {
  const scope = policyAction(action)?.scope;
  if (!scope) return "none";
  const statements: Statement[] = policies.filter((x) => x.type === scope).flatMap((x) => x.statements);
  const matches = (s: Statement) => s.actions.some((a) => globMatch(a, action));
  if (statements.some((s) => s.effect === "DENY" && matches(s))) return "deny";
  return statements.some((s) => s.effect === "ALLOW" && matches(s)) ? "allow" : "none";
}

/**
 * Organization-wide permission: the organization role, or an organization-scope action granted by an
 * ORGANIZATION policy. Account roles and ACCOUNT policies never grant organization actions.
 */
export function requireOrg(ctx: Ctx, level: Level, action?: string): void {
  const p = ctx.principal;
  if (p.role === "admin") return;
  if (level === "read" && (p.role === "editor" || p.role === "viewer")) return;
  if (level === "write" && p.role === "editor") return;
  if (action && decide(grantsOf(ctx).organization, action) === "allow") return;
  throw forbidden(
    `Your token's user (${p.user.id}) is not allowed to ${describe(level, action)} in organization ${p.orgId}`,
  );
}

/**
 * Account-level permission check; the account must already be known to be in the caller's organization.
 * An account the caller has no rights on is refused (403), not hidden: it exists in the caller's organization,
 * and "does not exist" would make Terraform drop it from its state.
 */
export function requireAccount(ctx: Ctx, account: Account, level: Level, action?: string): void {
  const p = ctx.principal;
  if (p.role === "admin") return;
  if (level !== "admin") {
    if (p.role === "editor") return;
    if (level === "read" && p.role === "viewer") return;
    const mapping = p.user.accounts[account.id];
    if (mapping?.permissionStrategy === "ROLE_BASED" && (level === "read" || mapping.role === "editor")) return;
  }
  const policies = accountPolicies(ctx, account.id);
  const verdict = action ? decide(policies, action) : "none";
  if (verdict === "allow") return;
  if (verdict !== "deny" && level === "read") {
    if (policies.length > 0 || p.user.accounts[account.id]?.permissionStrategy === "POLICY_BASED") return;
  }
  throw forbidden(
    `Your token's user (${p.user.id}) is not allowed to ${describe(level, action)} on account ${account.id}`,
  );
}

/** Ids of the organization's accounts the principal may see, or "all". */
export function visibleAccounts(ctx: Ctx): "all" | Set<string> {
  const p = ctx.principal;
  if (p.role !== null) return "all";
  const g = grantsOf(ctx);
  if (g.everyAccount.length > 0) return "all";
  return new Set([...Object.keys(p.user.accounts), ...g.byAccount.keys()]);
}

function describe(level: Level, action?: string): string {
  const what = level === "read" ? "read" : level === "write" ? "make changes" : "perform administrative actions";
  return action ? `${what} (action ${action})` : what;
}
