/**
 * The L2 constructs, synthesized with cdktf's Testing helpers: which L1 resources each shape produces, how
 * they reference each other, and the synth-time errors and warnings for misuse.
 */
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import "cdktf/lib/testing/adapters/jest";
import { Construct } from "constructs";
import { SpotAccount, SpotOrganization, SpotProvider, spot } from "../../constructs";

Testing.setupJest();

/** A stack with a default spot provider, built by `fn`; returns the synthesized JSON and the parsed object. */
function synth(fn: (stack: TerraformStack) => void): { json: string; tf: any; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new SpotProvider(stack, "spot", {});
  fn(stack);
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json), stack };
}

const ref = (type: string, tf: any, attr: string, pred: (r: any) => boolean = () => true): string => {
  const [name] = Object.entries(tf.resource[type] ?? {}).find(([, r]) => pred(r)) ?? [];
  if (!name) throw new Error(`no ${type} in the synthesized stack`);
  return `\${${type}.${name}.${attr}}`;
};

describe("SpotAccount", () => {
  it("creates the account, an AWS external id and a connection that uses it", () => {
    const { json, tf } = synth((s) => {
      new SpotAccount(s, "prod", {
        name: "prod",
        slackNotificationChannels: ["https://hooks.slack.com/services/T0/B0/x"],
        aws: { iamRole: "arn:aws:iam::123456789012:role/Spot" },
      });
    });
    expect(json).toHaveResourceWithProperties(spot.account.Account, {
      name: "prod",
      slack_notification_channels: ["https://hooks.slack.com/services/T0/B0/x"],
    });
    const accountId = ref("spot_account", tf, "account_id");
    expect(json).toHaveResourceWithProperties(spot.awsExternalId.AwsExternalId, { account_id: accountId });
    expect(json).toHaveResourceWithProperties(spot.awsConnection.AwsConnection, {
      account_id: accountId,
      iam_role: "arn:aws:iam::123456789012:role/Spot",
      external_id: ref("spot_aws_external_id", tf, "external_id"),
    });
    expect(json).not.toHaveResource(spot.azureConnection.AzureConnection);
    expect(json).not.toHaveResource(spot.userAttachment.UserAttachment);
    // allow_deletion is left out unless asked for: the provider's default (false) applies.
    expect(tf.resource.spot_account[Object.keys(tf.resource.spot_account)[0]].allow_deletion).toBeUndefined();
  });

  it("uses a given external id instead of creating one, and can create the external id alone", () => {
    const { json, tf } = synth((s) => {
      new SpotAccount(s, "given", {
        name: "given",
        aws: { iamRole: "arn:aws:iam::123456789012:role/S", externalId: "ext-1" },
      });
      const later = new SpotAccount(s, "later", { name: "later", aws: {} });
      expect(later.awsConnection).toBeUndefined();
      new TerraformOutput(s, "later_external_id", { value: later.externalId });
    });
    expect(tf.output.later_external_id.value).toBe(ref("spot_aws_external_id", tf, "external_id"));
    expect(json).toHaveResourceWithProperties(spot.awsConnection.AwsConnection, { external_id: "ext-1" });
    expect(Object.keys(tf.resource.spot_aws_external_id)).toHaveLength(1);
    expect(Object.keys(tf.resource.spot_aws_connection)).toHaveLength(1);
  });

  it("connects Azure with a write-only secret taken from a sensitive variable", () => {
    const { json, tf, stack } = synth((s) => {
      const secret = new TerraformVariable(s, "azure_secret", { type: "string", sensitive: true });
      new SpotAccount(s, "az", {
        name: "az",
        azure: {
          clientId: "11111111-2222-3333-4444-555555555555",
          clientSecret: secret.stringValue,
          tenantId: "66666666-7777-8888-9999-000000000000",
          subscriptionId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
          expirationDate: "2030-12-31T23:59:00Z",
        },
      });
    });
    expect(json).toHaveResourceWithProperties(spot.azureConnection.AzureConnection, {
      account_id: ref("spot_account", tf, "account_id"),
      client_secret: "${var.azure_secret}",
      tenant_id: "66666666-7777-8888-9999-000000000000",
    });
    expect(tf.variable.azure_secret.sensitive).toBe(true);
    expect(warnings(stack)).toEqual([]);
  });

  it("warns when a secret is a literal (it would be written to cdk.tf.json)", () => {
    const { stack } = synth((s) => {
      new SpotAccount(s, "gcp", { name: "gcp", gcp: { serviceAccountKey: '{"type":"service_account"}' } });
    });
    const w = warnings(stack);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/gcp\.serviceAccountKey is a literal string.*plain text.*sensitive TerraformVariable/);
  });

  it("attaches users by e-mail, by id or as a User of the app, with a role or policies", () => {
    const { json, tf } = synth((s) => {
      const bob = new spot.user.User(s, "bob", { email: "bob@example.com", firstName: "Bob", lastName: "B" });
      const acc = new SpotAccount(s, "acc", {
        name: "acc",
        users: [
          { userEmail: "alice@example.com", role: "viewer" },
          { userId: "u-12345678", policyIds: ["pol-12345678"] },
          { user: bob, role: "editor" },
        ],
      });
      acc.addUser({ userEmail: "carol@example.com", role: "editor" });
      expect(acc.attachments).toHaveLength(4);
    });
    const accountId = ref("spot_account", tf, "account_id");
    expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, {
      account_id: accountId,
      user_email: "alice@example.com",
      role: "viewer",
    });
    expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, {
      user_id: "u-12345678",
      policy_ids: ["pol-12345678"],
    });
    expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, {
      user_id: ref("spot_user", tf, "user_id"),
      role: "editor",
    });
    expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, { user_email: "carol@example.com" });
  });

  it("passes its provider to every resource it creates", () => {
    const { tf } = synth((s) => {
      const other = new SpotProvider(s, "other", { alias: "other", baseUrl: "http://127.0.0.1:9" });
      new SpotAccount(s, "acc", {
        name: "acc",
        provider: other,
        aws: { iamRole: "arn:aws:iam::123456789012:role/S" },
        users: [{ userEmail: "a@example.com", role: "viewer" }],
      });
    });
    for (const type of ["spot_account", "spot_aws_external_id", "spot_aws_connection", "spot_user_attachment"])
      for (const r of Object.values<any>(tf.resource[type])) expect(r.provider).toBe("spot.other");
  });

  describe("rejects misuse at synth time, naming the construct and the fix", () => {
    const build = (props: any) => () => synth((s) => new SpotAccount(s, "bad", { name: "bad", ...props }));
    it("two clouds", () =>
      expect(build({ aws: {}, gcp: { serviceAccountKey: "x" } })).toThrow(
        /SpotAccount "test\/bad": give at most one cloud connection.*got aws and gcp/,
      ));
    it("a user named two ways or not at all", () => {
      expect(build({ users: [{ userEmail: "a@example.com", userId: "u-12345678", role: "viewer" }] })).toThrow(
        /name the user exactly one way.*got userEmail and userId/,
      );
      expect(build({ users: [{ role: "viewer" }] })).toThrow(/name the user exactly one way.*got none/);
    });
    it("role and policies together, or neither", () => {
      expect(build({ users: [{ userEmail: "a@example.com", role: "viewer", policyIds: ["pol-1"] }] })).toThrow(
        /give role .* or policyIds .*not both/,
      );
      expect(build({ users: [{ userEmail: "a@example.com" }] })).toThrow(/give role .* or policyIds .*one of them/);
    });
    it("an unknown role", () =>
      expect(build({ users: [{ userEmail: "a@example.com", role: "admin" }] })).toThrow(
        /role must be "viewer" or "editor"; got "admin"/,
      ));
    it("a user given only by a token, without a key", () => {
      expect(() =>
        synth((s) => {
          const v = new TerraformVariable(s, "who", { type: "string" });
          new SpotAccount(s, "bad", { name: "bad", users: [{ userEmail: v.stringValue, role: "viewer" }] });
        }),
      ).toThrow(/given by a token.*set key/);
      const { json } = synth((s) => {
        const v = new TerraformVariable(s, "who", { type: "string" });
        new SpotAccount(s, "ok", { name: "ok", users: [{ userEmail: v.stringValue, role: "viewer", key: "who" }] });
      });
      expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, { user_email: "${var.who}" });
    });
  });
});

