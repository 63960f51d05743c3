/**
 * The real `terraform` binary and the real provider (launched through the mirror) on the kinds that carry
 * secrets, against the in-process emulator: Azure and GCP connections, a console user with a password and a
 * programmatic user whose token is sealed to a public key. No secret is ever in the state, any file of the
 * working directory, `terraform show` (plain or -json), plan or apply output. Also: a secret rotation in
 * place, a refused password change, a replace (which issues a new token), data sources, destroy.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { open } from "../../src/terraform/sealed";
import { withEmulator } from "../support/emulator";
import { type Workdir, describeWithMirror, items, mirrorWorkdir, spotApi, stateResources } from "../cdktf/support";

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
const gcpKey = rsa().privateKey;
const GCP_KEY_FILE = JSON.stringify({
  type: "service_account",
  project_id: "e2e-project-123",
  private_key_id: randomBytes(20).toString("hex"),
  private_key: gcpKey,
  client_email: "spot@e2e-project-123.iam.gserviceaccount.com",
  client_id: "109876543210987654321",
  auth_uri: "https://accounts.google.com/o/oauth2/auth",
  token_uri: "https://oauth2.googleapis.com/token",
});
const AZURE_SECRET_1 = `az1-${randomBytes(12).toString("hex")}`;
const AZURE_SECRET_2 = `az2-${randomBytes(12).toString("hex")}`;
const PASSWORD = `Pw1-${randomBytes(9).toString("hex")}`;
/** The part of the GCP key that is secret, as it would appear in any file (PEM body, or JSON-escaped). */
const GCP_KEY_BODY = gcpKey.split("\n")[5];

const CONFIG = `
terraform {
  required_providers {
    spot = { source = "spot-iac/spot" }
  }
}
provider "spot" {}

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
variable "ci_description" {
  type    = string
  default = "CI deployer"
}
variable "token_public_key" { type = string }

resource "spot_account" "az" {
  name           = "e2e-azure"
  allow_deletion = true
}
resource "spot_account" "gcp" {
  name           = "e2e-gcp"
  allow_deletion = true
}
resource "spot_azure_connection" "az" {
  account_id      = spot_account.az.account_id
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
resource "spot_user" "carol" {
  email      = "carol@example.com"
  first_name = "Carol"
  last_name  = "Jones"
  password   = var.password
  role       = "viewer"
}
resource "spot_programmatic_user" "ci" {
  name             = "e2e-ci"
  description      = var.ci_description
  accounts         = [{ account_id = spot_account.az.account_id, role = "editor" }]
  token_public_key = var.token_public_key
}

data "spot_user" "carol" {
  email = spot_user.carol.email
}
data "spot_accounts" "all" {
  depends_on = [spot_account.az, spot_account.gcp]
}

output "ci_token" { value = spot_programmatic_user.ci.encrypted_token }
output "carol_id" { value = data.spot_user.carol.user_id }
output "carol_role" { value = data.spot_user.carol.role }
output "account_ids" { value = data.spot_accounts.all.account_ids }
`;

