/**
 * Two Spot organizations from one Pulumi program.
 *
 * Organization A uses the stack's `spot:token`; organization B has its own token, passed through a
 * `spot.Connection`. In A: two accounts, an AWS external id whose value goes into the trust policy of the IAM
 * role Spot assumes and into the AWS connection, a user attached to both accounts with different roles, a
 * programmatic CI user whose token is a secret stack output, and a notification policy sending e-mail and
 * Slack. In B: an account and a user attached to it.
 *
 * In your own project: `npm install spot-iac @pulumi/pulumi`. Inside this repository "spot-iac" resolves to
 * the checkout itself (its built dist/, `npm run build`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as spot from "spot-iac";

const cfg = new pulumi.Config();
const orgB = new spot.Connection("org-b", { token: cfg.requireSecret("orgBToken") });

// ---- Organization A (spot:token) ----------------------------------------------------------------------

const prod = new spot.Account("a-prod", { name: "prod" });
const staging = new spot.Account("a-staging", { name: "staging" });

// Spot generates the external id first; the IAM role must require it (sts:ExternalId) in its trust policy.
const externalId = new spot.AwsExternalId("a-prod-external-id", { accountId: prod.id });
const externalIdValue = externalId.externalId.apply((id) => id ?? "");

// The role itself lives in AWS. With @pulumi/aws it would be
//   new aws.iam.Role("spot", { name: "SpotRole-prod", assumeRolePolicy: spotTrustPolicy })
// and its `arn` would feed the connection below; here the ARN is built from its known name.
export const spotTrustPolicy = externalIdValue.apply((id) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::922761411349:root" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": id } },
      },
    ],
  }),
);
const roleArn = pulumi.interpolate`arn:aws:iam::${cfg.get("awsAccountNumber") ?? "123456789012"}:role/SpotRole-prod`;

new spot.AwsConnection("a-prod-aws", { accountId: prod.id, iamRole: roleArn, externalId: externalIdValue });

const alice = new spot.User("a-alice", {
  email: "alice@example.com",
  firstName: "Alice",
  lastName: "Ops",
  role: "viewer",
});
new spot.UserAttachment("a-alice-prod", { accountId: prod.id, userEmail: alice.email, role: "editor" });
new spot.UserAttachment("a-alice-staging", { accountId: staging.id, userEmail: alice.email, role: "viewer" });

const ci = new spot.ProgrammaticUser("a-ci", {
  name: "ci-deployer",
  description: "CI pipeline deploying to prod and staging",
  accounts: [
    { accountId: prod.id, role: "editor" },
    { accountId: staging.id, role: "viewer" },
  ],
});

new spot.NotificationPolicy("a-prod-alerts", {
  accountId: prod.id,
  name: "prod-capacity",
  description: "Capacity problems in prod",
  subscriptions: [
    { type: "email", endpoint: "oncall@example.com" },
    { type: "slack", endpoint: "https://hooks.slack.com/services/T000/B000/XXXXXXXX" },
  ],
  events: [
    { event: "Maximum capacity reached", type: "WARN" },
    { event: "Instance launch failure", type: "ERROR" },
  ],
  shouldIncludeAllResources: true,
});

// ---- Organization B (its own token) ------------------------------------------------------------------

const bProd = new spot.Account("b-prod", { name: "prod", connection: orgB });
const bob = new spot.User("b-bob", {
  email: "bob@example.com",
  firstName: "Bob",
  lastName: "Builder",
  role: "viewer",
  connection: orgB,
});
new spot.UserAttachment("b-bob-prod", { accountId: bProd.id, userEmail: bob.email, role: "editor", connection: orgB });

// ---- Stack outputs --------------------------------------------------------------------------------------

export const orgAProdAccountId = prod.id;
export const orgAStagingAccountId = staging.id;
export const orgBProdAccountId = bProd.id;
export const awsExternalId = externalIdValue;
/** Secret: shown as [secret]; `pulumi stack output ciToken --show-secrets` reveals it. */
export const ciToken = ci.token;
// A lookup in organization B, after its account exists.
export const orgBAccounts = spot
  .getAccountsOutput({}, { connection: orgB, dependsOn: [bProd] })
  .apply((r) => (r.accounts ?? []).map((a) => a.name));
