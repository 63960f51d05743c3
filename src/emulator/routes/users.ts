import { createHash, randomBytes } from "node:crypto";
import { requireOrg } from "../auth";
import { issueToken } from "../bootstrap";
import type { Ctx, RouteDef } from "../context";
import { badRequest, forbidden, notFound, validationError } from "../errors";
import type { AccountMapping, OrgRole, PolicyMapping, User } from "../model";
import * as v from "../validate";
import { accountById, checkAccountIds, displayName, memberUser, oldestAccount, usablePolicy } from "./common";

const NS = "GENERAL";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function hashPassword(pw: string): string {
  const salt = randomBytes(8).toString("hex");
  return (
    salt +
    ":" +
    createHash("sha256")
      .update(salt + pw)
      .digest("hex")
  );
}

/** Emulator password policy: at least 8 characters with a letter and a digit. */
function checkPassword(pw: string): void {
  if (pw.length < 8 || !/[A-Za-z]/.test(pw) || !/\d/.test(pw)) {
    throw validationError(
      "body.password",
      '"password" must have at least 8 characters, including a letter and a digit',
    );
  }
}

/** The id of the organization's personal user with this e-mail (any case), through the store's e-mail index. */
function memberIdByEmail(ctx: Ctx, email: string): string | undefined {
  return ctx.store.userIdsByEmail(email).find((id) => ctx.store.membership(id, ctx.principal.orgId));
}

function createUser(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:createUser");
  const generateToken = v.queryBoolean(ctx.query, "generateToken") ?? false;
  const b = v.body(ctx.body, true);
  const firstName = v.string(b, "firstName", "body.firstName", { required: true, noSpecial: true, ...v.NAME });
  const lastName = v.string(b, "lastName", "body.lastName", { required: true, noSpecial: true, ...v.NAME });
  const email = v.string(b, "email", "body.email", { required: true, ...v.EMAIL });
  if (!EMAIL.test(email)) throw validationError("body.email", '"email" must be a valid email');
  const password = v.string(b, "password", "body.password", { maxLength: v.LIMITS.password });
  if (password !== undefined) checkPassword(password);
  const role = (v.string(b, "role", "body.role", { oneOf: ["admin", "editor", "viewer"] }) ?? "viewer") as OrgRole;
  // setup:createUser lets a policy-based user add viewers; a stronger organization role is for admins to give.
  if (role !== "viewer" && ctx.principal.role !== "admin") {
    throw forbidden(`Only an organization admin can create a user with the organization role "${role}"`);
  }
  if (memberIdByEmail(ctx, email) !== undefined) {
    throw badRequest(
      "USER_ALREADY_EXISTS",
      `A user with email ${email} already exists in this organization`,
      "body.email",
    );
  }
  const user: User = {
    id: ctx.store.newId("user", "u-"),
    type: "personal",
    legacyId: ctx.store.nextCounter("user"),
    createdAt: ctx.now.toISOString(),
    email,
    firstName,
    lastName,
    passwordHash: password === undefined ? undefined : hashPassword(password),
    mfa: false,
    policies: [],
    accounts: {},
  };
  // "If the role is a viewer, the user is also linked to the default account for the organization."
  const def = oldestAccount(ctx.store, ctx.principal.orgId);
  if (role === "viewer" && def) user.accounts[def.id] = { permissionStrategy: "ROLE_BASED", role: "viewer" };
  ctx.store.insert("user", "*", user);
  ctx.store.setMembership(user.id, ctx.principal.orgId, role);
  const item: Record<string, unknown> = {
    userId: user.id,
    id: user.legacyId,
    firstName,
    lastName,
    displayName: displayName(user),
    email,
    organizationId: Number(ctx.principal.orgId),
  };
  if (generateToken) item.personalAccessToken = issueToken(ctx.store, user.id, ctx.principal.orgId, "personal");
  ctx.audit.resourceId = user.id;
  return { kind: "spotinst:setup:user", items: [item] };
}

