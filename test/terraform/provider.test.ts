/**
 * Protocol level, no Terraform binary: the tfplugin6 handlers called the way Terraform calls them, with msgpack
 * DynamicValues, over the REAL kinds and the real Spot client against this file's emulator. The Driver (./harness)
 * checks every answer for the invariants (apply never changes a known planned value and leaves nothing unknown,
 * write-only attributes are null in plan and state, no secret in any answer).
 *
 * The only fixture kind (./fixtures/kinds) covers what no real kind has: a map field and a single nested object
 * with a computed attribute inside.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { ResourceKind } from "../../src/core";
import { registry } from "../../src/core";
import { Scope } from "../../src/terraform/diagnostics";
import { createProvider } from "../../src/terraform/provider";
import { open } from "../../src/terraform/sealed";
import { items, spotApi } from "../cdktf/support";
import { withEmulator } from "../support/emulator";
import { GadgetStore, gadgetContext, gadgetKind } from "./fixtures/kinds";
import { Driver, PROVIDER_TYPE, UNKNOWN, attrPath, errorsOf, hashOf } from "./harness";
import type { State } from "./harness";
import { encodeDynamic } from "../../src/terraform/codec";

const emu = withEmulator();

const rsa = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const keys = rsa();
const secret = (prefix: string) => `${prefix}-${randomBytes(9).toString("hex")}`;
let seq = 0;
/** A name no other test of this file uses (they share one emulator). */
const uniq = (prefix: string) => `${prefix}-${++seq}`;
const AZURE_IDS = {
  client_id: "11111111-2222-3333-4444-555555555555",
  tenant_id: "66666666-7777-8888-9999-000000000000",
  subscription_id: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
  expiration_date: "2030-12-31T23:59:00Z",
};
const SLACK = (n: string) => `https://hooks.slack.com/services/T0/B0/${n}`;

let d: Driver;
const accounts = async (): Promise<any[]> => items(await spotApi(emu, "GET", "/setup/account"));
const accountNamed = async (name: string): Promise<any[]> => (await accounts()).filter((a) => a.name === name);

beforeAll(async () => {
  d = await Driver.configured(emu.url, emu.token);
});
afterEach(async () => {
  await emu.control.clearFaults();
});

/** A fresh account for the per-account kinds (connections, notification policies). */
async function newAccount(): Promise<string> {
  const r = await spotApi(emu, "POST", "/setup/account", { account: { name: uniq("acct-for") } });
  return items(r)[0].id;
}

/** A fault on every attempt of a request until afterEach clears it. */
const failAlways = (method: string, path: string, status = 500) =>
  emu.control.injectFault({ method, path, kind: "status", status, times: 0 });

describe("schema", () => {
  it("GetProviderSchema maps the real kinds: ids, defaults, computed, write-only secrets, sealed outputs, nesting", async () => {
    const r = await d.call("GetProviderSchema", {});
    expect(r.diagnostics).toEqual([]);
    expect(r.server_capabilities).toMatchObject({ plan_destroy: true, get_provider_schema_optional: true });
    const attrs = (type: string) =>
      Object.fromEntries(r.resource_schemas[type].block.attributes.map((a: any) => [a.name, a]));
    const account = attrs("spot_account");
    expect(account.id).toMatchObject({ computed: true, optional: false });
    expect(account.name).toMatchObject({ required: true });
    expect(JSON.parse(account.name.type.toString())).toBe("string");
    expect(account.allow_deletion).toMatchObject({ optional: true, computed: true }); // a local input with a default
    expect(account.slack_notification_channels).toMatchObject({ optional: true, computed: true });
    expect(JSON.parse(account.slack_notification_channels.type.toString())).toEqual(["set", "string"]);
    expect(account.account_id).toMatchObject({ computed: true, optional: false, required: false });

    const azure = attrs("spot_azure_connection");
    expect(azure.client_secret).toMatchObject({ required: true, sensitive: true, write_only: true, computed: false });
    expect(azure.client_secret_version).toMatchObject({ computed: true, write_only: false });

    const pu = attrs("spot_programmatic_user");
    expect(pu.token).toBeUndefined(); // a secret output is never an attribute in plain text
    expect(pu.token_public_key).toMatchObject({ optional: true });
    expect(pu.encrypted_token).toMatchObject({ computed: true });
    expect(pu.accounts.nested_type.nesting).toBe("SET");
    expect(pu.accounts.type.length).toBe(0);

    const user = attrs("spot_user");
    expect(user.password).toMatchObject({ optional: true, write_only: true, sensitive: true });
    expect(user.policies.nested_type.nesting).toBe("SET");
    const inner = Object.fromEntries(user.policies.nested_type.attributes.map((a: any) => [a.name, a]));
    expect(inner.policy_id).toMatchObject({ required: true });
    expect(JSON.parse(inner.account_ids.type.toString())).toEqual(["set", "string"]);

    expect(attrs("spot_access_policy").statements.nested_type.nesting).toBe("LIST");
    expect(attrs("spot_organization").allow_deletion).toMatchObject({ optional: true });
    expect(Object.keys(r.resource_schemas).sort()).toEqual(
      registry()
        .kinds.map((k) => `spot_${k.name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase()}`)
        .sort(),
    );
    expect(Object.keys(r.data_source_schemas)).toEqual(expect.arrayContaining(["spot_accounts", "spot_user"]));
    const provider = Object.fromEntries(r.provider.block.attributes.map((a: any) => [a.name, a]));
    expect(provider.token).toMatchObject({ sensitive: true, optional: true });
    expect(Object.keys(provider).sort()).toEqual(["account", "api_share", "base_url", "token"]);
  });

  it("a kind the provider cannot map is reported as a diagnostic naming the field", async () => {
    const bad: ResourceKind = {
      ...gadgetKind,
      name: "Bad",
      fields: {
        cfg: {
          type: { object: { key: { type: "string", optional: true, secret: true, description: "k" } } },
          optional: true,
          description: "c",
        },
      },
    };
    const r = await createProvider({ kinds: [bad], lookups: [] })
      .handlers()
      .GetProviderSchema({});
    expect(r.diagnostics[0].detail).toMatch(/Bad\.cfg\.key: a secret input inside an object is not supported/);
  });

  it("GetMetadata lists every kind and lookup; GetFunctions is empty", async () => {
    const m = await d.call("GetMetadata", {});
    expect(m.resources.map((r: any) => r.type_name)).toEqual([
      "spot_organization",
      "spot_account",
      "spot_aws_external_id",
      "spot_aws_connection",
      "spot_azure_connection",
      "spot_gcp_connection",
      "spot_user",
      "spot_programmatic_user",
      "spot_user_attachment",
      "spot_user_group",
      "spot_access_policy",
      "spot_notification_policy",
    ]);
    expect(m.data_sources.map((x: any) => x.type_name)).toContain("spot_audit_events");
    expect(await d.call("GetFunctions", {})).toEqual({ functions: {}, diagnostics: [] });
  });
});

