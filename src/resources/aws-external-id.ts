/**
 * AwsExternalId: the external id Spot generates for an account (POST /setup/credentials/aws/externalId), which
 * the customer's IAM role must require in its trust policy before AwsConnection can use the role. Read with
 * GET /setup/credentials/aws/externalId/{accountId}. Spot has no DELETE for it.
 */
import type { ResourceContext, ResourceKind } from "../core/kind";
import { orGone } from "./shared/gone";
import { accountIdField, perAccountOps } from "./shared/per-account";

export interface AwsExternalIdInputs {
  accountId: string;
}

export interface AwsExternalIdOutputs extends AwsExternalIdInputs {
  externalId: string;
  maxValidUntil?: string;
}

async function readExternalId(
  ctx: ResourceContext,
  accountId: string,
  prior?: Partial<AwsExternalIdOutputs>,
): Promise<AwsExternalIdOutputs | undefined> {
  const live = await orGone(ctx.client.credentials.getAwsExternalId(accountId));
  if (!live || !live.externalId) return undefined;
  // The GET does not carry maxValidUntil; the creating call did, for this same external id.
  const maxValidUntil = live.maxValidUntil ?? (prior?.externalId === live.externalId ? prior.maxValidUntil : undefined);
  return { accountId, externalId: live.externalId, maxValidUntil };
}

export const awsExternalId: ResourceKind<AwsExternalIdInputs, AwsExternalIdOutputs> = {
  name: "AwsExternalId",
  description:
    "The external id Spot generates for an account, to put in the trust policy of the IAM role Spot will assume " +
    "(the role trusts Spot's AWS account with the condition sts:ExternalId = externalId). Create it before the " +
    "role, then pass the role to AwsConnection. Asking again returns the same id while it is valid. Spot has no " +
    "DELETE for it: removing it only stops managing it (with a warning).",
  importId: { format: "act-<id> (the account id)", example: "act-12ab34cd" },
  naturalKey: ["accountId"],
  fields: {
    accountId: accountIdField("to generate the external id for"),
    externalId: {
      type: "string",
      description: "The external id to require in the IAM role's trust policy (condition sts:ExternalId).",
    },
    maxValidUntil: {
      type: "string",
      description:
        "Until when Spot accepts a connection made with this external id (ISO 8601), as returned when it was " +
        "generated; empty when Spot did not report it.",
    },
  },

  read({ ctx, id, prior }) {
    return readExternalId(ctx, id, prior);
  },

  async create({ ctx, inputs }) {
    // The client reads the account's existing external id before re-posting after an ambiguous failure.
    const created = await ctx.client.credentials.createAwsExternalId(inputs.accountId);
    return {
      id: inputs.accountId,
      outputs: { accountId: inputs.accountId, externalId: created.externalId, maxValidUntil: created.maxValidUntil },
    };
  },

  async update({ live }) {
    // accountId is replace-only and there is nothing else: the core never plans an update for this kind.
    return live;
  },

  ...perAccountOps("AwsExternalId", "AWS external id", readExternalId),
};
