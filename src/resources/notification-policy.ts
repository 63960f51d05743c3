/**
 * NotificationPolicy: a Notification Center policy of an account (/notificationCenter/policy…): which compute
 * events notify whom (e-mail, webhook, Slack, SNS subscriptions and registered organization users), for which
 * resources. Everything but the account and the privacy level changes in place with PUT (partial update).
 */
import type {
  ComputePolicyConfig,
  NotificationPolicy as WirePolicy,
  NotificationPolicyInput,
  NotificationPolicyUpdate,
} from "../api/types";
import { Ambiguous } from "../core/errors";
import type { CheckFailure, FieldChange, Props, ResourceContext, ResourceKind } from "../core/kind";
import { changed } from "./shared/assignments";
import { orGone, readAll } from "./shared/gone";
import { EMAIL, accountIdShape, emailShape, sameEmail } from "./shared/ids";

export interface Subscription {
  type: "email" | "webhook" | "slack" | "sns";
  endpoint: string;
}
export interface RegisteredUser {
  userEmail: string;
  subscriptionTypes: ("email" | "console")[];
}
export interface EventSpec {
  event: string;
  type: "INFO" | "WARN" | "ERROR";
}
export interface FilterCondition {
  identifier: string;
  operator: string;
  expression: string;
}

export interface NotificationPolicyInputs {
  accountId: string;
  name: string;
  description?: string;
  privacyLevel: "public" | "private";
  isActive: boolean;
  subscriptions?: Subscription[];
  registeredUsers?: RegisteredUser[];
  events: EventSpec[];
  shouldIncludeAllResources: boolean;
  resourceIds?: string[];
  dynamicRules?: { filterConditions: FilterCondition[] }[];
}

export interface NotificationPolicyOutputs extends NotificationPolicyInputs {
  policyId: string;
  owner?: string;
}

const IDENTIFIERS = [
  "resource_name",
  "resource_id",
  "region",
  "image",
  "tag",
  "load_balancer",
  "availability_zones",
  "security_groups",
] as const;
const OPERATORS = ["equals", "not_equals", "contains", "not_contains", "start_with", "end_with"] as const;
const CONFIG_FIELDS = ["events", "shouldIncludeAllResources", "resourceIds", "dynamicRules"];

function endpointProblem(s: Subscription): string | undefined {
  if (s.endpoint.length > 500) return "must be at most 500 characters";
  if (s.type === "email" && !EMAIL.test(s.endpoint))
    return `must be an e-mail address for type email; got ${JSON.stringify(s.endpoint)}`;
  if ((s.type === "webhook" || s.type === "slack") && !/^https?:\/\/\S+$/.test(s.endpoint)) {
    return `must be an http(s) URL for type ${s.type}; got ${JSON.stringify(s.endpoint)}`;
  }
  if (s.type === "sns" && !/^arn:aws[a-z-]*:sns:\S+$/.test(s.endpoint)) {
    return `must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) for type sns; got ${JSON.stringify(s.endpoint)}`;
  }
  return undefined;
}

function configOf(p: WirePolicy): (ComputePolicyConfig & { accountId?: string }) | undefined {
  // An object as Spot's Go SDK decodes it; the OpenAPI example shows an array of one.
  const c = p.computePolicyConfig;
  return Array.isArray(c) ? c[0] : c;
}

function outputsOf(p: WirePolicy, prior?: Props): NotificationPolicyOutputs {
  const c = configOf(p);
  const accountId = (p as WirePolicy & { accountId?: string }).accountId ?? c?.accountId ?? prior?.accountId;
  return {
    policyId: p.id,
    accountId,
    name: p.name ?? "",
    description: p.description || undefined,
    privacyLevel: p.privacyLevel ?? prior?.privacyLevel,
    isActive: p.isActive ?? true,
    subscriptions: (p.subscriptions ?? []).map((s) => ({ type: s.type, endpoint: s.endpoint })),
    registeredUsers: (p.registeredUsers ?? []).map((r) => ({
      userEmail: r.userEmail,
      subscriptionTypes: [...(r.subscriptionTypes ?? [])],
    })),
    events: (c?.events ?? []).map((e) => ({ event: e.event, type: e.type })),
    shouldIncludeAllResources: c?.shouldIncludeAllResources ?? false,
    resourceIds: c?.resourceIds ? [...c.resourceIds] : undefined,
    dynamicRules: c?.dynamicRules?.map((r) => ({
      filterConditions: (r.filterConditions ?? []).map((f) => ({
        identifier: f.identifier,
        operator: f.operator,
        expression: f.expression,
      })),
    })),
    owner: p.owner,
  };
}

