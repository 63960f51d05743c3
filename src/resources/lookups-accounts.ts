/**
 * Read-only lookups of the organizations and accounts area: the token's organization, its accounts, one account,
 * and the audit log (optionally one spot-iac run's part of it).
 */
import type { Account as WireAccount, AuditEvent } from "../api/types";
import { runIdOfAgent } from "../api/audit";
import { redact } from "../api/redact";
import { Ambiguous, InvalidInputs, NotFound } from "../core/errors";
import { accountIdProblem } from "./shared/ids";
import type { Field, Fields } from "../core/schema";
import type { Lookup, ResourceContext } from "../core/kind";
import { orGone } from "./shared/gone";

const accountFields: Fields = {
  accountId: { type: "string", description: "Id of the account (act-…)." },
  name: { type: "string", description: "Name of the account." },
  organizationId: { type: "string", description: "Id of the organization the account belongs to." },
  providerExternalId: {
    type: "string",
    description: "Id of the linked cloud account (AWS account number, Azure subscription, GCP project); empty if none.",
  },
  cloudProvider: { type: "string", description: "Cloud the account is connected to, when Spot reports it." },
  createdAt: { type: "string", description: "When the account was created (ISO 8601)." },
};

function accountResult(a: WireAccount): Record<string, unknown> {
  return {
    accountId: a.accountId,
    name: a.name,
    organizationId: a.organizationId,
    providerExternalId: a.providerExternalId || undefined,
    cloudProvider: a.cloudProvider || undefined,
    createdAt: a.createdAt,
  };
}

function oldest(accounts: WireAccount[]): WireAccount | undefined {
  // The list comes oldest first; createdAt decides when Spot orders it otherwise.
  return accounts.reduce<WireAccount | undefined>((best, a) => {
    if (!best) return a;
    const x = Date.parse(a.createdAt ?? "");
    const y = Date.parse(best.createdAt ?? "");
    return x < y ? a : best;
  }, undefined);
}

// ---- Organization ------------------------------------------------------------------------------------------------

export const organizationLookup: Lookup<Record<string, never>, Record<string, unknown>> = {
  name: "Organization",
  description:
    "The organization the token acts in: its id, the number of accounts the token sees and the default (oldest) " +
    "account. Spot's API has no endpoint that returns an organization's name, so it is not part of the result.",
  args: {},
  result: {
    organizationId: { type: "string", description: "Id of the token's organization (numeric)." },
    accountCount: { type: "number", description: "Number of accounts of the organization visible to the token." },
    defaultAccountId: {
      type: "string",
      description: "The organization's default (oldest) account, which Spot never deletes through its API.",
    },
  },
  async run(ctx) {
    const accounts = await ctx.client.accounts.list();
    const org = await ctx.client.organizations.current();
    return {
      organizationId: org.organizationId,
      accountCount: accounts.length,
      defaultAccountId: oldest(accounts)?.accountId,
    };
  },
};

// ---- Accounts ----------------------------------------------------------------------------------------------------

export const accountsLookup: Lookup<{ name?: string; cloudAccountId?: string }, Record<string, unknown>> = {
  name: "Accounts",
  description:
    "All accounts of the token's organization (one API call), optionally only those with a given name or linked " +
    "to a given cloud account.",
  args: {
    name: { type: "string", optional: true, description: "Only accounts with exactly this name." },
    cloudAccountId: {
      type: "string",
      optional: true,
      description:
        "Only accounts linked to this cloud account (AWS account number, Azure subscription id or GCP project id).",
    },
  },
  result: {
    accounts: {
      type: { list: { object: accountFields } },
      description: "The matching accounts, oldest first.",
    },
    accountIds: { type: { list: "string" }, description: "Ids of the matching accounts, in the same order." },
  },
  async run(ctx, args) {
    const all = await ctx.client.accounts.list(args.cloudAccountId ? { cloudAccountId: args.cloudAccountId } : {});
    const matching = args.name === undefined ? all : all.filter((a) => a.name === args.name);
    return { accounts: matching.map(accountResult), accountIds: matching.map((a) => a.accountId) };
  },
};

// ---- Account -----------------------------------------------------------------------------------------------------

async function withChannels(ctx: ResourceContext, a: WireAccount): Promise<Record<string, unknown>> {
  const direct = await orGone(ctx.client.accounts.get(a.accountId, { direct: true }));
  const channels = (direct as (WireAccount & { slackNotificationChannels?: string[] }) | undefined)
    ?.slackNotificationChannels;
  return { ...accountResult(a), slackNotificationChannels: channels ?? [] };
}

export const accountLookup: Lookup<{ name?: string; accountId?: string }, Record<string, unknown>> = {
  name: "Account",
  description:
    "One account of the token's organization, by name or by id (give exactly one). Fails when none matches, or " +
    "when several accounts share the name.",
  args: {
    accountId: {
      type: "string",
      optional: true,
      validate: accountIdProblem,
      description: "Id of the account (act-…). Give this or name.",
    },
    name: { type: "string", optional: true, description: "Exact name of the account. Give this or accountId." },
  },
  result: {
    ...accountFields,
    slackNotificationChannels: {
      type: { list: "string" },
      description: "Slack incoming-webhook URLs that receive the account's notifications.",
    },
  },
  async run(ctx, args) {
    const byId = args.accountId !== undefined;
    const byName = args.name !== undefined;
    if (byId === byName) {
      throw new InvalidInputs("Account lookup", [
        {
          field: "accountId",
          message: `or name: give exactly one (${byId ? "both were given" : "neither was given"})`,
        },
      ]);
    }
    if (byId) {
      const a = await orGone(ctx.client.accounts.get(args.accountId!));
      if (!a) {
        throw new NotFound("Account", { id: args.accountId });
      }
      return withChannels(ctx, a);
    }
    const all = await ctx.client.accounts.list();
    const matching = all.filter((a) => a.name === args.name);
    if (matching.length === 0) {
      const names = all.map((a) => JSON.stringify(a.name)).slice(0, 20);
      throw new NotFound("Account", {
        key: `name=${JSON.stringify(args.name)} (existing names: ${names.join(", ") || "(none)"}${all.length > 20 ? ", …" : ""})`,
      });
    }
    if (matching.length > 1) {
      throw new Ambiguous(
        "Account",
        matching.map((a) => a.accountId),
        `named ${JSON.stringify(args.name)}`,
      );
    }
    return withChannels(ctx, matching[0]);
  },
};