describe("configuration", () => {
  it("a wrong token fails the first call to Spot with one diagnostic that never repeats it", async () => {
    const wrong = "wrong-token-0123456789";
    const bad = new Driver();
    bad.secrets.add(wrong);
    const conf = await bad.call("ConfigureProvider", {
      config: encodeDynamic({ token: wrong, base_url: emu.url, account: null }, PROVIDER_TYPE),
    });
    expect(conf.diagnostics).toEqual([]);
    const r = await bad.readData("spot_accounts", {});
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: "ERROR", summary: "Accounts lookup failed" });
    expect(r.diagnostics[0].detail).toMatch(/401/);
  });

  it("resource operations of an unconfigured provider say why they cannot run", async () => {
    const p = new Driver();
    const imp = await p.importById("spot_account", "act-12ab34cd");
    expect(imp.diagnostics[0].summary).toBe("Provider not configured");
  });

  it("ValidateProviderConfig checks base_url", async () => {
    const r = await d.call("ValidateProviderConfig", {
      config: encodeDynamic({ token: null, base_url: "ftp://x", account: null }, PROVIDER_TYPE),
    });
    expect(r.diagnostics).toHaveLength(1);
    expect(attrPath(r.diagnostics[0])).toEqual(["base_url"]);
    const ok = await d.call("ValidateProviderConfig", {
      config: encodeDynamic({ token: null, base_url: emu.url, account: null }, PROVIDER_TYPE),
    });
    expect(ok.diagnostics).toEqual([]);
  });
});

describe("ValidateResourceConfig", () => {
  const statement = (effect = "ALLOW") => ({ effect, actions: ["ocean:describeCluster"], resources: ["*"] });

  it("accepts a good configuration", async () => {
    const r = await d.validate("spot_access_policy", { name: "ok", statements: [statement()] });
    expect(r.diagnostics).toEqual([]);
  });

  it("reports schema failures at their attribute paths (into lists), naming the resource, field and fix", async () => {
    const r = await d.validate("spot_access_policy", { statements: [statement(), statement("PERMIT")] });
    const byPath = Object.fromEntries(r.diagnostics.map((x: any) => [attrPath(x).join("."), x.detail]));
    expect(byPath.name).toMatch(/^AccessPolicy \(spot_access_policy\): name is required: Name of the policy/);
    expect(byPath["statements.1.effect"]).toBe(
      'AccessPolicy (spot_access_policy): statements.1.effect must be one of "ALLOW", "DENY"; got "PERMIT"',
    );
    const user = await d.validate("spot_user", {
      email: "a@example.com",
      first_name: "A",
      last_name: "B",
      role: "owner",
    });
    expect(user.diagnostics.map((x: any) => [attrPath(x), x.summary])).toEqual([[["role"], "Invalid role"]]);
  });

  it("leaves unknown values (msgpack unknowns) for later, and the kind's cross-field check until all is known", async () => {
    expect((await d.validate("spot_access_policy", { name: UNKNOWN, statements: UNKNOWN })).diagnostics).toEqual([]);
    const both = {
      name: "ci",
      accounts: [{ account_id: emu.accountId, role: "editor" }],
      policies: [{ policy_id: "pol-1a2b3c4d", account_ids: [emu.accountId] }],
    };
    const cross = await d.validate("spot_programmatic_user", both);
    expect(cross.diagnostics.map((x: any) => [attrPath(x), x.detail])).toEqual([
      [
        ["policies"],
        "ProgrammaticUser (spot_programmatic_user): policies cannot be given together with accounts: Spot takes one permission model; keep accounts or policies",
      ],
    ]);
    expect((await d.validate("spot_programmatic_user", { ...both, accounts: UNKNOWN })).diagnostics).toEqual([]);
  });

  it("refuses a write-only secret when Terraform cannot handle write-only attributes, without echoing it", async () => {
    const s = secret("az");
    d.secrets.add(s);
    const r = await d.validate(
      "spot_azure_connection",
      { account_id: emu.accountId, client_secret: s, ...AZURE_IDS },
      {},
    );
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].summary).toBe("Terraform 1.11 or later required");
    expect(attrPath(r.diagnostics[0])).toEqual(["client_secret"]);
  });

  it("checks the public key secret outputs are sealed to", async () => {
    const cfg = { name: "ci", accounts: [{ account_id: emu.accountId, role: "viewer" }] };
    const r = await d.validate("spot_programmatic_user", { ...cfg, token_public_key: "not a key" });
    expect(attrPath(r.diagnostics[0])).toEqual(["token_public_key"]);
    expect(r.diagnostics[0].detail).toMatch(/not a PEM public key/);
    const ec = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const r2 = await d.validate("spot_programmatic_user", { ...cfg, token_public_key: ec.publicKey });
    expect(r2.diagnostics[0].detail).toMatch(/only RSA/);
  });

  it("an unknown resource type is a diagnostic listing the known ones", async () => {
    const r = await d.call("ValidateResourceConfig", { type_name: "spot_nope", config: encodeDynamic(null) });
    expect(r.diagnostics[0].detail).toMatch(/no resource type "spot_nope"; known: spot_organization, spot_account, /);
  });
});

