/**
 * Console users (U1–U5), programmatic users (U8), their policy and group mappings (U6, U7), and the
 * account-user mapping (R1, R2). Tokens returned by Spot are secrets: they are registered for redaction.
 */
import { readListed } from "./existence";
import { mappingTag } from "./accounts";
import {
  cloneJson,
  created,
  need,
  needArray,
  needNoSpecial,
  needString,
  notInList,
  single,
  toStr,
  type CreateOptions,
} from "./area";
import type { CachedList, ListSpec } from "./read-cache";
import { FRESH, RECHECK_AGE_MS, type Transport } from "./transport";
import type {
  AccountUser,
  AccountUserMapping,
  AccountUserMappingInput,
  CreatedProgrammaticUser,
  CreatedUser,
  CreateProgrammaticUserInput,
  CreateUserInput,
  OrganizationUser,
  PolicyAssignment,
  UserDetails,
} from "./types";

const USERS = "/setup/user";
const ORG_USERS = "/setup/organization/user";
const ONE = "/setup/user/{userId}";
const PROGRAMMATIC = "/setup/user/programmatic";
const POLICY_MAPPING = "/setup/user/{userId}/policyMapping";
const GROUP_MAPPING = "/setup/user/{userId}/userGroupMapping";
const ACCOUNT_MAPPING = "/setup/accountUserMapping";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Raw = Record<string, unknown>;
const lowerEmail = (u: unknown) => toStr((u as Raw).email)?.toLowerCase();

/** User list items (both lists) by userId and by e-mail, lower-cased as Spot compares e-mails. */
const USER_LIST: ListSpec = {
  key: (u) => toStr((u as Raw).userId),
  by: { email: lowerEmail, username: (u) => toStr((u as Raw).username) },
};
/** A user's account mappings by account. */
const MAPPING_LIST: ListSpec = { key: (m) => toStr((m as Raw).accountId) };

export interface UserQuery {
  /** Matched without regard to case, as Spot matches e-mails. */
  email?: string;
  userId?: string;
}

function checkPolicies(method: "POST" | "PUT", route: string, field: string, policies: PolicyAssignment[]): void {
  policies.forEach((p, i) => {
    needString(method, route, `${field}.${i}.policyId`, p?.policyId);
    needArray(method, route, `${field}.${i}.accountIds`, p.accountIds);
  });
}

export class UsersApi {
  constructor(private readonly t: Transport) {}

  /**
   * Create a console user in the token's organization. With `generateToken`, the answer carries
   * `personalAccessToken` (a secret, shown once).
   */
  async create(
    input: CreateUserInput,
    opts: CreateOptions<CreatedUser> & { generateToken?: boolean } = {},
  ): Promise<CreatedUser> {
    needNoSpecial("POST", USERS, "firstName", input?.firstName);
    needNoSpecial("POST", USERS, "lastName", input.lastName);
    needString("POST", USERS, "email", input.email);
    need("POST", USERS, "email", EMAIL.test(input.email), "must be an email address", input.email);
    const items = await this.t.request<CreatedUser>({
      method: "POST",
      route: USERS,
      query: opts.generateToken === undefined ? undefined : { generateToken: opts.generateToken },
      body: input,
      // Other users' details and mappings do not change; a viewer is linked to the default account, so this
      // user's own mappings may.
      invalidates: ["orgUsers", "accountUsers", mappingTag(input.email)],
      patch: (items) => {
        const u = items[0] as CreatedUser | undefined;
        if (!u?.userId) return [];
        const displayName = u.displayName ?? `${input.firstName} ${input.lastName}`;
        const email = u.email ?? input.email;
        return [
          // Partial: the lists carry fields a create does not answer (mfa, groups, mapped accounts).
          {
            path: ORG_USERS,
            apply: (l) => l.upsert({ userId: u.userId, username: displayName, type: "personal", email }, true),
          },
          { path: USERS, apply: (l) => l.upsert({ userId: u.userId, displayName, email }, true) },
        ];
      },
      findExisting: opts.findExisting,
    });
    return created(items, "POST", USERS);
  }