function createProgrammaticUser(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:createUser");
  const b = v.body(ctx.body, true);
  const name = v.string(b, "name", "body.name", { required: true, noSpecial: true, ...v.NAME });
  const description = v.string(b, "description", "body.description", v.DESCRIPTION);
  const accounts = v.objectArray(b, "accounts", "body.accounts");
  const policies = v.objectArray(b, "policies", "body.policies");
  if (accounts === undefined && policies === undefined) {
    throw validationError("body", '"value" must contain at least one of [accounts, policies]');
  }
  if (accounts !== undefined && accounts.length === 0) {
    throw validationError("body.accounts", '"accounts" must contain at least 1 items');
  }
  if (policies !== undefined && policies.length === 0) {
    throw validationError("body.policies", '"policies" must contain at least 1 items');
  }
  if (accounts !== undefined && policies !== undefined) {
    throw validationError("body", '"accounts" and "policies" cannot be used together; choose one permission model');
  }
  const user: User = {
    id: ctx.store.newId("user", "pu-"),
    type: "programmatic",
    legacyId: ctx.store.nextCounter("user"),
    createdAt: ctx.now.toISOString(),
    name,
    description: description ?? "",
    mfa: false,
    policies: [],
    accounts: {},
  };
  (accounts ?? []).forEach((a, i) => {
    const f = `body.accounts[${i}]`;
    const id = v.string(a, "id", `${f}.id`, { required: true });
    const role = v.string(a, "role", `${f}.role`, { required: true, oneOf: ["viewer", "editor"] }) as
      "viewer" | "editor";
    accountById(ctx, id, `${f}.id`);
    user.accounts[id] = { permissionStrategy: "ROLE_BASED", role };
  });
  user.policies = parsePolicyMappings(ctx, policies ?? [], "body.policies");
  ctx.store.insert("user", "*", user);
  ctx.store.setMembership(user.id, ctx.principal.orgId, null);
  const token = issueToken(ctx.store, user.id, ctx.principal.orgId, name);
  ctx.audit.resourceId = user.id;
  return { kind: "spotinst:setup:programmaticUser", items: [{ id: user.id, name, token }] };
}

/** `[{policyId, accountIds}]` checked against the organization's policies and accounts ("*" = all, now and future). */
export function parsePolicyMappings(ctx: Ctx, list: v.Obj[], field: string): PolicyMapping[] {
  return list.map((p, i) => {
    const f = `${field}[${i}]`;
    const policyId = v.string(p, "policyId", `${f}.policyId`, { required: true });
    usablePolicy(ctx, policyId, `${f}.policyId`);
    // The OpenAPI names the user-group variant `accounts`; Go and Terraform send `accountIds`. Accept both.
    const accountIds =
      v.stringArray(p, "accountIds", `${f}.accountIds`) ?? v.stringArray(p, "accounts", `${f}.accounts`) ?? [];
    checkAccountIds(ctx, accountIds, `${f}.accountIds`);
    return { orgId: ctx.principal.orgId, policyId, accountIds: [...new Set(accountIds)] };
  });
}

/**
 * Accounts a user is mapped to in the caller's organization (admins: all of them), oldest first. `all` is the
 * organization's account ids in creation order, computed once by the caller; the user's own mappings are walked,
 * not every account.
 */
function mappedAccountIds(ctx: Ctx, u: User, role: OrgRole | null, all: string[]): string[] {
  if (role === "admin") return all;
  const ids = new Set(Object.keys(u.accounts));
  for (const p of u.policies) {
    if (p.orgId !== ctx.principal.orgId) continue;
    if (p.accountIds.includes("*")) return all;
    for (const id of p.accountIds) ids.add(id);
  }
  return ctx.store.inOrder("account", ctx.principal.orgId, ids).map((a) => a.id);
}

function listUsers(ctx: Ctx) {
  requireOrg(ctx, "read", "setup:describeUser");
  const accountId = v.queryString(ctx.query, "accountId", false);
  if (accountId !== undefined) {
    accountById(ctx, accountId, "query.accountId");
    ctx.audit.accountId = accountId;
  }
  const all = ctx.store.list("account", ctx.principal.orgId).map((a) => a.id);
  const items = [];
  for (const m of ctx.store.members(ctx.principal.orgId)) {
    const u = ctx.store.peek("user", m.userId);
    if (!u || u.type !== "personal") continue;
    const mapped = mappedAccountIds(ctx, u, m.role, all);
    if (accountId !== undefined && !mapped.includes(accountId)) continue;
    items.push({ userId: u.id, displayName: displayName(u), email: u.email, mappedAccountIds: mapped });
  }
  return { kind: "spotinst:setup:user", items };
}

function groupsOf(ctx: Ctx, userId: string) {
  return ctx.store.groupsOf(ctx.principal.orgId, userId);
}

function policyName(ctx: Ctx, id: string): string {
  return ctx.store.peek("policy", id)?.name ?? id;
}

