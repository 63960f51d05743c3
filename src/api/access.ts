/** Access control: user groups (G1–G3), access policies (P1–P4) and the policy action catalogue (P5). */
import {
  cloneJson,
  created,
  need,
  needArray,
  needNoSpecial,
  needString,
  notInList,
  single,
  type CreateOptions,
} from "./area";
import { RECHECK_AGE_MS, type Transport } from "./transport";
import type {
  AccessPolicy,
  AccessPolicyInput,
  CreateUserGroupInput,
  PolicyAction,
  PolicyActionFilter,
  PolicyAssignment,
  PolicyContent,
  UpdateUserGroupInput,
  UserGroup,
  UserGroupDetails,
  UserGroupSummary,
} from "./types";

const GROUPS = "/setup/access/userGroup";
const GROUP = "/setup/access/userGroup/{userGroupId}";
const GROUP_USERS = "/setup/access/userGroup/{userGroupId}/userMapping";
const GROUP_POLICIES = "/setup/access/userGroup/{userGroupId}/policyMapping";
const ORG_POLICIES = "/setup/organization/policy";
const POLICIES = "/setup/access/policy";
const POLICY = "/setup/access/policy/{policyId}";
const ACTIONS = "/setup/access/policyAction";

function checkAssignments(method: "POST" | "PUT", route: string, policies: PolicyAssignment[]): void {
  policies.forEach((p, i) => {
    needString(method, route, `policies.${i}.policyId`, p?.policyId);
    needArray(method, route, `policies.${i}.accountIds`, p.accountIds);
  });
}

function checkContent(method: "POST" | "PUT", route: string, c: PolicyContent): void {
  needArray(method, route, "policy.policyContent.statements", c?.statements, true);
  c.statements.forEach((s, i) => {
    const f = `policy.policyContent.statements.${i}`;
    need(
      method,
      route,
      `${f}.effect`,
      s?.effect === "ALLOW" || s?.effect === "DENY",
      'must be "ALLOW" or "DENY"',
      s?.effect,
    );
    needArray(method, route, `${f}.actions`, s.actions, true);
    needArray(method, route, `${f}.resources`, s.resources, true);
  });
}

export class UserGroupsApi {
  constructor(private readonly t: Transport) {}

  async list(): Promise<UserGroupSummary[]> {
    return this.t.request<UserGroupSummary>({ method: "GET", route: GROUPS, tags: ["userGroups"] });
  }

  private shared(maxAgeMs?: number): Promise<UserGroupSummary[]> {
    return this.t.request<UserGroupSummary>({
      method: "GET",
      route: GROUPS,
      tags: ["userGroups"],
      maxAgeMs,
      shared: true,
    });
  }

  /**
   * A group's members and policies. Existence is decided by the (cached) group list, as for users;
   * `direct: true` asks Spot only.
   */
  async get(userGroupId: string, opts: { direct?: boolean } = {}): Promise<UserGroupDetails> {
    needString("GET", GROUP, "userGroupId", userGroupId);
    if (!opts.direct) {
      const has = (list: UserGroupSummary[]) => list.some((g) => g.id === userGroupId);
      if (!has(await this.shared()) && !has(await this.shared(RECHECK_AGE_MS))) {
        throw notInList("GET", GROUPS, `user group ${userGroupId}`);
      }
    }
    const items = await this.t.request<UserGroupDetails>({
      method: "GET",
      route: GROUP,
      params: { userGroupId },
      tags: ["userGroups"],
    });
    return single(items, "GET", `/setup/access/userGroup/${userGroupId}`, `user group ${userGroupId}`);
  }

  async findByName(name: string): Promise<UserGroupSummary[]> {
    return cloneJson((await this.shared()).filter((g) => g.name === name));
  }

  async create(input: CreateUserGroupInput, opts: CreateOptions<UserGroup> = {}): Promise<UserGroup> {
    needNoSpecial("POST", GROUPS, "name", input?.name);
    if (input.userIds !== undefined) needArray("POST", GROUPS, "userIds", input.userIds);
    if (input.policies !== undefined) {
      needArray("POST", GROUPS, "policies", input.policies);
      checkAssignments("POST", GROUPS, input.policies);
    }
    const items = await this.t.request<UserGroup>({
      method: "POST",
      route: GROUPS,
      body: input,
      invalidates: ["userGroups", "users"],
      findExisting: opts.findExisting,
    });
    return created(items, "POST", GROUPS);
  }

  /** Spot requires both name and description to be non-empty when given. */
  async update(userGroupId: string, input: UpdateUserGroupInput): Promise<void> {
    needString("PUT", GROUP, "userGroupId", userGroupId);
    if (input?.name !== undefined) needNoSpecial("PUT", GROUP, "name", input.name);
    if (input?.description !== undefined) needString("PUT", GROUP, "description", input.description);
    await this.t.request({
      method: "PUT",
      route: GROUP,
      params: { userGroupId },
      body: input,
      invalidates: ["userGroups"],
    });
  }

