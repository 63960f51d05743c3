import { requireAccount, requireOrg } from "../auth";
import { POLICY_ACTIONS, policyAction } from "../catalog";
import type { Ctx, RouteDef } from "../context";
import { badRequest, notFound, validationError } from "../errors";
import type { Policy, Statement } from "../model";
import * as v from "../validate";
import { accountFromQuery } from "./common";

const NS = "GENERAL";
const ACTION = /^(\*|[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9*]+)$/;

function statements(content: v.Obj, field: string): Statement[] {
  const list = v.objectArray(content, "statements", `${field}.statements`, true)!;
  if (list.length === 0) throw validationError(`${field}.statements`, '"statements" must contain at least 1 items');
  return list.map((s, i) => {
    const f = `${field}.statements[${i}]`;
    const effect = v.string(s, "effect", `${f}.effect`, {
      required: true,
      oneOf: ["ALLOW", "DENY"],
    }) as Statement["effect"];
    const actions = v.stringArray(s, "actions", `${f}.actions`, true)!;
    if (actions.length === 0) throw validationError(`${f}.actions`, '"actions" must contain at least 1 items');
    actions.forEach((x, j) => {
      if (!ACTION.test(x)) {
        throw validationError(
          `${f}.actions[${j}]`,
          `"actions[${j}]" must be "*" or service:action (e.g. ocean:updateCluster)`,
        );
      }
    });
    const resources = v.stringArray(s, "resources", `${f}.resources`, true)!;
    if (resources.length === 0) throw validationError(`${f}.resources`, '"resources" must contain at least 1 items');
    return { effect, actions, resources };
  });
}

/** ORGANIZATION when every action is an organization-scope action of the catalogue, else ACCOUNT (emulator choice). */
function inferType(sts: Statement[]): Policy["type"] {
  const actions = sts.flatMap((s) => s.actions);
  return actions.every((x) => policyAction(x)?.scope === "ORGANIZATION") ? "ORGANIZATION" : "ACCOUNT";
}

function assertNameFree(ctx: Ctx, name: string, exceptId: string | null): void {
  const lower = name.toLowerCase();
  const clash = ctx.store
    .list("policy", ctx.principal.orgId)
    .find((p) => p.name.toLowerCase() === lower && p.id !== exceptId);
  if (clash)
    throw badRequest(
      "POLICY_ALREADY_EXISTS",
      `A policy named "${name}" already exists (${clash.id})`,
      "body.policy.name",
    );
}

function ownPolicy(ctx: Ctx, id: string): Policy {
  ctx.audit.resourceId = id;
  const pol = ctx.store.get("policy", id);
  if (pol?.builtIn) {
    throw badRequest("POLICY_IS_BUILT_IN", `Policy ${id} ("${pol.name}") is built in and cannot be changed or deleted`);
  }
  if (!pol || pol.orgId !== ctx.principal.orgId) throw notFound("Policy", id);
  return pol;
}

const wire = (p: Policy) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  type: p.type,
  policyContent: { statements: p.statements },
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

