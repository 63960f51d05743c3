/**
 * Read-only lookups of the users and access area: the organization's users, one user (by e-mail or id), access
 * policies (optionally by name) and the policy-action catalogue. Each costs one list call, shared through the
 * client's cache with the resources that read the same list.
 */
import type { OrganizationUser, PolicyAction } from "../api/types";
import { isNotFound } from "../api/errors";
import { InvalidInputs, NotFound } from "../core/errors";
import { emailShape, orgIdOf } from "./shared/ids";
import type { Fields } from "../core/schema";
import type { Lookup } from "../core/kind";

const userListItem: Fields = {
  userId: { type: "string", description: "User id: u-… (console) or pu-… (programmatic)." },
  username: { type: "string", description: "Display name (a programmatic user's name)." },
  type: { type: "string", description: "personal (console user) or programmatic." },
  email: { type: "string", description: "E-mail address (console users only)." },
  mfa: { type: "bool", description: "Whether the user has multi-factor authentication on." },
  groupNames: { type: { list: "string" }, description: "Names of the user's groups." },
};

export const usersLookup: Lookup<{ type?: string }, { users: Record<string, unknown>[] }> = {
  name: "Users",
  description: "The users of the organization: console users and programmatic users (GET /setup/organization/user).",
  args: {
    type: {
      type: "string",
      optional: true,
      enum: ["personal", "programmatic"],
      description: "Only users of this type: personal (console) or programmatic. Default: all.",
    },
  },
  result: {
    users: { type: { list: { object: userListItem } }, description: "The users, in Spot's order." },
  },
  async run(ctx, args) {
    const list = await ctx.client.users.listOrganization();
    return {
      users: list
        .filter((u) => !args.type || (u.type ?? "personal") === args.type)
        .map((u: OrganizationUser) => ({
          userId: u.userId,
          username: u.username,
          type: u.type,
          email: u.email,
          mfa: u.mfa,
          groupNames: [...(u.groupNames ?? [])],
        })),
    };
  },
};

const policyListItem: Fields = {
  policyId: { type: "string", description: "Policy id." },
  policyName: { type: "string", description: "Policy name." },
  policyType: { type: "string", description: "ACCOUNT or ORGANIZATION." },
  accountIds: { type: { list: "string" }, description: 'Accounts it applies to ("*" = all).' },
};

export const userLookup: Lookup<{ email?: string; userId?: string }, Record<string, unknown>> = {
  name: "User",
  description:
    "One user of the organization, by e-mail (console users) or by id (u-… or pu-…), with its policies and groups. " +
    "Fails when no such user exists.",
  args: {
    email: {
      type: "string",
      optional: true,
      validate: emailShape,
      description: "E-mail of a console user. Give email or userId.",
    },
    userId: {
      type: "string",
      optional: true,
      validate: (v: string) =>
        /^(u|pu)-\S+$/.test(v) ? undefined : `must be a user id (u-… or pu-…); got ${JSON.stringify(v)}`,
      description: "Id of the user (u-… or pu-…). Give email or userId.",
    },
  },
  result: {
    userId: { type: "string", description: "User id." },
    email: { type: "string", description: "E-mail address (console users)." },
    type: { type: "string", description: "personal or programmatic." },
    username: { type: "string", description: "Display name (a programmatic user's name)." },
    firstName: { type: "string", description: "First name (console users)." },
    lastName: { type: "string", description: "Last name (console users)." },
    role: { type: "string", description: "Organization role (console users)." },
    mfa: { type: "bool", description: "Whether multi-factor authentication is on." },
    organizationId: { type: "string", description: "The organization id." },
    policies: {
      type: { list: { object: policyListItem } },
      description: "Access policies mapped directly to the user.",
    },
    userGroupIds: { type: { list: "string" }, description: "Ids of the user's groups." },
  },
  async run(ctx, args) {
    if ((args.email === undefined) === (args.userId === undefined)) {
      throw new InvalidInputs("User lookup", [{ field: "email", message: "or userId: give exactly one" }]);
    }
    let id = args.userId;
    if (args.email !== undefined) {
      const lower = args.email.toLowerCase();
      const u = (await ctx.client.users.listOrganization()).find((x) => x.email?.toLowerCase() === lower);
      if (!u) throw new NotFound("User", { key: `email=${JSON.stringify(args.email)}` });
      id = u.userId;
    }
    let d;
    try {
      d = await ctx.client.users.get(id!);
    } catch (e) {
      if (isNotFound(e)) throw new NotFound("User", { id });
      throw e;
    }
    return {
      userId: d.userId,
      email: d.email,
      type: d.type,
      username: d.username ?? d.name,
      firstName: d.firstName,
      lastName: d.lastName,
      role: d.role,
      mfa: d.mfa,
      organizationId: orgIdOf(d.organizationId),
      policies: (d.policies ?? []).map((p) => ({
        policyId: p.policyId,
        policyName: p.policyName,
        policyType: p.policyType,
        accountIds: [...(p.accountIds ?? [])],
      })),
      userGroupIds: d.userGroupIds ?? (d.groups ?? []).map((g) => g.id),
    };
  },
};

