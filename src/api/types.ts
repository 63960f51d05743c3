/**
 * Wire shapes of the Spot administration API, camelCase as Spot sends them (GCP service-account fields
 * snake_case, as Spot does). Sources: shared/reference/spot-api.md (what the Go SDK and Terraform provider
 * decode) and shared/spot-openapi. Fields Spot may omit are optional.
 */

// ---- envelope -------------------------------------------------------------------------------------------

export interface SpotRequestInfo {
  id?: string;
  url?: string;
  method?: string;
  timestamp?: string;
}

export interface SpotEnvelope<T = unknown> {
  request?: SpotRequestInfo;
  response?: {
    status?: { code?: number; message?: string };
    kind?: string;
    items?: T[];
    count?: number;
    errors?: { code?: string; message?: string; field?: string }[];
    /** The documented 429 body carries `data: "Rate limit exceeded"` instead of `errors`. */
    data?: unknown;
  };
}

// ---- organizations -------------------------------------------------------------------------------------

export interface CreateOrganizationInput {
  name: string;
}
export interface Organization {
  organizationId: string;
  organizationName?: string;
}

// ---- accounts --------------------------------------------------------------------------------------------

/**
 * An account. The list answer carries `accountId`, the create answer `id`; the client fills `accountId`
 * in both cases (and keeps `id` when Spot sent it).
 */
export interface Account {
  accountId: string;
  id?: string;
  name: string;
  organizationId?: string;
  providerExternalId?: string;
  cloudProvider?: string;
  createdAt?: string;
}
export interface CreateAccountInput {
  name: string;
}
export interface UpdateAccountInput {
  name?: string;
  slackNotificationChannels?: string[];
}

export type AccountRole = "viewer" | "editor";
export type PermissionStrategy = "ROLE_BASED" | "POLICY_BASED";

/** POST /setup/account/{accountId}/user: add an existing user to the account with a role. */
export interface AttachUserInput {
  userEmail: string;
  role: AccountRole;
}
/** PUT /setup/account/{accountId}/user: one of userId / userEmail, and a role or policies. */
export interface UpdateAccountUserInput {
  userId?: string;
  userEmail?: string;
  permissionStrategy?: PermissionStrategy;
  role?: AccountRole;
  policyIds?: string[];
}
/** One element of POST /setup/accountUserMapping `mappings`. */
export interface AccountUserMappingInput {
  userId?: string;
  userEmail?: string;
  accountId: string;
  permissionStrategy?: PermissionStrategy;
  role?: AccountRole;
  policyIds?: string[];
}
/** GET /setup/accountUserMapping?userEmail= item. */
export interface AccountUserMapping {
  accountId: string;
  role?: string;
}

// ---- credentials ---------------------------------------------------------------------------------------

export interface AwsExternalId {
  externalId: string;
  accountId?: string;
  maxValidUntil?: string;
}
export interface AwsCredentialsInput {
  iamRole: string;
  externalId?: string;
}
export interface AwsCredentials {
  iamRole?: string;
  accountId?: string;
  externalId?: string;
}
export interface AzureCredentialsInput {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  subscriptionId: string;
  expirationDate: string;
}
export interface AzureTenantCredentialsInput {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  expirationDate: string;
}
/** Spot's GET answer: per the OpenAPI without the secret (some clients decode one; never rely on it). */
export interface AzureCredentials {
  clientId?: string;
  tenantId?: string;
  subscriptionId?: string;
  expirationDate?: string;
  clientSecret?: string;
}
export interface GcpServiceAccount {
  type: string;
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
}
/** Spot's GET answer; secret fields may be absent. */
export type GcpServiceAccountRead = Partial<GcpServiceAccount>;

// ---- users -----------------------------------------------------------------------------------------------

export interface CreateUserInput {
  firstName: string;
  lastName: string;
  email: string;
  password?: string;
  role?: string;
}
export interface CreatedUser {
  userId: string;
  /** Deprecated numeric id. */
  id?: number;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  email?: string;
  organizationId?: string | number;
  /** Only with generateToken=true; a secret, returned once. */
  personalAccessToken?: string;
}
export interface PolicyAssignment {
  policyId: string;
  /** Account ids, or "*" for all current and future accounts. */
  accountIds: string[];
}
export interface ProgrammaticUserAccount {
  id: string;
  role: AccountRole;
}
export interface CreateProgrammaticUserInput {
  name: string;
  description?: string;
  accounts?: ProgrammaticUserAccount[];
  policies?: PolicyAssignment[];
}
export interface CreatedProgrammaticUser {
  id: string;
  name?: string;
  /** The API token: a secret, returned once. */
  token?: string;
}
/** GET /setup/user item. */
export interface AccountUser {
  userId: string;
  displayName?: string;
  email?: string;
  mappedAccountIds?: string[];
}
/** GET /setup/organization/user item. */
export interface OrganizationUser {
  userId: string;
  username?: string;
  type?: "personal" | "programmatic";
  email?: string;
  mfa?: boolean;
  groupNames?: string[];
}
/** GET /setup/user/{userId}. Programmatic users (pu-…) may carry the extra fields Terraform decodes. */
export interface UserDetails {
  userId: string;
  username?: string;
  type?: "personal" | "programmatic";
  email?: string;
  mfa?: boolean;
  groups?: { id: string; name?: string; policyNames?: string[] }[];
  policies?: { policyId: string; policyName?: string; policyType?: string; accountIds?: string[] }[];
  tokens?: { name?: string; createdAt?: string; tokenId?: number; tokenLastDigits?: string }[];
  firstName?: string;
  lastName?: string;
  displayName?: string;
  role?: string;
  organizationId?: string | number;
  userGroupIds?: string[];
  groupNames?: string[];
  // programmatic variant
  id?: string;
  name?: string;
  description?: string;
  accounts?: { id: string; role?: string }[];
}

