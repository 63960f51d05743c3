/**
 * One sample per registered resource kind, for the generic tests that drive every kind through the real
 * Pulumi provider host. A kind registered in src/resources/index.ts without a sample here fails those tests:
 * add one (valid create inputs, a bad input, and either an in-place update when the kind has a field Spot
 * updates in place, or else a change Spot cannot make in place).
 */
import { generateKeyPairSync } from "node:crypto";

/** Objects the samples refer to, made in the emulator beforehand. */
export interface SampleEnv {
  accountId: string;
  /** Spare accounts: one per kind that owns an account-level object (a connection, a notification policy …). */
  accounts: Record<"aws" | "azure" | "gcp" | "attach" | "notify", string>;
  policyId: string;
  policyId2: string;
  userEmail: string;
}

export interface Sample {
  inputs: Record<string, unknown>;
  /** Changed fields for an in-place update (merged over `inputs`): required when the kind has an updatable field. */
  update?: Record<string, unknown>;
  /**
   * For a kind without any field Spot updates in place: changed fields (merged over `inputs`) whose change is
   * planned as a replacement or refused.
   */
  fixed?: Record<string, unknown>;
  /** A bad value and the field the check must name. */
  bad: { inputs: Record<string, unknown>; field: string };
  /**
   * After delete: "gone" (read reports it gone), "forgotten" (Spot has no DELETE: a warning, the object stays),
   * or "unreadable" (Spot cannot read it at all, so nothing can be checked; Organization).
   */
  afterDelete: "gone" | "forgotten" | "unreadable";
  /** Secret input values that must never appear in outputs, logs or errors. */
  secrets?: string[];
}

const pem = () =>
  generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
let keys: [string, string] | undefined;
const gcpKeys = () => (keys ??= [pem(), pem()]);