  /** Create a programmatic user; the answer's `token` is a secret returned only this once. */
  async createProgrammatic(
    input: CreateProgrammaticUserInput,
    opts: CreateOptions<CreatedProgrammaticUser> = {},
  ): Promise<CreatedProgrammaticUser> {
    needNoSpecial("POST", PROGRAMMATIC, "name", input?.name);
    need(
      "POST",
      PROGRAMMATIC,
      "accounts",
      (input.accounts?.length ?? 0) > 0 || (input.policies?.length ?? 0) > 0,
      "or policies is required (a non-empty list)",
    );
    input.accounts?.forEach((a, i) => {
      needString("POST", PROGRAMMATIC, `accounts.${i}.id`, a?.id);
      need(
        "POST",
        PROGRAMMATIC,
        `accounts.${i}.role`,
        a.role === "viewer" || a.role === "editor",
        'must be "viewer" or "editor"',
        a.role,
      );
    });
    if (input.policies) checkPolicies("POST", PROGRAMMATIC, "policies", input.policies);
    const items = await this.t.request<CreatedProgrammaticUser>({
      method: "POST",
      route: PROGRAMMATIC,
      body: input,
      invalidates: ["orgUsers", "accountUsers"],
      patch: (items) => {
        const u = items[0] as CreatedProgrammaticUser | undefined;
        if (!u?.id) return [];
        return [
          {
            path: ORG_USERS,
            apply: (l) => l.upsert({ userId: u.id, username: u.name ?? input.name, type: "programmatic" }, true),
          },
        ];
      },
      findExisting: opts.findExisting,
    });
    return created(items, "POST", PROGRAMMATIC);
  }

  /** Users with their mapped account ids (GET /setup/user); `accountId` keeps those mapped to that account. */
  async list(query: { accountId?: string } = {}): Promise<AccountUser[]> {
    return this.t.request<AccountUser>({
      method: "GET",
      route: USERS,
      query: { accountId: query.accountId },
      tags: ["users", "accountUsers"],
      list: USER_LIST,
    });
  }

  /** Every user of the organization, console and programmatic (GET /setup/organization/user). */
  async listOrganization(): Promise<OrganizationUser[]> {
    return this.t.request<OrganizationUser>({
      method: "GET",
      route: ORG_USERS,
      tags: ["users", "orgUsers"],
      list: USER_LIST,
    });
  }

  private orgUsers(maxAgeMs?: number): Promise<CachedList> {
    return this.t.list({
      method: "GET",
      route: ORG_USERS,
      tags: ["users", "orgUsers"],
      list: USER_LIST,
      maxAgeMs,
      acceptPartial: true,
    });
  }

  private accountUsers(): Promise<CachedList> {
    return this.t.list({
      method: "GET",
      route: USERS,
      tags: ["users", "accountUsers"],
      list: USER_LIST,
      acceptPartial: true,
    });
  }

  /**
   * The organization's user (GET /setup/organization/user) with this e-mail or id, and of this type
   * (default: any), from the list's index: N lookups cost one list call and no copy of the list. Undefined when
   * absent. Right after a create through this client the item may carry only what the create answered
   * (userId, username, type, email) until the list is read again.
   */
  async findOrganizationUser(
    q: UserQuery & { type?: "personal" | "programmatic" },
  ): Promise<OrganizationUser | undefined> {
    need("GET", ORG_USERS, "email", !!(q?.email || q?.userId), "or userId is required");
    const list = await this.orgUsers();
    const hit = pick(list, q).find((u) => !q.type || ((u as OrganizationUser).type ?? "personal") === q.type);
    return hit === undefined ? undefined : (cloneJson(hit) as OrganizationUser);
  }

  /**
   * The organization's users of this type whose username is `name` (programmatic users are known by it), from the
   * list's index; copies of the matches only.
   */
  async findOrganizationUsersByName(
    name: string,
    type?: "personal" | "programmatic",
    opts: { fresh?: boolean } = {},
  ): Promise<OrganizationUser[]> {
    needString("GET", ORG_USERS, "name", name);
    const hits = (await this.orgUsers(opts.fresh ? FRESH : undefined)).find("username", name);
    return hits
      .filter((u) => !type || ((u as OrganizationUser).type ?? "personal") === type)
      .map((u) => cloneJson(u) as OrganizationUser);
  }

  /**
   * The user of GET /setup/user (console users with their mapped account ids) with this e-mail or id, from the
   * list's index. Undefined when absent. Right after a create through this client the item may lack
   * `mappedAccountIds` until the list is read again.
   */
  async findAccountUser(q: UserQuery): Promise<AccountUser | undefined> {
    need("GET", USERS, "email", !!(q?.email || q?.userId), "or userId is required");
    const hit = pick(await this.accountUsers(), q)[0];
    return hit === undefined ? undefined : (cloneJson(hit) as AccountUser);
  }

