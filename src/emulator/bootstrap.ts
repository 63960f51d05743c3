import { hashToken } from "./auth";
import { organizationId, tokenValue } from "./ids";
import type { Account, Organization, Policy, User } from "./model";
import type { Store } from "./store";

/**
 * Built-in access policies, visible to every organization (orgId "*"). Policy "3" is the account viewer policy
 * Terraform's provider appends to every user's mapping (reference §10); it allows read-only actions.
 */
export const BUILT_IN_POLICIES: Policy[] = [
  {
    id: "3",
    orgId: "*",
    name: "Account Viewer",
    description: "Built-in: read-only access to the mapped accounts",
    type: "ACCOUNT",
    statements: [{ effect: "ALLOW", actions: ["*:describe*", "*:get*", "*:list*", "*:read*"], resources: ["*"] }],
    createdAt: "2020-01-01T00:00:00.000Z",
    updatedAt: "2020-01-01T00:00:00.000Z",
    builtIn: true,
  },
];

export function ensureBuiltIns(store: Store): void {
  store.tx(() => {
    for (const p of BUILT_IN_POLICIES) if (!store.get("policy", p.id)) store.insert("policy", "*", p);
  });
}

export function newAccount(store: Store, orgId: string, name: string, now: Date): Account {
  return {
    id: store.newId("account", "act-"),
    orgId,
    name,
    createdAt: now.toISOString(),
    slackNotificationChannels: [],
    providerExternalId: null,
    cloudProvider: null,
    awsExternalId: null,
    aws: null,
    azure: null,
    azureTenant: null,
    gcp: null,
  };
}

export function newOrganization(store: Store, name: string, parentId: string | null, now: Date): Organization {
  let id = organizationId();
  while (store.get("org", id)) id = organizationId();
  const org: Organization = { id, name, parentId, createdAt: now.toISOString() };
  store.insert("org", id, org);
  return org;
}

/** Issues a token for a user in an organization; only its hash is stored. */
export function issueToken(store: Store, userId: string, orgId: string, name: string, value?: string): string {
  const token = value ?? tokenValue();
  const hash = hashToken(token);
  if (store.findToken(hash)) throw new Error("that token is already in use");
  store.addToken(hash, {
    tokenId: store.nextCounter("token"),
    userId,
    orgId,
    name,
    lastDigits: token.slice(-4),
    createdAt: new Date().toISOString(),
  });
  return token;
}

export interface BootstrapOptions {
  organizationName?: string;
  adminEmail?: string;
  accountName?: string;
  token?: string;
}

export interface BootstrapResult {
  organizationId: string;
  userId: string;
  accountId: string;
  token: string;
}

/** A new organization with an admin user, one default account and a token for the admin. */
export function bootstrapOrganization(store: Store, opts: BootstrapOptions = {}): BootstrapResult {
  return store.tx(() => {
    const now = new Date();
    const org = newOrganization(store, opts.organizationName ?? "Default Organization", null, now);
    const account = newAccount(store, org.id, opts.accountName ?? "Default Account", now);
    store.insert("account", org.id, account);
    const email = opts.adminEmail ?? "admin@example.com";
    const user: User = {
      id: store.newId("user", "u-"),
      type: "personal",
      legacyId: store.nextCounter("user"),
      createdAt: now.toISOString(),
      email,
      firstName: "Admin",
      lastName: "User",
      mfa: false,
      policies: [],
      accounts: {},
    };
    store.insert("user", "*", user);
    store.setMembership(user.id, org.id, "admin");
    const token = issueToken(store, user.id, org.id, "bootstrap", opts.token);
    return { organizationId: org.id, userId: user.id, accountId: account.id, token };
  });
}
