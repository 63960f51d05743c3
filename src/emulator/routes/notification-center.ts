import { requireAccount, visibleAccounts } from "../auth";
import { computeEvents } from "../catalog";
import type { Ctx, RouteDef } from "../context";
import { notFound, validationError } from "../errors";
import type { NotificationPolicy } from "../model";
import * as v from "../validate";
import { accountFromQuery } from "./common";
import { userByEmail } from "./users";

const NS = "NOTIFICATION_CENTER";
const KIND = "spotinst:notificationPolicy";
const SUBSCRIPTION_TYPES = ["email", "webhook", "slack", "sns"];
const IDENTIFIERS = [
  "resource_name",
  "resource_id",
  "region",
  "image",
  "tag",
  "load_balancer",
  "availability_zones",
  "security_groups",
];
const OPERATORS = ["equals", "not_equals", "contains", "not_contains", "start_with", "end_with"];

function subscriptions(ctx: Ctx, b: v.Obj): NotificationPolicy["subscriptions"] | undefined {
  const list = v.objectArray(b, "subscriptions", "body.subscriptions");
  return list?.map((s, i) => {
    const f = `body.subscriptions[${i}]`;
    const type = v.string(s, "type", `${f}.type`, { required: true, oneOf: SUBSCRIPTION_TYPES });
    const endpoint = v.string(s, "endpoint", `${f}.endpoint`, { required: true, maxLength: 500 });
    if (type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(endpoint)) {
      throw validationError(`${f}.endpoint`, '"endpoint" must be a valid email for type email');
    }
    if ((type === "webhook" || type === "slack") && !/^https?:\/\/\S+$/.test(endpoint)) {
      throw validationError(`${f}.endpoint`, `"endpoint" must be an http(s) URL for type ${type}`);
    }
    if (type === "sns" && !/^arn:aws[a-z-]*:sns:/.test(endpoint)) {
      throw validationError(`${f}.endpoint`, '"endpoint" must be an SNS topic ARN for type sns');
    }
    return { type, endpoint };
  });
}

function registeredUsers(ctx: Ctx, b: v.Obj): NotificationPolicy["registeredUsers"] | undefined {
  const list = v.objectArray(b, "registeredUsers", "body.registeredUsers");
  return list?.map((r, i) => {
    const f = `body.registeredUsers[${i}]`;
    const userEmail = v.string(r, "userEmail", `${f}.userEmail`, { required: true, ...v.EMAIL });
    userByEmail(ctx, userEmail, `${f}.userEmail`); // "The user must be part of the organization."
    const types = v.stringArray(r, "subscriptionTypes", `${f}.subscriptionTypes`, true)!;
    types.forEach((t, j) => {
      if (t !== "email" && t !== "console") {
        throw validationError(
          `${f}.subscriptionTypes[${j}]`,
          `"subscriptionTypes[${j}]" must be one of [email, console]`,
        );
      }
    });
    return { userEmail, subscriptionTypes: types };
  });
}

function computePolicyConfig(raw: v.Obj): Record<string, unknown> {
  const f = "body.computePolicyConfig";
  const events = v.objectArray(raw, "events", `${f}.events`, true)!;
  if (events.length === 0) throw validationError(`${f}.events`, '"events" must contain at least 1 items');
  const out: Record<string, unknown> = {
    events: events.map((e, i) => ({
      event: v.string(e, "event", `${f}.events[${i}].event`, { required: true }),
      type: v.string(e, "type", `${f}.events[${i}].type`, { required: true, oneOf: ["INFO", "WARN", "ERROR"] }),
    })),
  };
  const all = v.boolean(raw, "shouldIncludeAllResources", `${f}.shouldIncludeAllResources`) ?? false;
  const ids = v.stringArray(raw, "resourceIds", `${f}.resourceIds`) ?? [];
  const rules = (v.objectArray(raw, "dynamicRules", `${f}.dynamicRules`) ?? []).map((r, i) => ({
    filterConditions: (
      v.objectArray(r, "filterConditions", `${f}.dynamicRules[${i}].filterConditions`, true) ?? []
    ).map((c, j) => {
      const cf = `${f}.dynamicRules[${i}].filterConditions[${j}]`;
      return {
        identifier: v.string(c, "identifier", `${cf}.identifier`, { required: true, oneOf: IDENTIFIERS }),
        operator: v.string(c, "operator", `${cf}.operator`, { required: true, oneOf: OPERATORS }),
        expression: v.string(c, "expression", `${cf}.expression`, { required: true }),
      };
    }),
  }));
  const selectors = [all, ids.length > 0, rules.length > 0].filter(Boolean).length;
  if (selectors !== 1) {
    throw validationError(
      f,
      "Use exactly one resource selector: shouldIncludeAllResources: true, resourceIds, or dynamicRules",
    );
  }
  out.shouldIncludeAllResources = all;
  if (ids.length > 0) out.resourceIds = ids;
  if (rules.length > 0) out.dynamicRules = rules;
  return out;
}