describe("spot_account: plan, apply, read, import", () => {
  it("plans a create with the id and outputs unknown and defaults filled; apply fills them", async () => {
    const name = uniq("create");
    const { planned, state } = await d.create("spot_account", { name });
    expect(planned).toMatchObject({
      id: UNKNOWN,
      account_id: UNKNOWN,
      organization_id: UNKNOWN,
      created_at: UNKNOWN,
      name,
      allow_deletion: false,
      slack_notification_channels: UNKNOWN, // optional and computed: Spot's value when not given
    });
    expect(state).toMatchObject({ name, organization_id: String(emu.organizationId), allow_deletion: false });
    expect(state.id).toMatch(/^act-/);
    expect(state.account_id).toBe(state.id);
    expect(await accountNamed(name)).toHaveLength(1);
  });

  it("a rename is an in-place update that keeps the account id known (stable outputs), then no change", async () => {
    const c = await d.create("spot_account", { name: uniq("rename") });
    const to = uniq("renamed");
    const plan = await d.plan("spot_account", c.state, c.priv, { name: to });
    expect(plan.requires_replace).toEqual([]);
    expect(plan.planned).toMatchObject({
      id: c.state.id,
      account_id: c.state.id,
      organization_id: c.state.organization_id,
      created_at: c.state.created_at,
      name: to,
    });
    expect(plan.planned.cloud_provider).toBe(UNKNOWN); // may change with the update
    const apply = await d.apply("spot_account", c.state, plan, { name: to });
    expect(errorsOf(apply)).toEqual([]);
    expect(apply.state.account_id).toBe(c.state.id);
    expect(await accountNamed(to)).toHaveLength(1);
    await d.expectNoChange("spot_account", apply.state, apply.private, { name: to });
  });

  it("plans unknown configuration values as unknown, keeping stable outputs, without errors", async () => {
    const c = await d.create("spot_account", { name: uniq("unknown") });
    const plan = await d.plan("spot_account", c.state, c.priv, { name: UNKNOWN, slack_notification_channels: UNKNOWN });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.planned).toMatchObject({
      name: UNKNOWN,
      slack_notification_channels: UNKNOWN,
      account_id: c.state.id,
      created_at: c.state.created_at,
    });
    expect(plan.requires_replace).toEqual([]);
  });

  it("plans creates whose references are not known yet, unknowns nested in sets of objects included", async () => {
    const az = await d.plan("spot_azure_connection", null, undefined, {
      account_id: UNKNOWN,
      client_secret: UNKNOWN,
      ...AZURE_IDS,
    });
    expect(az.diagnostics).toEqual([]);
    expect(az.planned).toMatchObject({
      id: UNKNOWN,
      account_id: UNKNOWN,
      client_secret: null,
      client_secret_version: 1,
    });
    const policies = [{ policy_id: UNKNOWN, account_ids: [emu.accountId, UNKNOWN] }];
    const pu = await d.plan("spot_programmatic_user", null, undefined, { name: uniq("ci-unknown"), policies });
    expect(pu.diagnostics).toEqual([]);
    expect(pu.planned.policies).toEqual(policies);
    expect(pu.planned.user_id).toBe(UNKNOWN);
  });

  it("read keeps the configured form of a set Spot reorders, and shows a change made outside", async () => {
    const channels = [SLACK("b"), SLACK("a")];
    const name = uniq("read");
    const c = await d.create("spot_account", { name, slack_notification_channels: channels });
    expect(c.state.slack_notification_channels).toEqual(channels);
    const id = c.state.id;
    await spotApi(emu, "PUT", `/setup/account/${id}`, {
      account: { name, slackNotificationChannels: [SLACK("a"), SLACK("b")] },
    });
    await d.nextRun();
    const same = await d.read("spot_account", c.state, c.priv);
    expect(same.diagnostics).toEqual([]);
    expect(same.state).toEqual(c.state);
    expect(same.private).toEqual(c.priv);

    await spotApi(emu, "PUT", `/setup/account/${id}`, { account: { name: "renamed-outside" } });
    await d.nextRun();
    const drift = await d.read("spot_account", c.state, c.priv);
    expect(drift.state).toEqual({ ...c.state, name: "renamed-outside" });
    const plan = await d.plan("spot_account", drift.state, c.priv, { name, slack_notification_channels: channels });
    expect(plan.planned.name).toBe(name);
  });

  it("a read error keeps the current state and says what failed; a gone object reads as null", async () => {
    const c = await d.create("spot_account", { name: uniq("gone") });
    await failAlways("GET", "/setup/account");
    await d.nextRun();
    const failed = await d.read("spot_account", c.state, c.priv);
    expect(failed.diagnostics).toHaveLength(1);
    expect(failed.diagnostics[0].summary).toBe(`Account ${c.state.id}: read failed`);
    expect(failed.diagnostics[0].detail).toMatch(/500/);
    expect(failed.state).toEqual(c.state);
    await emu.control.clearFaults();

    await spotApi(emu, "DELETE", `/setup/account/${c.state.id}`);
    const gone = await d.read("spot_account", c.state, c.priv);
    expect(gone.diagnostics).toEqual([]);
    expect(gone.state).toBeNull();
  });

  it("an update that Spot fails keeps the prior state", async () => {
    const c = await d.create("spot_account", { name: uniq("upd-fail") });
    const cfg = { name: uniq("never") };
    const plan = await d.plan("spot_account", c.state, c.priv, cfg);
    await failAlways("PUT", "/setup/account/{accountId}");
    const r = await d.apply("spot_account", c.state, plan, cfg);
    expect(errorsOf(r)).toHaveLength(1);
    expect(r.diagnostics[0].summary).toBe(`Account ${c.state.id}: update failed`);
    expect(r.state).toEqual(c.state);
  });

  it("apply refuses an object that changed in Spot since the plan, and changes nothing", async () => {
    const name = uniq("moved");
    const c = await d.create("spot_account", { name });
    const cfg = { name: uniq("planned") };
    const plan = await d.plan("spot_account", c.state, c.priv, cfg);
    await spotApi(emu, "PUT", `/setup/account/${c.state.id}`, { account: { name: "moved-meanwhile" } });
    await d.nextRun(); // Terraform configures the provider again for the apply walk
    const r = await d.apply("spot_account", c.state, plan, cfg);
    expect(errorsOf(r).map((x) => x.detail)).toEqual([
      `Account ${c.state.id} changed in Spot since the plan (name); nothing was changed. Run terraform apply again to plan from the current state.`,
    ]);
    expect(r.state).toEqual(c.state);
    expect((await accounts()).find((a) => a.accountId === c.state.id).name).toBe("moved-meanwhile");
  });

  it("a create whose second step fails answers the state AND an error, so Terraform taints it", async () => {
    const name = uniq("partial");
    const cfg = { name, slack_notification_channels: [SLACK("p")] };
    const plan = await d.plan("spot_account", null, undefined, cfg);
    await failAlways("PUT", "/setup/account/{accountId}");
    const r = await d.apply("spot_account", null, plan, cfg);
    expect(errorsOf(r)).toHaveLength(1);
    expect(r.diagnostics[0].summary).toBe("Account: create failed");
    expect(r.diagnostics[0].detail).toMatch(
      /^Account act-\S+ was created, but setting its Slack channels failed: .*500.*Terraform records it as tainted, so nothing is lost: run terraform untaint spot_account\.<name>/,
    );
    const created = await accountNamed(name);
    expect(created).toHaveLength(1);
    expect(r.state).toMatchObject({ id: created[0].accountId, account_id: created[0].accountId, name });
    await emu.control.clearFaults();

    // After terraform untaint: refresh sees no channels, the plan finishes the create in place.
    const refreshed = await d.read("spot_account", r.state, r.private);
    expect(refreshed.state.slack_notification_channels).toEqual([]);
    const fix = await d.update("spot_account", refreshed.state, r.private, cfg);
    expect(fix.state.id).toBe(created[0].accountId);
    const live = await spotApi(emu, "GET", `/setup/account/${created[0].accountId}`);
    expect(items(live)[0].slackNotificationChannels).toEqual([SLACK("p")]);
    expect(await accountNamed(name)).toHaveLength(1);
  });

  it("refuses an irreversible delete at plan and at apply unless allow_deletion is true in state", async () => {
    const c = await d.create("spot_account", { name: uniq("keep") });
    const refused = await d.destroy("spot_account", c.state, c.priv);
    expect(errorsOf(refused.plan).map((x) => [x.summary, attrPath(x)])).toEqual([
      [`Refusing to delete Account ${c.state.id}`, ["allow_deletion"]],
    ]);
    expect(refused.plan.diagnostics[0].detail).toMatch(
      /cannot be undone; allow_deletion must be true.*Set allow_deletion = true and apply first, then destroy/,
    );
    expect(errorsOf(refused)[0].summary).toBe(`Account ${c.state.id}: delete failed`);
    expect(refused.state).toEqual(c.state);
    expect((await accounts()).some((a) => a.accountId === c.state.id)).toBe(true);

    const allowed = await d.update("spot_account", c.state, c.priv, { name: c.state.name, allow_deletion: true });
    expect(allowed.state.allow_deletion).toBe(true);
    const ok = await d.destroy("spot_account", allowed.state, allowed.priv);
    expect(errorsOf(ok.plan)).toEqual([]);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.state).toBeNull();
    expect((await accounts()).some((a) => a.accountId === c.state.id)).toBe(false);
  });

  it("imports by id with every attribute present and local settings at their defaults", async () => {
    const name = uniq("import");
    const c = await d.create("spot_account", { name, slack_notification_channels: [SLACK("i")] });
    const r = await d.importById("spot_account", c.state.id);
    expect(r.diagnostics).toEqual([]);
    expect(r.imported_resources[0].type_name).toBe("spot_account");
    expect(r.state).toEqual({ ...c.state, allow_deletion: false });
    expect(Object.keys(r.state).sort()).toEqual(
      d
        .rs("spot_account")
        .attrs.map((a) => a.name)
        .sort(),
    );
    // What was imported plans no change against the same configuration.
    await d.expectNoChange("spot_account", r.state, r.priv, { name, slack_notification_channels: [SLACK("i")] });
  });

  it("an unknown or malformed import id is an error stating the import id format", async () => {
    const missing = await d.importById("spot_account", "act-0000dead");
    expect(missing.diagnostics[0].detail).toBe(
      'spot_account: no Account with id "act-0000dead" exists in Spot. Import ids for spot_account have the form act-<id> (the account id), e.g. act-12ab34cd.',
    );
    const bad = await d.importById("spot_account", "x/y");
    expect(bad.diagnostics[0].summary).toBe('Account import of "x/y" failed');
    expect(bad.diagnostics[0].detail).toMatch(/Import ids for spot_account have the form act-<id>/);
  });
});

