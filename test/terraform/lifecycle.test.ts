/**
 * The real `terraform` binary over the in-process provider (TF_REATTACH_PROVIDERS) with the REAL kinds and the
 * real Spot client, against this file's emulator. ONE configuration holds every kind (Organization, Account,
 * AwsExternalId, AwsConnection, AzureConnection, GcpConnection, User, ProgrammaticUser, UserAttachment, UserGroup,
 * AccessPolicy, NotificationPolicy) and two data sources, so each step below is one terraform process for all:
 *
 * create → no-change plan → update (every kind with an updatable field, an account rename that keeps its id, a
 * secret rotation, a replace that mints a new token, a change made outside Terraform put back) → no-change plan →
 * changes Spot cannot make refused at plan → import of every kind (import blocks; the organization with its own
 * token) → no-change plan → an object deleted outside Terraform re-created → destroy refused until allow_deletion,
 * then destroy — with no secret in any file, `terraform show -json` or any command's output.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { open } from "../../src/terraform/sealed";
import type { RunningServer } from "../../src/terraform/server";
import { items, spotApi, stateResources } from "../cdktf/support";
import { withEmulator } from "../support/emulator";
import { leakedSecret, startRealProvider } from "./harness";
import { Workdir, describeWithTerraform } from "./support";
import type { TfResult } from "./support";

const emu = withEmulator();
// Several terraform processes per test: room for a loaded two-core machine (the default is 60 s).
jest.setTimeout(180_000);

const rsa = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const sealKeys = rsa();
const gcpKey = (projectId: string) => {
  const key = rsa().privateKey;
  return {
    key,
    body: key.split("\n")[3],
    file: JSON.stringify({
      type: "service_account",
      project_id: projectId,
      private_key_id: randomBytes(20).toString("hex"),
      private_key: key,
      client_email: `spot@${projectId}.iam.gserviceaccount.com`,
      client_id: "109876543210987654321",
    }),
  };
};
const GCP_1 = gcpKey("tf-lifecycle-1");
const GCP_2 = gcpKey("tf-lifecycle-1");
const AZURE_1 = `az1-${randomBytes(12).toString("hex")}`;
const AZURE_2 = `az2-${randomBytes(12).toString("hex")}`;
const PASSWORD = `Pw1-${randomBytes(9).toString("hex")}`;

/** The part of a plan's text about one resource address ("# <address> will be …" up to the next one). */
function block(plan: string, address: string): string {
  const start = plan.indexOf(`# ${address} `);
  if (start < 0) return "";
  const rest = plan.slice(start + 1);
  const end = rest.search(/\n\s+# (data\.)?spot_\w+\.\w+ |\nPlan: /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** What differs between the steps; everything else is the same configuration. */
interface Stage {
  updated?: boolean;
  /** A change Spot cannot make: the user's first name, the organization's name. */
  rejected?: boolean;
  allowDeletion?: boolean;
  /** Import blocks: resource address → import id. */
  imports?: Record<string, string>;
}

function config(s: Stage, url: string): string {
  const u = !!s.updated;
  const del = s.allowDeletion ? "\n  allow_deletion = true" : "";
  const imports = Object.entries(s.imports ?? {})
    .map(([to, id]) => `import {\n  to = ${to}\n  id = ${JSON.stringify(id)}\n}\n`)
    .join("");
  return `
terraform {
  required_providers {
    spot = { source = "spot-iac/spot" }
  }
}
variable "token" {
  type      = string
  sensitive = true
}
provider "spot" {
  token    = var.token
  base_url = "${url}"
}
variable "azure_secret" {
  type      = string
  sensitive = true
}
variable "gcp_key" {
  type      = string
  sensitive = true
}
variable "password" {
  type      = string
  sensitive = true
}
variable "token_public_key" { type = string }

resource "spot_organization" "child" {
  name = "${s.rejected ? "tf-child-renamed" : "tf-child-org"}"${del}
}
resource "spot_account" "main" {
  name                        = "${u ? "tf-main-renamed" : "tf-main"}"
  slack_notification_channels = ["https://hooks.slack.com/services/T0/B0/main"]${del}
}
resource "spot_account" "azure" {
  name = "tf-azure"${del}
}
resource "spot_account" "gcp" {
  name = "tf-gcp"${del}
}
resource "spot_aws_external_id" "main" {
  account_id = spot_account.main.account_id
}
resource "spot_aws_connection" "main" {
  account_id  = spot_account.main.account_id
  iam_role    = "arn:aws:iam::123456789012:role/${u ? "SpotRoleV2" : "SpotRole"}"
  external_id = spot_aws_external_id.main.external_id
}
resource "spot_azure_connection" "az" {
  account_id      = spot_account.azure.account_id
  client_id       = "11111111-2222-3333-4444-555555555555"
  client_secret   = var.azure_secret
  tenant_id       = "66666666-7777-8888-9999-000000000000"
  subscription_id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
  expiration_date = "2030-12-31T23:59:00Z"
}
resource "spot_gcp_connection" "gcp" {
  account_id          = spot_account.gcp.account_id
  service_account_key = var.gcp_key
}
resource "spot_access_policy" "read" {
  name        = "tf-read"
  description = "${u ? "read and update clusters" : "read clusters"}"
  statements = [
    { effect = "ALLOW", actions = ["ocean:describeCluster"${u ? `, "ocean:updateCluster"` : ""}], resources = ["*"] },
    { effect = "DENY", actions = ["ocean:deleteCluster"], resources = ["*"] },
  ]
}
resource "spot_user" "ann" {
  email      = "ann@example.com"
  first_name = "${s.rejected ? "Anne" : "Ann"}"
  last_name  = "Lee"
  password   = var.password
  role       = "viewer"
  policies = [{
    policy_id   = spot_access_policy.read.policy_id
    account_ids = [spot_account.main.account_id${u ? ", spot_account.azure.account_id" : ""}]
  }]
}
resource "spot_programmatic_user" "ci" {
  name             = "tf-ci"
  description      = "${u ? "CI deployer (rotated)" : "CI deployer"}"
  policies         = [{ policy_id = spot_access_policy.read.policy_id, account_ids = [spot_account.main.account_id] }]
  token_public_key = var.token_public_key
}
resource "spot_user_attachment" "ann" {
  account_id = spot_account.azure.account_id
  user_email = spot_user.ann.email
  role       = "${u ? "editor" : "viewer"}"
}
resource "spot_user_group" "ops" {
  name        = "tf-ops"
  description = "${u ? "operators (changed)" : "operators"}"
  user_ids    = [spot_user.ann.user_id]
}
resource "spot_notification_policy" "alerts" {
  account_id  = spot_account.main.account_id
  name        = "tf-alerts"
  description = "${u ? "capacity alerts (changed)" : "capacity alerts"}"
  is_active   = ${u ? "false" : "true"}
  subscriptions = [{ type = "email", endpoint = "ops@example.com" }]
  events        = [{ event = "Maximum capacity reached", type = "WARN" }]
  should_include_all_resources = true
}

data "spot_accounts" "main" {
  name       = spot_account.main.name
  depends_on = [spot_account.main]
}
data "spot_user" "ann" {
  email = spot_user.ann.email
}
output "ci_token" { value = spot_programmatic_user.ci.encrypted_token }
output "main_account_ids" { value = data.spot_accounts.main.account_ids }
output "ann_role" { value = data.spot_user.ann.role }
${imports}`;
}

describeWithTerraform("terraform lifecycle of every kind over the in-process provider", () => {
  let srv: RunningServer;
  let wd: Workdir;
  const printed: string[] = [];
  /** Every secret handed to Terraform or returned by Spot. */
  const secrets = [AZURE_1, AZURE_2, PASSWORD, GCP_1.body, GCP_2.body, emu.token];
  let before: Record<string, string>;

  const run = async (...args: string[]): Promise<TfResult> => {
    const r = await wd.run(...args);
    printed.push(r.stdout, r.stderr);
    return r;
  };
  const ok = async (...args: string[]): Promise<TfResult> => {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const plan = () => run("plan", "-no-color", "-detailed-exitcode", "-input=false");
  const apply = () => ok("apply", "-no-color", "-auto-approve", "-input=false");
  const write = (s: Stage) => wd.write("main.tf", config(s, emu.url));
  const state = (): any => JSON.parse(wd.read("terraform.tfstate"));
  const one = (type: string): any => stateResources(state(), type)[0];
  const ids = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const r of state().resources.filter((x: any) => x.mode === "managed"))
      out[`${r.type}.${r.name}`] = r.instances[0].attributes.id;
    return out;
  };
  const get = (route: string) => spotApi(emu, "GET", route);
  // Outputs are read from the state file rather than with `terraform output`: one terraform process fewer each.
  const outputs = (): Record<string, any> => state().outputs;
  const token = () => open(outputs().ci_token.value, sealKeys.privateKey);
  const tokenWorks = async (t: string) =>
    (await fetch(`${emu.url}/setup/account`, { headers: { Authorization: `Bearer ${t}` } })).ok;
  const orgExists = (id: string) =>
    emu.control.mintToken(emu.userId, id).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    srv = await startRealProvider();
    wd = new Workdir({
      TF_REATTACH_PROVIDERS: srv.reattach,
      TF_VAR_token: emu.token,
      TF_VAR_azure_secret: AZURE_1,
      TF_VAR_gcp_key: GCP_1.file,
      TF_VAR_password: PASSWORD,
      TF_VAR_token_public_key: sealKeys.publicKey,
    });
    write({});
    await ok("init", "-no-color", "-input=false");
  });

  afterAll(async () => {
    await srv?.close();
    wd?.remove();
  });

  test("apply creates every kind; Spot has what the configuration declares", async () => {
    const r = await apply();
    expect(r.stdout).toMatch(/Apply complete! Resources: 14 added, 0 changed, 0 destroyed/);
    before = ids();
    const main = before["spot_account.main"];
    expect(main).toMatch(/^act-/);
    expect(before["spot_organization.child"]).toMatch(/^\d+$/);
    expect(await orgExists(before["spot_organization.child"])).toBe(true);
    expect(items(await get(`/setup/account/${main}`))[0]).toMatchObject({
      name: "tf-main",
      slackNotificationChannels: ["https://hooks.slack.com/services/T0/B0/main"],
    });
    expect(JSON.stringify(await get(`/setup/credentials/aws?accountId=${main}`))).toContain("role/SpotRole");
    expect(one("spot_azure_connection")).toMatchObject({ client_secret: null, client_secret_version: 1 });
    expect(one("spot_gcp_connection")).toMatchObject({
      service_account_key: null,
      service_account_key_version: 1,
      project_id: "tf-lifecycle-1",
    });
    expect(one("spot_user")).toMatchObject({ password: null, password_version: 1, role: "viewer" });
    expect(one("spot_user_attachment").id).toBe(`${before["spot_account.azure"]}/${before["spot_user.ann"]}`);
    expect(one("spot_user_group").user_ids).toEqual([before["spot_user.ann"]]);
    expect(one("spot_notification_policy")).toMatchObject({ account_id: main, privacy_level: "public" });
    const t = token();
    secrets.push(t);
    expect(await tokenWorks(t)).toBe(true);
    const out = outputs();
    expect(out.main_account_ids.value).toEqual([main]);
    expect(out.ann_role.value).toBe("viewer");
  });

  test("a second plan shows no changes", async () => {
    const r = await plan();
    expect(r.stdout).toMatch(/No changes/);
    expect(r.code).toBe(0);
  });

  test("updates every kind that has an updatable field in place; a rename keeps the account id; a change made outside is put back", async () => {
    const oldToken = token();
    await spotApi(emu, "PUT", `/setup/account/${before["spot_account.azure"]}`, {
      account: { name: "renamed-outside" },
    });
    wd.env.TF_VAR_azure_secret = AZURE_2;
    wd.env.TF_VAR_gcp_key = GCP_2.file;
    write({ updated: true });
    const r = await apply();
    // Only the programmatic user is replaced (its description cannot change in place); nothing that references
    // the renamed account is, since its account id stays known through the plan.
    expect(r.stdout).toMatch(/Plan: 1 to add, 10 to change, 1 to destroy/);
    expect(r.stdout).toMatch(/# spot_account\.main will be updated in-place/);
    expect(r.stdout).toMatch(/~ name\s+= "tf-main" -> "tf-main-renamed"/);
    expect(r.stdout).toMatch(/~ name\s+= "renamed-outside" -> "tf-azure"/);
    expect(r.stdout).not.toMatch(/account_id\s+= \(known after apply\)/);
    expect(r.stdout).toMatch(/~ client_secret_version\s+= 1 -> 2/);
    expect(r.stdout).toMatch(/~ service_account_key_version\s+= 1 -> 2/);
    expect(r.stdout).toMatch(/# spot_programmatic_user\.ci must be replaced/);
    expect(r.stdout).toMatch(/Apply complete! Resources: 1 added, 10 changed, 1 destroyed/);

    const now = ids();
    for (const [address, id] of Object.entries(before))
      if (address !== "spot_programmatic_user.ci") expect([address, now[address]]).toEqual([address, id]);
    expect(now["spot_programmatic_user.ci"]).not.toBe(before["spot_programmatic_user.ci"]);
    const main = now["spot_account.main"];
    const accounts = items(await get("/setup/account"));
    expect(accounts.find((a: any) => a.accountId === main).name).toBe("tf-main-renamed");
    expect(accounts.find((a: any) => a.accountId === now["spot_account.azure"]).name).toBe("tf-azure");
    expect(JSON.stringify(await get(`/setup/credentials/aws?accountId=${main}`))).toContain("role/SpotRoleV2");
    expect(one("spot_azure_connection").client_secret_version).toBe(2);
    expect(one("spot_user").policies[0].account_ids.sort()).toEqual([main, now["spot_account.azure"]].sort());
    expect(one("spot_user_attachment").role).toBe("editor");
    const mapping = items(await get("/setup/accountUserMapping?userEmail=ann@example.com"));
    expect(mapping.find((m: any) => m.accountId === now["spot_account.azure"])?.role).toBe("editor");
    const group = items(await get(`/setup/access/userGroup/${now["spot_user_group.ops"]}`))[0];
    expect(group.description).toBe("operators (changed)");
    const policy = (await get("/setup/organization/policy")).response.items.find(
      (p: any) => p.id === now["spot_access_policy.read"],
    );
    expect(policy.description).toBe("read and update clusters");
    expect(one("spot_notification_policy")).toMatchObject({
      description: "capacity alerts (changed)",
      is_active: false,
    });

    const newToken = token();
    secrets.push(newToken);
    expect(await tokenWorks(newToken)).toBe(true);
    expect(await tokenWorks(oldToken)).toBe(false);
    before = now;

    const again = await plan();
    expect(again.stdout).toMatch(/No changes/);
    expect(again.code).toBe(0);
  });

  test("changes Spot cannot make fail the plan, naming the attribute and what to do", async () => {
    write({ updated: true, rejected: true });
    const r = await plan();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: Cannot change first_name/);
    expect(r.stderr).toMatch(/first_name cannot be changed in Spot\s+\("Ann" →\s+"Anne"\)/);
    expect(r.stderr).toMatch(/first_name = "Anne"/); // Terraform shows the attribute's line
    expect(r.stderr).toMatch(/Error: Cannot change name/);
    expect(r.stderr).toMatch(/rename it in the Spot console/);
    write({ updated: true });
  });

  test("imports every kind (import blocks; the organization with a token of its own) with nothing left to change", async () => {
    const addresses = Object.keys(before);
    await ok("state", "rm", "-no-color", ...addresses);
    expect(stateResources(state(), "spot_account")).toEqual([]);

    // Spot cannot read an organization: only a token of that organization can take it over, by "<id>/<name>".
    const org = before["spot_organization.child"];
    const childToken = await emu.control.mintToken(emu.userId, org);
    secrets.push(childToken);
    wd.env.TF_VAR_token = childToken;
    try {
      await ok("import", "-no-color", "-input=false", "spot_organization.child", `${org}/tf-child-org`);
    } finally {
      wd.env.TF_VAR_token = emu.token;
    }

    const importIds: Record<string, string> = {};
    for (const a of addresses.filter((x) => x !== "spot_organization.child")) importIds[a] = before[a];
    importIds["spot_notification_policy.alerts"] =
      `${before["spot_account.main"]}/${before["spot_notification_policy.alerts"]}`;
    write({ updated: true, imports: importIds });
    const r = await apply();
    // After an import spot-iac has no recorded hash of a write-only secret: the Azure client secret and the GCP key
    // file are sent once and counted (unverified, not assumed equal); the AWS external id (which Spot does not
    // return) is sent again; the programmatic user's token cannot be recovered, so only its public key is recorded
    // (with a warning).
    expect(r.stdout).toMatch(/Apply complete! Resources: 13 imported, 0 added, 4 changed, 0 destroyed/);
    expect(block(r.stdout, "spot_azure_connection.az")).toMatch(
      /will be updated in-place[^]*\+ client_secret_version\s+= 1/,
    );
    expect(block(r.stdout, "spot_aws_connection.main")).toMatch(/will be updated in-place[^]*\+ external_id\s+= "/);
    expect(block(r.stdout, "spot_programmatic_user.ci")).toMatch(/will be updated in-place[^]*\+ token_public_key/);
    expect(r.stdout).toMatch(/Warning: token_public_key changed after creation/);
    expect(ids()).toEqual(before);
    expect(one("spot_programmatic_user").encrypted_token).toBeNull();

    write({ updated: true });
    const p = await plan();
    expect(p.stdout).toMatch(/No changes/);
    expect(p.code).toBe(0);
  });

  test("an object deleted outside Terraform is created again", async () => {
    await spotApi(emu, "DELETE", `/setup/access/userGroup/${before["spot_user_group.ops"]}`);
    const r = await apply();
    expect(r.stdout).toMatch(/# spot_user_group\.ops will be created/);
    expect(r.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
    const id = one("spot_user_group").id;
    expect(id).not.toBe(before["spot_user_group.ops"]);
    expect(items(await get(`/setup/access/userGroup/${id}`))[0].name).toBe("tf-ops");
  });

  test("no secret in any file of the working directory, in terraform show, or in any command's output", async () => {
    const show = await ok("show", "-json");
    expect(JSON.parse(show.stdout).values.root_module.resources.length).toBeGreaterThan(10);
    const files = wd.allFiles();
    expect(files).toContain("spotseal1:"); // state backups hold the sealed tokens
    expect(leakedSecret(files, secrets)).toBeUndefined();
    expect(leakedSecret(show.stdout, secrets)).toBeUndefined();
    expect(leakedSecret(printed.join("\n"), secrets)).toBeUndefined();
  });

  test("destroy is refused until allow_deletion is applied, then destroys every kind", async () => {
    const refused = await run("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing to delete Account act-/);
    expect(refused.stderr).toMatch(/Refusing to delete Organization \d+/);
    expect(refused.stderr).toMatch(/Set allow_deletion = true\s+and apply first, then\s+destroy/);
    expect(await orgExists(before["spot_organization.child"])).toBe(true);
    expect(items(await get("/setup/account")).some((a: any) => a.accountId === before["spot_account.main"])).toBe(true);

    write({ updated: true, allowDeletion: true });
    const allowed = await apply();
    expect(allowed.stdout).toMatch(/Apply complete! Resources: 0 added, 4 changed, 0 destroyed/);
    const d = await ok("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(d.stdout).toMatch(/Destroy complete! Resources: 14 destroyed/);
    expect(await orgExists(before["spot_organization.child"])).toBe(false);
    const left = items(await get("/setup/account")).map((a: any) => a.accountId);
    expect(left).toEqual([emu.accountId]);
    const users = items(await get("/setup/organization/user"));
    expect(users.map((u: any) => u.email ?? u.username)).not.toContain("ann@example.com");
    expect(users.some((u: any) => u.username === "tf-ci")).toBe(false);
    expect(items(await get("/setup/access/userGroup"))).toEqual([]);
    const policies = (await get("/setup/organization/policy")).response.items.map((p: any) => p.name);
    expect(policies).not.toContain("tf-read");
    expect(leakedSecret(printed.join("\n"), secrets)).toBeUndefined();
  });
});