/**
 * A notification policy of the caller's organization (a private copy). Private policies exist only for their
 * owner (and organization admins); whether the caller may read or change a public one is the account's
 * permission (403), checked by the route.
 */
function policyById(ctx: Ctx, id: string): NotificationPolicy {
  ctx.audit.resourceId = id;
  const p = ctx.store.getInOrg("npolicy", ctx.principal.orgId, id);
  const acc = p && ctx.store.peek("account", p.accountId);
  const visible =
    p && (p.privacyLevel === "public" || p.ownerUserId === ctx.principal.user.id || ctx.principal.role === "admin");
  if (!p || !acc || !visible) throw notFound("NotificationPolicy", id);
  ctx.audit.accountId = p.accountId;
  return p;
}

function ownerEmail(ctx: Ctx, p: NotificationPolicy): string {
  const u = ctx.store.peek("user", p.ownerUserId);
  return u?.email ?? u?.name ?? p.ownerUserId;
}

/** Owner, organization admins and editors of the policy's account may change it. */
function requireChange(ctx: Ctx, p: NotificationPolicy, action: string): void {
  if (p.ownerUserId === ctx.principal.user.id) return;
  requireAccount(ctx, ctx.store.peek("account", p.accountId)!, "write", action);
}

function createPolicy(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "notificationCenter:createPolicy");
  const b = v.body(ctx.body, true);
  const privacyLevel = v.string(b, "privacyLevel", "body.privacyLevel", {
    required: true,
    oneOf: ["public", "private"],
  }) as NotificationPolicy["privacyLevel"];
  const config = computePolicyConfig(v.object(b, "computePolicyConfig", "body.computePolicyConfig", true));
  const name = v.string(b, "name", "body.name", { nonEmpty: true, ...v.NAME }) ?? "";
  const description = v.string(b, "description", "body.description", { nonEmpty: true, ...v.DESCRIPTION }) ?? "";
  const subs = subscriptions(ctx, b) ?? [];
  if (privacyLevel === "private" && subs.length > 0) {
    throw validationError("body.subscriptions", '"subscriptions" are only allowed for public policies');
  }
  const now = ctx.now.toISOString();
  const p: NotificationPolicy = {
    id: ctx.store.newId("npolicy", "snp-"),
    orgId: ctx.principal.orgId,
    accountId: acc.id,
    ownerUserId: ctx.principal.user.id,
    name,
    description,
    privacyLevel,
    isActive: v.boolean(b, "isActive", "body.isActive") ?? true,
    subscriptions: subs,
    registeredUsers: registeredUsers(ctx, b) ?? [],
    computePolicyConfig: config,
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.insert("npolicy", p.orgId, p);
  ctx.audit.resourceId = p.id;
  return { kind: KIND, items: [wireFields(p)] };
}

function wireFields(p: NotificationPolicy) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    privacyLevel: p.privacyLevel,
    subscriptions: p.subscriptions,
    registeredUsers: p.registeredUsers,
    isActive: p.isActive,
    computePolicyConfig: p.computePolicyConfig,
  };
}

/** The caller's policies: public ones of accounts it sees, its own private ones, and those it is registered to. */
function listPolicies(ctx: Ctx) {
  const accountId = v.queryString(ctx.query, "accountId", false);
  const me = ctx.principal.user;
  const visible = visibleAccounts(ctx);
  const items = [];
  for (const p of ctx.store.list("npolicy", ctx.principal.orgId)) {
    if (accountId !== undefined && p.accountId !== accountId) continue;
    if (visible !== "all" && !visible.has(p.accountId)) continue;
    const registration = me.email
      ? p.registeredUsers.find((r) => r.userEmail.toLowerCase() === me.email!.toLowerCase())
      : undefined;
    if (p.privacyLevel === "private" && p.ownerUserId !== me.id && !registration && ctx.principal.role !== "admin")
      continue;
    const methods = new Set<string>([
      ...p.subscriptions.map((s) => s.type),
      ...(registration?.subscriptionTypes ?? []),
    ]);
    items.push({
      // Go's SDK decodes list items into NotificationCenter, whose id is `id` (docs/contract-deviations.md D10);
      // the OpenAPI's `policyId` stays for the clients that follow the spec.
      id: p.id,
      policyId: p.id,
      type: "compute",
      name: p.name,
      description: p.description,
      owner: ownerEmail(ctx, p),
      registeredUsersCount: p.registeredUsers.length,
      isActive: p.isActive,
      isRegistered: registration !== undefined,
      accountId: p.accountId,
      notificationMethod: [...methods],
    });
  }
  return { kind: "spotinst:notification:userNotificationPolicy", items };
}

