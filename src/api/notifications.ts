/**
 * Notification Center policies (N1–N3) and the legacy subscriptions / account email policy (N4, N5).
 * As in Spot's Go SDK, these routes carry the configured account as `accountId` unless the caller gives one.
 */
import { created, need, needArray, needString, single, type CreateOptions } from "./area";
import { FRESH, type Transport } from "./transport";
import type {
  LegacySubscription,
  LegacySubscriptionInput,
  NotificationEventType,
  NotificationPolicy,
  NotificationPolicyInput,
  NotificationPolicySummary,
  NotificationPolicyUpdate,
  NotificationResource,
} from "./types";

const POLICIES = "/notificationCenter/policy";
const POLICY = "/notificationCenter/policy/{policyId}";
const RESOURCES = "/notificationCenter/compute/resource";
const EVENTS = "/notificationCenter/compute/event";
const SUBS = "/events/subscription";
const SUB = "/events/subscription/{subscriptionId}";
const ACCOUNT_POLICY = "/events/notification/accountPolicy";

const SUB_TYPES = ["email", "webhook", "slack", "sns"];
const EVENT_TYPES = ["INFO", "WARN", "ERROR"];

function checkPolicy(
  method: "POST" | "PUT",
  route: string,
  p: Partial<NotificationPolicyInput>,
  creating: boolean,
): void {
  if (creating) {
    need(
      method,
      route,
      "privacyLevel",
      p.privacyLevel === "public" || p.privacyLevel === "private",
      'must be "public" or "private"',
      p.privacyLevel,
    );
    need(
      method,
      route,
      "computePolicyConfig",
      !!p.computePolicyConfig && typeof p.computePolicyConfig === "object",
      "is required",
    );
  }
  p.subscriptions?.forEach((s, i) => {
    need(
      method,
      route,
      `subscriptions.${i}.type`,
      SUB_TYPES.includes(s?.type),
      `must be one of ${SUB_TYPES.join(", ")}`,
      s?.type,
    );
    needString(method, route, `subscriptions.${i}.endpoint`, s.endpoint);
    need(method, route, `subscriptions.${i}.endpoint`, s.endpoint.length <= 500, "must be at most 500 characters");
  });
  if (p.subscriptions?.length && p.privacyLevel === "private") {
    need(method, route, "subscriptions", false, "are only allowed on public policies (privacyLevel: public)");
  }
  const c = p.computePolicyConfig;
  if (c) {
    needArray(method, route, "computePolicyConfig.events", c.events, true);
    c.events.forEach((e, i) => {
      needString(method, route, `computePolicyConfig.events.${i}.event`, e?.event);
      need(
        method,
        route,
        `computePolicyConfig.events.${i}.type`,
        EVENT_TYPES.includes(e.type),
        `must be one of ${EVENT_TYPES.join(", ")}`,
        e.type,
      );
    });
    const selectors = [
      c.shouldIncludeAllResources === true,
      (c.resourceIds?.length ?? 0) > 0,
      (c.dynamicRules?.length ?? 0) > 0,
    ];
    need(
      method,
      route,
      "computePolicyConfig",
      selectors.filter(Boolean).length <= 1,
      "must use exactly one resource selector: shouldIncludeAllResources, resourceIds or dynamicRules",
    );
  }
}

export class NotificationsApi {
  constructor(
    private readonly t: Transport,
    private readonly defaultAccount: () => string | undefined,
  ) {}

  private account(given?: string): string | undefined {
    return given ?? this.defaultAccount();
  }

  /** The policies visible to the token's user (a summary per policy); `fresh` reads them from Spot, not the cache. */
  async list(opts: { accountId?: string; fresh?: boolean } = {}): Promise<NotificationPolicySummary[]> {
    return this.t.request<NotificationPolicySummary>({
      method: "GET",
      route: POLICIES,
      query: { accountId: this.account(opts.accountId) },
      tags: ["notificationPolicies"],
      maxAgeMs: opts.fresh ? FRESH : undefined,
    });
  }

  async get(policyId: string, opts: { accountId?: string } = {}): Promise<NotificationPolicy> {
    needString("GET", POLICY, "policyId", policyId);
    const items = await this.t.request<NotificationPolicy & { Id?: string }>({
      method: "GET",
      route: POLICY,
      params: { policyId },
      query: { accountId: this.account(opts.accountId) },
      tags: ["notificationPolicies"],
    });
    const p = single(items, "GET", `/notificationCenter/policy/${policyId}`, `notification policy ${policyId}`);
    // The OpenAPI example spells the id "Id".
    return { ...p, id: p.id ?? p.Id ?? policyId };
  }

  /** Create a policy in an account (the `accountId` option, else the client's configured account). */
  async create(
    input: NotificationPolicyInput,
    opts: CreateOptions<NotificationPolicy> & { accountId?: string } = {},
  ): Promise<NotificationPolicy> {
    const accountId = this.account(opts.accountId);
    needString("POST", POLICIES, "accountId", accountId);
    checkPolicy("POST", POLICIES, input ?? ({} as NotificationPolicyInput), true);
    const items = await this.t.request<NotificationPolicy & { Id?: string }>({
      method: "POST",
      route: POLICIES,
      query: { accountId },
      body: input,
      invalidates: ["notificationPolicies"],
      findExisting: opts.findExisting,
    });
    const p = created(items, "POST", POLICIES);
    return { ...p, id: p.id ?? p.Id ?? "" };
  }

