/**
 * Account: a Spot account of the token's organization (POST/PUT/DELETE /setup/account…).
 *
 * Unlike terraform-provider-spotinst, a rename is a real update (PUT /setup/account/{id}), not a silent no-op.
 * Reads come from the organization's account list (one coalesced call for any number of accounts), except for
 * accounts whose Slack channels are managed: only GET /setup/account/{id} returns those.
 *
 * Also home of the small pieces the cloud-connection kinds share (account id field, "gone" handling, secret hashes).
 */
import type { Account as WireAccount } from "../api/types";
import { isNotFound, isSpotApiError } from "../api/errors";

import type { Field } from "./schema";
import type { FieldChange, ResourceContext, ResourceKind } from "./types";
import { orGone } from "./gone";

// ---- shared with the connection kinds ------------------------------------------------------------------------

const ACCOUNT_ID = /^act-[A-Za-z0-9]+$/;

export function accountIdProblem(v: string): string | undefined {
  if (ACCOUNT_ID.test(v)) return undefined;
  const hint = /^\S+$/.test(v) && !v.startsWith("act-") ? " (the account's id, not its name)" : "";
  return `must be a Spot account id like "act-12ab34cd"${hint}; got ${JSON.stringify(v)}`;
}

/** `accountId` of a kind that belongs to one account: moving it to another account is a new object. */
export function accountIdField(what: string): Field {
  return {
    type: "string",
    required: true,
    ref: "Account",
    onChange: "replace",
    validate: accountIdProblem,
    description: `Id of the Spot account (act-…) ${what}. Changing it replaces the resource.`,
  };
}

/** Spot has no DELETE for cloud credentials or external ids: deleting one only stops managing it. */
export function forgetConnection(ctx: ResourceContext, what: string, accountId: string): void {
  ctx.warn(
    `${what} of account ${accountId} forgotten, not deleted: Spot's API has no DELETE for it, so it stays with the ` +
      `account in Spot. Remove it in the Spot console if it must go (deleting the account removes it too).`,
  );
}

/**
 * delete/find/importById of a kind whose id is its account's id and which Spot cannot delete (the AWS external
 * id and the cloud connections): delete forgets with a warning; find and import read by account.
 */
export function perAccountOps<O>(
  what: string,
  read: (ctx: ResourceContext, accountId: string) => Promise<O | undefined>,
) {
  return {
    async delete(ctx: ResourceContext, id: string): Promise<void> {
      forgetConnection(ctx, what, id);
    },
    async find(ctx: ResourceContext, inputs: { accountId: string }) {
      const outputs = await read(ctx, inputs.accountId);
      return outputs && { id: inputs.accountId, outputs };
    },
    async importById(ctx: ResourceContext, importId: string) {
      const id = importId.trim();
      const problem = accountIdProblem(id);
      if (problem) throw new Error(`import id ${problem}`);
      const outputs = await read(ctx, id);
      return outputs && { id, outputs };
    },
  };
}

// ---- Account ---------------------------------------------------------------------------------------------------

export interface AccountInputs {
  name: string;
  slackNotificationChannels?: string[];
  allowDeletion?: boolean;
}

export interface AccountOutputs extends AccountInputs {
  accountId: string;
  organizationId?: string;
  providerExternalId?: string;
  cloudProvider?: string;
  createdAt?: string;
}

export function nameProblem(v: string): string | undefined {
  if (v.trim() === "") return "must not be empty";
  return /[A-Za-z]/.test(v)
    ? undefined
    : `must contain at least one letter a-z or A-Z (Spot's rule); got ${JSON.stringify(v)}`;
}

function channelsProblem(v: string[]): string | undefined {
  for (const [i, c] of v.entries()) {
    let ok = false;
    try {
      const u = new URL(c);
      ok = u.protocol === "https:" && !!u.hostname && !/\s/.test(c);
    } catch {
      ok = false;
    }
    if (!ok) {
      return (
        `element ${i} must be an https:// Slack incoming-webhook URL ` +
        `(e.g. https://hooks.slack.com/services/T000/B000/XXXX); got ${JSON.stringify(c)}`
      );
    }
  }
  return undefined;
}

function toOutputs(a: WireAccount, extra: { channels?: string[]; allowDeletion?: boolean }): AccountOutputs {
  return {
    accountId: a.accountId,
    name: a.name,
    organizationId: a.organizationId,
    providerExternalId: a.providerExternalId || undefined,
    cloudProvider: a.cloudProvider || undefined,
    createdAt: a.createdAt,
    slackNotificationChannels: extra.channels,
    allowDeletion: extra.allowDeletion ?? false,
  };
}

/**
 * Slack channels are only in GET /setup/account/{id}. A prior that knows the account — a state that recorded
 * it (accountId), or GitOps' desired inputs (name) — without channels does not manage them, so its read stays
 * on the shared list (one call per organization, not one per account). Managed channels, and a read with
 * nothing to go on (import, adopt: no prior, or an empty one), read the account directly.
 */