describe("spot_organization: irreversible, and importable only with a token of that organization", () => {
  it("creates, refuses to delete until allow_deletion, imports with the new organization's token, deletes", async () => {
    const name = uniq("child-org");
    const c = await d.create("spot_organization", { name });
    const orgId = c.state.id;
    expect(c.state).toMatchObject({ organization_id: orgId, name, allow_deletion: false });
    const exists = () =>
      emu.control.mintToken(emu.userId, orgId).then(
        () => true,
        () => false,
      );
    expect(await exists()).toBe(true);

    const rename = await d.plan("spot_organization", c.state, c.priv, { name: uniq("other") });
    expect(errorsOf(rename).map((x) => [x.summary, attrPath(x)])).toEqual([["Cannot change name", ["name"]]]);

    const parent = await d.importById("spot_organization", `${orgId}/${name}`);
    expect(parent.diagnostics[0].detail).toMatch(/use a token of organization/);
    const childToken = await emu.control.mintToken(emu.userId, orgId);
    const child = await Driver.configured(emu.url, childToken);
    const imported = await child.importById("spot_organization", `${orgId}/${name}`);
    expect(imported.diagnostics).toEqual([]);
    expect(imported.state).toEqual(c.state);

    const refused = await d.destroy("spot_organization", c.state, c.priv);
    expect(errorsOf(refused.plan)[0].summary).toBe(`Refusing to delete Organization ${orgId}`);
    expect(errorsOf(refused)).toHaveLength(1);
    expect(await exists()).toBe(true);
    const allowed = await d.update("spot_organization", c.state, c.priv, { name, allow_deletion: true });
    const ok = await d.destroy("spot_organization", allowed.state, allowed.priv);
    expect(ok.diagnostics).toEqual([]);
    expect(await exists()).toBe(false);
  });
});