function listOrganizationUsers(ctx: Ctx) {
  requireOrg(ctx, "read", "setup:describeUser");
  const items = [];
  for (const m of ctx.store.members(ctx.principal.orgId)) {
    const u = ctx.store.peek("user", m.userId);
    if (!u) continue;
    const item: Record<string, unknown> = {
      userId: u.id,
      username: displayName(u),
      type: u.type,
      mfa: u.mfa,
      groupNames: groupsOf(ctx, u.id).map((g) => g.name),
    };
    if (u.email) item.email = u.email;
    items.push(item);
  }
  return { kind: "spotinst:setup:organization:user", items };
}

/**
 * User details: the OpenAPI fields, plus the fields Go's SDK decodes (firstName, lastName, role, displayName,
 * organizationId, userGroupIds, groupNames) and, for programmatic users, the ones Terraform decodes
 * (id, name, description, accounts, userGroupIds).
 */
function getUser(ctx: Ctx) {
  const self = ctx.params.userId === ctx.principal.user.id;
  if (!self) requireOrg(ctx, "read", "setup:describeUser");
  const u = memberUser(ctx, ctx.params.userId, undefined, false);
  const role = ctx.store.membership(u.id, ctx.principal.orgId)?.role ?? null;
  const groups = groupsOf(ctx, u.id);
  const policies = u.policies
    .filter((p) => p.orgId === ctx.principal.orgId)
    .map((p) => {
      const pol = ctx.store.peek("policy", p.policyId);
      return {
        policyId: p.policyId,
        policyName: pol?.name ?? p.policyId,
        policyType: pol?.type ?? "ACCOUNT",
        accountIds: p.accountIds,
      };
    });
  const tokens = ctx.store.tokensOf(u.id, ctx.principal.orgId).map((t) => ({
    name: t.name,
    createdAt: t.createdAt,
    tokenId: t.tokenId,
    tokenLastDigits: t.lastDigits,
  }));
  const item: Record<string, unknown> = {
    userId: u.id,
    username: displayName(u),
    type: u.type,
    mfa: u.mfa,
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      policyNames: g.policies.map((p) => policyName(ctx, p.policyId)),
    })),
    policies,
    tokens,
    userGroupIds: groups.map((g) => g.id),
    groupNames: groups.map((g) => g.name),
    organizationId: Number(ctx.principal.orgId),
  };
  if (u.type === "personal") {
    Object.assign(item, {
      email: u.email,
      firstName: u.firstName,
      lastName: u.lastName,
      displayName: displayName(u),
      role: role ?? undefined,
    });
  } else {
    const accounts = Object.entries(u.accounts)
      .filter(
        ([id, m]) => m.permissionStrategy === "ROLE_BASED" && ctx.store.peekInOrg("account", ctx.principal.orgId, id),
      )
      .map(([id, m]) => ({ id, role: m.role }));
    Object.assign(item, { id: u.id, name: u.name, description: u.description, accounts });
  }
  return { kind: "spotinst:setup:access:user", items: [item] };
}

function deleteUser(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:deleteUser");
  const u = memberUser(ctx, ctx.params.userId);
  ctx.audit.resourceId = u.id;
  const orgId = ctx.principal.orgId;
  const role = ctx.store.membership(u.id, orgId)?.role ?? null;
  if (role === "admin") {
    // Removing an admin is for admins: setup:deleteUser must not let a policy-based user lock the admins out.
    if (ctx.principal.role !== "admin") throw forbidden(`Only an organization admin can delete the admin ${u.id}`);
    const admins = ctx.store.admins(orgId, 2);
    if (admins.length === 1 && admins[0] === u.id) {
      throw badRequest("CANT_DELETE_LAST_ADMIN", `User ${u.id} is the organization's last admin and cannot be deleted`);
    }
  }
  for (const seen of groupsOf(ctx, u.id)) {
    const g = ctx.store.get("group", seen.id)!;
    g.userIds = g.userIds.filter((x) => x !== u.id);
    ctx.store.update("group", g);
  }
  ctx.store.removeMembership(u.id, orgId);
  if (ctx.store.membershipsOf(u.id).length === 0) {
    ctx.store.remove("user", u.id);
  } else {
    u.policies = u.policies.filter((p) => p.orgId !== orgId);
    for (const id of Object.keys(u.accounts)) if (ctx.store.peekInOrg("account", orgId, id)) delete u.accounts[id];
    ctx.store.update("user", u);
  }
  return {};
}

