/**
 * User: a console (personal) user of the organization. POST /setup/user creates it (no personal token is
 * requested), GET /setup/user/{userId} reads it (existence decided by the coalesced organization user list),
 * PUT …/policyMapping and …/userGroupMapping change its access, DELETE /setup/user/{userId} removes it.
 * Spot has no endpoint to change a user's names, e-mail, password or organization role.
 */
import type { UserDetails } from "../api/types";
import { CreatedNotFinished, WrongKind } from "../core/errors";
import type { Props, ResourceContext, ResourceKind } from "../core/kind";
import { secretStandIn } from "../core/secrets";
import {
  assignmentsField,
  assignmentsFromLive,
  assignmentsToSend,
  checkAssignments,
  explainConflict,
  hideViewerPolicy,
  type Assignment,
} from "./shared/assignments";
import { orGone, readAll } from "./shared/gone";
import { emailShape, noSpecialChars, sameEmail, orgIdOf } from "./shared/ids";
import { deleteUser, updateMappings, userByEmail, userGroupIdsField } from "./shared/users";

export interface UserInputs {
  email: string;
  firstName: string;
  lastName: string;
  password?: string;
  role?: string;
  policies?: Assignment[];
  userGroupIds?: string[];
}

export interface UserOutputs extends UserInputs {
  userId: string;
  organizationId?: string;
  displayName?: string;
}

function outputsOf(d: UserDetails, prior?: Props): UserOutputs {
  return {
    userId: d.userId,
    email: d.email ?? prior?.email,
    firstName: d.firstName ?? prior?.firstName,
    lastName: d.lastName ?? prior?.lastName,
    displayName: d.displayName ?? d.username,
    role: d.role,
    policies: assignmentsFromLive(d.policies),
    userGroupIds: d.userGroupIds ?? (d.groups ?? []).map((g) => g.id),
    organizationId: orgIdOf(d.organizationId),
    // Spot never returns the password: carry the hash recorded at creation.
    password: secretStandIn(prior?.password),
  };
}

async function read(ctx: ResourceContext, id: string, prior?: Props): Promise<UserOutputs | undefined> {
  const d = await orGone(ctx.client.users.get(id));
  if (!d) return undefined;
  if (d.type === "programmatic") throw new WrongKind("User", id, "ProgrammaticUser");
  return outputsOf(d, prior);
}

const NO_ENDPOINT = "Spot has no API to change it:";

/**
 * Spot's minimum for a console user's password (8 characters with a letter and a digit; stricter organization
 * policies may refuse more). Checked at plan time, so a weak password fails the plan, not the apply. Never quotes
 * the value.
 */
function passwordProblem(v: string): string | undefined {
  if (v.length >= 8 && /[A-Za-z]/.test(v) && /\d/.test(v)) return undefined;
  return `must have at least 8 characters, including a letter and a digit (got ${v.length} characters)`;
}