export const accessPoliciesLookup: Lookup<{ name?: string }, { policies: Record<string, unknown>[] }> = {
  name: "AccessPolicies",
  description:
    "The organization's access policies (GET /setup/organization/policy), optionally only those with a name.",
  args: {
    name: {
      type: "string",
      optional: true,
      description: "Only the policy with this name (Spot compares policy names without regard to case).",
    },
  },
  result: {
    policies: {
      type: {
        list: {
          object: {
            policyId: { type: "string", description: "Policy id (pol-…)." },
            name: { type: "string", description: "Name." },
            description: { type: "string", description: "Description." },
            policyType: { type: "string", description: "ACCOUNT or ORGANIZATION." },
            statements: {
              type: {
                list: {
                  object: {
                    effect: { type: "string", description: "ALLOW or DENY." },
                    actions: { type: { list: "string" }, description: "Actions." },
                    resources: { type: { list: "string" }, description: "Resources." },
                  },
                },
              },
              description: "The policy's statements.",
            },
          },
        },
      },
      description: "The matching policies.",
    },
  },
  async run(ctx, args) {
    const lower = args.name?.toLowerCase();
    const list = await ctx.client.access.policies.list();
    return {
      policies: list
        .filter((p) => lower === undefined || p.name.toLowerCase() === lower)
        .map((p) => ({
          policyId: p.id,
          name: p.name,
          description: p.description,
          policyType: p.type,
          statements: (p.policyContent?.statements ?? []).map((s) => ({
            effect: s.effect,
            actions: [...s.actions],
            resources: [...s.resources],
          })),
        })),
    };
  },
};

export const policyActionsLookup: Lookup<Record<string, string | undefined>, { actions: PolicyAction[] }> = {
  name: "PolicyActions",
  description:
    "Spot's catalogue of the actions an access policy statement may name (GET /setup/access/policyAction), optionally filtered.",
  args: {
    service: { type: "string", optional: true, description: 'Only actions of this service, e.g. "ocean".' },
    scope: {
      type: "string",
      optional: true,
      enum: ["ACCOUNT", "ORGANIZATION"],
      description: "Only actions of this scope: ACCOUNT or ORGANIZATION.",
    },
    category: {
      type: "string",
      optional: true,
      enum: ["CREATE", "READ", "UPDATE", "DELETE"],
      description: "Only actions of this category: CREATE, READ, UPDATE or DELETE.",
    },
  },
  result: {
    actions: {
      type: {
        list: {
          object: {
            name: { type: "string", description: 'Action name, e.g. "ocean:updateCluster".' },
            service: { type: "string", description: "Service." },
            resourcePattern: { type: "string", description: 'Pattern of the resources it acts on, e.g. "ocean:o-*".' },
            scope: { type: "string", description: "ACCOUNT or ORGANIZATION." },
            category: { type: "string", description: "CREATE, READ, UPDATE or DELETE." },
          },
        },
      },
      description: "The matching actions.",
    },
  },
  async run(ctx, args) {
    const list = await ctx.client.access.policies.actions({
      service: args.service,
      scope: args.scope,
      category: args.category,
    });
    return {
      actions: list.map((a) => ({
        name: a.name,
        service: a.service,
        resourcePattern: a.resourcePattern,
        scope: a.scope,
        category: a.category,
      })),
    };
  },
};

export const userLookups: Lookup<any, any>[] = [usersLookup, userLookup, accessPoliciesLookup, policyActionsLookup];