function needsDirectRead(prior: Partial<AccountOutputs> | undefined): boolean {
  return !prior || (!prior.accountId && prior.name === undefined) || prior.slackNotificationChannels !== undefined;
}

async function readAccount(
  ctx: ResourceContext,
  id: string,
  prior?: Partial<AccountOutputs>,
): Promise<AccountOutputs | undefined> {
  const allowDeletion = prior?.allowDeletion ?? false;
  if (!needsDirectRead(prior)) {
    const a = await orGone(ctx.client.accounts.get(id));
    return a && toOutputs(a, { allowDeletion });
  }
  const a = await orGone(ctx.client.accounts.get(id, { direct: true }));
  if (!a) return undefined;
  const channels = (a as WireAccount & { slackNotificationChannels?: string[] }).slackNotificationChannels ?? [];
  // This route is not in the OpenAPI; should its answer lack what the (shared) list carries, take it from there.
  if (a.createdAt === undefined) {
    const listed = await orGone(ctx.client.accounts.get(id));
    if (listed) {
      a.createdAt = listed.createdAt;
      a.providerExternalId ??= listed.providerExternalId;
      a.cloudProvider ??= listed.cloudProvider;
    }
  }
  return toOutputs(a, { channels: [...channels], allowDeletion });
}

function describeIds(list: WireAccount[]): string {
  return list.map((a) => a.accountId).join(", ");
}

async function findByName(ctx: ResourceContext, name: string): Promise<WireAccount | undefined> {
  const found = await ctx.client.accounts.findByName(name);
  if (found.length > 1) {
    throw new Error(
      `${found.length} accounts are named ${JSON.stringify(name)} (${describeIds(found)}), so the name does not ` +
        `identify one; adopt or import it by id instead (e.g. adopt: "${found[0].accountId}")`,
    );
  }
  return found[0];
}

const DELETE_REFUSED =
  "deleting an account cannot be undone (its groups, clusters and settings go with it), so spot-iac refused. " +
  "To delete it, set allowDeletion: true and apply that first; to stop managing it and keep it, remove it from " +
  "spot-iac's state instead (Pulumi: retainOnDelete or `pulumi state delete`; Terraform: `terraform state rm`).";

