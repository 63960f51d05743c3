import { requireAccount } from "../auth";
import type { Ctx, RouteDef } from "../context";
import { notFound, validationError } from "../errors";
import type { Account, Subscription } from "../model";
import * as v from "../validate";
import { accountFromQuery } from "./common";

/** The deprecated events subscription service and account notification policy, still used by Terraform. */
const NS = "NOTIFICATIONS";
const KIND = "spotinst:subscription";
const PROTOCOLS = ["aws-sns", "email", "email-json", "web"];
const OCEAN_EVENTS = [
  "CLUSTER_ROLL_FINISHED",
  "CLUSTER_ROLL_FAILED",
  "OCEAN_CANT_SCALE_UP_MAX_RESOURCES",
  "OCEAN_LAUNCH_SPEC_CANT_SCALE_UP_MAX_INSTANCES",
  "OCEAN_K8S_NODE_REMOVED",
];
const EVENT_TYPES = [
  "AWS_EC2_INSTANCE_TERMINATE",
  "AWS_EC2_INSTANCE_TERMINATED",
  "AWS_EC2_INSTANCE_LAUNCH",
  "AWS_EC2_INSTANCE_READY_SIGNAL_TIMEOUT",
  "SIGNAL_TIMEOUT_SHUTDOWN_SCRIPT",
  "AWS_EC2_CANT_SPIN_OD",
  "AWS_EC2_INSTANCE_UNHEALTHY_IN_ELB",
  "GROUP_ROLL_FAILED",
  "GROUP_ROLL_FINISHED",
  "CANT_SCALE_UP_GROUP_MAX_CAPACITY",
  "GROUP_UPDATED",
  "AWS_EMR_PROVISION_TIMEOUT",
  "GROUP_BEANSTALK_INIT_READY",
  "AZURE_VM_TERMINATED",
  "AZURE_VM_TERMINATE",
  "AWS_EC2_MANAGED_INSTANCE_PAUSING",
  "AWS_EC2_MANAGED_INSTANCE_RESUMING",
  "AWS_EC2_MANAGED_INSTANCE_RECYCLING",
  "AWS_EC2_MANAGED_INSTANCE_DELETING",
  ...OCEAN_EVENTS,
];
const FORMAT_PLACEHOLDERS: Record<string, string> = {
  event: "%event%",
  resourceId: "%resource-id%",
  resourceName: "%resource-name%",
  instanceId: "%instance-id%",
  launchSpecId: "%launchSpec-id%",
  launchSpecName: "%launchSpec-name%",
  nodeName: "%node-name%",
  runningPodsOnNode: "%running-pods-on-node%",
};

interface SubInput {
  resourceId?: string;
  protocol?: string;
  endpoint?: string;
  eventType?: string;
  eventFormat?: Record<string, unknown> | null;
}

function parse(s: v.Obj, required: boolean): SubInput {
  const f = "body.subscription";
  const out: SubInput = {
    resourceId: v.string(s, "resourceId", `${f}.resourceId`, { required }),
    protocol: v.string(s, "protocol", `${f}.protocol`, { required, oneOf: PROTOCOLS }),
    endpoint: v.string(s, "endpoint", `${f}.endpoint`, { required }),
    eventType: v.string(s, "eventType", `${f}.eventType`, { required, oneOf: EVENT_TYPES }),
  };
  if (s.eventFormat === null) out.eventFormat = null;
  const fmt = v.object(s, "eventFormat", `${f}.eventFormat`);
  if (fmt) {
    for (const [k, val] of Object.entries(fmt)) {
      if (typeof val !== "string") throw validationError(`${f}.eventFormat.${k}`, `"${k}" must be a string`);
      const expected = FORMAT_PLACEHOLDERS[k];
      // Known keys carry their placeholder; any other key is custom text.
      if (expected !== undefined && val !== expected) {
        throw validationError(`${f}.eventFormat.${k}`, `"${k}" must be [${expected}]`);
      }
    }
    out.eventFormat = fmt;
  }
  return out;
}

