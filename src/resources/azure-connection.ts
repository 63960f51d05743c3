/**
 * AzureConnection: the service principal Spot uses for an account's Azure subscription
 * (POST /azure/setup/credentials?accountId=, flat body; read with GET of the same route, which never returns the
 * client secret). Posting again replaces the credentials, so every field but the account updates in place.
 * State keeps only the secret's hash, so a changed secret still plans an update. Spot has no DELETE.
 */
import { AlreadyExists } from "../core/errors";
import type { ResourceContext, ResourceKind } from "../core/kind";
import type { Field } from "../core/schema";
import { hashSecret, secretStandIn } from "../core/secrets";
import { orGone } from "./shared/gone";
import { accountIdField, perAccountOps } from "./shared/per-account";

export interface AzureConnectionInputs {
  accountId: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  subscriptionId: string;
  expirationDate: string;
}

/** clientSecret holds the salted hash (hashSecret) of the last secret spot-iac sent, or nothing when it never sent one. */
export type AzureConnectionOutputs = Omit<AzureConnectionInputs, "clientSecret"> & { clientSecret?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 3339 / ISO 8601 date-time, with "T" or a space (Spot's own example is "2025-12-31 23:59:00+00:00").
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function uuidField(what: string, where: string): Field {
  return {
    type: "string",
    required: true,
    validate: (v: string) =>
      UUID.test(v)
        ? undefined
        : `must be ${what}, a UUID like 00000000-0000-0000-0000-000000000000 (${where}); got ${JSON.stringify(v)}`,
    description: `${what[0].toUpperCase()}${what.slice(1)} (a UUID; ${where}). Updated in place.`,
  };
}

function dateTimeProblem(v: string): string | undefined {
  if (DATE_TIME.test(v) && !Number.isNaN(Date.parse(v.replace(" ", "T")))) return undefined;
  return `must be a date-time with a time zone, e.g. "2026-12-31T23:59:00Z"; got ${JSON.stringify(v)}`;
}

function instant(v: string | undefined): number {
  return v === undefined ? NaN : Date.parse(v.replace(" ", "T"));
}

async function readConnection(
  ctx: ResourceContext,
  accountId: string,
  prior?: Partial<AzureConnectionOutputs>,
): Promise<AzureConnectionOutputs | undefined> {
  const c = await orGone(ctx.client.credentials.getAzure(accountId));
  if (!c || !c.clientId) return undefined;
  return {
    accountId,
    clientId: c.clientId,
    tenantId: c.tenantId ?? "",
    subscriptionId: c.subscriptionId ?? "",
    expirationDate: c.expirationDate ?? prior?.expirationDate ?? "",
    // Never the plaintext: Spot does not return it; state holds the hash of what spot-iac last sent.
    clientSecret: secretStandIn(c.clientSecret) ?? secretStandIn(prior?.clientSecret),
  };
}

function wire(inputs: AzureConnectionInputs) {
  return {
    clientId: inputs.clientId,
    clientSecret: inputs.clientSecret,
    tenantId: inputs.tenantId,
    subscriptionId: inputs.subscriptionId,
    expirationDate: inputs.expirationDate,
  };
}

export const azureConnection: ResourceKind<AzureConnectionInputs, AzureConnectionOutputs> = {
  name: "AzureConnection",
  description:
    "Connects a Spot account to an Azure subscription through a service principal (app registration) with " +
    "access to it. Every field except the account is updated in place (Spot replaces the credentials). Spot never " +
    "returns the client secret: spot-iac keeps a salted hash of it, so changing the secret plans an update, but a " +
    "secret changed outside spot-iac is not detected. A Spot account connects to one cloud only. Spot has no " +
    "DELETE for credentials: removing it only stops managing them (with a warning).",
  importId: { format: "act-<id> (the account id)", example: "act-12ab34cd" },
  naturalKey: ["accountId"],
  fields: {
    accountId: accountIdField("to connect to Azure"),
    clientId: uuidField("the application (client) id of the service principal", "Azure portal → App registrations"),
    clientSecret: {
      type: "string",
      required: true,
      secret: true,
      validate: (v: string) => (v.trim() === "" ? "must not be empty" : undefined),
      description:
        "A client secret of the service principal. Secret: never shown or stored in plain text. Updated in place.",
    },
    tenantId: uuidField("the directory (tenant) id", "Azure portal → Microsoft Entra ID → Overview"),
    subscriptionId: uuidField("the id of the subscription Spot manages", "Azure portal → Subscriptions"),
    expirationDate: {
      type: "string",
      required: true,
      validate: dateTimeProblem,
      description:
        "When the client secret expires (date-time with a time zone, e.g. 2026-12-31T23:59:00Z); Spot reminds " +
        "you before it does. Updated in place.",
    },
  },

  read({ ctx, id, prior }) {
    return readConnection(ctx, id, prior);
  },

  normalizeLive(live, desired) {
    const out = { ...live };
    // Spot may answer in another format of the same instant, or ids in another letter case.
    if (desired.expirationDate && instant(live.expirationDate) === instant(desired.expirationDate)) {
      out.expirationDate = desired.expirationDate;
    }
    for (const k of ["clientId", "tenantId", "subscriptionId"] as const) {
      if (desired[k] && live[k]?.toLowerCase() === desired[k].toLowerCase()) out[k] = desired[k];
    }
    return out;
  },

  async create({ ctx, inputs }) {
    const existing = await orGone(ctx.client.credentials.getAzure(inputs.accountId));
    const same = (a?: string, b?: string) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
    if (
      existing?.clientId &&
      !(
        same(existing.clientId, inputs.clientId) &&
        same(existing.tenantId, inputs.tenantId) &&
        same(existing.subscriptionId, inputs.subscriptionId)
      )
    ) {
      throw new AlreadyExists(
        "AzureConnection",
        [inputs.accountId],
        `for account ${inputs.accountId}`,
        `it uses client ${existing.clientId} and subscription ${existing.subscriptionId}; take it over, then change it`,
      );
    }
    await ctx.client.credentials.setAzure(inputs.accountId, wire(inputs));
    const prior = { ...inputs, clientSecret: hashSecret(inputs.clientSecret) };
    const outputs = await readConnection(ctx, inputs.accountId, prior);
    return { id: inputs.accountId, outputs: outputs ?? prior };
  },

  async update({ ctx, id, inputs }) {
    // Spot takes the credentials whole; the secret is in the inputs even when only another field changed.
    await ctx.client.credentials.setAzure(id, wire(inputs));
    const sent = { ...inputs, clientSecret: hashSecret(inputs.clientSecret) };
    return (await readConnection(ctx, id, sent)) ?? sent;
  },

  ...perAccountOps("AzureConnection", "Azure connection", (ctx, id) => readConnection(ctx, id)),
};
