/**
 * UserGroup: a group of users sharing access policies (/setup/access/userGroup…). Name and description change
 * with PUT, members with PUT …/userMapping, policies with PUT …/policyMapping (both replace the whole mapping).
 * Existence is decided by the coalesced group list; details come from GET /setup/access/userGroup/{id}.
 */
import type { UserGroupDetails, UserGroupSummary } from "../api/types";
import {
  assignmentsField,
  assignmentsFromLive,
  assignmentsToSend,
  changed,
  checkAssignments,
  explainConflict,
  type Assignment,
} from "./shared/assignments";
import type { ResourceContext, ResourceKind } from "../core/kind";
import { orGone, readAll } from "./shared/gone";
import { noSpecialChars } from "./shared/ids";

export interface UserGroupInputs {
  name: string;
  description?: string;
  userIds?: string[];
  policies?: Assignment[];
}

export interface UserGroupOutputs extends UserGroupInputs {
  userGroupId: string;
  createdAt?: string;
}

const memberShape = (ids: string[]): string | undefined => {
  for (const id of ids) {
    if (!/^(u|pu)-\S+$/.test(id)) return `must hold user ids (u-… or pu-…); got ${JSON.stringify(id)}`;
  }
  return undefined;
};

/** The details answer per the OpenAPI (users[], policies[].accountNames) and per Spot's Go SDK (userIds, accountIds). */
type Details = UserGroupDetails & { userIds?: string[] };

function outputsOf(g: Details): UserGroupOutputs {
  return {
    userGroupId: g.id,
    name: g.name,
    description: g.description || undefined,
    userIds: g.userIds ?? (g.users ?? []).map((u) => u.userId),
    policies: assignmentsFromLive(g.policies),
    createdAt: g.createdAt,
  };
}

async function read(ctx: ResourceContext, id: string): Promise<UserGroupOutputs | undefined> {
  const g = await orGone(ctx.client.access.userGroups.get(id));
  return g && outputsOf(g);
}

async function byName(ctx: ResourceContext, name: string): Promise<UserGroupSummary | undefined> {
  const exact = await ctx.client.access.userGroups.findByName(name);
  if (exact.length) return exact[0];
  const lower = name.toLowerCase();
  return (await ctx.client.access.userGroups.list()).find((g) => g.name.toLowerCase() === lower);
}

export const userGroup: ResourceKind<UserGroupInputs, UserGroupOutputs> = {
  name: "UserGroup",
  description:
    "A group of users (console and programmatic) that shares access policies. Everything about it changes in place.",
  importId: { format: "ugr-… (or the group's name)", example: "ugr-1a2b3c4d" },
  naturalKey: ["name"],
  fields: {
    name: {
      type: "string",
      required: true,
      validate: noSpecialChars,
      description: "Name of the group, unique in the organization; cannot contain + = @. Updated in place.",
    },
    description: {
      type: "string",
      optional: true,
      computed: true,
      validate: (v: string) =>
        v.trim() === ""
          ? "must not be empty: Spot cannot clear a group's description; omit description to leave it as it is"
          : undefined,
      description:
        "What the group is for. Updated in place. Spot cannot clear a description: omitting it leaves the current one.",
    },
    userIds: {
      type: { set: "string" },
      optional: true,
      computed: true,
      ref: "User",
      validate: memberShape,
      description:
        "Members (u-… console users, pu-… programmatic users). Updated in place (the whole list is replaced). Omit it " +
        "to leave membership alone (e.g. when users declare their userGroupIds: manage membership in one place only); " +
        "[] empties the group.",
    },
    policies: assignmentsField("group", " Omit it or give [] for none."),
    userGroupId: { type: "string", stable: true, computed: true, description: "The group id (ugr-…)." },
    createdAt: { type: "string", stable: true, computed: true, description: "When Spot created the group." },
  },

  check(inputs) {
    return checkAssignments(inputs.policies);
  },

  async read({ ctx, id }) {
    return read(ctx, id);
  },

  async create({ ctx, inputs }) {
    let id: string;
    try {
      const created = await ctx.client.access.userGroups.create(
        {
          name: inputs.name,
          description: inputs.description,
          userIds: inputs.userIds,
          policies: inputs.policies ? assignmentsToSend(inputs.policies, []) : undefined,
        },
        { findExisting: () => byName(ctx, inputs.name) },
      );
      id = created.id;
    } catch (e) {
      const existing = await byName(ctx, inputs.name).catch(() => undefined);
      explainConflict(e, "UserGroup", `named ${JSON.stringify(inputs.name)}`, existing?.id);
    }
    const outputs = await read(ctx, id);
    return { id, outputs: outputs ?? { ...inputs, userGroupId: id } };
  },

  async update({ ctx, id, inputs, live, changes }) {
    const groups = ctx.client.access.userGroups;
    if (changed(changes, "name") || changed(changes, "description")) {
      await groups.update(id, {
        name: inputs.name,
        ...(inputs.description !== undefined ? { description: inputs.description } : {}),
      });
    }
    if (changed(changes, "userIds") && inputs.userIds !== undefined) await groups.setUsers(id, inputs.userIds);
    if (changed(changes, "policies")) await groups.setPolicies(id, assignmentsToSend(inputs.policies, []));
    return (await read(ctx, id)) ?? live;
  },

  async delete({ ctx, id }) {
    await orGone(ctx.client.access.userGroups.delete(id));
  },

  async find({ ctx, inputs }) {
    const g = await byName(ctx, inputs.name);
    if (!g) return undefined;
    const outputs = await read(ctx, g.id);
    return outputs ? { id: g.id, outputs } : undefined;
  },

  async importById({ ctx, importId }) {
    const id = importId.startsWith("ugr-") ? importId : (await byName(ctx, importId))?.id;
    if (!id) return undefined;
    const outputs = await read(ctx, id);
    return outputs ? { id, outputs } : undefined;
  },

  async list({ ctx }) {
    const ids = (await ctx.client.access.userGroups.list()).map((g) => g.id);
    return readAll(ids, (id) => this.read({ ctx, id }));
  },
};