/** Cross-field rules of the deprecated service, checked on the merged subscription. */
function check(acc: Account, sub: Subscription): void {
  const f = "body.subscription";
  if (!/^(sig|o|ssn)-[0-9a-z]+$/.test(sub.resourceId)) {
    throw validationError(
      `${f}.resourceId`,
      '"resourceId" must be an Elastigroup (sig-…), Ocean (o-…) or Stateful Node (ssn-…) id',
    );
  }
  if (OCEAN_EVENTS.includes(sub.eventType) && !sub.resourceId.startsWith("o-")) {
    throw validationError(`${f}.eventType`, `"${sub.eventType}" is an Ocean event and needs an Ocean resourceId (o-…)`);
  }
  const ep = sub.endpoint;
  const ok =
    sub.protocol === "web"
      ? /^https?:\/\/\S+$/.test(ep)
      : sub.protocol === "aws-sns"
        ? /^arn:aws[a-z-]*:sns:/.test(ep)
        : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(ep);
  if (!ok) throw validationError(`${f}.endpoint`, `"endpoint" is not a valid endpoint for protocol ${sub.protocol}`);
  if (sub.protocol === "aws-sns" && acc.cloudProvider && acc.cloudProvider !== "AWS") {
    throw validationError(`${f}.protocol`, '"aws-sns" is only supported with the AWS provider');
  }
}

function wire(s: Subscription) {
  const item: Record<string, unknown> = {
    id: s.id,
    resourceId: s.resourceId,
    protocol: s.protocol,
    endpoint: s.endpoint,
    eventType: s.eventType,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
  if (s.eventFormat) item.eventFormat = s.eventFormat;
  return item;
}

function subscriptionById(ctx: Ctx, acc: Account, id: string): Subscription {
  ctx.audit.resourceId = id;
  const s = ctx.store.getInOrg("subscription", ctx.principal.orgId, id);
  if (!s || s.accountId !== acc.id) throw notFound("Subscription", id);
  return s;
}

function create(ctx: Ctx) {
  const acc = accountFromQuery(ctx, false);
  requireAccount(ctx, acc, "write", "events:createSubscription");
  const b = v.body(ctx.body, true);
  const input = parse(v.object(b, "subscription", "body.subscription", true), true);
  const now = ctx.now.toISOString();
  const sub: Subscription = {
    id: ctx.store.newId("subscription", "sis-"),
    orgId: acc.orgId,
    accountId: acc.id,
    resourceId: input.resourceId!,
    protocol: input.protocol!,
    endpoint: input.endpoint!,
    eventType: input.eventType!,
    eventFormat: input.eventFormat ?? null,
    createdAt: now,
    updatedAt: now,
  };
  check(acc, sub);
  ctx.store.insert("subscription", sub.orgId, sub);
  ctx.audit.resourceId = sub.id;
  return { kind: KIND, items: [wire(sub)] };
}

function list(ctx: Ctx) {
  const acc = accountFromQuery(ctx, false);
  requireAccount(ctx, acc, "read", "events:describeSubscription");
  const items = ctx.store
    .list("subscription", acc.orgId)
    .filter((s) => s.accountId === acc.id)
    .map(wire);
  return { kind: KIND, items };
}

function get(ctx: Ctx) {
  const acc = accountFromQuery(ctx, false);
  requireAccount(ctx, acc, "read", "events:describeSubscription");
  return { kind: KIND, items: [wire(subscriptionById(ctx, acc, ctx.params.subscriptionId))] };
}

/** Partial update; the answer carries `affectedRows` as the OpenAPI documents. */
function update(ctx: Ctx) {
  const acc = accountFromQuery(ctx, false);
  requireAccount(ctx, acc, "write", "events:updateSubscription");
  const sub = subscriptionById(ctx, acc, ctx.params.subscriptionId);
  const b = v.body(ctx.body, true);
  const input = parse(v.object(b, "subscription", "body.subscription", true), false);
  const next: Subscription = {
    ...sub,
    resourceId: input.resourceId ?? sub.resourceId,
    protocol: input.protocol ?? sub.protocol,
    endpoint: input.endpoint ?? sub.endpoint,
    eventType: input.eventType ?? sub.eventType,
    eventFormat: input.eventFormat === undefined ? sub.eventFormat : input.eventFormat,
    updatedAt: ctx.now.toISOString(),
  };
  check(acc, next);
  ctx.store.update("subscription", next);
  return { extra: { affectedRows: 1 } };
}

function remove(ctx: Ctx) {
  const acc = accountFromQuery(ctx, false);
  requireAccount(ctx, acc, "write", "events:deleteSubscription");
  const sub = subscriptionById(ctx, acc, ctx.params.subscriptionId);
  ctx.store.remove("subscription", sub.id);
  return {};
}

// ---- account notification policy ------------------------------------------------------------------------

function statements(p: v.Obj | undefined, field: string) {
  if (p === undefined) return undefined;
  return (v.objectArray(p, "statements", `${field}.statements`, true) ?? []).map((s, i) => {
    const f = `${field}.statements[${i}]`;
    const ids = (key: string) =>
      (v.objectArray(s, key, `${f}.${key}`) ?? []).map((r, j) => ({
        id: v.string(r, "id", `${f}.${key}[${j}].id`, { required: true }),
      }));
    return {
      category: v.string(s, "category", `${f}.category`, { required: true }),
      subCategory: v.string(s, "subCategory", `${f}.subCategory`, { required: true }),
      isEnabled: v.boolean(s, "isEnabled", `${f}.isEnabled`) ?? true,
      applyOnFutureResources: v.boolean(s, "applyOnFutureResources", `${f}.applyOnFutureResources`) ?? false,
      allowedResources: ids("allowedResources"),
      deniedResources: ids("deniedResources"),
    };
  });
}

function putAccountPolicy(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "events:updateAccountPolicy");
  ctx.audit.resourceId = acc.id;
  const b = v.body(ctx.body, true);
  const ap = v.object(b, "accountPolicy", "body.accountPolicy", true);
  const current = ctx.store.get("accountPolicy", acc.id)?.accountPolicy ?? {};
  const email = statements(
    v.object(ap, "emailPolicy", "body.accountPolicy.emailPolicy"),
    "body.accountPolicy.emailPolicy",
  );
  const slack = statements(
    v.object(ap, "slackPolicy", "body.accountPolicy.slackPolicy"),
    "body.accountPolicy.slackPolicy",
  );
  const next = {
    emailPolicy: email === undefined ? (current.emailPolicy ?? { statements: [] }) : { statements: email },
    slackPolicy: slack === undefined ? (current.slackPolicy ?? { statements: [] }) : { statements: slack },
  };
  const doc = { id: acc.id, orgId: acc.orgId, accountPolicy: next, updatedAt: ctx.now.toISOString() };
  if (ctx.store.get("accountPolicy", acc.id)) ctx.store.update("accountPolicy", doc);
  else ctx.store.insert("accountPolicy", acc.orgId, doc);
  return {};
}