function configFrom(inputs: NotificationPolicyInputs): ComputePolicyConfig {
  const c: ComputePolicyConfig = {
    events: inputs.events.map((e) => ({ event: e.event, type: e.type })),
    shouldIncludeAllResources: inputs.shouldIncludeAllResources,
  };
  if (inputs.resourceIds?.length) c.resourceIds = [...inputs.resourceIds];
  if (inputs.dynamicRules?.length) c.dynamicRules = inputs.dynamicRules;
  return c;
}

async function read(ctx: ResourceContext, id: string, prior?: Props): Promise<NotificationPolicyOutputs | undefined> {
  const p = await orGone(ctx.client.notifications.get(id, { accountId: prior?.accountId }));
  return p && outputsOf(p, prior);
}

async function byName(ctx: ResourceContext, accountId: string, name: string, fresh = false) {
  const list = await ctx.client.notifications.list({ accountId, fresh });
  return list.filter((p) => p.name === name && (p.accountId === undefined || p.accountId === accountId));
}

function updateBody(inputs: NotificationPolicyInputs, changes: FieldChange[]): NotificationPolicyUpdate {
  const body: Record<string, unknown> = {};
  if (changed(changes, "name")) body.name = inputs.name;
  // null clears the description (Spot's SDKs send null for "unset"); an empty string is refused.
  if (changed(changes, "description")) body.description = inputs.description ?? null;
  if (changed(changes, "isActive")) body.isActive = inputs.isActive;
  if (changed(changes, "subscriptions")) body.subscriptions = inputs.subscriptions ?? [];
  if (changed(changes, "registeredUsers")) body.registeredUsers = inputs.registeredUsers ?? [];
  if (CONFIG_FIELDS.some((f) => changed(changes, f))) body.computePolicyConfig = configFrom(inputs);
  return body as NotificationPolicyUpdate;
}