describe("SpotOrganization", () => {
  it("declares users, policies and accounts of the token's organization", () => {
    let org!: SpotOrganization;
    const { json, tf } = synth((s) => {
      org = new SpotOrganization(s, "org", {
        users: { alice: { email: "Alice@Example.com", firstName: "Alice", lastName: "L", role: "viewer" } },
        accessPolicies: {
          readers: {
            name: "readers",
            statements: [{ effect: "ALLOW", actions: ["setup:describeAccount"], resources: ["*"] }],
          },
        },
        accounts: {
          prod: {
            name: "prod",
            aws: { iamRole: "arn:aws:iam::123456789012:role/S" },
            users: [{ userEmail: "alice@example.com", role: "editor" }],
          },
          dev: { name: "dev", users: [{ userEmail: "someone-else@example.com", role: "viewer" }] },
        },
      });
      new TerraformOutput(s, "org_id", { value: org.organizationId });
      org
        .addAccount("data", { name: "data" })
        .addUser({ userEmail: "alice@example.com", policyIds: [org.accessPolicies.readers.policyId] });
    });
    expect(json).toHaveDataSource(spot.dataSpotOrganization.DataSpotOrganization);
    expect(json).toHaveResourceWithProperties(spot.user.User, { email: "Alice@Example.com", role: "viewer" });
    expect(json).toHaveResourceWithProperties(spot.accessPolicy.AccessPolicy, {
      name: "readers",
      statements: [{ effect: "ALLOW", actions: ["setup:describeAccount"], resources: ["*"] }],
    });
    expect(
      Object.values<any>(tf.resource.spot_account)
        .map((a) => a.name)
        .sort(),
    ).toEqual(["data", "dev", "prod"]);
    // alice is managed here: attached by id (so after she exists), not by e-mail; the others by e-mail.
    const aliceId = ref("spot_user", tf, "user_id");
    const attachments = Object.values<any>(tf.resource.spot_user_attachment);
    expect(attachments.filter((a) => a.user_id === aliceId && a.user_email === undefined)).toHaveLength(2);
    expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, {
      user_id: aliceId,
      policy_ids: [ref("spot_access_policy", tf, "policy_id")],
    });
    expect(json).toHaveResourceWithProperties(spot.userAttachment.UserAttachment, {
      user_email: "someone-else@example.com",
    });
    expect(Object.keys(org.accounts).sort()).toEqual(["data", "dev", "prod"]);
    const [dataName] = Object.keys(tf.data.spot_organization);
    expect(tf.output.org_id.value).toBe(`\${data.spot_organization.${dataName}.organization_id}`);
  });

  it("scopes every resource to the organization's provider", () => {
    const { tf } = synth((s) => {
      const acme = new SpotProvider(s, "acme", { alias: "acme" });
      new SpotOrganization(s, "acme-org", {
        provider: acme,
        users: { u: { email: "u@example.com", firstName: "U", lastName: "U" } },
        accounts: { a: { name: "a", users: [{ userEmail: "u@example.com", role: "viewer" }] } },
      });
    });
    expect(Object.values<any>(tf.data.spot_organization)[0].provider).toBe("spot.acme");
    for (const type of ["spot_user", "spot_account", "spot_user_attachment"])
      for (const r of Object.values<any>(tf.resource[type])) expect(r.provider).toBe("spot.acme");
  });

  it("refuses a key declared twice", () => {
    expect(() =>
      synth((s) => {
        const org = new SpotOrganization(s, "org", { accounts: { a: { name: "a" } } });
        org.addAccount("a", { name: "again" });
      }),
    ).toThrow(/the account "a" is declared twice/);
  });
});

describe("the provider block", () => {
  it("synthesizes the source the mirror serves, with nothing secret unless given", () => {
    const { json, tf } = synth(() => undefined);
    expect(tf.terraform.required_providers.spot).toEqual({ source: "spot-iac/spot" });
    expect(json).toHaveProvider(SpotProvider);
    expect(tf.provider.spot).toEqual([{}]);
  });
});

function warnings(stack: Construct): string[] {
  // cdktf records Annotations as construct metadata.
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === "@cdktf/warn")
    .map((m) => String(m.data));
}