function updatePolicyMapping(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:updateUser");
  const u = memberUser(ctx, ctx.params.userId);
  ctx.audit.resourceId = u.id;
  const b = v.body(ctx.body, true);
  const list = v.objectArray(b, "policies", "body.policies", true)!;
  const mappings = parsePolicyMappings(ctx, list, "body.policies");
  // Replace semantics: the body is the user's whole direct mapping in this organization.
  u.policies = [...u.policies.filter((p) => p.orgId !== ctx.principal.orgId), ...mappings];
  ctx.store.update("user", u);
  return {};
}

function updateUserGroupMapping(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:updateUser");
  const u = memberUser(ctx, ctx.params.userId);
  ctx.audit.resourceId = u.id;
  const b = v.body(ctx.body, true);
  const ids = v.stringArray(b, "userGroupIds", "body.userGroupIds", true)!;
  ids.forEach((id, i) => {
    if (!ctx.store.getInOrg("group", ctx.principal.orgId, id)) {
      throw notFound("UserGroup", id, `body.userGroupIds[${i}]`);
    }
  });
  const current = new Set(groupsOf(ctx, u.id).map((g) => g.id));
  for (const id of new Set([...ids, ...current])) {
    const want = ids.includes(id);
    if (want === current.has(id)) continue;
    const g = ctx.store.get("group", id)!;
    g.userIds = want ? [...g.userIds, u.id] : g.userIds.filter((x) => x !== u.id);
    ctx.store.update("group", g);
  }
  return {};
}

// ---- account ↔ user mappings (role-based or policy-based per account) ------------------------------------

interface MappingInput {
  user: User;
  mapping: AccountMapping;
}

function parseAccountMapping(ctx: Ctx, o: v.Obj, field: string, needUser = true): MappingInput {
  const userId = v.string(o, "userId", `${field}.userId`);
  const userEmail = v.string(o, "userEmail", `${field}.userEmail`, v.EMAIL);
  let user: User | undefined;
  if (userId !== undefined) user = memberUser(ctx, userId, `${field}.userId`);
  else if (userEmail !== undefined) user = userByEmail(ctx, userEmail, `${field}.userEmail`);
  else if (needUser) throw validationError(`${field}`, '"value" must contain at least one of [userEmail, userId]');
  const strategy = (v.string(o, "permissionStrategy", `${field}.permissionStrategy`, {
    oneOf: ["ROLE_BASED", "POLICY_BASED"],
  }) ?? "ROLE_BASED") as AccountMapping["permissionStrategy"];
  if (strategy === "ROLE_BASED") {
    const role = v.string(o, "role", `${field}.role`, { required: true, oneOf: ["viewer", "editor"] }) as
      "viewer" | "editor";
    return { user: user!, mapping: { permissionStrategy: strategy, role } };
  }
  const policyIds = v.stringArray(o, "policyIds", `${field}.policyIds`, true)!;
  if (policyIds.length === 0) throw validationError(`${field}.policyIds`, '"policyIds" must contain at least 1 items');
  policyIds.forEach((id, i) => usablePolicy(ctx, id, `${field}.policyIds[${i}]`));
  return { user: user!, mapping: { permissionStrategy: strategy, policyIds } };
}

/** The organization's personal user with this e-mail (a private copy), or User_DOESNT_EXIST. */
export function userByEmail(ctx: Ctx, email: string, field: string): User {
  const id = memberIdByEmail(ctx, email);
  const u = id === undefined ? undefined : ctx.store.get("user", id);
  if (!u) throw notFound("User", email, field);
  return u;
}

function getAccountUserMapping(ctx: Ctx) {
  const email = v.queryString(ctx.query, "userEmail", true)!;
  const u = userByEmail(ctx, email, "query.userEmail");
  if (u.id !== ctx.principal.user.id) requireOrg(ctx, "read", "setup:describeUser");
  const items = ctx.store.inOrder("account", ctx.principal.orgId, Object.keys(u.accounts)).map((a) => {
    const m = u.accounts[a.id];
    return m.permissionStrategy === "ROLE_BASED"
      ? { accountId: a.id, role: m.role, permissionStrategy: m.permissionStrategy }
      : { accountId: a.id, permissionStrategy: m.permissionStrategy, policyIds: m.policyIds };
  });
  return { kind: "spotinst:setup:accountUserMapping", items };
}