export const samples: Record<string, (env: SampleEnv) => Sample> = {
  Organization: () => ({
    inputs: { name: "pulumi-child-org" },
    fixed: { name: "pulumi-child-org-renamed" },
    bad: { inputs: { name: "1234" }, field: "name" },
    afterDelete: "unreadable",
  }),
  Account: () => ({
    inputs: { name: "pulumi-acct", slackNotificationChannels: ["https://hooks.slack.com/services/T0/B0/X1"] },
    update: { name: "pulumi-acct-renamed" },
    bad: { inputs: { name: "!!!" }, field: "name" },
    afterDelete: "gone",
  }),
  AwsExternalId: (env) => ({
    inputs: { accountId: env.accounts.aws },
    fixed: { accountId: env.accounts.gcp },
    bad: { inputs: { accountId: "12345" }, field: "accountId" },
    afterDelete: "forgotten",
  }),
  AwsConnection: (env) => ({
    inputs: { accountId: env.accounts.aws, iamRole: "arn:aws:iam::123456789012:role/SpotRole" },
    update: { iamRole: "arn:aws:iam::123456789012:role/SpotRole2" },
    bad: { inputs: { accountId: env.accounts.aws, iamRole: "SpotRole" }, field: "iamRole" },
    afterDelete: "forgotten",
  }),
  AzureConnection: (env) => ({
    inputs: {
      accountId: env.accounts.azure,
      clientId: "11111111-2222-3333-4444-555555555555",
      clientSecret: "az-CLIENT-SECRET-0001",
      tenantId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      subscriptionId: "99999999-8888-7777-6666-555555555555",
      expirationDate: "2031-12-31T23:59:00Z",
    },
    update: { clientSecret: "az-CLIENT-SECRET-0002" },
    bad: {
      inputs: {
        accountId: env.accounts.azure,
        clientId: "11111111-2222-3333-4444-555555555555",
        clientSecret: "x-secret-value",
        tenantId: "not-a-tenant",
        subscriptionId: "99999999-8888-7777-6666-555555555555",
        expirationDate: "2031-12-31T23:59:00Z",
      },
      field: "tenantId",
    },
    afterDelete: "forgotten",
    secrets: ["az-CLIENT-SECRET-0001", "az-CLIENT-SECRET-0002"],
  }),
  GcpConnection: (env) => {
    const [k1, k2] = gcpKeys();
    const base = {
      accountId: env.accounts.gcp,
      projectId: "spot-labs-123",
      privateKeyId: "0123456789abcdef0123456789abcdef01234567",
      privateKey: k1,
      clientEmail: "spot@spot-labs-123.iam.gserviceaccount.com",
      clientId: "109876543210987654321",
    };
    return {
      inputs: base,
      update: { privateKey: k2, privateKeyId: "fedcba9876543210fedcba9876543210fedcba98" },
      bad: { inputs: { ...base, privateKey: "not a key" }, field: "privateKey" },
      afterDelete: "forgotten",
      secrets: [k1.split("\n")[1], k2.split("\n")[1]],
    };
  },
  User: (env) => ({
    inputs: {
      email: "pulumi-user@example.com",
      firstName: "Pulumi",
      lastName: "User",
      password: "Pulumi-Passw0rd-1",
      role: "viewer",
      policies: [{ policyId: env.policyId, accountIds: [env.accountId] }],
    },
    update: { policies: [{ policyId: env.policyId2, accountIds: ["*"] }] },
    bad: { inputs: { email: "not-an-email", firstName: "A", lastName: "B" }, field: "email" },
    afterDelete: "gone",
    secrets: ["Pulumi-Passw0rd-1"],
  }),
  ProgrammaticUser: (env) => ({
    inputs: {
      name: "pulumi-ci",
      description: "CI",
      policies: [{ policyId: env.policyId, accountIds: [env.accountId] }],
    },
    update: { policies: [{ policyId: env.policyId2, accountIds: [env.accountId] }] },
    bad: {
      inputs: { name: "pulumi-ci", accounts: [{ accountId: env.accountId, role: "owner" }] },
      field: "accounts.0.role",
    },
    afterDelete: "gone",
  }),
  UserAttachment: (env) => ({
    inputs: { accountId: env.accounts.attach, userEmail: env.userEmail, role: "viewer" },
    update: { role: "editor" },
    bad: { inputs: { accountId: env.accounts.attach, userEmail: env.userEmail, role: "owner" }, field: "role" },
    afterDelete: "gone",
  }),
  UserGroup: (env) => ({
    inputs: {
      name: "pulumi-group",
      description: "made by pulumi",
      policies: [{ policyId: env.policyId, accountIds: [env.accountId] }],
    },
    update: { description: "changed by pulumi" },
    bad: { inputs: { name: "" }, field: "name" },
    afterDelete: "gone",
  }),
  AccessPolicy: () => ({
    inputs: {
      name: "pulumi-policy",
      description: "read clusters",
      statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }],
    },
    update: { description: "read clusters (changed)" },
    bad: {
      inputs: { name: "p", statements: [{ effect: "PERMIT", actions: ["*"], resources: ["*"] }] },
      field: "statements.0.effect",
    },
    afterDelete: "gone",
  }),
  NotificationPolicy: (env) => ({
    inputs: {
      accountId: env.accounts.notify,
      name: "pulumi-alerts",
      description: "capacity alerts",
      subscriptions: [
        { type: "email", endpoint: "ops@example.com" },
        { type: "slack", endpoint: "https://hooks.slack.com/services/T000/B000/XXXX" },
      ],
      events: [{ event: "Maximum capacity reached", type: "WARN" }],
      shouldIncludeAllResources: true,
    },
    update: { description: "capacity alerts (changed)" },
    bad: {
      inputs: {
        accountId: env.accounts.notify,
        name: "x",
        events: [{ event: "Maximum capacity reached", type: "LOUD" }],
      },
      field: "events.0.type",
    },
    afterDelete: "gone",
  }),
};
