/** Accounts (A1–A5) and the users attached to an account (R3–R5). */
import {
  cloneJson,
  created,
  need,
  needArray,
  needLetter,
  needString,
  notInList,
  single,
  toStr,
  type CreateOptions,
} from "./area";
import type { CachedList, ListSpec } from "./read-cache";
import { FRESH, pathOf, RECHECK_AGE_MS, type Transport } from "./transport";
import type { Account, AttachUserInput, CreateAccountInput, UpdateAccountInput, UpdateAccountUserInput } from "./types";

const LIST = "/setup/account";
const ONE = "/setup/account/{accountId}";
const USER = "/setup/account/{accountId}/user";
const USER_LIST = "/setup/user";
const MAPPING = "/setup/accountUserMapping";

type Raw = Record<string, unknown>;

/** Account list items by id (`accountId`, or `id` in a create's answer) and by name. */
const ACCOUNT_LIST: ListSpec = {
  key: (a) => toStr((a as Raw).accountId) ?? toStr((a as Raw).id),
  by: { name: (a) => toStr((a as Raw).name) },
};

/** The cache tag of one user's account mappings (GET /setup/accountUserMapping?userEmail=). */
export function mappingTag(email: string): string {
  return `mapping:${email.toLowerCase()}`;
}

/** The path GET /setup/accountUserMapping is cached under for this e-mail. */
export function mappingPath(email: string): string {
  return pathOf(MAPPING, undefined, { userEmail: email });
}

/** The fields of an account that Spot's list carries (a direct read adds `id` and the Slack channels). */
function listShape(a: Raw): Raw {
  const { id: _id, slackNotificationChannels: _channels, ...rest } = a;
  void _id;
  void _channels;
  return { ...rest, accountId: toStr(a.accountId) ?? toStr(a.id) };
}

/** List items carry `accountId`, the create answer `id`: give callers one shape. */
export function normalizeAccount(raw: Record<string, unknown>): Account {
  const a = { ...raw } as Record<string, unknown>;
  a.accountId = toStr(raw.accountId) ?? toStr(raw.id);
  if (raw.organizationId !== undefined && raw.organizationId !== null) a.organizationId = String(raw.organizationId);
  return a as unknown as Account;
}

export class AccountsApi {
  constructor(private readonly t: Transport) {}

  /** All accounts of the token's organization (cached per run; `cloudAccountId` filters by linked cloud account). */
  async list(query: { cloudAccountId?: string } = {}): Promise<Account[]> {
    const items = await this.t.request<Raw>({
      method: "GET",
      route: LIST,
      query: { cloudAccountId: query.cloudAccountId },
      tags: ["accounts"],
      list: ACCOUNT_LIST,
    });
    return items.map(normalizeAccount);
  }

  /** The organization's account list, shared and indexed (items added by a create may be partial). */
  private view(maxAgeMs?: number): Promise<CachedList> {
    return this.t.list({
      method: "GET",
      route: LIST,
      tags: ["accounts"],
      list: ACCOUNT_LIST,
      maxAgeMs,
      acceptPartial: true,
    });
  }

  /** A copy of a listed account, read directly if the list only has what a create answered. */
  private async whole(list: CachedList, accountId: string): Promise<Account> {
    if (!list.isPartial(accountId)) return normalizeAccount(cloneJson(list.get(accountId) as Raw));
    const full = await this.direct(accountId);
    return normalizeAccount(listShape(full as unknown as Raw));
  }

  private async direct(accountId: string): Promise<Account> {
    const items = await this.t.request<Raw>({
      method: "GET",
      route: ONE,
      params: { accountId },
      tags: ["accounts"],
    });
    const a = single(items, "GET", `/setup/account/${accountId}`, `account ${accountId}`);
    // Spot just said it exists: a cached list from before it was created must not answer "gone" for it next.
    this.t.upsertCached(LIST, listShape(a));
    return normalizeAccount(a);
  }

  /**
   * One account. Served from the (cached, coalesced, indexed) list so that reading N accounts costs one call;
   * `direct: true` asks GET /setup/account/{id} instead (a route the Go SDK uses but the OpenAPI omits).
   * Throws NotFoundError when the account does not exist.
   */
  async get(accountId: string, opts: { direct?: boolean } = {}): Promise<Account> {
    needString("GET", ONE, "accountId", accountId);
    if (opts.direct) return this.direct(accountId);
    let list = await this.view();
    // A miss in an older cached list is checked again with a fresh one: "not found" plans a re-create.
    if (list.get(accountId) === undefined) list = await this.view(RECHECK_AGE_MS);
    if (list.get(accountId) === undefined) throw notInList("GET", LIST, `account ${accountId}`);
    return this.whole(list, accountId);
  }

  /**
   * The accounts with this exact name (Spot does not document names as unique), from the list's name index.
   * `fresh` reads the list from Spot, not from the cache (what another process created meanwhile).
   */
  async findByName(name: string, opts: { fresh?: boolean } = {}): Promise<Account[]> {
    const list = await this.view(opts.fresh ? FRESH : undefined);
    return Promise.all(list.findKeys("name", name).map((k) => this.whole(list, k)));
  }