function createPolicy(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:createPolicy");
  const b = v.body(ctx.body, true);
  const p = v.object(b, "policy", "body.policy", true);
  const name = v.string(p, "name", "body.policy.name", { required: true, noSpecial: true, ...v.NAME });
  const description = v.string(p, "description", "body.policy.description", v.DESCRIPTION) ?? "";
  const content = v.object(p, "policyContent", "body.policy.policyContent", true);
  const sts = statements(content, "body.policy.policyContent");
  const type = v.string(p, "type", "body.policy.type", { oneOf: ["ACCOUNT", "ORGANIZATION"] }) as
    Policy["type"] | undefined;
  assertNameFree(ctx, name, null);
  const now = ctx.now.toISOString();
  const pol: Policy = {
    id: ctx.store.newId("policy", "pol-"),
    orgId: ctx.principal.orgId,
    name,
    description,
    type: type ?? inferType(sts),
    statements: sts,
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.insert("policy", pol.orgId, pol);
  ctx.audit.resourceId = pol.id;
  return {
    kind: "spotinst:setup:access:policy",
    items: [{ id: pol.id, name, description, policyContent: { statements: sts } }],
  };
}

function updatePolicy(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:updatePolicy");
  const pol = ownPolicy(ctx, ctx.params.policyId);
  const b = v.body(ctx.body, true);
  const p = v.object(b, "policy", "body.policy", true);
  // Partial update: fields not sent keep their value.
  const name = v.string(p, "name", "body.policy.name", { nonEmpty: true, noSpecial: true, ...v.NAME });
  const description = v.string(p, "description", "body.policy.description", v.DESCRIPTION);
  const content = v.object(p, "policyContent", "body.policy.policyContent");
  if (name !== undefined) {
    assertNameFree(ctx, name, pol.id);
    pol.name = name;
  }
  if (description !== undefined) pol.description = description;
  if (content !== undefined) {
    pol.statements = statements(content, "body.policy.policyContent");
    pol.type = inferType(pol.statements);
  }
  const type = v.string(p, "type", "body.policy.type", { oneOf: ["ACCOUNT", "ORGANIZATION"] });
  if (type !== undefined) pol.type = type as Policy["type"];
  pol.updatedAt = ctx.now.toISOString();
  ctx.store.update("policy", pol);
  return {};
}

/** Deleting a policy removes it from every user, group and account mapping of the organization. */
function deletePolicy(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:deletePolicy");
  const pol = ownPolicy(ctx, ctx.params.policyId);
  const { store } = ctx;
  for (const id of store.usersReferring("policy", pol.id)) {
    const u = store.get("user", id)!;
    u.policies = u.policies.filter((x) => x.policyId !== pol.id);
    for (const mapping of Object.values(u.accounts)) {
      if (mapping.policyIds) mapping.policyIds = mapping.policyIds.filter((x) => x !== pol.id);
    }
    store.update("user", u);
  }
  for (const seen of store.list("group", pol.orgId)) {
    if (!seen.policies.some((x) => x.policyId === pol.id)) continue;
    const g = store.get("group", seen.id)!;
    g.policies = g.policies.filter((x) => x.policyId !== pol.id);
    store.update("group", g);
  }
  store.remove("policy", pol.id);
  return {};
}

function listOrganizationPolicies(ctx: Ctx) {
  requireOrg(ctx, "read", "setup:describePolicy");
  return { kind: "spotinst:setup:organization:policy", items: ctx.store.list("policy", ctx.principal.orgId).map(wire) };
}

/** Policies applicable to accounts (type ACCOUNT) for the account named by `accountId`. */
function listAccountPolicies(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read");
  const items = ctx.store
    .list("policy", ctx.principal.orgId)
    .filter((p) => p.type === "ACCOUNT")
    .map(({ id, name, description, statements: sts, createdAt, updatedAt }) => ({
      id,
      name,
      description,
      policyContent: { statements: sts },
      createdAt,
      updatedAt,
    }));
  return { kind: "spotinst:setup:access:policy", items };
}

function listPolicyActions(ctx: Ctx) {
  const filters = ["name", "service", "resourcePattern", "scope", "category"] as const;
  const items = POLICY_ACTIONS.filter((x) =>
    filters.every((f) => {
      const want = ctx.query[f];
      return want === undefined || want === "" || x[f].toLowerCase() === want.toLowerCase();
    }),
  );
  return { kind: "spotinst:setup:policyAction", items };
}

const audit = (actionType: string) => ({ namespace: NS, actionType, resourceType: "Policy" });

export const policyRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/setup/access/policy",
    inSpec: true,
    handler: createPolicy,
    audit: audit("Create Access Policy"),
  },
  { method: "GET", path: "/setup/access/policy", inSpec: true, handler: listAccountPolicies },
  {
    method: "PUT",
    path: "/setup/access/policy/{policyId}",
    inSpec: true,
    handler: updatePolicy,
    audit: audit("Update Access Policy"),
  },
  {
    method: "DELETE",
    path: "/setup/access/policy/{policyId}",
    inSpec: true,
    handler: deletePolicy,
    audit: audit("Delete Access Policy"),
  },
  { method: "GET", path: "/setup/organization/policy", inSpec: true, handler: listOrganizationPolicies },
  { method: "GET", path: "/setup/access/policyAction", inSpec: true, handler: listPolicyActions },
];