function assignUsersToAccounts(ctx: Ctx) {
  const scope = v.queryString(ctx.query, "accountId", true)!;
  accountById(ctx, scope, "query.accountId");
  ctx.audit.accountId = scope;
  requireOrg(ctx, "admin", "setup:updateUserPermissions");
  const b = v.body(ctx.body, true);
  const list = v.objectArray(b, "mappings", "body.mappings", true)!;
  const parsed = list.map((o, i) => {
    const f = `body.mappings[${i}]`;
    const accountId = v.string(o, "accountId", `${f}.accountId`, { required: true });
    accountById(ctx, accountId, `${f}.accountId`);
    return { accountId, ...parseAccountMapping(ctx, o, f) };
  });
  for (const p of parsed) {
    const u = ctx.store.get("user", p.user.id)!;
    u.accounts[p.accountId] = p.mapping;
    ctx.store.update("user", u);
  }
  return {};
}

function attachUser(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId);
  ctx.audit.accountId = acc.id;
  requireOrg(ctx, "admin", "setup:updateUserPermissions");
  const { user, mapping } = parseAccountMapping(ctx, v.body(ctx.body, true), "body");
  ctx.audit.resourceId = user.id;
  // Attaching an already-attached user sets its permission again (idempotent, safe to retry).
  user.accounts[acc.id] = mapping;
  ctx.store.update("user", user);
  return {};
}

function updateAttachedUser(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId);
  ctx.audit.accountId = acc.id;
  requireOrg(ctx, "admin", "setup:updateUserPermissions");
  const { user, mapping } = parseAccountMapping(ctx, v.body(ctx.body, true), "body");
  ctx.audit.resourceId = user.id;
  if (!user.accounts[acc.id]) {
    throw notFound("UserAccountMapping", `${user.id}/${acc.id}`);
  }
  user.accounts[acc.id] = mapping;
  ctx.store.update("user", user);
  return {};
}

function detachUser(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId);
  ctx.audit.accountId = acc.id;
  requireOrg(ctx, "admin", "setup:updateUserPermissions");
  const b = v.body(ctx.body, true);
  const email = v.string(b, "userEmail", "body.userEmail", { required: true, ...v.EMAIL });
  const user = userByEmail(ctx, email, "body.userEmail");
  ctx.audit.resourceId = user.id;
  if (!user.accounts[acc.id]) throw notFound("UserAccountMapping", `${user.id}/${acc.id}`);
  delete user.accounts[acc.id];
  ctx.store.update("user", user);
  return {};
}

const audit = (actionType: string, resourceType = "User") => ({ namespace: NS, actionType, resourceType });

export const userRoutes: RouteDef[] = [
  { method: "POST", path: "/setup/user", inSpec: true, handler: createUser, audit: audit("Create User") },
  { method: "GET", path: "/setup/user", inSpec: true, handler: listUsers },
  {
    method: "POST",
    path: "/setup/user/programmatic",
    inSpec: true,
    handler: createProgrammaticUser,
    audit: audit("Create Programmatic User"),
  },
  { method: "GET", path: "/setup/organization/user", inSpec: true, handler: listOrganizationUsers },
  { method: "GET", path: "/setup/user/{userId}", inSpec: true, handler: getUser },
  { method: "DELETE", path: "/setup/user/{userId}", inSpec: true, handler: deleteUser, audit: audit("Delete User") },
  {
    method: "PUT",
    path: "/setup/user/{userId}/policyMapping",
    inSpec: true,
    handler: updatePolicyMapping,
    audit: audit("Update User Policy Mapping"),
  },
  {
    method: "PUT",
    path: "/setup/user/{userId}/userGroupMapping",
    inSpec: true,
    handler: updateUserGroupMapping,
    audit: audit("Update User Group Mapping"),
  },
  { method: "GET", path: "/setup/accountUserMapping", inSpec: true, handler: getAccountUserMapping },
  {
    method: "POST",
    path: "/setup/accountUserMapping",
    inSpec: true,
    handler: assignUsersToAccounts,
    audit: audit("Assign Users To Accounts", "AccountUserMapping"),
  },
  {
    method: "POST",
    path: "/setup/account/{accountId}/user",
    inSpec: true,
    handler: attachUser,
    audit: audit("Attach User To Account", "AccountUserMapping"),
  },
  {
    method: "PUT",
    path: "/setup/account/{accountId}/user",
    inSpec: true,
    handler: updateAttachedUser,
    audit: audit("Update User Permissions", "AccountUserMapping"),
  },
  {
    method: "DELETE",
    path: "/setup/account/{accountId}/user",
    inSpec: true,
    handler: detachUser,
    audit: audit("Detach User From Account", "AccountUserMapping"),
  },
];
