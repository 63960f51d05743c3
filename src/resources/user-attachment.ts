/**
 * UserAttachment: an existing console user attached to an account, with a role (viewer | editor) or with access
 * policies. POST /setup/account/{accountId}/user attaches with a role; a policy-based attachment is made with
 * POST /setup/accountUserMapping; PUT /setup/account/{accountId}/user changes it; DELETE (body {userEmail}) detaches.
 * Read: GET /setup/user (one coalesced list for every attachment: userId ↔ e-mail) and
 * GET /setup/accountUserMapping?userEmail= (one call per user, shared by all of that user's attachments).
 */
import type { AccountUser } from "../api/types";
import { CreatedNotFinished, InvalidImportId, InvalidInputs } from "../core/errors";
import type { CheckFailure, ResourceContext, ResourceKind } from "../core/kind";
import { orGone, readAll } from "./shared/gone";
import { accountIdShape, emailShape, idShape, sameEmail } from "./shared/ids";

export interface UserAttachmentInputs {
  accountId: string;
  userEmail?: string;
  userId?: string;
  role?: "viewer" | "editor";
  policyIds?: string[];
}

export interface UserAttachmentOutputs extends UserAttachmentInputs {
  permissionStrategy: "ROLE_BASED" | "POLICY_BASED";
}

/** What GET /setup/accountUserMapping answers per account (the OpenAPI shows {accountId, role}; policy-based adds the rest). */
interface LiveMapping {
  accountId: string;
  role?: string;
  permissionStrategy?: string;
  policyIds?: string[];
}

const userIdShape = (v: string): string | undefined =>
  v.startsWith("pu-")
    ? "names a programmatic user: programmatic users get account roles through ProgrammaticUser.accounts"
    : idShape("u-", "u-1a2b3c4d")(v);

export function attachmentId(accountId: string, userId: string): string {
  return `${accountId}/${userId}`;
}

function parseId(id: string): { accountId: string; user: string } | undefined {
  const i = id.indexOf("/");
  if (i <= 0 || i === id.length - 1) return undefined;
  return { accountId: id.slice(0, i), user: id.slice(i + 1) };
}

/** The organization's console users (GET /setup/user): programmatic users are not attached this way. */
async function consoleUser(
  ctx: ResourceContext,
  by: { userId?: string; email?: string },
): Promise<AccountUser | undefined> {
  // Served from the client's index of GET /setup/user: no copy of the list per lookup.
  return ctx.client.users.findAccountUser(by.userId ? { userId: by.userId } : { email: by.email! });
}

async function resolveUser(
  ctx: ResourceContext,
  inputs: UserAttachmentInputs,
): Promise<AccountUser & { email: string }> {
  const u = await consoleUser(ctx, { userId: inputs.userId, email: inputs.userEmail });
  if (!u || !u.email) {
    const what = inputs.userId ? JSON.stringify(inputs.userId) : JSON.stringify(inputs.userEmail);
    const hint = inputs.userId?.startsWith("pu-")
      ? "programmatic users get account roles through ProgrammaticUser.accounts"
      : "create the user first (a User resource) or fix the value";
    throw new InvalidInputs("UserAttachment", [
      {
        field: inputs.userId ? "userId" : "userEmail",
        message: `${what} names no console user of this organization; ${hint}`,
      },
    ]);
  }
  return u as AccountUser & { email: string };
}

function outputsOf(accountId: string, u: { userId: string; email: string }, m: LiveMapping): UserAttachmentOutputs {
  const policyBased = m.permissionStrategy === "POLICY_BASED";
  return {
    accountId,
    userId: u.userId,
    userEmail: u.email,
    permissionStrategy: policyBased ? "POLICY_BASED" : "ROLE_BASED",
    role: policyBased ? undefined : (m.role as UserAttachmentInputs["role"]),
    policyIds: policyBased ? [...(m.policyIds ?? [])] : undefined,
  };
}