describe("write-only secrets and <name>_version", () => {
  it("AzureConnection: the secret is null in plan and state, hashed in private state, versioned on change", async () => {
    const s1 = secret("az1");
    const s2 = secret("az2");
    d.secrets.add(s1).add(s2);
    const cfg = { account_id: await newAccount(), ...AZURE_IDS };
    const c = await d.create("spot_azure_connection", { ...cfg, client_secret: s1 });
    expect(c.planned).toMatchObject({ client_secret: null, client_secret_version: 1, id: UNKNOWN });
    expect(c.state).toMatchObject({ id: cfg.account_id, client_secret: null, client_secret_version: 1 });
    expect(JSON.parse(c.priv.toString()).secrets.clientSecret).toEqual(hashOf(s1));

    await d.expectNoChange("spot_azure_connection", c.state, c.priv, { ...cfg, client_secret: s1 });
    const unknown = await d.plan("spot_azure_connection", c.state, c.priv, { ...cfg, client_secret: UNKNOWN });
    expect(unknown.planned.client_secret_version).toBe(UNKNOWN);

    const rotated = await d.update("spot_azure_connection", c.state, c.priv, { ...cfg, client_secret: s2 });
    expect(rotated.planned.client_secret_version).toBe(2);
    expect(rotated.state.client_secret_version).toBe(2);
    expect(JSON.parse(rotated.priv.toString()).secrets.clientSecret).toEqual(hashOf(s2));

    // Imported: no hash to compare with, so the declared secret is sent once and counted.
    const imp = await d.importById("spot_azure_connection", cfg.account_id);
    expect(imp.state).toMatchObject({ client_secret: null, client_secret_version: null });
    const once = await d.update("spot_azure_connection", imp.state, imp.priv, { ...cfg, client_secret: s2 });
    expect(once.state.client_secret_version).toBe(1);
    await d.expectNoChange("spot_azure_connection", once.state, once.priv, { ...cfg, client_secret: s2 });
  });

  it("GcpConnection: the key file is write-only; the public parts of it are in state", async () => {
    const key = rsa().privateKey;
    const file = JSON.stringify({
      type: "service_account",
      project_id: "tf-project-123",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: key,
      client_email: "spot@tf-project-123.iam.gserviceaccount.com",
      client_id: "109876543210987654321",
    });
    d.secrets.add(key.split("\n")[3]);
    const account_id = await newAccount();
    const c = await d.create("spot_gcp_connection", { account_id, service_account_key: file });
    expect(c.state).toMatchObject({
      service_account_key: null,
      service_account_key_version: 1,
      project_id: "tf-project-123",
      client_email: "spot@tf-project-123.iam.gserviceaccount.com",
    });
    await d.expectNoChange("spot_gcp_connection", c.state, c.priv, { account_id, service_account_key: file });
  });

  it("User: a password change is refused at plan (Spot cannot change it) without showing it; the e-mail replaces", async () => {
    const pw = secret("Pw1");
    const other = secret("Pw2");
    d.secrets.add(pw).add(other);
    const cfg = { email: `${uniq("pw")}@example.com`, first_name: "Ann", last_name: "Lee", role: "viewer" };
    const c = await d.create("spot_user", { ...cfg, password: pw });
    expect(c.state).toMatchObject({ password: null, password_version: 1, role: "viewer" });
    expect(c.state.user_id).toMatch(/^u-/);

    const changed = await d.plan("spot_user", c.state, c.priv, { ...cfg, password: other });
    expect(errorsOf(changed).map((x) => [x.summary, attrPath(x)])).toEqual([["Cannot change password", ["password"]]]);
    const renamed = await d.plan("spot_user", c.state, c.priv, { ...cfg, first_name: "Anne", password: pw });
    expect(errorsOf(renamed)[0].detail).toMatch(/first_name cannot be changed in Spot \("Ann" → "Anne"\)/);
    expect(attrPath(errorsOf(renamed)[0])).toEqual(["first_name"]);
    const moved = await d.plan("spot_user", c.state, c.priv, { ...cfg, email: "other@example.com", password: pw });
    expect(moved.requires_replace).toEqual([{ steps: [{ attribute_name: "email" }] }]);
    expect(moved.planned.user_id).toBe(UNKNOWN);

    // Imported: the password's hash is unknown; Spot cannot change it, so nothing is planned for it.
    const imp = await d.importById("spot_user", c.state.id);
    expect(imp.state).toMatchObject({ password: null, password_version: null, email: cfg.email });
    await d.expectNoChange("spot_user", imp.state, imp.priv, { ...cfg, password: pw });
  });
});