describeWithMirror("terraform e2e: connections, users and tokens keep their secrets", () => {
  let wd: Workdir;
  const outputs: string[] = [];
  /** Every secret the test ever handed to Terraform or got back from Spot. */
  const secrets = [AZURE_SECRET_1, AZURE_SECRET_2, PASSWORD, GCP_KEY_BODY, emu.token];

  const run = async (...args: string[]) => {
    const r = await wd.run(...args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const plan = () => run("plan", "-no-color", "-detailed-exitcode", "-input=false");
  const apply = () => ok("apply", "-no-color", "-auto-approve", "-input=false");
  /** The outputs as `terraform output -json` prints them, read from the state file (one process fewer). */
  const tfOutputs = (): Record<string, any> => JSON.parse(wd.read("terraform.tfstate")).outputs;
  const tokenFromOutput = async (): Promise<string> => {
    const sealed = tfOutputs().ci_token.value;
    expect(sealed).toMatch(/^spotseal1:/);
    return open(sealed, sealKeys.privateKey);
  };
  const tokenWorks = async (token: string): Promise<boolean> => {
    const res = await fetch(`${emu.url}/setup/account`, { headers: { Authorization: `Bearer ${token}` } });
    return res.ok;
  };

  beforeAll(() => {
    wd = mirrorWorkdir({
      SPOTINST_TOKEN: emu.token,
      SPOTINST_BASE_URL: emu.url,
      TF_VAR_azure_secret: AZURE_SECRET_1,
      TF_VAR_gcp_key: GCP_KEY_FILE,
      TF_VAR_password: PASSWORD,
      TF_VAR_token_public_key: sealKeys.publicKey,
    });
    wd.write("main.tf", CONFIG);
  });
  afterAll(() => wd?.remove());

  it("applies both connections, the user and the programmatic user", async () => {
    await ok("init", "-no-color", "-input=false");
    const r = await apply();
    expect(r.stdout).toMatch(/Apply complete! Resources: 6 added, 0 changed, 0 destroyed/);
    const state = JSON.parse(wd.read("terraform.tfstate"));
    expect(stateResources(state, "spot_azure_connection")[0]).toMatchObject({
      client_secret: null,
      client_secret_version: 1,
    });
    expect(stateResources(state, "spot_gcp_connection")[0]).toMatchObject({
      service_account_key: null,
      service_account_key_version: 1,
      project_id: "e2e-project-123",
      client_email: "spot@e2e-project-123.iam.gserviceaccount.com",
    });
    expect(stateResources(state, "spot_user")[0]).toMatchObject({ password: null, password_version: 1 });
  });

  it("seals the programmatic user's token to the public key; the opened token works against Spot", async () => {
    const token = await tokenFromOutput();
    secrets.push(token);
    expect(await tokenWorks(token)).toBe(true);
  });

  it("reads data sources", async () => {
    const out = tfOutputs();
    const state = JSON.parse(wd.read("terraform.tfstate"));
    expect(out.carol_id.value).toBe(stateResources(state, "spot_user")[0].user_id);
    expect(out.carol_role.value).toBe("viewer");
    const ids = stateResources(state, "spot_account").map((a: any) => a.account_id);
    expect(out.account_ids.value).toEqual(expect.arrayContaining([...ids, emu.accountId]));
  });

  it("plans no changes, and terraform show (plain and -json) holds no secret", async () => {
    const p = await plan();
    expect(p.stdout).toMatch(/No changes/);
    expect(p.code).toBe(0);
    const plain = await ok("show", "-no-color");
    const json = await ok("show", "-json");
    expect(plain.stdout).toMatch(/client_secret\s+= \(write-only attribute\)/);
    expect(JSON.parse(json.stdout).values.root_module.resources.length).toBeGreaterThan(0);
  });

  it("rotates the Azure secret in place (client_secret_version 1 -> 2)", async () => {
    wd.env.TF_VAR_azure_secret = AZURE_SECRET_2;
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/# spot_azure_connection\.az will be updated in-place/);
    expect(p.stdout).toMatch(/~ client_secret_version\s+= 1 -> 2/);
    expect(p.stdout).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy/);
    await apply();
    const az = stateResources(JSON.parse(wd.read("terraform.tfstate")), "spot_azure_connection")[0];
    expect(az.client_secret_version).toBe(2);
    expect((await plan()).code).toBe(0);
  });

  it("refuses a password change at plan time, naming the field and never the value", async () => {
    const other = `Pw2-${randomBytes(9).toString("hex")}`;
    secrets.push(other);
    wd.env.TF_VAR_password = other;
    try {
      const p = await plan();
      expect(p.code).toBe(1);
      expect(p.stderr).toMatch(/Error: Cannot change password/);
      expect(p.stderr).toMatch(/changes it in the\s+Spot\s+console/);
    } finally {
      wd.env.TF_VAR_password = PASSWORD;
    }
    expect((await plan()).code).toBe(0);
  });

  it("replaces the programmatic user when a replace-on-change field changes, sealing the new token", async () => {
    const oldToken = await tokenFromOutput();
    wd.env.TF_VAR_ci_description = "CI deployer (rotated)";
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/# spot_programmatic_user\.ci must be replaced/);
    expect(p.stdout).toMatch(/~ description\s+= "CI deployer" -> "CI deployer \(rotated\)" # forces replacement/);
    expect(p.stdout).toMatch(/Plan: 1 to add, 0 to change, 1 to destroy/);
    await apply();
    const newToken = await tokenFromOutput();
    secrets.push(newToken);
    expect(newToken).not.toBe(oldToken);
    expect(await tokenWorks(newToken)).toBe(true);
    expect(await tokenWorks(oldToken)).toBe(false);
  });

  it("destroys everything", async () => {
    const d = await ok("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(d.stdout).toMatch(/Destroy complete! Resources: 6 destroyed/);
    const names = items(await spotApi(emu, "GET", "/setup/account")).map((a: any) => a.name);
    expect(names).not.toContain("e2e-azure");
    expect(names).not.toContain("e2e-gcp");
  });

  it("never wrote or printed a secret: state files, backups, plans, lock file, and every command's output", () => {
    const files = wd.allFiles();
    const printed = outputs.join("\n");
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const s of secrets) {
      expect(files.includes(s) ? `file contains ${s.slice(0, 6)}…` : "clean").toBe("clean");
      expect(printed.includes(s) ? `output contains ${s.slice(0, 6)}…` : "clean").toBe("clean");
    }
  });
});