// ---- access: user groups and policies -------------------------------------------------------------------

export interface CreateUserGroupInput {
  name: string;
  description?: string;
  userIds?: string[];
  policies?: PolicyAssignment[];
}
export interface UserGroup {
  id: string;
  name: string;
  description?: string;
  createdAt?: string;
  userIds?: string[];
  policies?: PolicyAssignment[];
}
/** GET /setup/access/userGroup item. */
export interface UserGroupSummary {
  id: string;
  name: string;
  description?: string;
  createdAt?: string;
  usersCount?: number;
  policyNames?: string[];
}
/** GET /setup/access/userGroup/{id}. */
export interface UserGroupDetails {
  id: string;
  name: string;
  description?: string;
  createdAt?: string;
  users?: { userId: string; userName?: string; type?: "personal" | "programmatic" }[];
  policies?: {
    policyId: string;
    policyName?: string;
    policyType?: string;
    accountIds?: string[];
    accountNames?: string[];
  }[];
}
export interface UpdateUserGroupInput {
  name?: string;
  description?: string;
}

export interface PolicyStatement {
  effect: "ALLOW" | "DENY";
  actions: string[];
  resources: string[];
}
export interface PolicyContent {
  statements: PolicyStatement[];
}
export interface AccessPolicyInput {
  name: string;
  description?: string;
  policyContent: PolicyContent;
}
export interface AccessPolicy {
  id: string;
  name: string;
  description?: string;
  type?: "ACCOUNT" | "ORGANIZATION";
  policyContent?: PolicyContent;
  createdAt?: string;
  updatedAt?: string;
}
export interface PolicyAction {
  name: string;
  service?: string;
  resourcePattern?: string;
  scope?: string;
  category?: string;
}
export interface PolicyActionFilter {
  name?: string;
  service?: string;
  resourcePattern?: string;
  scope?: string;
  category?: string;
}

// ---- notifications -----------------------------------------------------------------------------------

export interface NotificationSubscription {
  type: "email" | "webhook" | "slack" | "sns";
  endpoint: string;
}
export interface NotificationRegisteredUser {
  userEmail: string;
  subscriptionTypes: ("email" | "console")[];
}
export interface ComputePolicyConfig {
  events: { event: string; type: "INFO" | "WARN" | "ERROR" }[];
  shouldIncludeAllResources?: boolean;
  resourceIds?: string[];
  dynamicRules?: {
    filterConditions: { identifier: string; operator: string; expression: string }[];
  }[];
}
export interface NotificationPolicyInput {
  name?: string;
  description?: string;
  privacyLevel: "public" | "private";
  subscriptions?: NotificationSubscription[];
  registeredUsers?: NotificationRegisteredUser[];
  isActive?: boolean;
  computePolicyConfig: ComputePolicyConfig;
}
export type NotificationPolicyUpdate = Partial<Omit<NotificationPolicyInput, "privacyLevel">>;
export interface NotificationPolicy {
  id: string;
  name?: string;
  description?: string;
  owner?: string;
  privacyLevel?: "public" | "private";
  subscriptions?: NotificationSubscription[];
  registeredUsers?: NotificationRegisteredUser[];
  isActive?: boolean;
  type?: string;
  /** An object per the Go SDK, an array with accountId per the OpenAPI example: both occur. */
  computePolicyConfig?: ComputePolicyConfig | (ComputePolicyConfig & { accountId?: string })[];
}
/** GET /notificationCenter/policy item (the caller's view). */
export interface NotificationPolicySummary {
  policyId: string;
  type?: string;
  name?: string;
  description?: string;
  owner?: string;
  registeredUsersCount?: number;
  isActive?: boolean;
  isRegistered?: boolean;
  accountId?: string;
  notificationMethod?: string[];
}
export interface NotificationResource {
  Id?: string;
  id?: string;
  name?: string;
  type?: string;
}
export interface NotificationEventType {
  event: string;
  type?: string;
}
/** Legacy /events/subscription (deprecated by Spot, still used by Terraform's spotinst_subscription). */
export interface LegacySubscriptionInput {
  resourceId: string;
  protocol: string;
  endpoint: string;
  eventType: string;
  eventFormat?: Record<string, unknown>;
}
export interface LegacySubscription extends LegacySubscriptionInput {
  id: string;
  resourceName?: string;
  createdAt?: string;
  updatedAt?: string;
}

// ---- audit ---------------------------------------------------------------------------------------------

export interface AuditEvent {
  user?: string;
  namespace?: string;
  actionType?: string;
  resourceType?: string;
  resourceId?: string;
  createdAt: string;
  /** The request as a JSON string (body, url, query), secrets redacted by Spot. */
  context?: string;
  source?: string;
  /** The request's User-Agent: spot-iac's carries `run=<runId>`. */
  agent?: string;
  responseStatus?: number;
}
export interface AuditQuery {
  from: Date | number;
  to?: Date | number;
  accountId?: string;
  /** "success" (Spot's default: only 200s) or "all". */
  responseStatus?: "success" | "all";
}
