/**
 * ProgrammaticUser: an API-only identity with a token (POST /setup/user/programmatic). The token is returned
 * once, by the create call: it is a secret output kept from the prior state on every read, never read again and
 * never logged. Policies and group membership change in place (…/policyMapping, …/userGroupMapping); Spot has no
 * endpoint for the rest, so a change there replaces the user, which mints a new token.
 */
import type { CreatedProgrammaticUser, OrganizationUser, UserDetails } from "../api/types";
import { AlreadyExists, Ambiguous, CreatedNotFinished, WrongKind } from "../core/errors";
import type { CheckFailure, Props, ResourceContext, ResourceKind } from "../core/kind";
import {
  assignmentsField,
  assignmentsFromLive,
  assignmentsToSend,
  checkAssignments,
  hideViewerPolicy,
  type Assignment,
} from "./shared/assignments";
import { orGone, readAll } from "./shared/gone";
import { accountIdShape, noSpecialChars, orgIdOf } from "./shared/ids";
import { deleteUser, updateMappings, userGroupIdsField } from "./shared/users";

export interface AccountRole {
  accountId: string;
  role: "viewer" | "editor";
}

export interface ProgrammaticUserInputs {
  name: string;
  description?: string;
  accounts?: AccountRole[];
  policies?: Assignment[];
  userGroupIds?: string[];
}

export interface ProgrammaticUserOutputs extends ProgrammaticUserInputs {
  userId: string;
  organizationId?: string;
  token?: string;
}

async function byName(ctx: ResourceContext, name: string): Promise<OrganizationUser[]> {
  // From the client's index of the organization's user list: no copy of the list per lookup.
  return ctx.client.users.findOrganizationUsersByName(name, "programmatic");
}

function outputsOf(d: UserDetails, prior?: Props): ProgrammaticUserOutputs {
  return {
    userId: d.userId ?? d.id,
    name: d.name ?? prior?.name ?? d.username ?? "",
    description: d.description || undefined,
    accounts: (d.accounts ?? []).map((a) => ({ accountId: a.id, role: a.role as AccountRole["role"] })),
    policies: assignmentsFromLive(d.policies),
    userGroupIds: d.userGroupIds ?? (d.groups ?? []).map((g) => g.id),
    organizationId: orgIdOf(d.organizationId),
    // Returned once by the create call; Spot can never give it again.
    token: typeof prior?.token === "string" && prior.token !== "" ? prior.token : undefined,
  };
}

async function read(ctx: ResourceContext, id: string, prior?: Props): Promise<ProgrammaticUserOutputs | undefined> {
  const d = await orGone(ctx.client.users.get(id));
  if (!d) return undefined;
  if (d.type && d.type !== "programmatic") throw new WrongKind("ProgrammaticUser", id, "User");
  return outputsOf(d, prior);
}

const REPLACES =
  "Spot has no endpoint to change it: a change replaces the programmatic user, which mints a new token (the old one stops working).";