// ---- AuditEvents -------------------------------------------------------------------------------------------------

/** RFC 3339 date-time or Unix epoch milliseconds. */
function toEpochMs(v: string): number | undefined {
  if (/^\d{1,16}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v)) return undefined;
  const t = Date.parse(v.replace(" ", "T"));
  return Number.isNaN(t) ? undefined : t;
}

const timeArg = (what: string, extra: Partial<Field> = {}): Field => ({
  type: "string",
  validate: (v: string) =>
    toEpochMs(v) === undefined
      ? `must be a date-time like "2026-01-31T12:00:00Z" (or Unix epoch milliseconds); got ${JSON.stringify(v)}`
      : undefined,
  description: `${what} (RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z, or Unix epoch milliseconds).`,
  ...extra,
});

const RUN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface AuditEventsArgs {
  from: string;
  to?: string;
  accountId?: string;
  runId?: string;
  responseStatus?: "success" | "all";
}

export const auditEventsLookup: Lookup<AuditEventsArgs, Record<string, unknown>> = {
  name: "AuditEvents",
  description:
    "Events of the organization's audit log (GET /audit/events) in a time window, oldest first; optionally only " +
    "those of one account or of one spot-iac run (every request spot-iac sends carries its run id in the " +
    "User-Agent, which Spot records). Secrets in the recorded request payloads are masked.",
  args: {
    from: timeArg("Start of the window, inclusive", { required: true }),
    to: timeArg("End of the window, inclusive; default now", { optional: true }),
    accountId: {
      type: "string",
      optional: true,
      validate: accountIdProblem,
      description: "Only events of this account (act-…).",
    },
    runId: {
      type: "string",
      optional: true,
      validate: (v: string) =>
        RUN_ID.test(v) ? undefined : `must be a spot-iac run id (letters, digits, . _ : -); got ${JSON.stringify(v)}`,
      description:
        "Only events of this spot-iac run (the run=… part of the User-Agent; printed by every run). Failed " +
        "requests are included unless responseStatus is success.",
    },
    responseStatus: {
      type: "string",
      optional: true,
      enum: ["success", "all"],
      description:
        'success: only requests Spot answered with 200; all: failed ones too. Default: "all" with runId, else ' +
        "success (Spot's default).",
    },
  },
  result: {
    events: {
      type: {
        list: {
          object: {
            createdAt: { type: "string", description: "When it happened (ISO 8601)." },
            user: { type: "string", description: "Who made the request (e-mail or programmatic user name)." },
            actionType: { type: "string", description: 'What was done, e.g. "Create Account".' },
            resourceType: { type: "string", description: 'Kind of object, e.g. "Account".' },
            resourceId: { type: "string", description: "Id of the object." },
            accountId: { type: "string", description: "Account the event belongs to, when Spot says." },
            namespace: { type: "string", description: "Spot's namespace of the action (e.g. GENERAL)." },
            source: { type: "string", description: "Where the request came from (API, UI)." },
            agent: { type: "string", description: "User-Agent of the request." },
            runId: { type: "string", description: "The spot-iac run id in the User-Agent; empty for other agents." },
            responseStatus: { type: "number", description: "HTTP status Spot answered with." },
            context: {
              type: "string",
              description: "The request (url, query, body) as a JSON string, with secrets masked.",
            },
          },
        },
      },
      description: "The matching events, oldest first.",
    },
    eventCount: { type: "number", description: "Number of matching events." },
  },
  async run(ctx, args) {
    const from = toEpochMs(args.from)!;
    const to = args.to === undefined ? Date.now() : toEpochMs(args.to)!;
    if (to < from) throw new Error(`getAuditEvents: to (${args.to}) is before from (${args.from}); swap them`);
    const responseStatus = args.responseStatus ?? (args.runId ? "all" : undefined);
    const raw = await ctx.client.audit.events({ from, to, accountId: args.accountId, responseStatus });
    const events = raw
      .map((e: AuditEvent) => ({ e, runId: runIdOfAgent(e.agent) }))
      .filter((x) => args.runId === undefined || x.runId === args.runId)
      .sort((a, b) => Date.parse(a.e.createdAt) - Date.parse(b.e.createdAt))
      .map(({ e, runId }) => ({
        createdAt: e.createdAt,
        user: e.user,
        actionType: e.actionType,
        resourceType: e.resourceType,
        resourceId: e.resourceId === undefined || e.resourceId === null ? undefined : String(e.resourceId),
        accountId: (e as AuditEvent & { accountId?: string }).accountId,
        namespace: e.namespace,
        source: e.source,
        agent: e.agent,
        runId,
        responseStatus: e.responseStatus,
        context: typeof e.context === "string" ? redact(e.context) : e.context,
      }));
    return { events, eventCount: events.length };
  },
};