function getAccountPolicy(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read", "events:describeSubscription");
  const doc = ctx.store.get("accountPolicy", acc.id);
  const accountPolicy = doc?.accountPolicy ?? { emailPolicy: { statements: [] }, slackPolicy: { statements: [] } };
  return { kind: "spotinst:notification:accountPolicy", items: [{ accountPolicy }] };
}

const audit = (actionType: string, resourceType = "Subscription") => ({ namespace: NS, actionType, resourceType });

export const subscriptionRoutes: RouteDef[] = [
  { method: "POST", path: "/events/subscription", inSpec: true, handler: create, audit: audit("Create Subscription") },
  { method: "GET", path: "/events/subscription", inSpec: true, handler: list },
  { method: "GET", path: "/events/subscription/{subscriptionId}", inSpec: true, handler: get },
  {
    method: "PUT",
    path: "/events/subscription/{subscriptionId}",
    inSpec: true,
    handler: update,
    audit: audit("Update Subscription"),
  },
  {
    method: "DELETE",
    path: "/events/subscription/{subscriptionId}",
    inSpec: true,
    handler: remove,
    audit: audit("Delete Subscription"),
  },
  {
    method: "PUT",
    path: "/events/notification/accountPolicy",
    inSpec: true,
    handler: putAccountPolicy,
    audit: audit("Update Account Notification Policy", "AccountPolicy"),
  },
  { method: "GET", path: "/events/notification/accountPolicy", inSpec: true, handler: getAccountPolicy },
];
