/** Shapes of the objects the emulator stores (its own; not the wire shapes, not src/api's). */

export type OrgRole = "admin" | "editor" | "viewer";
export type AccountRole = "viewer" | "editor";

export interface Organization {
  id: string; // numeric string
  name: string;
  parentId: string | null;
  createdAt: string;
}

export interface AwsCredentials {
  iamRole: string;
  externalId?: string;
}

export interface AzureCredentials {
  clientId: string;
  tenantId: string;
  subscriptionId: string;
  expirationDate?: string;
  clientSecretHash: string; // the secret itself is never stored
}

export interface GcpServiceAccount {
  type: string;
  project_id: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  privateKeyHash: string; // private_key and private_key_id are never stored
  privateKeyIdHash: string;
}

export interface Account {
  id: string;
  orgId: string;
  name: string;
  createdAt: string;
  slackNotificationChannels: string[];
  providerExternalId: string | null;
  cloudProvider: string | null;
  awsExternalId: { externalId: string; maxValidUntil: string } | null;
  aws: AwsCredentials | null;
  azure: AzureCredentials | null;
  azureTenant: Omit<AzureCredentials, "subscriptionId"> | null;
  gcp: GcpServiceAccount | null;
}

/** A user's mapping of one access policy, scoped to the organization it was made in. */
export interface PolicyMapping {
  orgId: string;
  policyId: string;
  accountIds: string[];
}

export interface AccountMapping {
  permissionStrategy: "ROLE_BASED" | "POLICY_BASED";
  role?: AccountRole;
  policyIds?: string[];
}

export interface User {
  id: string; // u-… or pu-…
  type: "personal" | "programmatic";
  legacyId: number;
  createdAt: string;
  // personal
  email?: string;
  firstName?: string;
  lastName?: string;
  passwordHash?: string;
  mfa: boolean;
  // programmatic
  name?: string;
  description?: string;
  policies: PolicyMapping[];
  accounts: Record<string, AccountMapping>; // accountId → mapping
}

export interface Statement {
  effect: "ALLOW" | "DENY";
  actions: string[];
  resources: string[];
}

export interface Policy {
  id: string;
  orgId: string; // "*" for built-in policies
  name: string;
  description: string;
  type: "ACCOUNT" | "ORGANIZATION";
  statements: Statement[];
  createdAt: string;
  updatedAt: string;
  builtIn?: boolean;
}

export interface UserGroup {
  id: string;
  orgId: string;
  name: string;
  description: string;
  createdAt: string;
  userIds: string[];
  policies: { policyId: string; accountIds: string[] }[];
}

export interface Membership {
  userId: string;
  orgId: string;
  role: OrgRole | null;
}

export interface NotificationPolicy {
  id: string;
  orgId: string;
  accountId: string;
  ownerUserId: string;
  name: string;
  description: string;
  privacyLevel: "public" | "private";
  isActive: boolean;
  subscriptions: { type: string; endpoint: string }[];
  registeredUsers: { userEmail: string; subscriptionTypes: string[] }[];
  computePolicyConfig: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface Subscription {
  id: string;
  orgId: string;
  accountId: string;
  resourceId: string;
  protocol: string;
  endpoint: string;
  eventType: string;
  eventFormat: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface AccountNotificationPolicy {
  id: string; // = accountId
  orgId: string;
  accountPolicy: Record<string, unknown>;
  updatedAt: string;
}

export interface AuditEvent {
  orgId: string;
  accountId: string | null;
  user: string;
  namespace: string;
  actionType: string;
  resourceType: string;
  resourceId: string;
  createdAt: string;
  createdMs: number;
  context: string;
  source: string;
  agent: string;
  responseStatus: number;
}

/** Kinds of objects in the generic table; each maps to one model type. */
export interface KindMap {
  org: Organization;
  account: Account;
  user: User;
  policy: Policy;
  group: UserGroup;
  npolicy: NotificationPolicy;
  subscription: Subscription;
  accountPolicy: AccountNotificationPolicy;
}
export type Kind = keyof KindMap;