export const user: ResourceKind<UserInputs, UserOutputs> = {
  name: "User",
  description:
    "A console user of the organization (a person who signs in to Spot). Spot cannot change a user's e-mail, names, " +
    "password or organization role through its API: changing the e-mail creates a new user, the others are refused " +
    "with a message. Access is granted with `policies`, group membership, or UserAttachment (account roles).",
  importId: { format: "u-… (or the user's e-mail address)", example: "u-1a2b3c4d" },
  naturalKey: ["email"],
  fields: {
    email: {
      type: "string",
      required: true,
      onChange: "replace",
      validate: emailShape,
      description:
        "E-mail address: the user's login and identity in Spot. Changing it deletes this user and creates a new one " +
        "(Spot cannot change an e-mail), which loses the old user's personal tokens and settings.",
    },
    firstName: {
      type: "string",
      required: true,
      onChange: "reject",
      rejectHint: `${NO_ENDPOINT} change the name in the Spot console (the user's profile), then update it here to match; or change email to create a new user.`,
      validate: noSpecialChars,
      description: "First name; cannot contain + = @. Set at creation only (Spot has no API to rename a user).",
    },
    lastName: {
      type: "string",
      required: true,
      onChange: "reject",
      rejectHint: `${NO_ENDPOINT} change the name in the Spot console (the user's profile), then update it here to match; or change email to create a new user.`,
      validate: noSpecialChars,
      description: "Last name; cannot contain + = @. Set at creation only (Spot has no API to rename a user).",
    },
    password: {
      type: "string",
      optional: true,
      secret: true,
      validate: passwordProblem,
      onChange: "reject",
      rejectHint: `${NO_ENDPOINT} the user changes it in the Spot console. Restore the previous value here, or remove password from the declaration (it is only used when the user is created).`,
      description:
        "Initial password, used only when the user is created (Spot's password rules apply). Write-only: spot-iac keeps " +
        "only a salted hash of it, and refuses a later change because Spot has no API to change a password.",
    },
    role: {
      type: "string",
      optional: true,
      computed: true,
      enum: ["admin", "editor", "viewer"],
      onChange: "reject",
      rejectHint:
        `${NO_ENDPOINT} change the organization role in the Spot console (Settings → Users) and then here; ` +
        "for account-level access use policies or a UserAttachment, which change in place.",
      description:
        "Organization role at creation: admin, editor or viewer (Spot's default: viewer; a viewer is also attached to " +
        "the organization's default account). Spot has no API to change it later, so a change is refused rather than " +
        "replacing the person's user.",
    },
    policies: assignmentsField(
      "user",
      ` Omit it or give [] for none. Spot's built-in account viewer policy ("3") is ignored unless declared.`,
    ),
    userGroupIds: userGroupIdsField("user"),
    userId: { type: "string", stable: true, computed: true, description: "The user id (u-…)." },
    organizationId: {
      type: "string",
      stable: true,
      computed: true,
      description: "Id of the organization the user belongs to.",
    },
    displayName: { type: "string", computed: true, description: "Name Spot displays: first and last name." },
  },

  check(inputs) {
    return checkAssignments(inputs.policies);
  },

  normalizeLive(live, desired) {
    const out = { ...live, policies: hideViewerPolicy(live.policies, desired.policies) };
    // Spot matches e-mails without regard to case: a difference in case alone must not replace the user.
    if (sameEmail(out.email, desired.email)) out.email = desired.email;
    // Spot's documented user answer may carry only the display name; accept it when it matches the declaration.
    if (out.firstName === undefined && out.lastName === undefined && out.displayName !== undefined) {
      if (out.displayName === `${desired.firstName} ${desired.lastName}`.trim()) {
        out.firstName = desired.firstName;
        out.lastName = desired.lastName;
      }
    }
    return out;
  },

  async read({ ctx, id, prior }) {
    return read(ctx, id, prior);
  },

  async create({ ctx, inputs }) {
    let userId: string;
    try {
      const created = await ctx.client.users.create(
        {
          email: inputs.email,
          firstName: inputs.firstName,
          lastName: inputs.lastName,
          password: inputs.password,
          role: inputs.role,
        },
        {
          findExisting: async () => {
            const u = await userByEmail(ctx, inputs.email);
            return u ? { userId: u.userId } : undefined;
          },
        },
      );
      userId = created.userId;
    } catch (e) {
      const existing = await userByEmail(ctx, inputs.email).catch(() => undefined);
      explainConflict(e, "User", `with e-mail ${inputs.email}`, existing?.userId);
    }
    try {
      if (inputs.policies?.length)
        await ctx.client.users.setPolicyMapping(userId, assignmentsToSend(inputs.policies, []));
      if (inputs.userGroupIds?.length) await ctx.client.users.setUserGroupMapping(userId, inputs.userGroupIds);
    } catch (e) {
      // The user exists without the declared access: tracked, so that the next run sets it.
      const bare = { userId, email: inputs.email, firstName: inputs.firstName, lastName: inputs.lastName };
      throw new CreatedNotFinished(
        "User",
        userId,
        { ...bare, password: secretStandIn(inputs.password) },
        "setting its access",
        e,
      );
    }
    const prior = {
      password: inputs.password,
      email: inputs.email,
      firstName: inputs.firstName,
      lastName: inputs.lastName,
    };
    const outputs = await read(ctx, userId, prior);
    // Read-after-write misses only if the user was deleted in between: report what is known.
    return { id: userId, outputs: outputs ?? { ...prior, userId, password: secretStandIn(inputs.password) } };
  },

  async update({ ctx, id, inputs, live, changes }) {
    await updateMappings(ctx, id, inputs, live, changes);
    return (await read(ctx, id, live)) ?? live;
  },

  delete: deleteUser,

  async find({ ctx, inputs }) {
    const u = await userByEmail(ctx, inputs.email);
    if (!u) return undefined;
    // Spot cannot tell whether the declared password is the user's: it becomes the recorded baseline, so a later
    // change to it is reported instead of ignored.
    const outputs = await read(ctx, u.userId, { password: inputs.password });
    return outputs ? { id: u.userId, outputs } : undefined;
  },

  async importById({ ctx, importId }) {
    const id = importId.includes("@") ? (await userByEmail(ctx, importId))?.userId : importId;
    if (!id) return undefined;
    const outputs = await read(ctx, id);
    return outputs ? { id, outputs } : undefined;
  },

  async list({ ctx }) {
    const users = await ctx.client.users.listOrganization();
    const ids = users.filter((u) => (u.type ?? "personal") === "personal").map((u) => u.userId);
    return readAll(ids, (id) => this.read({ ctx, id }));
  },

  pruneGuard(live) {
    // No "who am I" endpoint exists and the token running spot-iac belongs to an admin: deleting admins
    // could lock the run out half-way.
    return live.role === "admin" ? "organization admins are never pruned (remove them in the Spot console)" : undefined;
  },
};