export const programmaticUser: ResourceKind<ProgrammaticUserInputs, ProgrammaticUserOutputs> = {
  name: "ProgrammaticUser",
  description:
    "A programmatic user: an API-only identity whose token automation (CI, scripts) uses. The token is a secret " +
    "output returned once, at creation. Give it account roles (`accounts`) or access policies (`policies`), not both.",
  importId: { format: "pu-… (or the programmatic user's name)", example: "pu-1a2b3c4d" },
  naturalKey: ["name"],
  fields: {
    name: {
      type: "string",
      required: true,
      onChange: "replace",
      validate: noSpecialChars,
      description: `Name of the programmatic user; cannot contain + = @. ${REPLACES}`,
    },
    description: {
      type: "string",
      optional: true,
      onChange: "replace",
      description: `What the programmatic user is for. ${REPLACES}`,
    },
    accounts: {
      type: {
        set: {
          object: {
            accountId: {
              type: "string",
              required: true,
              ref: "Account",
              validate: accountIdShape,
              description: "Account id (act-…).",
            },
            role: { type: "string", required: true, enum: ["viewer", "editor"], description: "viewer or editor." },
          },
        },
      },
      optional: true,
      onChange: "replace",
      description:
        "Role-based access: a role on each of these accounts. Exclusive with policies. Spot cannot remove an account " +
        `from a programmatic user, so a change here replaces it (a new token is minted).`,
    },
    policies: assignmentsField("programmatic user", " Exclusive with accounts."),
    userGroupIds: userGroupIdsField("programmatic user"),
    token: {
      type: "string",
      secret: true,
      description:
        "The API token (secret). Spot returns it only when the user is created; spot-iac hands it over then and " +
        "never in plain text (a secret output in Pulumi, sealed to a public key in Terraform, written to a 0600 file " +
        "in GitOps). It is absent for a programmatic user that was adopted or imported: replace it to get one.",
    },
    userId: { type: "string", stable: true, computed: true, description: "The programmatic user id (pu-…)." },
    organizationId: {
      type: "string",
      stable: true,
      computed: true,
      description: "Id of the organization it belongs to.",
    },
  },

  check(inputs) {
    const out: CheckFailure[] = [];
    const hasAccounts = (inputs.accounts?.length ?? 0) > 0;
    const hasPolicies = (inputs.policies?.length ?? 0) > 0;
    if (hasAccounts && hasPolicies) {
      out.push({
        field: "policies",
        message: "cannot be given together with accounts: Spot takes one permission model; keep accounts or policies",
      });
    } else if (!hasAccounts && !hasPolicies) {
      out.push({
        field: "accounts",
        message: "or policies is required: give the programmatic user account roles or access policies",
      });
    }
    const seen = new Set<string>();
    (inputs.accounts ?? []).forEach((a, i) => {
      if (seen.has(a.accountId)) {
        out.push({
          field: `accounts.${i}.accountId`,
          message: `names ${a.accountId} twice; give one role per account`,
        });
      }
      seen.add(a.accountId);
    });
    return [...out, ...checkAssignments(inputs.policies)];
  },

  normalizeLive(live, desired) {
    return { ...live, policies: hideViewerPolicy(live.policies, desired.policies) };
  },

  async read({ ctx, id, prior }) {
    return read(ctx, id, prior);
  },

  async create({ ctx, inputs }) {
    const existing = await byName(ctx, inputs.name);
    if (existing.length) {
      throw new AlreadyExists(
        "ProgrammaticUser",
        existing.map((u) => u.userId),
        `named ${JSON.stringify(inputs.name)}`,
        "its token cannot be recovered (Spot returns a token only at creation): take it over without one, or choose another name",
      );
    }
    const body = {
      name: inputs.name,
      description: inputs.description,
      accounts: inputs.accounts?.length ? inputs.accounts.map((a) => ({ id: a.accountId, role: a.role })) : undefined,
      policies: inputs.policies?.length ? assignmentsToSend(inputs.policies, []) : undefined,
    };
    let created: CreatedProgrammaticUser | undefined;
    for (let attempt = 1; attempt <= 2 && !created?.token; attempt++) {
      if (created) {
        // A create that committed but whose answer was lost: the token is gone with the answer. Nobody holds it,
        // so delete that user and create it once more.
        ctx.warn(`programmatic user ${created.id} was created but its token was lost in transit; creating it again`);
        await ctx.client.users.delete(created.id);
      }
      created = await ctx.client.users.createProgrammatic(body, {
        findExisting: async () => {
          const [u] = await byName(ctx, inputs.name);
          return u ? { id: u.userId, name: u.username } : undefined;
        },
      });
    }
    const id = created!.id;
    const bare: ProgrammaticUserOutputs = { userId: id, name: inputs.name, token: created!.token || undefined };
    if (!created!.token) {
      throw new CreatedNotFinished(
        "ProgrammaticUser",
        id,
        bare,
        "receiving its token (Spot's answer was lost twice; a programmatic user without a token must be replaced)",
        new Error("no token in Spot's answer"),
      );
    }
    try {
      if (inputs.userGroupIds?.length) await ctx.client.users.setUserGroupMapping(id, inputs.userGroupIds);
    } catch (e) {
      // Tracked with its token, so that the next run sets the groups instead of minting another token.
      throw new CreatedNotFinished("ProgrammaticUser", id, bare, "setting its groups", e);
    }
    const outputs = await read(ctx, id, { token: created!.token, name: inputs.name });
    return { id, outputs: outputs ?? bare };
  },

  async update({ ctx, id, inputs, live, changes }) {
    await updateMappings(ctx, id, inputs, live, changes);
    return (await read(ctx, id, live)) ?? live;
  },

  delete: deleteUser,

  async find({ ctx, inputs }) {
    const found = await byName(ctx, inputs.name);
    if (found.length > 1)
      throw new Ambiguous(
        "ProgrammaticUser",
        found.map((u) => u.userId),
        `named ${JSON.stringify(inputs.name)}`,
      );
    if (!found.length) return undefined;
    const outputs = await read(ctx, found[0].userId, { name: inputs.name });
    return outputs ? { id: found[0].userId, outputs } : undefined;
  },

  async twins({ ctx, inputs }) {
    const found = await ctx.client.users.findOrganizationUsersByName(inputs.name, "programmatic", { fresh: true });
    if (found.length < 2) return found.map((u) => ({ id: u.userId }));
    // The list does not say when; the details do (when Spot tells it).
    return Promise.all(
      found.map(async (u) => {
        const d = (await orGone(ctx.client.users.get(u.userId, { direct: true }))) as
          { createdAt?: string } | undefined;
        return { id: u.userId, createdAt: d?.createdAt };
      }),
    );
  },

  async importById({ ctx, importId }) {
    let id = importId;
    if (!importId.startsWith("pu-")) {
      const found = await byName(ctx, importId);
      if (found.length !== 1) return undefined;
      id = found[0].userId;
    }
    const outputs = await read(ctx, id);
    return outputs ? { id, outputs } : undefined;
  },

  async list({ ctx }) {
    const users = await ctx.client.users.listOrganization();
    const ids = users.filter((u) => u.type === "programmatic").map((u) => u.userId);
    return readAll(ids, (id) => this.read({ ctx, id }));
  },
};