describe("sealed token output: ProgrammaticUser token_public_key / encrypted_token", () => {
  const works = async (token: string) =>
    (await fetch(`${emu.url}/setup/account`, { headers: { Authorization: `Bearer ${token}` } })).ok;

  it("stores the token only sealed to the key; the opened token works; never in plain text", async () => {
    const cfg = { name: uniq("ci"), accounts: [{ account_id: emu.accountId, role: "viewer" }] };
    const c = await d.create("spot_programmatic_user", { ...cfg, token_public_key: keys.publicKey });
    expect(c.planned.encrypted_token).toBe(UNKNOWN);
    const token = open(c.state.encrypted_token, keys.privateKey);
    d.secrets.add(token);
    expect(await works(token)).toBe(true);
    expect(c.state.id).toMatch(/^pu-/);

    await d.expectNoChange("spot_programmatic_user", c.state, c.priv, { ...cfg, token_public_key: keys.publicKey });
    const other = rsa().publicKey;
    const rekey = await d.plan("spot_programmatic_user", c.state, c.priv, { ...cfg, token_public_key: other });
    expect(rekey.diagnostics.map((x: any) => [x.severity, x.summary])).toEqual([
      ["WARNING", "token_public_key changed after creation"],
    ]);
    expect(rekey.planned.encrypted_token).toBe(c.state.encrypted_token);

    const replace = await d.plan("spot_programmatic_user", c.state, c.priv, {
      ...cfg,
      description: UNKNOWN,
      token_public_key: keys.publicKey,
    });
    expect(replace.diagnostics).toEqual([]);
    expect(replace.requires_replace).toEqual([{ steps: [{ attribute_name: "description" }] }]);

    const imp = await d.importById("spot_programmatic_user", c.state.id);
    expect(imp.state).toMatchObject({ encrypted_token: null, token_public_key: null, name: cfg.name });
  });

  it("without a public key the token is discarded with a warning, never stored", async () => {
    const c = await d.create("spot_programmatic_user", {
      name: uniq("ci-nokey"),
      accounts: [{ account_id: emu.accountId, role: "viewer" }],
    });
    expect(c.planned.encrypted_token).toBeNull();
    expect(c.state.encrypted_token).toBeNull();
    expect(c.apply.diagnostics.map((x: any) => [x.severity, x.summary])).toEqual([["WARNING", "token discarded"]]);
  });
});