async function mappingOf(ctx: ResourceContext, email: string, accountId: string): Promise<LiveMapping | undefined> {
  const list = (await orGone(ctx.client.users.accountMappings(email))) as LiveMapping[] | undefined;
  return list?.find((m) => m.accountId === accountId);
}

/** A promise that never rejects, so that a guess nobody ends up awaiting cannot become an unhandled rejection. */
function settled<T>(p: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function unwrap<T>(r: { value: T } | { error: unknown }): T {
  if ("error" in r) throw r.error;
  return r.value;
}

async function readAttachment(
  ctx: ResourceContext,
  accountId: string,
  by: { userId?: string; email?: string },
  /** The e-mail the caller remembers: its mappings are asked for alongside the user, a round trip fewer. */
  expectedEmail?: string,
): Promise<{ id: string; outputs: UserAttachmentOutputs } | undefined> {
  const guess = expectedEmail ? settled(mappingOf(ctx, expectedEmail, accountId)) : undefined;
  const u = await consoleUser(ctx, by);
  if (!u?.email) return undefined;
  // The remembered e-mail is only a guess (the user may have been replaced): used when the user still has it.
  const m = guess && u.email === expectedEmail ? unwrap(await guess) : await mappingOf(ctx, u.email, accountId);
  if (!m) return undefined;
  return {
    id: attachmentId(accountId, u.userId),
    outputs: outputsOf(accountId, { userId: u.userId, email: u.email }, m),
  };
}

/** Set the permission of an attached user (PUT). */
async function putPermission(ctx: ResourceContext, inputs: UserAttachmentInputs, userId: string): Promise<void> {
  await ctx.client.accounts.updateUser(
    inputs.accountId,
    inputs.policyIds?.length
      ? { userId, permissionStrategy: "POLICY_BASED", policyIds: inputs.policyIds }
      : { userId, permissionStrategy: "ROLE_BASED", role: inputs.role },
  );
}

export const userAttachment: ResourceKind<UserAttachmentInputs, UserAttachmentOutputs> = {
  name: "UserAttachment",
  description:
    "An existing console user attached to an account, with an account role (viewer or editor) or with access policies. " +
    "Deleting it detaches the user from the account; the user itself stays.",
  importId: { format: "<accountId>/<userId> (or <accountId>/<userEmail>)", example: "act-1a2b3c4d/u-1a2b3c4d" },
  naturalKey: ["accountId", "userEmail", "userId"],
  fields: {
    accountId: {
      type: "string",
      required: true,
      ref: "Account",
      onChange: "replace",
      validate: accountIdShape,
      description:
        "The account (act-…) the user is attached to. Changing it detaches the user and attaches it to the new account.",
    },
    userEmail: {
      type: "string",
      optional: true,
      computed: true,
      onChange: "replace",
      validate: emailShape,
      description:
        "E-mail of the console user to attach. Give userEmail or userId, not both. Changing it attaches another user.",
    },
    userId: {
      type: "string",
      optional: true,
      computed: true,
      ref: "User",
      onChange: "replace",
      validate: userIdShape,
      description:
        "Id (u-…) of the console user to attach. Give userEmail or userId, not both. Changing it attaches another user.",
    },
    role: {
      type: "string",
      optional: true,
      enum: ["viewer", "editor"],
      description: "Role-based access: viewer or editor on the account. Give role or policyIds. Updated in place.",
    },
    policyIds: {
      type: { set: "string" },
      optional: true,
      ref: "AccessPolicy",
      validate: (ids: string[]) => {
        for (const id of ids) {
          const m = idShape(undefined, "pol-1a2b3c4d")(id);
          if (m) return m;
        }
        return undefined;
      },
      description:
        "Policy-based access: access policies (pol-…) applied on the account. Give role or policyIds. Updated in place.",
    },
    permissionStrategy: {
      type: "string",
      computed: true,
      description: "ROLE_BASED (role) or POLICY_BASED (policyIds), as Spot records the attachment.",
    },
  },

  check(inputs) {
    const out: CheckFailure[] = [];
    if (inputs.userEmail !== undefined && inputs.userId !== undefined) {
      out.push({ field: "userId", message: "cannot be given together with userEmail; name the user one way" });
    } else if (inputs.userEmail === undefined && inputs.userId === undefined) {
      out.push({ field: "userEmail", message: "or userId is required: which user to attach" });
    }
    const hasPolicies = (inputs.policyIds?.length ?? 0) > 0;
    if (inputs.role !== undefined && hasPolicies) {
      out.push({
        field: "policyIds",
        message: "cannot be given together with role: keep role (role-based) or policyIds (policy-based)",
      });
    } else if (inputs.role === undefined && !hasPolicies) {
      out.push({
        field: "role",
        message: 'or policyIds is required: give role "viewer" or "editor", or access policies',
      });
    }
    return out;
  },

  normalizeLive(live, desired) {
    // Spot matches e-mails without regard to case: a difference in case alone must not re-attach the user.
    return sameEmail(live.userEmail, desired.userEmail) ? { ...live, userEmail: desired.userEmail } : live;
  },

  async read({ ctx, id, prior }) {
    const p = parseId(id);
    if (!p) throw new InvalidImportId("UserAttachment", id, this.importId.format, this.importId.example);
    const by = p.user.includes("@") ? { email: p.user } : { userId: p.user };
    const r = await readAttachment(ctx, p.accountId, by, prior?.userEmail);
    // Nothing of an attachment is write-only or local: the live object is complete without `prior`.
    return r?.outputs;
  },

  async create({ ctx, inputs }) {
    const u = await resolveUser(ctx, inputs);
    const id = attachmentId(inputs.accountId, u.userId);
    const existing = await mappingOf(ctx, u.email, inputs.accountId);
    if (existing) {
      // Already attached (e.g. a viewer user is attached to the default account when created): set the permission.
      ctx.warn(`${u.email} was already attached to ${inputs.accountId}; its permission there is now managed here`);
      await putPermission(ctx, inputs, u.userId);
    } else if (inputs.policyIds?.length) {
      await ctx.client.users.assignToAccounts(inputs.accountId, [
        {
          userId: u.userId,
          accountId: inputs.accountId,
          permissionStrategy: "POLICY_BASED",
          policyIds: inputs.policyIds,
        },
      ]);
    } else {
      await ctx.client.accounts.attachUser(
        inputs.accountId,
        { userEmail: u.email, role: inputs.role! },
        { findExisting: () => mappingOf(ctx, u.email, inputs.accountId) },
      );
    }
    const r = await readAttachment(ctx, inputs.accountId, { userId: u.userId });
    if (!r)
      throw new CreatedNotFinished(
        "UserAttachment",
        id,
        { accountId: inputs.accountId, userId: u.userId, userEmail: u.email },
        "reading the attachment back (Spot does not list it yet)",
        new Error("not in GET /setup/accountUserMapping"),
      );
    return { id, outputs: r.outputs };
  },

  async update({ ctx, inputs, live }) {
    await putPermission(ctx, inputs, live.userId!);
    const r = await readAttachment(ctx, live.accountId, { userId: live.userId });
    return r?.outputs ?? live;
  },

  async delete({ ctx, live }) {
    const email = live.userEmail ?? (await consoleUser(ctx, { userId: live.userId }))?.email;
    if (!email) return; // the user is gone, and its attachments with it
    await orGone(ctx.client.accounts.detachUser(live.accountId, email));
  },

  async find({ ctx, inputs }) {
    return readAttachment(ctx, inputs.accountId, { userId: inputs.userId, email: inputs.userEmail });
  },

  async importById({ ctx, importId }) {
    const p = parseId(importId);
    if (!p) throw new InvalidImportId("UserAttachment", importId, this.importId.format, this.importId.example);
    return readAttachment(ctx, p.accountId, p.user.includes("@") ? { email: p.user } : { userId: p.user });
  },

  async list({ ctx }) {
    const users = await ctx.client.users.list();
    const ids = users.flatMap((u) => (u.mappedAccountIds ?? []).map((a) => `${a}/${u.userId}`));
    return readAll(ids, (id) => this.read({ ctx, id }));
  },
};
