/**
 * Account: a Spot account of the token's organization (POST/PUT/DELETE /setup/account…).
 *
 * Unlike terraform-provider-spotinst, a rename is a real update (PUT /setup/account/{id}), not a silent no-op.
 * Reads come from the organization's account list (one coalesced call for any number of accounts), except for
 * accounts whose Slack channels are managed: only GET /setup/account/{id} returns those.
 */
import type { Account as WireAccount } from "../api/types";
import { isNotFound, isSpotApiError } from "../api/errors";
import { AlreadyExists, Ambiguous, CreatedNotFinished, DeletionRefused, InvalidImportId } from "../core/errors";
import type { ResourceContext, ResourceKind } from "../core/kind";
import { orGone } from "./shared/gone";
import { accountIdProblem, nameProblem } from "./shared/ids";

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
 * Slack channels are only in GET /setup/account/{id}. A caller that does not manage them reads from the shared list
 * (one call per organization, not one per account); managed channels, and a read of the whole object (import,
 * adopt), read the account directly.
 */
async function readAccount(
  ctx: ResourceContext,
  id: string,
  opts: { manage?: ReadonlySet<string>; allowDeletion?: boolean } = {},
): Promise<AccountOutputs | undefined> {
  const allowDeletion = opts.allowDeletion ?? false;
  if (opts.manage && !opts.manage.has("slackNotificationChannels")) {
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

/** What a read manages, given whether the declaration names the channels. */
function managing(channels: unknown): ReadonlySet<string> {
  return new Set(channels !== undefined ? ["name", "slackNotificationChannels"] : ["name"]);
}

/** Marks, in a listing, the organization's default account (the oldest), which Spot never deletes. */
const DEFAULT_ACCOUNT = Symbol("spot-iac.defaultAccount");

function oldestOf(list: WireAccount[]): WireAccount | undefined {
  return [...list].sort((a, b) => Date.parse(a.createdAt ?? "") - Date.parse(b.createdAt ?? ""))[0];
}

function describeIds(list: WireAccount[]): string[] {
  return list.map((a) => a.accountId);
}

async function findByName(ctx: ResourceContext, name: string): Promise<WireAccount | undefined> {
  const found = await ctx.client.accounts.findByName(name);
  if (found.length > 1) throw new Ambiguous("Account", describeIds(found), `named ${JSON.stringify(name)}`);
  return found[0];
}

export const account: ResourceKind<AccountInputs, AccountOutputs> = {
  name: "Account",
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
    accountId: {
      type: "string",
      stable: true,
      description: "Id of the account (act-…); also the object's id in spot-iac.",
    },
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

  read({ ctx, id, prior, manage }) {
    return readAccount(ctx, id, { manage, allowDeletion: prior?.allowDeletion });
  },

  normalizeLive(live) {
    return { ...live, allowDeletion: live.allowDeletion ?? false };
  },

  async create({ ctx, inputs }) {
    const existing = await ctx.client.accounts.findByName(inputs.name);
    if (existing.length)
      throw new AlreadyExists("Account", describeIds(existing), `named ${JSON.stringify(inputs.name)}`);
    // After an ambiguous failure (the POST may have committed) the client asks this before re-posting.
    const created = await ctx.client.accounts.create(
      { name: inputs.name },
      { findExisting: async () => (await ctx.client.accounts.findByName(inputs.name))[0] },
    );
    const id = created.accountId;
    const channels = inputs.slackNotificationChannels;
    const bare: AccountOutputs = {
      accountId: id,
      name: created.name ?? inputs.name,
      organizationId: created.organizationId,
      createdAt: created.createdAt,
      allowDeletion: inputs.allowDeletion ?? false,
    };
    if (channels && channels.length) {
      try {
        await ctx.client.accounts.update(id, { name: inputs.name, slackNotificationChannels: [...channels] });
      } catch (e) {
        throw new CreatedNotFinished("Account", id, bare, "setting its Slack channels", e);
      }
    }
    const outputs = await readAccount(ctx, id, { manage: managing(channels), allowDeletion: inputs.allowDeletion });
    // Read-after-write can only miss if the account was deleted in between; report what Spot answered.
    return { id, outputs: outputs ?? { ...bare, slackNotificationChannels: channels } };
  },

  async update({ ctx, id, inputs, live }) {
    const body: { name: string; slackNotificationChannels?: string[] } = { name: inputs.name };
    // Left out of the program: leave Spot's channels alone (Spot keeps them when the field is absent).
    if (inputs.slackNotificationChannels !== undefined)
      body.slackNotificationChannels = [...inputs.slackNotificationChannels];
    await ctx.client.accounts.update(id, body);
    const outputs = await readAccount(ctx, id, {
      manage: managing(inputs.slackNotificationChannels),
      allowDeletion: inputs.allowDeletion,
    });
    return outputs ?? { ...live, ...body };
  },

  async delete({ ctx, id }) {
    try {
      await ctx.client.accounts.delete(id);
    } catch (e) {
      if (isNotFound(e)) return; // already gone
      if (isSpotApiError(e) && e.status !== undefined && e.status < 500 && e.status !== 429) {
        // Spot refuses to delete the default (oldest) account; say so in words the user can act on.
        ctx.client.clearCache();
        const all = await ctx.client.accounts.list().catch(() => []);
        if (oldestOf(all)?.accountId === id) {
          throw new DeletionRefused(
            "Account",
            id,
            "protected",
            "delete",
            `it is the organization's default (oldest) account, which Spot does not delete through its API ` +
              `(Spot answered: ${e.spotMessage ?? e.code ?? e.message}); contact Spot support to remove it, or stop ` +
              `managing it without deleting it`,
          );
        }
      }
      throw e;
    }
  },

  async find({ ctx, inputs }) {
    const a = await findByName(ctx, inputs.name);
    if (!a) return undefined;
    // Channels the declaration leaves out are not compared, so the shared list is enough for them.
    const outputs = await readAccount(ctx, a.accountId, {
      manage: managing(inputs.slackNotificationChannels),
      allowDeletion: inputs.allowDeletion,
    });
    return outputs && { id: a.accountId, outputs };
  },

  async twins({ ctx, inputs }) {
    const found = await ctx.client.accounts.findByName(inputs.name, { fresh: true });
    return found.map((a) => ({ id: a.accountId, createdAt: a.createdAt }));
  },

  async importById({ ctx, importId }) {
    const id = importId.trim();
    const problem = accountIdProblem(id);
    if (problem) throw new InvalidImportId("Account", id, "act-<id> (the account id)", "act-12ab34cd", problem);
    const outputs = await readAccount(ctx, id);
    return outputs && { id, outputs };
  },

  async list({ ctx }) {
    const all = await ctx.client.accounts.list();
    const oldest = oldestOf(all)?.accountId;
    return all.map((a) => {
      const outputs = toOutputs(a, {});
      // Carried with the listing only (no field, never shown or sent): what pruneGuard needs to know.
      if (a.accountId === oldest) (outputs as AccountOutputs & { [DEFAULT_ACCOUNT]?: true })[DEFAULT_ACCOUNT] = true;
      return { id: a.accountId, outputs };
    });
  },

  pruneGuard(live) {
    return (live as AccountOutputs & { [DEFAULT_ACCOUNT]?: true })[DEFAULT_ACCOUNT]
      ? "it is the organization's default (oldest) account, which Spot does not delete through its API"
      : undefined;
  },
};
