import { requireOrg } from "../auth";
import { newAccount, newOrganization } from "../bootstrap";
import type { Ctx, RouteDef } from "../context";
import { badRequest, notFound } from "../errors";
import type { Organization } from "../model";
import * as v from "../validate";

const NS = "GENERAL";

function createOrganization(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:createOrganization");
  const b = v.body(ctx.body, true);
  const o = v.object(b, "organization", "body.organization", true);
  const name = v.string(o, "name", "body.organization.name", { required: true, letter: true, ...v.NAME });
  const org = newOrganization(ctx.store, name, ctx.principal.orgId, ctx.now);
  // A linked (child) organization: the caller becomes its admin and it starts with one default account.
  ctx.store.setMembership(ctx.principal.user.id, org.id, "admin");
  ctx.store.insert("account", org.id, newAccount(ctx.store, org.id, "Default Account", ctx.now));
  ctx.audit.resourceId = org.id;
  return {
    kind: "spotinst:setup:organization",
    items: [{ organizationId: Number(org.id), organizationName: org.name }],
  };
}

/** The caller's own organization or one linked below it; anything else does not exist for this token. */
function visibleOrganization(ctx: Ctx, id: string): Organization {
  let cur = ctx.store.peek("org", id);
  const target = cur;
  while (cur) {
    if (cur.id === ctx.principal.orgId) return target!;
    cur = cur.parentId ? ctx.store.peek("org", cur.parentId) : undefined;
  }
  throw notFound("Organization", id, "path.organizationId");
}

function deleteOrganization(ctx: Ctx) {
  const org = visibleOrganization(ctx, ctx.params.organizationId);
  requireOrg(ctx, "admin", "setup:deleteOrganization");
  const children = ctx.store.listAll("org").filter((o) => o.parentId === org.id);
  if (children.length > 0) {
    throw badRequest(
      "Organization_HAS_LINKED_ORGANIZATIONS",
      `Organization ${org.id} has linked organizations (${children.map((c) => c.id).join(", ")}); delete them first`,
    );
  }
  for (const m of ctx.store.members(org.id)) {
    ctx.store.removeMembership(m.userId, org.id);
    const user = ctx.store.get("user", m.userId);
    if (!user) continue;
    if (ctx.store.membershipsOf(m.userId).length === 0) ctx.store.remove("user", m.userId);
    else {
      user.policies = user.policies.filter((p) => p.orgId !== org.id);
      for (const id of Object.keys(user.accounts))
        if (ctx.store.peekInOrg("account", org.id, id)) delete user.accounts[id];
      ctx.store.update("user", user);
    }
  }
  ctx.store.removeOrganization(org.id);
  ctx.audit.resourceId = org.id;
  return {};
}

export const organizationRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/setup/organization",
    inSpec: true,
    handler: createOrganization,
    audit: { namespace: NS, actionType: "Create Organization", resourceType: "Organization" },
  },
  {
    method: "DELETE",
    path: "/setup/organization/{organizationId}",
    inSpec: true,
    handler: deleteOrganization,
    audit: { namespace: NS, actionType: "Delete Organization", resourceType: "Organization" },
  },
];
