/**
 * Console users (U1–U5), programmatic users (U8), their policy and group mappings (U6, U7), and the
 * account-user mapping (R1, R2). Tokens returned by Spot are secrets: they are registered for redaction.
 */
import { created, need, needArray, needNoSpecial, needString, notInList, single, type CreateOptions } from "./area";
import { RECHECK_AGE_MS, type Transport } from "./transport";
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
      invalidates: ["users"],
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
      invalidates: ["users"],
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
      tags: ["users"],
    });
  }

  /** Every user of the organization, console and programmatic (GET /setup/organization/user). */
  async listOrganization(): Promise<OrganizationUser[]> {
    return this.t.request<OrganizationUser>({ method: "GET", route: ORG_USERS, tags: ["users"] });
  }

  private sharedOrgUsers(maxAgeMs?: number): Promise<OrganizationUser[]> {
    return this.t.request<OrganizationUser>({
      method: "GET",
      route: ORG_USERS,
      tags: ["users"],
      maxAgeMs,
      shared: true,
    });
  }

  /**
   * A user's details (policies, groups, token metadata). Spot documents no not-found code for users, so the
   * organization's user list (one cached call for any number of users) decides existence first; `direct: true`
   * skips that and relies on Spot's answer.
   */
  async get(userId: string, opts: { direct?: boolean } = {}): Promise<UserDetails> {
    needString("GET", ONE, "userId", userId);
    if (!opts.direct) {
      const has = (list: OrganizationUser[]) => list.some((u) => u.userId === userId);
      if (!has(await this.sharedOrgUsers()) && !has(await this.sharedOrgUsers(RECHECK_AGE_MS))) {
        throw notInList("GET", ORG_USERS, `user ${userId}`);
      }
    }
    const items = await this.t.request<UserDetails>({ method: "GET", route: ONE, params: { userId }, tags: ["users"] });
    return single(items, "GET", `/setup/user/${userId}`, `user ${userId}`);
  }

  /** Delete a console (u-…) or programmatic (pu-…) user. */
  async delete(userId: string): Promise<void> {
    needString("DELETE", ONE, "userId", userId);
    await this.t.request({ method: "DELETE", route: ONE, params: { userId }, invalidates: ["users", "userGroups"] });
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
      tags: ["users"],
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