  /**
   * A user's details (policies, groups, token metadata). Spot documents no not-found code for users, so the
   * organization's user list (one cached call for any number of users) decides existence, asked for alongside the
   * details (./existence); `direct: true` skips it and relies on Spot's answer.
   */
  async get(userId: string, opts: { direct?: boolean } = {}): Promise<UserDetails> {
    needString("GET", ONE, "userId", userId);
    const details = () =>
      this.t.request<UserDetails>({
        method: "GET",
        route: ONE,
        params: { userId },
        tags: ["users", `user:${userId}`],
      });
    const items = opts.direct
      ? await details()
      : await readListed({
          listed: async () =>
            (await this.orgUsers()).get(userId) !== undefined ||
            (await this.orgUsers(RECHECK_AGE_MS)).get(userId) !== undefined,
          read: details,
          gone: () => notInList("GET", ORG_USERS, `user ${userId}`),
        });
    return single(items, "GET", `/setup/user/${userId}`, `user ${userId}`);
  }

  /** Delete a console (u-…) or programmatic (pu-…) user. */
  async delete(userId: string): Promise<void> {
    needString("DELETE", ONE, "userId", userId);
    await this.t.request({
      method: "DELETE",
      route: ONE,
      params: { userId },
      invalidates: ["users", "userGroups"],
      patch: () => [
        { path: ORG_USERS, apply: (l) => (l.remove(userId), true) },
        { path: USERS, apply: (l) => (l.remove(userId), true) },
      ],
    });
  }

  /** Replace the user's direct policy mapping ("*" in accountIds = all current and future accounts). */
  async setPolicyMapping(userId: string, policies: PolicyAssignment[]): Promise<void> {
    needString("PUT", POLICY_MAPPING, "userId", userId);
    needArray("PUT", POLICY_MAPPING, "policies", policies);
    checkPolicies("PUT", POLICY_MAPPING, "policies", policies);
    await this.t.request({
      method: "PUT",
      route: POLICY_MAPPING,
      params: { userId },
      body: { policies },
      invalidates: ["users", "userGroups"],
    });
  }

  /** Replace the user's group membership. */
  async setUserGroupMapping(userId: string, userGroupIds: string[]): Promise<void> {
    needString("PUT", GROUP_MAPPING, "userId", userId);
    needArray("PUT", GROUP_MAPPING, "userGroupIds", userGroupIds);
    userGroupIds.forEach((g, i) => needString("PUT", GROUP_MAPPING, `userGroupIds.${i}`, g));
    await this.t.request({
      method: "PUT",
      route: GROUP_MAPPING,
      params: { userId },
      body: { userGroupIds },
      invalidates: ["users", "userGroups"],
    });
  }

  /** The accounts a user (by email) is attached to, with its role on each. */
  async accountMappings(userEmail: string): Promise<AccountUserMapping[]> {
    needString("GET", ACCOUNT_MAPPING, "userEmail", userEmail);
    return this.t.request<AccountUserMapping>({
      method: "GET",
      route: ACCOUNT_MAPPING,
      query: { userEmail },
      tags: ["users", mappingTag(userEmail)],
      list: MAPPING_LIST,
    });
  }

  /** Assign users to accounts in bulk (role- or policy-based); setting the same mapping twice is harmless. */
  async assignToAccounts(accountId: string | undefined, mappings: AccountUserMappingInput[]): Promise<void> {
    needArray("POST", ACCOUNT_MAPPING, "mappings", mappings, true);
    mappings.forEach((m, i) => {
      need("POST", ACCOUNT_MAPPING, `mappings.${i}.userId`, !!(m?.userId || m?.userEmail), "or userEmail is required");
      needString("POST", ACCOUNT_MAPPING, `mappings.${i}.accountId`, m.accountId);
      if (m.permissionStrategy === "POLICY_BASED")
        needArray("POST", ACCOUNT_MAPPING, `mappings.${i}.policyIds`, m.policyIds, true);
      else
        need(
          "POST",
          ACCOUNT_MAPPING,
          `mappings.${i}.role`,
          m.role === "viewer" || m.role === "editor",
          'must be "viewer" or "editor"',
          m.role,
        );
    });
    await this.t.request({
      method: "POST",
      route: ACCOUNT_MAPPING,
      query: { accountId },
      body: { mappings },
      idempotent: true,
      invalidates: ["users"],
    });
  }
}

function pick(list: CachedList, q: UserQuery): unknown[] {
  const byId = q.userId ? list.find("key", q.userId) : undefined;
  if (!q.email) return byId ?? [];
  const lower = q.email.toLowerCase();
  const byEmail = list.find("email", lower);
  return byId ? byId.filter((u) => lowerEmail(u) === lower) : byEmail;
}
