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
import { RECHECK_AGE_MS, type Transport } from "./transport";
import type { Account, AttachUserInput, CreateAccountInput, UpdateAccountInput, UpdateAccountUserInput } from "./types";

const LIST = "/setup/account";
const ONE = "/setup/account/{accountId}";
const USER = "/setup/account/{accountId}/user";

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
    return (await this.rawList(query, false)).map(normalizeAccount);
  }

  private rawList(query: { cloudAccountId?: string }, shared: boolean, maxAgeMs?: number) {
    return this.t.request<Record<string, unknown>>({
      method: "GET",
      route: LIST,
      query: { cloudAccountId: query.cloudAccountId },
      tags: ["accounts"],
      maxAgeMs,
      shared,
    });
  }

  /**
   * One account. Served from the (cached, coalesced) list so that reading N accounts costs one call;
   * `direct: true` asks GET /setup/account/{id} instead (a route the Go SDK uses but the OpenAPI omits).
   * Throws NotFoundError when the account does not exist.
   */
  async get(accountId: string, opts: { direct?: boolean } = {}): Promise<Account> {
    needString("GET", ONE, "accountId", accountId);
    if (opts.direct) {
      const items = await this.t.request<Record<string, unknown>>({
        method: "GET",
        route: ONE,
        params: { accountId },
        tags: ["accounts"],
      });
      return normalizeAccount(single(items, "GET", `/setup/account/${accountId}`, `account ${accountId}`));
    }
    const match = (a: Record<string, unknown>) => a.accountId === accountId || a.id === accountId;
    // A miss in an older cached list is checked again with a fresh one: "not found" plans a re-create.
    const found =
      (await this.rawList({}, true)).find(match) ?? (await this.rawList({}, true, RECHECK_AGE_MS)).find(match);
    if (!found) throw notInList("GET", LIST, `account ${accountId}`);
    return normalizeAccount(cloneJson(found));
  }

  /** The accounts with this exact name (Spot does not document names as unique). */
  async findByName(name: string): Promise<Account[]> {
    return (await this.rawList({}, true)).filter((a) => a.name === name).map((a) => normalizeAccount(cloneJson(a)));
  }

  async create(input: CreateAccountInput, opts: CreateOptions<Account> = {}): Promise<Account> {
    needLetter("POST", LIST, "name", input?.name);
    const items = await this.t.request<Record<string, unknown>>({
      method: "POST",
      route: LIST,
      body: { account: { name: input.name } },
      invalidates: ["accounts"],
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
      invalidates: ["users"],
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
    await this.t.request({ method: "PUT", route: USER, params: { accountId }, body: input, invalidates: ["users"] });
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
      invalidates: ["users"],
    });
  }
}
