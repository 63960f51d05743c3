import { createHash } from "node:crypto";
import type { Ctx, Principal } from "./context";
import { forbidden, notFound, unauthorized } from "./errors";
import type { Account, Policy, Statement, UserGroup } from "./model";
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
  const user = store.get("user", row.userId);
  const member = store.membership(row.userId, row.orgId);
  if (!user || !member) throw unauthorized("Unknown or revoked token");
  const principal: Principal = { user, orgId: row.orgId, role: member.role, tokenId: row.tokenId };
  if (cache.entries.size >= CACHE_LIMIT) cache.entries.clear();
  cache.entries.set(hash, principal);
  return principal;
}

/**
 * Permission model (emulator choice documented in docs/emulator.md, following the spec's permission text):
 * - organization role admin: everything in the organization;
 * - organization role editor: read everything, write account-level objects (accounts, credentials, notifications);
 * - organization role viewer: read everything (incl. audit events);
 * - account role viewer/editor (role-based mapping): read / write that account's objects;
 * - access policies (direct, through user groups, or POLICY_BASED account mappings) grant named actions
 *   such as `setup:updateAccount`; a matching DENY wins over ALLOW.
 */
export type Level = "read" | "write" | "admin";

function globMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  const re = new RegExp("^" + pattern.split("*").map(escapeRe).join(".*") + "$", "i");
  return re.test(value);
}
function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** Policies usable by the principal, optionally restricted to those mapped on one account. */
export function effectivePolicies(store: Store, p: Principal, accountId: string | null): Policy[] {
  const ids = new Set<string>();
  const covers = (accountIds: string[]) =>
    accountId === null || accountIds.includes("*") || accountIds.includes(accountId);
  for (const m of p.user.policies) if (m.orgId === p.orgId && covers(m.accountIds)) ids.add(m.policyId);
  for (const g of store.list("group", p.orgId) as UserGroup[]) {
    if (!g.userIds.includes(p.user.id)) continue;
    for (const m of g.policies) if (covers(m.accountIds)) ids.add(m.policyId);
  }
  for (const [acc, mapping] of Object.entries(p.user.accounts)) {
    if (accountId !== null && acc !== accountId) continue;
    if (mapping.permissionStrategy === "POLICY_BASED") for (const id of mapping.policyIds ?? []) ids.add(id);
  }
  const out: Policy[] = [];
  for (const id of ids) {
    const pol = store.get("policy", id);
    if (pol && (pol.orgId === p.orgId || pol.orgId === "*")) out.push(pol);
  }
  return out;
}

export function actionAllowed(policies: Policy[], action: string): boolean {
  const statements: Statement[] = policies.flatMap((x) => x.statements);
  if (statements.some((s) => s.effect === "DENY" && s.actions.some((a) => globMatch(a, action)))) return false;
  return statements.some((s) => s.effect === "ALLOW" && s.actions.some((a) => globMatch(a, action)));
}

/** Organization-wide permission check. */
export function requireOrg(ctx: Ctx, level: Level, action?: string): void {
  const p = ctx.principal;
  if (p.role === "admin") return;
  if (level === "read" && (p.role === "editor" || p.role === "viewer")) return;
  if (level === "write" && p.role === "editor") return;
  if (action && actionAllowed(effectivePolicies(ctx.store, p, null), action)) return;
  throw forbidden(
    `Your token's user (${p.user.id}) is not allowed to ${describe(level, action)} in organization ${p.orgId}`,
  );
}

/** Whether the principal can see the account at all (any role, mapping or policy on it). */
export function canSeeAccount(ctx: Ctx, account: Account): boolean {
  const p = ctx.principal;
  if (p.role !== null) return true;
  if (p.user.accounts[account.id]) return true;
  return effectivePolicies(ctx.store, p, account.id).length > 0;
}

/** Account-level permission check; the account must already be known to be in the caller's organization. */
export function requireAccount(ctx: Ctx, account: Account, level: Level, action?: string): void {
  const p = ctx.principal;
  if (p.role === "admin") return;
  if (level !== "admin") {
    if (p.role === "editor") return;
    if (level === "read" && p.role === "viewer") return;
    const mapping = p.user.accounts[account.id];
    if (mapping?.permissionStrategy === "ROLE_BASED") {
      if (level === "read" || mapping.role === "editor") return;
    }
  }
  const policies = effectivePolicies(ctx.store, p, account.id);
  if (level === "read" && policies.length > 0) return;
  if (action && actionAllowed(policies, action)) return;
  if (!canSeeAccount(ctx, account)) throw notFound("Account", account.id);
  throw forbidden(
    `Your token's user (${p.user.id}) is not allowed to ${describe(level, action)} on account ${account.id}`,
  );
}

function describe(level: Level, action?: string): string {
  const what = level === "read" ? "read" : level === "write" ? "make changes" : "perform administrative actions";
  return action ? `${what} (action ${action})` : what;
}