/** computePolicyConfig is an object, as Go's SDK and Terraform decode it (the OpenAPI writes an array). */
function getPolicy(ctx: Ctx) {
  const p = policyById(ctx, ctx.params.policyId);
  requireAccount(ctx, ctx.store.peek("account", p.accountId)!, "read", "notificationCenter:describePolicy");
  return {
    kind: KIND,
    items: [
      {
        ...wireFields(p),
        owner: ownerEmail(ctx, p),
        type: "compute",
        accountId: p.accountId,
        computePolicyConfig: { ...p.computePolicyConfig, accountId: p.accountId },
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
      },
    ],
  };
}

function updatePolicy(ctx: Ctx) {
  const p = policyById(ctx, ctx.params.policyId);
  requireChange(ctx, p, "notificationCenter:updatePolicy");
  const b = v.body(ctx.body, true);
  if (b.privacyLevel !== undefined && b.privacyLevel !== null && b.privacyLevel !== p.privacyLevel) {
    throw validationError("body.privacyLevel", '"privacyLevel" cannot be changed; create a new policy instead');
  }
  const name = v.string(b, "name", "body.name", { nonEmpty: true, ...v.NAME });
  if (name !== undefined) p.name = name;
  if (b.description === null) p.description = "";
  const description = v.string(b, "description", "body.description", { nonEmpty: true, ...v.DESCRIPTION });
  if (description !== undefined) p.description = description;
  const isActive = v.boolean(b, "isActive", "body.isActive");
  if (isActive !== undefined) p.isActive = isActive;
  const subs = subscriptions(ctx, b);
  if (subs !== undefined) {
    if (p.privacyLevel === "private" && subs.length > 0) {
      throw validationError("body.subscriptions", '"subscriptions" are only allowed for public policies');
    }
    p.subscriptions = subs;
  }
  const regs = registeredUsers(ctx, b);
  if (regs !== undefined) p.registeredUsers = regs;
  const cfg = v.object(b, "computePolicyConfig", "body.computePolicyConfig");
  if (cfg !== undefined) p.computePolicyConfig = computePolicyConfig(cfg);
  p.updatedAt = ctx.now.toISOString();
  ctx.store.update("npolicy", p);
  return {};
}

function deletePolicy(ctx: Ctx) {
  const p = policyById(ctx, ctx.params.policyId);
  requireChange(ctx, p, "notificationCenter:deletePolicy");
  ctx.store.remove("npolicy", p.id);
  return {};
}

/**
 * The emulator manages no compute resources itself; the picker lists the resources the account's notification
 * policies and legacy subscriptions refer to (type from the id prefix), so what was configured can be picked again.
 */
function listResources(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read", "notificationCenter:describePolicy");
  const ids = new Set<string>();
  for (const p of ctx.store.list("npolicy", acc.orgId)) {
    if (p.accountId !== acc.id) continue;
    for (const id of (p.computePolicyConfig.resourceIds as string[] | undefined) ?? []) ids.add(id);
  }
  for (const s of ctx.store.list("subscription", acc.orgId)) if (s.accountId === acc.id) ids.add(s.resourceId);
  const typeOf = (id: string) =>
    id.startsWith("o-")
      ? "ocean"
      : id.startsWith("sig-")
        ? "elastigroup"
        : id.startsWith("ssn-")
          ? "statefulNode"
          : "resource";
  return {
    kind: "spotinst:notification:compute:accountResource",
    items: [...ids].map((id) => ({ Id: id, name: id, type: typeOf(id) })),
  };
}

function listEvents(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read", "notificationCenter:describePolicy");
  return { kind: "spotinst:notification:compute:event", items: computeEvents(acc.cloudProvider) };
}

const audit = (actionType: string) => ({ namespace: NS, actionType, resourceType: "NotificationPolicy" });

export const notificationCenterRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/notificationCenter/policy",
    inSpec: true,
    handler: createPolicy,
    audit: audit("Create Notification Policy"),
  },
  { method: "GET", path: "/notificationCenter/policy", inSpec: true, handler: listPolicies },
  { method: "GET", path: "/notificationCenter/policy/{policyId}", inSpec: true, handler: getPolicy },
  {
    method: "PUT",
    path: "/notificationCenter/policy/{policyId}",
    inSpec: true,
    handler: updatePolicy,
    audit: audit("Update Notification Policy"),
  },
  {
    method: "DELETE",
    path: "/notificationCenter/policy/{policyId}",
    inSpec: true,
    handler: deletePolicy,
    audit: audit("Delete Notification Policy"),
  },
  { method: "GET", path: "/notificationCenter/compute/resource", inSpec: true, handler: listResources },
  { method: "GET", path: "/notificationCenter/compute/event", inSpec: true, handler: listEvents },
];