export const notificationPolicy: ResourceKind<NotificationPolicyInputs, NotificationPolicyOutputs> = {
  name: "NotificationPolicy",
  description:
    "A Notification Center policy of an account: which compute events (with their severity) notify whom — e-mail, " +
    "webhook, Slack or SNS subscriptions and registered organization users — for all resources, a list of resources, " +
    "or resources matched by rules.",
  importId: { format: "snp-… (or <accountId>/snp-…)", example: "snp-1a2b3c4d" },
  naturalKey: ["accountId", "name"],
  fields: {
    accountId: {
      type: "string",
      required: true,
      ref: "Account",
      onChange: "replace",
      validate: accountIdShape,
      description: "The account (act-…) the policy belongs to. Changing it replaces the policy.",
    },
    name: {
      type: "string",
      required: true,
      validate: (v: string) => (v.trim() === "" ? "must not be empty" : undefined),
      description: "Name of the policy (how spot-iac finds it again within the account). Updated in place.",
    },
    description: {
      type: "string",
      optional: true,
      description: "What the policy is for. Updated in place; removing it clears it.",
    },
    privacyLevel: {
      type: "string",
      optional: true,
      default: "public",
      enum: ["public", "private"],
      onChange: "replace",
      description:
        "public (visible to the account's users; may have subscriptions) or private (its owner's only). Default " +
        "public. Spot cannot change it, so a change replaces the policy.",
    },
    isActive: {
      type: "bool",
      optional: true,
      default: true,
      description: "Whether the policy sends notifications. Default true. Updated in place.",
    },
    subscriptions: {
      type: {
        set: {
          object: {
            type: {
              type: "string",
              required: true,
              enum: ["email", "webhook", "slack", "sns"],
              description: "email, webhook, slack or sns.",
            },
            endpoint: {
              type: "string",
              required: true,
              description:
                "An e-mail address (email), an http(s) URL (webhook, Slack incoming webhook) or an SNS topic ARN (sns); at most 500 characters.",
            },
          },
        },
      },
      optional: true,
      description: "Where notifications go. Only public policies may have subscriptions. Updated in place.",
    },
    registeredUsers: {
      type: {
        set: {
          object: {
            userEmail: {
              type: "string",
              required: true,
              validate: emailShape,
              description: "E-mail of a user of the organization.",
            },
            subscriptionTypes: {
              type: { set: "string" },
              required: true,
              enum: ["email", "console"],
              validate: (v: string[]) => (v.length ? undefined : 'must name at least one of "email", "console"'),
              description: "How the user is notified: email and/or console.",
            },
          },
        },
      },
      optional: true,
      description: "Organization users registered to the policy and how each is notified. Updated in place.",
    },
    events: {
      type: {
        set: {
          object: {
            event: {
              type: "string",
              required: true,
              validate: (v: string) => (v.trim() === "" ? "must not be empty" : undefined),
              description: 'A compute event, e.g. "Maximum capacity reached" (the account\'s catalogue lists them).',
            },
            type: {
              type: "string",
              required: true,
              enum: ["INFO", "WARN", "ERROR"],
              description: "Severity: INFO, WARN or ERROR.",
            },
          },
        },
      },
      required: true,
      validate: (v: EventSpec[]) => (v.length ? undefined : "must name at least one event"),
      description: "The compute events that trigger a notification. Updated in place.",
    },
    shouldIncludeAllResources: {
      type: "bool",
      optional: true,
      default: false,
      description:
        "Resource selector: every resource of the account. Use exactly one selector: this, resourceIds or dynamicRules. Updated in place.",
    },
    resourceIds: {
      type: { set: "string" },
      optional: true,
      description: "Resource selector: these resources (sig-…, o-…). Use exactly one selector. Updated in place.",
    },
    dynamicRules: {
      type: {
        list: {
          object: {
            filterConditions: {
              type: {
                list: {
                  object: {
                    identifier: {
                      type: "string",
                      required: true,
                      enum: IDENTIFIERS,
                      description: `What to match: ${IDENTIFIERS.join(", ")}.`,
                    },
                    operator: {
                      type: "string",
                      required: true,
                      enum: OPERATORS,
                      description: `How to match: ${OPERATORS.join(", ")}.`,
                    },
                    expression: { type: "string", required: true, description: "The value to match." },
                  },
                },
              },
              required: true,
              validate: (v: unknown[]) => (v.length ? undefined : "must hold at least one condition"),
              description: "Conditions of the rule.",
            },
          },
        },
      },
      optional: true,
      description: "Resource selector: resources matched by these rules. Use exactly one selector. Updated in place.",
    },
    policyId: { type: "string", stable: true, computed: true, description: "The policy id (snp-…)." },
    owner: { type: "string", stable: true, computed: true, description: "The user who owns the policy (its creator)." },
  },

  check(inputs) {
    const out: CheckFailure[] = [];
    const selectors = [
      inputs.shouldIncludeAllResources === true,
      (inputs.resourceIds?.length ?? 0) > 0,
      (inputs.dynamicRules?.length ?? 0) > 0,
    ].filter(Boolean).length;
    if (selectors !== 1) {
      out.push({
        field: "shouldIncludeAllResources",
        message:
          selectors === 0
            ? "or resourceIds or dynamicRules is required: say which resources the policy covers (exactly one selector)"
            : "resourceIds and dynamicRules are exclusive resource selectors: keep exactly one of them",
      });
    }
    if (inputs.privacyLevel === "private" && (inputs.subscriptions?.length ?? 0) > 0) {
      out.push({
        field: "subscriptions",
        message: 'are only allowed on public policies: set privacyLevel "public" or register users instead',
      });
    }
    (inputs.subscriptions ?? []).forEach((s, i) => {
      const m = endpointProblem(s);
      if (m) out.push({ field: `subscriptions.${i}.endpoint`, message: m });
    });
    const seen = new Set<string>();
    (inputs.registeredUsers ?? []).forEach((r, i) => {
      const k = r.userEmail.toLowerCase();
      if (seen.has(k))
        out.push({ field: `registeredUsers.${i}.userEmail`, message: `names ${r.userEmail} twice; merge the entries` });
      seen.add(k);
    });
    return out;
  },

  normalizeLive(live, desired) {
    // Spot matches users' e-mails without regard to case: spell them as declared when they are the same.
    const declared = desired.registeredUsers ?? [];
    const registeredUsers = live.registeredUsers?.map((r) => {
      const d = declared.find((x) => sameEmail(x.userEmail, r.userEmail));
      return d ? { ...r, userEmail: d.userEmail } : r;
    });
    return { ...live, registeredUsers };
  },

  async read({ ctx, id, prior }) {
    return read(ctx, id, prior);
  },

  async create({ ctx, inputs }) {
    const body: NotificationPolicyInput = {
      name: inputs.name,
      description: inputs.description,
      privacyLevel: inputs.privacyLevel,
      isActive: inputs.isActive,
      subscriptions: inputs.subscriptions,
      registeredUsers: inputs.registeredUsers,
      computePolicyConfig: configFrom(inputs),
    };
    const created = await ctx.client.notifications.create(body, {
      accountId: inputs.accountId,
      findExisting: async () => {
        const [p] = await byName(ctx, inputs.accountId, inputs.name);
        return p ? ({ id: p.policyId } as WirePolicy) : undefined;
      },
    });
    const outputs = await read(ctx, created.id, { accountId: inputs.accountId, privacyLevel: inputs.privacyLevel });
    return { id: created.id, outputs: outputs ?? { ...inputs, policyId: created.id } };
  },

  async update({ ctx, id, inputs, live, changes }) {
    await ctx.client.notifications.update(id, updateBody(inputs, changes), { accountId: live.accountId });
    return (await read(ctx, id, live)) ?? live;
  },

  async delete({ ctx, id, live }) {
    await orGone(ctx.client.notifications.delete(id, { accountId: live?.accountId }));
  },

  async find({ ctx, inputs }) {
    const found = await byName(ctx, inputs.accountId, inputs.name);
    if (found.length > 1)
      throw new Ambiguous(
        "NotificationPolicy",
        found.map((p) => p.policyId),
        `named ${JSON.stringify(inputs.name)} in account ${inputs.accountId}`,
      );
    if (!found.length) return undefined;
    const outputs = await read(ctx, found[0].policyId, { accountId: inputs.accountId });
    return outputs ? { id: found[0].policyId, outputs } : undefined;
  },

  async twins({ ctx, inputs }) {
    const found = await byName(ctx, inputs.accountId, inputs.name, true);
    return found.map((p) => ({ id: p.policyId, createdAt: (p as { createdAt?: string }).createdAt }));
  },

  async importById({ ctx, importId }) {
    const slash = importId.indexOf("/");
    const accountId = slash > 0 ? importId.slice(0, slash) : undefined;
    const id = slash > 0 ? importId.slice(slash + 1) : importId;
    const outputs = await read(ctx, id, accountId ? { accountId } : undefined);
    return outputs ? { id, outputs } : undefined;
  },

  async list({ ctx }) {
    // Spot lists notification policies per account only.
    const ids = new Set<string>();
    for (const a of await ctx.client.accounts.list())
      for (const p of await ctx.client.notifications.list({ accountId: a.accountId })) ids.add(p.policyId);
    return readAll([...ids], (id) => this.read({ ctx, id }));
  },
};