  async create(input: CreateAccountInput, opts: CreateOptions<Account> = {}): Promise<Account> {
    needLetter("POST", LIST, "name", input?.name);
    const items = await this.t.request<Record<string, unknown>>({
      method: "POST",
      route: LIST,
      body: { account: { name: input.name } },
      invalidates: ["accounts"],
      // The answer has id, name and organizationId; the list also has createdAt: partial until read.
      patch: (items) => [
        {
          path: LIST,
          apply: (l) => !!items[0] && l.upsert(listShape(items[0] as Raw), !("createdAt" in (items[0] as Raw))),
        },
      ],
      findExisting: opts.findExisting,
    });
    return normalizeAccount(created(items, "POST", LIST));
  }

  /** Rename and/or set the Slack channels (Spot requires a non-empty name in every update). */
  async update(accountId: string, input: UpdateAccountInput): Promise<void> {
    needString("PUT", ONE, "accountId", accountId);
    needLetter("PUT", ONE, "account.name", input?.name);
    if (input.slackNotificationChannels !== undefined) {
      needArray("PUT", ONE, "account.slackNotificationChannels", input.slackNotificationChannels);
    }
    await this.t.request({
      method: "PUT",
      route: ONE,
      params: { accountId },
      body: { account: input },
      invalidates: ["accounts"],
      patch: () => [{ path: LIST, apply: (l) => l.modify(accountId, (a) => ({ ...a, name: input.name })) }],
    });
  }

  /** Irreversible. Spot refuses to delete the organization's default account. */
  async delete(accountId: string): Promise<void> {
    needString("DELETE", ONE, "accountId", accountId);
    await this.t.request({
      method: "DELETE",
      route: ONE,
      params: { accountId },
      invalidates: ["accounts", "users", `credentials:${accountId}`],
      patch: () => [{ path: LIST, apply: (l) => (l.remove(accountId), true) }],
    });
  }

  /** Add an existing user (by email) to the account with a role (POST /setup/account/{accountId}/user). */
  async attachUser(accountId: string, input: AttachUserInput, opts: CreateOptions<unknown> = {}): Promise<void> {
    needString("POST", USER, "accountId", accountId);
    needString("POST", USER, "userEmail", input?.userEmail);
    need(
      "POST",
      USER,
      "role",
      input.role === "viewer" || input.role === "editor",
      'must be "viewer" or "editor"',
      input.role,
    );
    await this.t.request<unknown>({
      method: "POST",
      route: USER,
      params: { accountId },
      body: { userEmail: input.userEmail, role: input.role },
      // Only this user's mappings and the user lists that carry mapped account ids change.
      invalidates: ["accountUsers", mappingTag(input.userEmail)],
      patch: () => mappingPatches(accountId, input.userEmail, { accountId, role: input.role }),
      // For an attach, findExisting answers "is the user attached already?": any value but undefined means yes.
      findExisting: opts.findExisting,
    });
  }

  /** Change a user's role, or switch it to policies, on the account (PUT /setup/account/{accountId}/user). */
  async updateUser(accountId: string, input: UpdateAccountUserInput): Promise<void> {
    needString("PUT", USER, "accountId", accountId);
    need("PUT", USER, "userId", !!(input?.userId || input?.userEmail), "or userEmail is required");
    if (input.permissionStrategy === "POLICY_BASED") {
      needArray("PUT", USER, "policyIds", input.policyIds, true);
    } else {
      need(
        "PUT",
        USER,
        "role",
        input.role === "viewer" || input.role === "editor",
        'must be "viewer" or "editor"',
        input.role,
      );
    }
    const email = input.userEmail;
    const mapping =
      input.permissionStrategy === "POLICY_BASED"
        ? { accountId, permissionStrategy: "POLICY_BASED", policyIds: [...(input.policyIds ?? [])] }
        : { accountId, role: input.role };
    await this.t.request({
      method: "PUT",
      route: USER,
      params: { accountId },
      body: input,
      // Known by e-mail: only that user's mappings change. By id alone: every user list is suspect.
      invalidates: email ? ["accountUsers", mappingTag(email)] : ["users"],
      patch: email ? () => mappingPatches(accountId, email, mapping) : undefined,
    });
  }

  /** Remove a user from the account (DELETE with a JSON body, as Spot requires). */
  async detachUser(accountId: string, userEmail: string): Promise<void> {
    needString("DELETE", USER, "accountId", accountId);
    needString("DELETE", USER, "userEmail", userEmail);
    await this.t.request({
      method: "DELETE",
      route: USER,
      params: { accountId },
      body: { userEmail },
      invalidates: ["accountUsers", mappingTag(userEmail)],
      patch: () => mappingPatches(accountId, userEmail, undefined),
    });
  }
}

/**
 * What attaching (`mapping`) or detaching (undefined) a user changes in cached lists: the user's mappings and
 * the mapped account ids of GET /setup/user. Lists filtered by account (`?accountId=`) are dropped.
 */
function mappingPatches(accountId: string, email: string, mapping: Raw | undefined) {
  const lower = email.toLowerCase();
  return [
    {
      path: mappingPath(email),
      apply: (l: CachedList) => (mapping ? l.upsert(mapping) : (l.remove(accountId), true)),
    },
    {
      path: USER_LIST,
      apply: (l: CachedList) => {
        const keys = l.findKeys("email", lower);
        if (keys.length !== 1) return false;
        return l.modify(keys[0], (u) => {
          const ids = new Set(Array.isArray(u.mappedAccountIds) ? (u.mappedAccountIds as string[]) : []);
          if (mapping) ids.add(accountId);
          else ids.delete(accountId);
          return { ...u, mappedAccountIds: [...ids] };
        });
      },
    },
  ];
}
