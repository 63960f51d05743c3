import { requireOrg } from "../auth";
import type { Ctx, RouteDef } from "../context";
import { badRequest, notFound } from "../errors";
import type { UserGroup } from "../model";
import * as v from "../validate";
import { displayName, memberUser } from "./common";
import { parsePolicyMappings } from "./users";

const NS = "GENERAL";
const KIND = "spotinst:setup:access:userGroup";

function groupById(ctx: Ctx, id: string): UserGroup {
  const g = ctx.store.getInOrg("group", ctx.principal.orgId, id);
  if (!g) throw notFound("UserGroup", id);
  ctx.audit.resourceId = g.id;
  return g;
}

/** Group names are unique within an organization (emulator choice: they are how users and lists name groups). */
function assertNameFree(ctx: Ctx, name: string, exceptId: string | null, field: string): void {
  const lower = name.toLowerCase();
  const clash = ctx.store
    .list("group", ctx.principal.orgId)
    .find((g) => g.name.toLowerCase() === lower && g.id !== exceptId);
  if (clash)
    throw badRequest("USER_GROUP_ALREADY_EXISTS", `A user group named "${name}" already exists (${clash.id})`, field);
}

function userIdsOf(ctx: Ctx, b: v.Obj, field: string): string[] | undefined {
  const ids = v.stringArray(b, "userIds", field);
  ids?.forEach((id, i) => memberUser(ctx, id, `${field}[${i}]`));
  return ids === undefined ? undefined : [...new Set(ids)];
}

function stripOrg(m: { policyId: string; accountIds: string[] }[]) {
  return m.map(({ policyId, accountIds }) => ({ policyId, accountIds }));
}

function policyNames(ctx: Ctx, g: UserGroup): string[] {
  return g.policies.map((p) => ctx.store.peek("policy", p.policyId)?.name ?? p.policyId);
}

function listGroups(ctx: Ctx) {
  requireOrg(ctx, "read", "setup:describeUserGroup");
  const items = ctx.store.list("group", ctx.principal.orgId).map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    createdAt: g.createdAt,
    usersCount: g.userIds.length,
    policyNames: policyNames(ctx, g),
  }));
  return { kind: KIND, items };
}

function createGroup(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:createUserGroup");
  const b = v.body(ctx.body, true);
  const name = v.string(b, "name", "body.name", { required: true, noSpecial: true, ...v.NAME });
  assertNameFree(ctx, name, null, "body.name");
  const description = v.string(b, "description", "body.description", v.DESCRIPTION) ?? "";
  const userIds = userIdsOf(ctx, b, "body.userIds") ?? [];
  const policies = stripOrg(
    parsePolicyMappings(ctx, v.objectArray(b, "policies", "body.policies") ?? [], "body.policies"),
  );
  const g: UserGroup = {
    id: ctx.store.newId("group", "ugr-"),
    orgId: ctx.principal.orgId,
    name,
    description,
    createdAt: ctx.now.toISOString(),
    userIds,
    policies,
  };
  ctx.store.insert("group", g.orgId, g);
  ctx.audit.resourceId = g.id;
  return {
    kind: KIND,
    items: [{ id: g.id, name, description, createdAt: g.createdAt, userIds, policies }],
  };
}

/** Details: the OpenAPI's users/policies (with accountNames) plus the userIds/accountIds Go's SDK decodes. */
function getGroup(ctx: Ctx) {
  requireOrg(ctx, "read", "setup:describeUserGroup");
  const g = groupById(ctx, ctx.params.userGroupId);
  const users = g.userIds
    .map((id) => ctx.store.peek("user", id))
    .filter((u) => u !== undefined)
    .map((u) => ({ userId: u.id, userName: displayName(u), type: u.type }));
  const accountName = (id: string) =>
    id === "*" ? "*" : (ctx.store.peekInOrg("account", ctx.principal.orgId, id)?.name ?? id);
  const policies = g.policies.map((p) => {
    const pol = ctx.store.peek("policy", p.policyId);
    return {
      policyId: p.policyId,
      policyName: pol?.name ?? p.policyId,
      policyType: pol?.type ?? "ACCOUNT",
      accountIds: p.accountIds,
      accountNames: p.accountIds.map(accountName),
    };
  });
  return {
    kind: KIND,
    items: [
      {
        id: g.id,
        name: g.name,
        description: g.description,
        createdAt: g.createdAt,
        users,
        userIds: g.userIds,
        policies,
      },
    ],
  };
}

function updateGroup(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:updateUserGroup");
  const g = groupById(ctx, ctx.params.userGroupId);
  const b = v.body(ctx.body, true);
  const name = v.string(b, "name", "body.name", { nonEmpty: true, noSpecial: true, ...v.NAME });
  const description = v.string(b, "description", "body.description", { nonEmpty: true, ...v.DESCRIPTION });
  if (name !== undefined) {
    assertNameFree(ctx, name, g.id, "body.name");
    g.name = name;
  }
  if (description !== undefined) g.description = description;
  ctx.store.update("group", g);
  return {};
}

function deleteGroup(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:deleteUserGroup");
  const g = groupById(ctx, ctx.params.userGroupId);
  ctx.store.remove("group", g.id);
  return {};
}

function updateUserMapping(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:updateUserGroup");
  const g = groupById(ctx, ctx.params.userGroupId);
  const b = v.body(ctx.body, true);
  v.array(b, "userIds", "body.userIds", true);
  g.userIds = userIdsOf(ctx, b, "body.userIds")!;
  ctx.store.update("group", g);
  return {};
}

function updatePolicyMapping(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:updateUserGroup");
  const g = groupById(ctx, ctx.params.userGroupId);
  const b = v.body(ctx.body, true);
  const list = v.objectArray(b, "policies", "body.policies", true)!;
  g.policies = stripOrg(parsePolicyMappings(ctx, list, "body.policies"));
  ctx.store.update("group", g);
  return {};
}

const audit = (actionType: string) => ({ namespace: NS, actionType, resourceType: "UserGroup" });

export const userGroupRoutes: RouteDef[] = [
  { method: "GET", path: "/setup/access/userGroup", inSpec: true, handler: listGroups },
  {
    method: "POST",
    path: "/setup/access/userGroup",
    inSpec: true,
    handler: createGroup,
    audit: audit("Create User Group"),
  },
  { method: "GET", path: "/setup/access/userGroup/{userGroupId}", inSpec: true, handler: getGroup },
  {
    method: "PUT",
    path: "/setup/access/userGroup/{userGroupId}",
    inSpec: true,
    handler: updateGroup,
    audit: audit("Update User Group"),
  },
  {
    method: "DELETE",
    path: "/setup/access/userGroup/{userGroupId}",
    inSpec: true,
    handler: deleteGroup,
    audit: audit("Delete User Group"),
  },
  {
    method: "PUT",
    path: "/setup/access/userGroup/{userGroupId}/userMapping",
    inSpec: true,
    handler: updateUserMapping,
    audit: audit("Update User Group User Mapping"),
  },
  {
    method: "PUT",
    path: "/setup/access/userGroup/{userGroupId}/policyMapping",
    inSpec: true,
    handler: updatePolicyMapping,
    audit: audit("Update User Group Policy Mapping"),
  },
];
