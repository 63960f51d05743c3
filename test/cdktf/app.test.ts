/**
 * examples/cdktf-app end to end: full synth, cdktf's toBeValidTerraform matcher (terraform init through the
 * filesystem mirror, offline, then validate), terraform apply against the in-process emulator, the result
 * checked through the Spot API, a no-change plan, no secret in the state, and destroy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import "cdktf/lib/testing/adapters/jest";
import { STACK_NAME, main } from "../../examples/cdktf-app/main";
import { withEmulator } from "../support/emulator";
import { type Workdir, describeWithMirror, items, mirrorWorkdir, spotApi } from "./support";

Testing.setupJest();

const AZURE_SECRET = "azure-secret-7c1e9b2f4d";
const emu = withEmulator();
// Several terraform processes per test: room for a loaded two-core machine (the default is 60 s).
jest.setTimeout(180_000);

describeWithMirror("examples/cdktf-app synthesized and applied with terraform", () => {
  let wd: Workdir;
  let outdir: string;
  let stackDir: string;
  const tf = (...args: string[]) => wd.run(`-chdir=${stackDir}`, ...args);
  const ok = async (...args: string[]) => {
    const r = await tf(...args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const accountsByName = async (): Promise<Map<string, any>> =>
    new Map(items(await spotApi(emu, "GET", "/setup/account")).map((a: any) => [a.name, a]));

  beforeAll(() => {
    wd = mirrorWorkdir();
    Object.assign(wd.env, {
      SPOTINST_TOKEN: emu.token,
      SPOTINST_BASE_URL: emu.url,
      TF_VAR_azure_client_secret: AZURE_SECRET,
    });
    outdir = path.join(wd.dir, "cdktf.out");
    main(outdir, { allowDeletion: true, stateFile: path.join(wd.dir, "terraform.tfstate") });
    stackDir = path.join(outdir, "stacks", STACK_NAME);
  });
  afterAll(() => wd?.remove());

  it("synthesizes a stack that terraform init (from the mirror) and validate accept", () => {
    const cdk = fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8");
    expect(cdk).not.toContain(AZURE_SECRET);
    expect(cdk).not.toContain(emu.token);
    // The matcher runs terraform synchronously with this process's environment.
    const saved = { ...process.env };
    Object.assign(process.env, {
      TF_CLI_CONFIG_FILE: wd.env.TF_CLI_CONFIG_FILE,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
    });
    try {
      expect(outdir).toBeValidTerraform();
    } finally {
      process.env = saved;
    }
    expect(fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8")).toContain(
      'provider "registry.terraform.io/spot-iac/spot"',
    );
  });

  it("applies: accounts, AWS and Azure connections, a user attached with a role and with a policy", async () => {
    const r = await ok("apply", "-no-color", "-auto-approve", "-input=false");
    expect(r.stdout).toMatch(/Apply complete! Resources: 9 added, 0 changed, 0 destroyed/);

    const accounts = await accountsByName();
    const prod = accounts.get("example-prod-aws");
    const data = accounts.get("example-data-azure");
    expect(prod).toBeDefined();
    expect(data).toBeDefined();
    const outputs = JSON.parse((await ok("output", "-json")).stdout);
    expect(outputs.prod_account_id.value).toBe(prod.accountId ?? prod.id);
    expect(outputs.data_account_id.value).toBe(data.accountId ?? data.id);
    expect(outputs.organization_id.value).toBe(String(emu.organizationId));
    expect(outputs.prod_external_id.value).toMatch(/\S/);

    const aws = await spotApi(emu, "GET", `/setup/credentials/aws?accountId=${outputs.prod_account_id.value}`);
    expect(JSON.stringify(aws)).toContain("arn:aws:iam::123456789012:role/SpotAdminRole");

    const mappings = items(await spotApi(emu, "GET", "/setup/accountUserMapping?userEmail=alice@example.com"));
    const onProd = mappings.find((m: any) => m.accountId === outputs.prod_account_id.value);
    const onData = mappings.find((m: any) => m.accountId === outputs.data_account_id.value);
    expect(onProd?.role).toBe("editor");
    expect(onData?.permissionStrategy).toBe("POLICY_BASED");
    expect(onData?.policyIds).toHaveLength(1);
  });

  it("plans no changes on the next run", async () => {
    const r = await tf("plan", "-no-color", "-detailed-exitcode", "-input=false");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/No changes/);
    expect(r.code).toBe(0);
  });

  it("keeps the Azure client secret out of the state and of terraform show", async () => {
    const state = fs.readFileSync(path.join(wd.dir, "terraform.tfstate"), "utf8");
    expect(state).not.toContain(AZURE_SECRET);
    expect(wd.allFiles()).not.toContain(AZURE_SECRET);
    const show = await ok("show", "-json");
    expect(show.stdout).not.toContain(AZURE_SECRET);
    const azure = JSON.parse(show.stdout).values.root_module.resources.find(
      (r: any) => r.type === "spot_azure_connection",
    );
    expect(azure.values.client_secret).toBeNull();
    expect(azure.values.client_secret_version).toBe(1);
  });

  it("destroys everything it created (allow_deletion was applied)", async () => {
    const r = await ok("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(r.stdout).toMatch(/Destroy complete! Resources: 9 destroyed/);
    const accounts = await accountsByName();
    expect(accounts.has("example-prod-aws")).toBe(false);
    expect(accounts.has("example-data-azure")).toBe(false);
  });
});
