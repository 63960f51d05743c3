/**
 * What console users (User) and programmatic users (ProgrammaticUser) share: lookups in the organization's user
 * list, group membership and policy mappings (the same endpoints for both), deletion.
 */
import type { OrganizationUser } from "../../api/types";
import type { Field } from "../../core/schema";
import type { FieldChange, ResourceContext } from "../../core/kind";
import { assignmentsToSend, changed, type Assignment } from "./assignments";
import { orGone } from "./gone";
import { idShape } from "./ids";

export const userGroupIdsField = (subject: string): Field => ({
  type: { set: "string" },
  optional: true,
  computed: true,
  ref: "UserGroup",
  validate: (ids: string[]) => {
    for (const id of ids) {
      const m = idShape("ugr-", "ugr-1a2b3c4d")(id);
      if (m) return m;
    }
    return undefined;
  },
  description:
    `User groups the ${subject} belongs to (ugr-…). Updated in place. Omit it to leave membership alone (e.g. when ` +
    "groups list their members with UserGroup.userIds: manage membership in one place only); [] removes the " +
    `${subject} from every group.`,
});

/** The organization's user with this e-mail (Spot matches e-mails without regard to case). */
export async function userByEmail(
  ctx: ResourceContext,
  email: string,
  type: "personal" | "programmatic" = "personal",
): Promise<OrganizationUser | undefined> {
  // Served from the client's index of the organization's user list: no copy of the list per lookup.
  return ctx.client.users.findOrganizationUser({ email, type });
}

/** The in-place updates console and programmatic users share: direct policies and group membership. */
export async function updateMappings(
  ctx: ResourceContext,
  id: string,
  inputs: { policies?: Assignment[]; userGroupIds?: string[] },
  live: { policies?: Assignment[] },
  changes: FieldChange[],
): Promise<void> {
  if (changed(changes, "policies")) {
    await ctx.client.users.setPolicyMapping(id, assignmentsToSend(inputs.policies, live.policies));
  }
  if (changed(changes, "userGroupIds") && inputs.userGroupIds !== undefined) {
    await ctx.client.users.setUserGroupMapping(id, inputs.userGroupIds);
  }
}

/** Delete a console or programmatic user; one already gone is not an error. */
export async function deleteUser({ ctx, id }: { ctx: ResourceContext; id: string }): Promise<void> {
  await orGone(ctx.client.users.delete(id));
}