export const account: ResourceKind<AccountInputs, AccountOutputs> = {
  name: "Account",
  tfName: "account",
  description:
    "A Spot account in the token's organization. Accounts group cloud resources and users; each can be connected " +
    "to one cloud (AwsConnection, AzureConnection or GcpConnection). Renaming and the Slack notification channels " +
    "are updated in place. Deleting an account cannot be undone, so it is refused unless allowDeletion is true; " +
    "Spot never deletes the organization's default (oldest) account through its API.",
  importId: { format: "act-<id> (the account id)", example: "act-12ab34cd" },
  naturalKey: ["name"],
  irreversibleDelete: true,
  fields: {
    name: {
      type: "string",
      required: true,
      validate: nameProblem,
      description:
        "Name of the account, as shown in the Spot console. Must contain at least one letter. Updated in place " +
        "(renaming keeps the account id). spot-iac finds an existing account by this name when adopting, so keep " +
        "names unique within the organization.",
    },
    slackNotificationChannels: {
      type: { set: "string" },
      optional: true,
      computed: true,
      validate: channelsProblem,
      description:
        "Slack incoming-webhook URLs (https://hooks.slack.com/services/…) that receive the account's " +
        "notifications. Updated in place. Left out, the channels set in Spot are left alone; an empty list " +
        "removes them all.",
    },
    allowDeletion: {
      type: "bool",
      optional: true,
      local: true,
      default: false,
      description:
        "Deleting an account cannot be undone: spot-iac refuses to delete (or replace) it unless this is true, " +
        "applied before the deletion. A setting of spot-iac only; never sent to Spot.",
    },
    accountId: { type: "string", stable: true, description: "Id of the account (act-…); also the resource id." },
    organizationId: {
      type: "string",
      stable: true,
      description: "Id of the organization the account belongs to (numeric).",
    },
    providerExternalId: {
      type: "string",
      description:
        "Id of the cloud account linked to this Spot account (AWS account number, Azure subscription id or GCP " +
        "project id); empty until a cloud connection is set.",
    },
    cloudProvider: {
      type: "string",
      description: "Cloud the account is connected to, when Spot reports it (e.g. AWS, AZURE, GCP).",
    },
    createdAt: { type: "string", stable: true, description: "When the account was created (ISO 8601)." },
  },

  async read(ctx, id, prior) {
    return readAccount(ctx, id, prior);
  },

  normalizeLive(live) {
    return { ...live, allowDeletion: live.allowDeletion ?? false };
  },

  async create(ctx, inputs) {
    const existing = await ctx.client.accounts.findByName(inputs.name);
    if (existing.length) {
      throw new Error(
        `an account named ${JSON.stringify(inputs.name)} already exists (${describeIds(existing)}); take it over ` +
          `instead of creating a second one with the same name (Pulumi: adopt: true; Terraform: terraform import ` +
          `spot_account.<name> ${existing[0].accountId}; GitOps finds it by name), or choose another name`,
      );
    }
    // After an ambiguous failure (the POST may have committed) the client asks this before re-posting.
    const created = await ctx.client.accounts.create(
      { name: inputs.name },
      { findExisting: async () => (await ctx.client.accounts.findByName(inputs.name))[0] },
    );
    const id = created.accountId;
    const channels = inputs.slackNotificationChannels;
    if (channels && channels.length) {
      try {
        await ctx.client.accounts.update(id, { name: inputs.name, slackNotificationChannels: [...channels] });
      } catch (e) {
        throw new Error(
          `account ${id} was created, but setting its Slack channels failed: ${(e as Error).message}. ` +
            `Take the account over on the next run (Pulumi: adopt: "${id}"; Terraform: terraform import ` +
            `spot_account.<name> ${id}) rather than creating it again`,
        );
      }
    }
    const prior = { accountId: id, slackNotificationChannels: channels, allowDeletion: inputs.allowDeletion };
    const outputs = await readAccount(ctx, id, prior);
    // Read-after-write can only miss if the account was deleted in between; report what Spot answered.
    return {
      id,
      outputs: outputs ?? {
        accountId: id,
        name: created.name ?? inputs.name,
        organizationId: created.organizationId,
        slackNotificationChannels: channels,
        allowDeletion: inputs.allowDeletion ?? false,
      },
    };
  },

  async update(ctx, id, inputs, live, changes: FieldChange[]) {
    const apiChanges = changes.filter((c) => c.field !== "allowDeletion");
    if (apiChanges.length) {
      const body: { name: string; slackNotificationChannels?: string[] } = { name: inputs.name };
      // Left out of the program: leave Spot's channels alone (Spot keeps them when the field is absent).
      if (inputs.slackNotificationChannels !== undefined)
        body.slackNotificationChannels = [...inputs.slackNotificationChannels];
      await ctx.client.accounts.update(id, body);
    }
    const prior: Partial<AccountOutputs> = {
      ...live,
      accountId: id,
      slackNotificationChannels: inputs.slackNotificationChannels ?? live.slackNotificationChannels,
      allowDeletion: inputs.allowDeletion ?? false,
    };
    const outputs = apiChanges.length ? await readAccount(ctx, id, prior) : undefined;
    if (apiChanges.length && !outputs) {
      throw new Error(`account ${id} disappeared right after it was updated (deleted outside spot-iac?)`);
    }
    return outputs ?? ({ ...live, allowDeletion: inputs.allowDeletion ?? false } as AccountOutputs);
  },

  async delete(ctx, id, live) {
    if (live.allowDeletion !== true) throw new Error(`account ${id}: ${DELETE_REFUSED}`);
    try {
      await ctx.client.accounts.delete(id);
    } catch (e) {
      if (isNotFound(e)) return; // already gone
      if (isSpotApiError(e) && e.status !== undefined && e.status < 500 && e.status !== 429) {
        // Spot refuses to delete the default (oldest) account; say so in words the user can act on.
        ctx.client.clearCache();
        const all = await ctx.client.accounts.list().catch(() => []);
        const oldest = [...all].sort((a, b) => Date.parse(a.createdAt ?? "") - Date.parse(b.createdAt ?? ""))[0];
        if (oldest?.accountId === id) {
          throw new Error(
            `account ${id} is the organization's default (oldest) account, which Spot does not delete through ` +
              `its API (Spot answered: ${e.spotMessage ?? e.code ?? e.message}). Contact Spot support to remove it, ` +
              `or stop managing it without deleting it (Pulumi: retainOnDelete or \`pulumi state delete\`; ` +
              `Terraform: \`terraform state rm\`; GitOps: stop declaring it)`,
          );
        }
      }
      throw e;
    }
  },

  async find(ctx, inputs) {
    const a = await findByName(ctx, inputs.name);
    if (!a) return undefined;
    // Channels the program does not declare are not compared, so the shared list is enough for them.
    const outputs = await readAccount(ctx, a.accountId, {
      accountId: a.accountId,
      slackNotificationChannels: inputs.slackNotificationChannels,
      allowDeletion: inputs.allowDeletion,
    });
    return outputs && { id: a.accountId, outputs };
  },

  async importById(ctx, importId) {
    const id = importId.trim();
    const problem = accountIdProblem(id);
    if (problem) throw new Error(`import id ${problem}`);
    const outputs = await readAccount(ctx, id);
    return outputs && { id, outputs };
  },

  async list(ctx) {
    const all = await ctx.client.accounts.list();
    return all.map((a) => ({ id: a.accountId, outputs: toOutputs(a, {}) }));
  },
};
