/** Access control: user groups (G1–G3), access policies (P1–P4) and the policy action catalogue (P5). */
import { readListed } from "./existence";
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

type Raw = Record<string, unknown>;
/** Groups and policies are listed by id and looked up by name. */
const BY_ID_AND_NAME: ListSpec = { key: (x) => toStr((x as Raw).id), by: { name: (x) => toStr((x as Raw).name) } };

/** Copies of the items with these keys; undefined if one is partial (the caller reads the list again). */
function whole<T>(list: CachedList, keys: string[]): T[] | undefined {
  if (keys.some((k) => list.isPartial(k))) return undefined;
  return keys.map((k) => cloneJson(list.get(k)) as T);
}

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
    return this.t.request<UserGroupSummary>({
      method: "GET",
      route: GROUPS,
      tags: ["userGroups"],
      list: BY_ID_AND_NAME,
    });
  }

  private view(maxAgeMs?: number, acceptPartial = true): Promise<CachedList> {
    return this.t.list({
      method: "GET",
      route: GROUPS,
      tags: ["userGroups"],
      list: BY_ID_AND_NAME,
      maxAgeMs,
      acceptPartial,
    });
  }

  /**
   * A group's members and policies. Existence is decided by the (cached) group list, as for users;
   * `direct: true` asks Spot only.
   */
  async get(userGroupId: string, opts: { direct?: boolean } = {}): Promise<UserGroupDetails> {
    needString("GET", GROUP, "userGroupId", userGroupId);
    const details = () =>
      this.t.request<UserGroupDetails>({
        method: "GET",
        route: GROUP,
        params: { userGroupId },
        tags: ["userGroups"],
      });
    const items = opts.direct
      ? await details()
      : await readListed({
          listed: async () =>
            (await this.view()).get(userGroupId) !== undefined ||
            (await this.view(RECHECK_AGE_MS)).get(userGroupId) !== undefined,
          read: details,
          gone: () => notInList("GET", GROUPS, `user group ${userGroupId}`),
        });
    return single(items, "GET", `/setup/access/userGroup/${userGroupId}`, `user group ${userGroupId}`);
  }

  /** The groups with this exact name, from the list's name index. */
  async findByName(name: string): Promise<UserGroupSummary[]> {
    const list = await this.view();
    const found = whole<UserGroupSummary>(list, list.findKeys("name", name));
    if (found) return found;
    const fresh = await this.view(undefined, false);
    return whole<UserGroupSummary>(fresh, fresh.findKeys("name", name)) ?? [];
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
      // Members' details and group names change only if the group has members or policies.
      invalidates: input.userIds?.length || input.policies?.length ? ["userGroups", "users"] : ["userGroups"],
      patch: (items) => {
        const g = items[0] as UserGroup | undefined;
        if (!g?.id) return [];
        const item = {
          id: g.id,
          name: g.name ?? input.name,
          description: g.description ?? input.description,
          createdAt: g.createdAt,
          usersCount: (g.userIds ?? input.userIds ?? []).length,
        };
        // Partial: the list names the group's policies, the create answer gives their ids.
        return [{ path: GROUPS, apply: (l) => l.upsert(item, true) }];
      },
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
      patch: () => [
        {
          path: GROUPS,
          apply: (l) =>
            l.modify(userGroupId, (g) => ({
              ...g,
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(input.description !== undefined ? { description: input.description } : {}),
            })),
        },
      ],
    });
  }

  async delete(userGroupId: string): Promise<void> {
    needString("DELETE", GROUP, "userGroupId", userGroupId);
    await this.t.request({
      method: "DELETE",
      route: GROUP,
      params: { userGroupId },
      invalidates: ["userGroups", "users"],
      patch: () => [{ path: GROUPS, apply: (l) => (l.remove(userGroupId), true) }],
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
    return this.t.request<AccessPolicy>({
      method: "GET",
      route: ORG_POLICIES,
      tags: ["policies"],
      list: BY_ID_AND_NAME,
    });
  }

  private view(maxAgeMs?: number, acceptPartial = true): Promise<CachedList> {
    return this.t.list({
      method: "GET",
      route: ORG_POLICIES,
      tags: ["policies"],
      list: BY_ID_AND_NAME,
      maxAgeMs,
      acceptPartial,
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
    let list = await this.view();
    if (list.get(policyId) === undefined) list = await this.view(RECHECK_AGE_MS);
    if (list.get(policyId) === undefined) throw notInList("GET", ORG_POLICIES, `access policy ${policyId}`);
    // Added from a create's answer, it lacks the type Spot infers: read the list again.
    if (list.isPartial(policyId)) list = await this.view(undefined, false);
    const found = list.get(policyId);
    if (found === undefined) throw notInList("GET", ORG_POLICIES, `access policy ${policyId}`);
    return cloneJson(found) as AccessPolicy;
  }

  /** The policies with this exact name, from the list's name index. */
  async findByName(name: string): Promise<AccessPolicy[]> {
    const list = await this.view();
    const found = whole<AccessPolicy>(list, list.findKeys("name", name));
    if (found) return found;
    const fresh = await this.view(undefined, false);
    return whole<AccessPolicy>(fresh, fresh.findKeys("name", name)) ?? [];
  }

  async create(input: AccessPolicyInput, opts: CreateOptions<AccessPolicy> = {}): Promise<AccessPolicy> {
    needString("POST", POLICIES, "policy.name", input?.name);
    checkContent("POST", POLICIES, input.policyContent);
    const items = await this.t.request<AccessPolicy>({
      method: "POST",
      route: POLICIES,
      body: { policy: input },
      invalidates: ["policies"],
      // Partial: the list adds the policy's type (ACCOUNT or ORGANIZATION), which Spot infers.
      patch: (items) => {
        const p = items[0] as AccessPolicy | undefined;
        if (!p?.id) return [];
        const item = {
          id: p.id,
          name: p.name ?? input.name,
          description: p.description ?? input.description,
          policyContent: p.policyContent ?? input.policyContent,
        };
        return [{ path: ORG_POLICIES, apply: (l) => l.upsert(item, true) }];
      },
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
      patch: () => [
        {
          path: ORG_POLICIES,
          apply: (l) => {
            const cur = l.get(policyId) as Raw | undefined;
            if (!cur) return false;
            const next: Raw = { ...(cloneJson(cur) as Raw) };
            for (const k of ["name", "description", "policyContent"] as const)
              if (input[k] !== undefined) next[k] = cloneJson(input[k]);
            // New statements may change the type Spot infers.
            return l.upsert(next, l.isPartial(policyId) || input.policyContent !== undefined);
          },
        },
      ],
    });
  }

  async delete(policyId: string): Promise<void> {
    needString("DELETE", POLICY, "policyId", policyId);
    await this.t.request({
      method: "DELETE",
      route: POLICY,
      params: { policyId },
      invalidates: ["policies", "users", "userGroups"],
      patch: () => [{ path: ORG_POLICIES, apply: (l) => (l.remove(policyId), true) }],
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
