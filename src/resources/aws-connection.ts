/**
 * AwsConnection: the IAM role Spot assumes for an account (POST /setup/credentials/aws?accountId=, read with
 * GET /setup/credentials/aws?accountId=). Posting again replaces the account's AWS credentials, so a new role
 * is an in-place update. Spot has no DELETE: deleting forgets the connection with a warning.
 */
import { AlreadyExists } from "../core/errors";
import type { ResourceContext, ResourceKind } from "../core/kind";
import { orGone } from "./shared/gone";
import { accountIdField, perAccountOps } from "./shared/per-account";

export interface AwsConnectionInputs {
  accountId: string;
  iamRole: string;
  externalId?: string;
}

export interface AwsConnectionOutputs extends AwsConnectionInputs {
  providerExternalId?: string;
}

// arn:<partition>:iam::<12-digit account>:role/<optional path/><name>; IAM name characters are [\w+=,.@-].
const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

function iamRoleProblem(v: string): string | undefined {
  if (IAM_ROLE_ARN.test(v)) return undefined;
  const m = /^arn:[^:]*:iam::([^:]*):/.exec(v);
  const why =
    m && !/^\d{12}$/.test(m[1])
      ? ` (the AWS account number must be 12 digits; got ${JSON.stringify(m[1])})`
      : /^arn:[^:]*:iam::[^:]*:user\//.test(v)
        ? " (that is a user ARN; Spot needs a role)"
        : "";
  return (
    `must be an IAM role ARN like "arn:aws:iam::123456789012:role/SpotRole" (optionally with a path, ` +
    `role/path/Name)${why}; got ${JSON.stringify(v)}`
  );
}

async function readConnection(
  ctx: ResourceContext,
  accountId: string,
  prior?: Partial<AwsConnectionOutputs>,
): Promise<AwsConnectionOutputs | undefined> {
  // The AWS account number comes with the account (list item, shared by every read of the run): asked for at the
  // same time as the credentials, not after them.
  const [creds, acc] = await Promise.all([
    orGone(ctx.client.credentials.getAws(accountId)),
    orGone(ctx.client.accounts.get(accountId)),
  ]);
  if (!creds || !creds.iamRole || !acc) return undefined;
  return {
    accountId,
    iamRole: creds.iamRole,
    // Spot does not return the external id it was given: keep what spot-iac sent.
    externalId: creds.externalId ?? prior?.externalId,
    providerExternalId: acc.providerExternalId || undefined,
  };
}

export const awsConnection: ResourceKind<AwsConnectionInputs, AwsConnectionOutputs> = {
  name: "AwsConnection",
  description:
    "Connects a Spot account to an AWS account through an IAM role that Spot assumes (create the role with the " +
    "external id of AwsExternalId in its trust policy first). A new role or external id is applied in place. A " +
    "Spot account connects to one cloud only. Spot has no DELETE for credentials: removing it only " +
    "stops managing them (with a warning).",
  importId: { format: "act-<id> (the account id)", example: "act-12ab34cd" },
  naturalKey: ["accountId"],
  fields: {
    accountId: accountIdField("to connect to AWS"),
    iamRole: {
      type: "string",
      required: true,
      validate: iamRoleProblem,
      description:
        "ARN of the IAM role Spot assumes, e.g. arn:aws:iam::123456789012:role/SpotRole. Updated in place (Spot " +
        "replaces the account's AWS credentials).",
    },
    externalId: {
      type: "string",
      optional: true,
      validate: (v: string) =>
        v.trim() === "" ? "must not be empty; leave it out to use the account's external id" : undefined,
      description:
        "External id the role's trust policy requires. Left out, Spot uses the one it generated for the account " +
        "(AwsExternalId). Spot does not return it, so a change made outside spot-iac is not detected.",
    },
    providerExternalId: {
      type: "string",
      description: "The AWS account number Spot linked to the account (from the role ARN).",
    },
  },

  read({ ctx, id, prior }) {
    return readConnection(ctx, id, prior);
  },

  async create({ ctx, inputs }) {
    const existing = await orGone(ctx.client.credentials.getAws(inputs.accountId));
    // Same role: an earlier attempt of this create (or an identical connection): posting again is harmless.
    // Another role: someone else's connection; overwriting it silently would cut their access.
    if (existing?.iamRole && existing.iamRole !== inputs.iamRole) {
      throw new AlreadyExists(
        "AwsConnection",
        [inputs.accountId],
        `for account ${inputs.accountId}`,
        `it uses role ${existing.iamRole}; take it over, then change iamRole`,
      );
    }
    await ctx.client.credentials.setAws(inputs.accountId, { iamRole: inputs.iamRole, externalId: inputs.externalId });
    const outputs = await readConnection(ctx, inputs.accountId, inputs);
    return { id: inputs.accountId, outputs: outputs ?? { ...inputs } };
  },

  async update({ ctx, id, inputs }) {
    await ctx.client.credentials.setAws(id, { iamRole: inputs.iamRole, externalId: inputs.externalId });
    const outputs = await readConnection(ctx, id, inputs);
    return outputs ?? { ...inputs };
  },

  ...perAccountOps("AwsConnection", "AWS connection", (ctx, id) => readConnection(ctx, id)),
};