  async delete(userGroupId: string): Promise<void> {
    needString("DELETE", GROUP, "userGroupId", userGroupId);
    await this.t.request({
      method: "DELETE",
      route: GROUP,
      params: { userGroupId },
      invalidates: ["userGroups", "users"],
    });
  }

  /** Replace the group's members. */
  async setUsers(userGroupId: string, userIds: string[]): Promise<void> {
    needString("PUT", GROUP_USERS, "userGroupId", userGroupId);
    needArray("PUT", GROUP_USERS, "userIds", userIds);
    await this.t.request({
      method: "PUT",
      route: GROUP_USERS,
      params: { userGroupId },
      body: { userIds },
      invalidates: ["userGroups", "users"],
    });
  }

  /** Replace the group's policies. */
  async setPolicies(userGroupId: string, policies: PolicyAssignment[]): Promise<void> {
    needString("PUT", GROUP_POLICIES, "userGroupId", userGroupId);
    needArray("PUT", GROUP_POLICIES, "policies", policies);
    checkAssignments("PUT", GROUP_POLICIES, policies);
    await this.t.request({
      method: "PUT",
      route: GROUP_POLICIES,
      params: { userGroupId },
      body: { policies },
      invalidates: ["userGroups", "users"],
    });
  }
}

export class PoliciesApi {
  constructor(private readonly t: Transport) {}

  /** Every access policy of the organization (GET /setup/organization/policy). */
  async list(): Promise<AccessPolicy[]> {
    return this.t.request<AccessPolicy>({ method: "GET", route: ORG_POLICIES, tags: ["policies"] });
  }

  private shared(maxAgeMs?: number): Promise<AccessPolicy[]> {
    return this.t.request<AccessPolicy>({
      method: "GET",
      route: ORG_POLICIES,
      tags: ["policies"],
      maxAgeMs,
      shared: true,
    });
  }

  /** The policies usable in one account (GET /setup/access/policy?accountId=). */
  async listForAccount(accountId: string): Promise<AccessPolicy[]> {
    needString("GET", POLICIES, "accountId", accountId);
    return this.t.request<AccessPolicy>({ method: "GET", route: POLICIES, query: { accountId }, tags: ["policies"] });
  }

  /** One policy, from the organization's list (Spot has no get-by-id). NotFoundError when absent. */
  async get(policyId: string): Promise<AccessPolicy> {
    needString("GET", ORG_POLICIES, "policyId", policyId);
    const match = (p: AccessPolicy) => p.id === policyId;
    const found = (await this.shared()).find(match) ?? (await this.shared(RECHECK_AGE_MS)).find(match);
    if (!found) throw notInList("GET", ORG_POLICIES, `access policy ${policyId}`);
    return cloneJson(found);
  }

  async findByName(name: string): Promise<AccessPolicy[]> {
    return cloneJson((await this.shared()).filter((p) => p.name === name));
  }

  async create(input: AccessPolicyInput, opts: CreateOptions<AccessPolicy> = {}): Promise<AccessPolicy> {
    needString("POST", POLICIES, "policy.name", input?.name);
    checkContent("POST", POLICIES, input.policyContent);
    const items = await this.t.request<AccessPolicy>({
      method: "POST",
      route: POLICIES,
      body: { policy: input },
      invalidates: ["policies"],
      findExisting: opts.findExisting,
    });
    return created(items, "POST", POLICIES);
  }

  /** Send the fields to change; the Go SDK sends the whole policy, which is the safe choice for callers too. */
  async update(policyId: string, input: Partial<AccessPolicyInput>): Promise<void> {
    needString("PUT", POLICY, "policyId", policyId);
    if (input?.name !== undefined) needString("PUT", POLICY, "policy.name", input.name);
    if (input?.policyContent !== undefined) checkContent("PUT", POLICY, input.policyContent);
    await this.t.request({
      method: "PUT",
      route: POLICY,
      params: { policyId },
      body: { policy: input },
      invalidates: ["policies", "users", "userGroups"],
    });
  }

  async delete(policyId: string): Promise<void> {
    needString("DELETE", POLICY, "policyId", policyId);
    await this.t.request({
      method: "DELETE",
      route: POLICY,
      params: { policyId },
      invalidates: ["policies", "users", "userGroups"],
    });
  }

  /** The catalogue of actions a policy statement may name, optionally filtered. */
  async actions(filter: PolicyActionFilter = {}): Promise<PolicyAction[]> {
    return this.t.request<PolicyAction>({
      method: "GET",
      route: ACTIONS,
      query: { ...filter },
      tags: ["policyActions"],
    });
  }
}

/** The `access` area: user groups and access policies. */
export class AccessApi {
  readonly userGroups: UserGroupsApi;
  readonly policies: PoliciesApi;
  constructor(t: Transport) {
    this.userGroups = new UserGroupsApi(t);
    this.policies = new PoliciesApi(t);
  }
}