describe("nested sets of objects and lists", () => {
  let policyId: string;
  let policy2: string;
  beforeAll(async () => {
    const mk = async (name: string) =>
      (
        await d.create("spot_access_policy", {
          name,
          statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }],
        })
      ).state.id;
    policyId = await mk(uniq("pol-a"));
    policy2 = await mk(uniq("pol-b"));
  });

  it("AccessPolicy statements are a list: order matters inside it, not inside its sets", async () => {
    const s1 = { effect: "ALLOW", actions: ["ocean:describeCluster", "ocean:updateCluster"], resources: ["*"] };
    const s2 = { effect: "DENY", actions: ["ocean:deleteCluster"], resources: ["ocean:o-1234abcd"] };
    const name = uniq("statements");
    const c = await d.create("spot_access_policy", { name, statements: [s1, s2] });
    expect(c.state.policy_id).toMatch(/^pol-/);
    const swappedSet = { ...s1, actions: [...s1.actions].reverse() };
    await d.expectNoChange("spot_access_policy", c.state, c.priv, { name, statements: [swappedSet, s2] });
    const reordered = await d.update("spot_access_policy", c.state, c.priv, { name, statements: [s2, s1] });
    expect(reordered.state.statements.map((s: any) => s.effect)).toEqual(["DENY", "ALLOW"]);
    const live = (await spotApi(emu, "GET", "/setup/organization/policy")).response.items.find(
      (p: any) => p.id === c.state.id,
    );
    expect(live.policyContent.statements.map((s: any) => s.effect)).toEqual(["DENY", "ALLOW"]);
  });

  it("an action Spot does not know fails the plan, at its path, before anything is sent", async () => {
    const r = await d.plan("spot_access_policy", null, undefined, {
      name: uniq("typo"),
      statements: [{ effect: "ALLOW", actions: ["ocean:describeClustr"], resources: ["*"] }],
    });
    expect(errorsOf(r).map((x) => attrPath(x))).toEqual([["statements", 0, "actions"]]);
    expect(errorsOf(r)[0].detail).toMatch(
      /is not an action in Spot's policy-action catalogue \(did you mean "ocean:describeCluster"\?\)/,
    );
  });

  it("User policies are a set of objects: element and inner set order never plan a change; a new mapping updates in place", async () => {
    const a2 = await newAccount();
    const cfg: State = { email: `${uniq("pol")}@example.com`, first_name: "Pat", last_name: "Kim" };
    const policies = [
      { policy_id: policyId, account_ids: [emu.accountId, a2] },
      { policy_id: policy2, account_ids: ["*"] },
    ];
    const c = await d.create("spot_user", { ...cfg, policies });
    const shuffled = [
      { policy_id: policy2, account_ids: ["*"] },
      { policy_id: policyId, account_ids: [a2, emu.accountId] },
    ];
    await d.expectNoChange("spot_user", c.state, c.priv, { ...cfg, policies: shuffled });
    const narrowed = [{ policy_id: policyId, account_ids: [a2] }];
    const u = await d.update("spot_user", c.state, c.priv, { ...cfg, policies: narrowed });
    expect(u.state.policies).toEqual(narrowed);
    const mapping = await spotApi(emu, "GET", `/setup/user/${c.state.id}`);
    expect(JSON.stringify(mapping)).toContain(a2);
    expect(JSON.stringify(mapping)).not.toContain(policy2);
  });
});

