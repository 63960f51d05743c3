/**
 * The real `terraform` binary installs the provider from a filesystem mirror (`spot-iac terraform install`)
 * and launches it as Terraform does, on examples/terraform (an account, its AWS external id and connection,
 * an existing user attached to it, data sources), against the in-process emulator:
 * apply → no-change plan → out-of-band changes made through the Spot API are detected and put back → update
 * in place → import (act-…, <accountId>/<userId>) → destroy refused, then allowed with allow_deletion.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { withEmulator } from "../support/emulator";
import {
  ROOT,
  type Workdir,
  describeWithMirror,
  items,
  mirrorWorkdir,
  spotApi,
  stateResources,
} from "../cdktf/support";

const emu = withEmulator();
// Several terraform processes per test: room for a loaded two-core machine (the default is 60 s).
jest.setTimeout(180_000);

describeWithMirror("terraform e2e: account, AWS connection and user attachment (examples/terraform)", () => {
  let wd: Workdir;
  let accountId: string;
  let bobId: string;

  const plan = () => wd.run("plan", "-no-color", "-detailed-exitcode", "-input=false");
  const apply = async () => {
    const r = await wd.ok("apply", "-no-color", "-auto-approve", "-input=false");
    expect(r.stderr).toBe("");
    return r;
  };
  /** The outputs as `terraform output -json` prints them, read from the state file (one process fewer). */
  const outputs = (): Record<string, any> => JSON.parse(wd.read("terraform.tfstate")).outputs;
  const account = async (): Promise<any | undefined> =>
    items(await spotApi(emu, "GET", "/setup/account")).find((a: any) => (a.accountId ?? a.id) === accountId);
  const bobOn = async (): Promise<any | undefined> =>
    items(await spotApi(emu, "GET", "/setup/accountUserMapping?userEmail=bob@example.com")).find(
      (m: any) => m.accountId === accountId,
    );

  beforeAll(async () => {
    // An existing console user, made outside Terraform, to attach.
    const created = await spotApi(emu, "POST", "/setup/user", {
      email: "bob@example.com",
      firstName: "Bob",
      lastName: "Builder",
      role: "editor",
    });
    bobId = items(created)[0].userId;
    wd = mirrorWorkdir({
      SPOTINST_TOKEN: emu.token,
      SPOTINST_BASE_URL: emu.url,
      TF_VAR_existing_user_email: "bob@example.com",
    });
    const example = path.join(ROOT, "examples", "terraform");
    for (const f of fs.readdirSync(example).filter((n) => n.endsWith(".tf")))
      fs.copyFileSync(path.join(example, f), path.join(wd.dir, f));
  });
  afterAll(() => wd?.remove());

  it("terraform init installs the provider from the mirror, offline", async () => {
    const r = await wd.ok("init", "-no-color", "-input=false");
    expect(r.stdout).toMatch(/Installed spot-iac\/spot v\S+ \(unauthenticated\)/);
  });

  it("applies the example; Spot has what the configuration declares", async () => {
    const r = await apply();
    expect(r.stdout).toMatch(/Apply complete! Resources: 4 added, 0 changed, 0 destroyed/);
    const out = outputs();
    accountId = out.account_id.value;
    expect(accountId).toMatch(/^act-/);
    expect(out.organization_id.value).toBe(String(emu.organizationId));
    expect(out.aws_external_id.value).toMatch(/\S/);
    expect(out.accounts_with_this_name.value).toEqual([accountId]);

    expect((await account())?.name).toBe("example-prod");
    const aws = await spotApi(emu, "GET", `/setup/credentials/aws?accountId=${accountId}`);
    expect(JSON.stringify(aws)).toContain("arn:aws:iam::123456789012:role/SpotAdminRole");
    expect((await bobOn())?.role).toBe("viewer");
    const attachment = stateResources(JSON.parse(wd.read("terraform.tfstate")), "spot_user_attachment")[0];
    expect(attachment.id).toBe(`${accountId}/${bobId}`);
  });

  it("plans no changes right after", async () => {
    const r = await plan();
    expect(r.stdout).toMatch(/No changes/);
    expect(r.code).toBe(0);
  });

  it("detects changes made outside Terraform and puts them back", async () => {
    await spotApi(emu, "PUT", `/setup/account/${accountId}`, { account: { name: "renamed-outside" } });
    await spotApi(emu, "PUT", `/setup/account/${accountId}/user`, {
      userId: bobId,
      permissionStrategy: "ROLE_BASED",
      role: "editor",
    });
    const refresh = await wd.run("plan", "-refresh-only", "-no-color", "-detailed-exitcode", "-input=false");
    expect(refresh.stdout).toMatch(/Objects have changed outside of Terraform/);
    expect(refresh.stdout).toMatch(/~ name\s+= "example-prod" -> "renamed-outside"/);
    expect(refresh.stdout).toMatch(/~ role\s+= "viewer" -> "editor"/);

    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/# spot_account\.this will be updated in-place/);
    expect(p.stdout).toMatch(/~ name\s+= "renamed-outside" -> "example-prod"/);
    expect(p.stdout).toMatch(/~ role\s+= "editor" -> "viewer"/);
    await apply();
    expect((await account())?.name).toBe("example-prod");
    expect((await bobOn())?.role).toBe("viewer");
    expect((await plan()).code).toBe(0);
  });

  it("updates in place when the configuration changes, without replacing what references the account", async () => {
    wd.env.TF_VAR_account_name = "example-prod-2";
    wd.env.TF_VAR_existing_user_role = "editor";
    const before = outputs();
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/~ name\s+= "example-prod" -> "example-prod-2"/);
    expect(p.stdout).toMatch(/~ role\s+= "viewer" -> "editor"/);
    await apply();
    expect((await account())?.name).toBe("example-prod-2");
    expect((await bobOn())?.role).toBe("editor");
    const out = outputs();
    expect(out.account_id.value).toBe(accountId);
    expect(out.accounts_with_this_name.value).toEqual([accountId]);
    // A rename keeps the account id, so the external id (already in the IAM role's trust policy), the
    // connection and the attachment must stay as they are.
    expect(p.stdout).not.toMatch(/must be replaced|forces replacement/);
    expect(p.stdout).toMatch(/Plan: 0 to add, 2 to change, 0 to destroy/);
    expect(out.aws_external_id.value).toBe(before.aws_external_id.value);
  });

  it("imports the account (act-…) and the attachment (<accountId>/<userId>) with no change to plan", async () => {
    await wd.ok("state", "rm", "-no-color", "spot_account.this", "spot_user_attachment.existing");
    expect((await plan()).code).toBe(2); // both would be created again
    await wd.ok("import", "-no-color", "-input=false", "spot_account.this", accountId);
    await wd.ok("import", "-no-color", "-input=false", "spot_user_attachment.existing", `${accountId}/${bobId}`);
    const state = JSON.parse(wd.read("terraform.tfstate"));
    expect(stateResources(state, "spot_account")[0]).toMatchObject({ id: accountId, name: "example-prod-2" });
    expect(stateResources(state, "spot_user_attachment")[0]).toMatchObject({
      user_email: "bob@example.com",
      role: "editor",
    });
    const p = await plan();
    expect(p.stdout).toMatch(/No changes/);
    expect(p.code).toBe(0);
  });

  it("a bad import id gets an error that states the format", async () => {
    await wd.ok("state", "rm", "-no-color", "spot_user_attachment.existing");
    const r = await wd.run("import", "-no-color", "-input=false", "spot_user_attachment.existing", accountId);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/<accountId>\/<userId>/);
    await wd.ok("import", "-no-color", "-input=false", "spot_user_attachment.existing", `${accountId}/${bobId}`);
  });

  it("refuses to destroy the account until allow_deletion is applied, then destroys", async () => {
    const refused = await wd.run("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/allow_deletion/);
    expect(await account()).toBeDefined();

    wd.env.TF_VAR_allow_deletion = "true";
    const p = await plan();
    expect(p.stdout).toMatch(/~ allow_deletion\s+= false -> true/);
    await apply();
    const d = await wd.ok("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(d.stdout).toMatch(/Destroy complete! Resources: 4 destroyed/);
    expect(await account()).toBeUndefined();
    // Detaching does not delete the user.
    const users = items(await spotApi(emu, "GET", "/setup/user"));
    expect(users.some((u: any) => u.userId === bobId)).toBe(true);
  });
});