  /** Partial update (privacyLevel cannot change). */
  async update(policyId: string, input: NotificationPolicyUpdate, opts: { accountId?: string } = {}): Promise<void> {
    needString("PUT", POLICY, "policyId", policyId);
    checkPolicy("PUT", POLICY, input ?? {}, false);
    await this.t.request({
      method: "PUT",
      route: POLICY,
      params: { policyId },
      query: { accountId: this.account(opts.accountId) },
      body: input,
      invalidates: ["notificationPolicies"],
    });
  }

  async delete(policyId: string, opts: { accountId?: string } = {}): Promise<void> {
    needString("DELETE", POLICY, "policyId", policyId);
    await this.t.request({
      method: "DELETE",
      route: POLICY,
      params: { policyId },
      query: { accountId: this.account(opts.accountId) },
      invalidates: ["notificationPolicies"],
    });
  }

  /** Resources a policy of this account can select. */
  async resources(accountId?: string): Promise<NotificationResource[]> {
    const a = this.account(accountId);
    needString("GET", RESOURCES, "accountId", a);
    return this.t.request<NotificationResource>({
      method: "GET",
      route: RESOURCES,
      query: { accountId: a },
      tags: ["notificationCatalog"],
    });
  }

  /** The event catalogue for compute policies. */
  async events(accountId?: string): Promise<NotificationEventType[]> {
    const a = this.account(accountId);
    needString("GET", EVENTS, "accountId", a);
    return this.t.request<NotificationEventType>({
      method: "GET",
      route: EVENTS,
      query: { accountId: a },
      tags: ["notificationCatalog"],
    });
  }

  // ---- legacy (deprecated by Spot) ---------------------------------------------------------------------

  async listSubscriptions(opts: { accountId?: string } = {}): Promise<LegacySubscription[]> {
    return this.t.request<LegacySubscription>({
      method: "GET",
      route: SUBS,
      query: { accountId: this.account(opts.accountId) },
      tags: ["subscriptions"],
    });
  }

  async getSubscription(subscriptionId: string, opts: { accountId?: string } = {}): Promise<LegacySubscription> {
    needString("GET", SUB, "subscriptionId", subscriptionId);
    const items = await this.t.request<LegacySubscription>({
      method: "GET",
      route: SUB,
      params: { subscriptionId },
      query: { accountId: this.account(opts.accountId) },
      tags: ["subscriptions"],
    });
    return single(items, "GET", `/events/subscription/${subscriptionId}`, `subscription ${subscriptionId}`);
  }

  async createSubscription(
    input: LegacySubscriptionInput,
    opts: CreateOptions<LegacySubscription> & { accountId?: string } = {},
  ): Promise<LegacySubscription> {
    for (const f of ["resourceId", "protocol", "endpoint", "eventType"] as const)
      needString("POST", SUBS, `subscription.${f}`, input?.[f]);
    const items = await this.t.request<LegacySubscription>({
      method: "POST",
      route: SUBS,
      query: { accountId: this.account(opts.accountId) },
      body: { subscription: input },
      invalidates: ["subscriptions"],
      findExisting: opts.findExisting,
    });
    return created(items, "POST", SUBS);
  }

  async updateSubscription(
    subscriptionId: string,
    input: Partial<LegacySubscriptionInput>,
    opts: { accountId?: string } = {},
  ): Promise<void> {
    needString("PUT", SUB, "subscriptionId", subscriptionId);
    await this.t.request({
      method: "PUT",
      route: SUB,
      params: { subscriptionId },
      query: { accountId: this.account(opts.accountId) },
      body: { subscription: input },
      invalidates: ["subscriptions"],
    });
  }

  async deleteSubscription(subscriptionId: string, opts: { accountId?: string } = {}): Promise<void> {
    needString("DELETE", SUB, "subscriptionId", subscriptionId);
    await this.t.request({
      method: "DELETE",
      route: SUB,
      params: { subscriptionId },
      query: { accountId: this.account(opts.accountId) },
      invalidates: ["subscriptions"],
    });
  }

  /** Replace the account's legacy email notification policy (`{emailPolicy: {statements: [...]}}`). */
  async setAccountEmailPolicy(
    accountPolicy: Record<string, unknown>,
    opts: { accountId?: string } = {},
  ): Promise<void> {
    const accountId = this.account(opts.accountId);
    needString("PUT", ACCOUNT_POLICY, "accountId", accountId);
    need("PUT", ACCOUNT_POLICY, "accountPolicy", !!accountPolicy && typeof accountPolicy === "object", "is required");
    await this.t.request({ method: "PUT", route: ACCOUNT_POLICY, query: { accountId }, body: { accountPolicy } });
  }
}