describe("delete, data sources, stop, upgrade", () => {
  it("deletes on a null planned state", async () => {
    const c = await d.create("spot_user_group", { name: uniq("group"), description: "temp" });
    const r = await d.destroy("spot_user_group", c.state, c.priv);
    expect(r.diagnostics).toEqual([]);
    expect(r.plan.planned).toBeNull();
    expect(r.state).toBeNull();
    const groups = items(await spotApi(emu, "GET", "/setup/access/userGroup"));
    expect(groups.some((g: any) => g.id === c.state.id)).toBe(false);
  });

  it("ReadDataSource runs the real lookups; ValidateDataResourceConfig checks their arguments", async () => {
    const name = uniq("lookup");
    const c = await d.create("spot_account", { name, slack_notification_channels: [SLACK("l")] });
    const list = await d.readData("spot_accounts", { name });
    expect(list.diagnostics).toEqual([]);
    expect(list.result.account_ids).toEqual([c.state.id]);
    expect(list.result.accounts[0]).toMatchObject({ account_id: c.state.id, name });
    const one = await d.readData("spot_account", { name });
    expect(one.result).toMatchObject({ account_id: c.state.id, slack_notification_channels: [SLACK("l")] });
    const none = await d.readData("spot_account", { name: "no-such-account-anywhere" });
    expect(none.diagnostics[0].summary).toBe("Account lookup failed");

    const bad = await d.validateData("spot_account", { account_id: "12345" });
    expect(bad.diagnostics).toHaveLength(1);
    expect(attrPath(bad.diagnostics[0])).toEqual(["account_id"]);
    expect(bad.diagnostics[0].detail).toMatch(/^spot_account: account_id /);
    expect((await d.validateData("spot_account", { account_id: UNKNOWN })).diagnostics).toEqual([]);
  });

  it("StopProvider refuses changes that have not started", async () => {
    const stopping = await Driver.configured(emu.url, emu.token);
    expect(await stopping.call("StopProvider", {})).toEqual({ Error: "", diagnostics: [] });
    const name = uniq("after-stop");
    const plan = await stopping.plan("spot_account", null, undefined, { name });
    const r = await stopping.apply("spot_account", null, plan, { name });
    expect(r.diagnostics[0].summary).toBe("Provider stopping");
    expect(await accountNamed(name)).toHaveLength(0);
  });

  it("UpgradeResourceState reads JSON state into the schema, dropping plaintext secrets and unknown attributes", async () => {
    const leaked = secret("leaked");
    d.secrets.add(leaked);
    const raw = { id: emu.accountId, account_id: emu.accountId, client_secret: leaked, tenant_id: "t", obsolete: 1 };
    const r = await d.call("UpgradeResourceState", {
      type_name: "spot_azure_connection",
      version: 0,
      raw_state: { json: Buffer.from(JSON.stringify(raw)) },
    });
    expect(r.diagnostics).toEqual([]);
    const s = d.dec("spot_azure_connection", r.upgraded_state);
    expect(s).toMatchObject({ id: emu.accountId, client_secret: null, tenant_id: "t", client_secret_version: null });
    expect(s.obsolete).toBeUndefined();
    const newer = await d.call("UpgradeResourceState", {
      type_name: "spot_account",
      version: 3,
      raw_state: { json: Buffer.from("{}") },
    });
    expect(newer.diagnostics[0].summary).toBe("State from a newer provider");
    const flat = await d.call("UpgradeResourceState", {
      type_name: "spot_account",
      version: 0,
      raw_state: { flatmap: { id: "x" } },
    });
    expect(flat.diagnostics[0].detail).toMatch(/flatmap/);
  });

  it("a diagnostic never carries a secret it was handed, even inside an API error's text", () => {
    const s = secret("inner");
    const scope = new Scope(["provider-token-1234"]);
    scope.addSecrets([s]);
    scope.failed(
      "User: create failed",
      new Error(`Spot said 400\nfor password ${s} (token provider-token-1234)`),
      "spot_user",
    );
    expect(scope.diagnostics).toEqual([
      {
        severity: "ERROR",
        summary: "User: create failed",
        detail: "Spot said 400 for password (secret) (token (secret))",
        attribute: null,
      },
    ]);
  });
});

describe("schema features no real kind has (fixture kind Gadget: a map, a single nested object)", () => {
  let g: Driver;
  const store = new GadgetStore();
  beforeAll(async () => {
    g = new Driver({ kinds: [gadgetKind], lookups: [], contextFactory: gadgetContext(store) });
    expect((await g.call("ConfigureProvider", { config: encodeDynamic(null) })).diagnostics).toEqual([]);
  });

  it("maps a map to map(string) and an object to a SINGLE nested attribute with its computed inner attribute", async () => {
    const r = await g.call("GetProviderSchema", {});
    const attrs = Object.fromEntries(r.resource_schemas.spot_gadget.block.attributes.map((a: any) => [a.name, a]));
    expect(JSON.parse(attrs.labels.type.toString())).toEqual(["map", "string"]);
    expect(attrs.settings.nested_type.nesting).toBe("SINGLE");
    const inner = Object.fromEntries(attrs.settings.nested_type.attributes.map((a: any) => [a.name, a]));
    expect(inner.created_by).toMatchObject({ computed: true, optional: false });
  });

  it("plans the inner computed attribute unknown, applies it, and plans no change after", async () => {
    const cfg = { name: "g", labels: { team: "core", tier: "1" }, settings: { color: "red", created_by: null } };
    const c = await g.create("spot_gadget", cfg);
    expect(c.planned.settings).toEqual({ color: "red", created_by: UNKNOWN });
    expect(c.state).toMatchObject({
      labels: { team: "core", tier: "1" },
      settings: { color: "red", created_by: "server" },
    });
    await g.expectNoChange("spot_gadget", c.state, c.priv, cfg);
    const u = await g.update("spot_gadget", c.state, c.priv, { ...cfg, labels: { team: "edge" } });
    expect(u.state.labels).toEqual({ team: "edge" });
    expect(store.gadgets.get(c.state.id)!.labels).toEqual({ team: "edge" });
    const d2 = await g.plan("spot_gadget", u.state, u.priv, { ...cfg, labels: { team: "edge" }, settings: null });
    expect(d2.planned.settings).toBeNull();
  });
});
