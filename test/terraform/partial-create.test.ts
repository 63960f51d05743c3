/**
 * A create that Spot completes only in part, under the real `terraform` binary (in-process provider, real kinds,
 * this file's emulator). `spot_account` with Slack channels is two requests: POST the account, then PUT its
 * channels. The emulator answers 500 to every attempt of that PUT (a control-API fault), so the account exists
 * without its channels. Terraform must then hold it as tainted — not lose it, not make a second one — and both
 * remedies must converge on exactly one account: `terraform untaint` + apply finishes the same account in place;
 * with allow_deletion = true a plain apply replaces it.
 */
import type { RunningServer } from "../../src/terraform/server";
import { items, spotApi } from "../cdktf/support";
import { withEmulator } from "../support/emulator";
import { startRealProvider } from "./harness";
import { Workdir, describeWithTerraform } from "./support";

const emu = withEmulator();
// Several terraform processes per test: room for a loaded two-core machine (the default is 60 s).
jest.setTimeout(180_000);
const SLACK = "https://hooks.slack.com/services/T0/B0/partial";

function config(url: string, second: boolean): string {
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
resource "spot_account" "kept" {
  name                        = "tf-partial"
  slack_notification_channels = ["${SLACK}"]
}
${
  second
    ? `resource "spot_account" "replaced" {
  name                        = "tf-partial-replaced"
  slack_notification_channels = ["${SLACK}"]
  allow_deletion              = true
}`
    : ""
}`;
}

describeWithTerraform("terraform: an account created in part is tainted, then finished or replaced", () => {
  let srv: RunningServer;
  let wd: Workdir;
  const apply = () => wd.run("apply", "-no-color", "-auto-approve", "-input=false");
  const named = async (name: string) =>
    items(await spotApi(emu, "GET", "/setup/account")).filter((a) => a.name === name);
  const channelsOf = async (id: string) =>
    items(await spotApi(emu, "GET", `/setup/account/${id}`))[0].slackNotificationChannels;
  const instance = (name: string) =>
    JSON.parse(wd.read("terraform.tfstate")).resources.find((r: any) => r.name === name)?.instances[0];
  /** Every attempt of the channels' PUT fails (the client's retries included) until cleared. */
  const failChannels = () =>
    emu.control.injectFault({
      method: "PUT",
      path: "/setup/account/{accountId}",
      kind: "status",
      status: 500,
      times: 0,
    });

  beforeAll(async () => {
    srv = await startRealProvider();
    wd = new Workdir({ TF_REATTACH_PROVIDERS: srv.reattach, TF_VAR_token: emu.token });
    wd.write("main.tf", config(emu.url, false));
    const init = await wd.run("init", "-no-color", "-input=false");
    if (init.code !== 0) throw new Error(init.stdout + init.stderr);
  });
  afterAll(async () => {
    await emu.control.clearFaults();
    await srv?.close();
    wd?.remove();
  });

  let id: string;

  test("apply fails saying the account was created but not finished, and how to remedy it", async () => {
    await failChannels();
    const r = await apply();
    await emu.control.clearFaults();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: Account: create failed/);
    expect(r.stderr).toMatch(/Account act-\S+ was created, but setting its Slack channels\s+failed/);
    expect(r.stderr).toMatch(/500/);
    expect(r.stderr).toMatch(/Terraform\s+records it as\s+tainted/);
    expect(r.stderr).toMatch(/terraform\s+untaint\s+spot_account\.<name>/);
    expect(r.stderr).toMatch(/allow_deletion\s+=\s+true/);

    const accounts = await named("tf-partial");
    expect(accounts).toHaveLength(1);
    id = accounts[0].accountId;
    expect(await channelsOf(id)).toEqual([]);
    expect(instance("kept")).toMatchObject({ status: "tainted", attributes: { id, account_id: id } });
  });

  test("terraform show has the account, tainted; replacing it (a plain apply) is refused without allow_deletion", async () => {
    const show = await wd.run("show", "-no-color");
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/# spot_account\.kept: \(tainted\)/);
    expect(show.stdout).toMatch(new RegExp(`\\bid\\s+= "${id}"`));
    // Terraform plans a tainted object's replacement as a fresh create, so the guard holds at its deletion.
    const r = await apply();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/# spot_account\.kept is tainted, so must be replaced/);
    expect(r.stderr).toMatch(new RegExp(`Error: Account ${id}: delete failed`));
    expect(r.stderr).toMatch(/Set\s+allow_deletion\s+=\s+true/);
    expect(await named("tf-partial")).toHaveLength(1);
    expect(instance("kept")).toMatchObject({ status: "tainted", attributes: { id } });
  });

  test("terraform untaint + apply finishes the same account in place: its channels are set", async () => {
    const u = await wd.run("untaint", "-no-color", "spot_account.kept");
    expect(u.code).toBe(0);
    const r = await apply();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/# spot_account\.kept will be updated in-place/);
    expect(r.stdout).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed/);
    expect(instance("kept")).toMatchObject({ attributes: { id, slack_notification_channels: [SLACK] } });
    expect(instance("kept").status).toBeUndefined();
    expect(await named("tf-partial")).toHaveLength(1);
    expect(await channelsOf(id)).toEqual([SLACK]);
  });

  test("with allow_deletion = true, a plain apply replaces the tainted account, leaving exactly one", async () => {
    wd.write("main.tf", config(emu.url, true));
    await failChannels();
    const failed = await apply();
    await emu.control.clearFaults();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/was created, but setting its Slack channels\s+failed/);
    const first = await named("tf-partial-replaced");
    expect(first).toHaveLength(1);
    expect(instance("replaced")).toMatchObject({ status: "tainted", attributes: { id: first[0].accountId } });

    const r = await apply();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/# spot_account\.replaced is tainted, so must be replaced/);
    expect(r.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed/);
    const now = await named("tf-partial-replaced");
    expect(now).toHaveLength(1);
    expect(now[0].accountId).not.toBe(first[0].accountId);
    expect(await channelsOf(now[0].accountId)).toEqual([SLACK]);
    expect(instance("replaced")).toMatchObject({ attributes: { id: now[0].accountId } });
    // The first account was never touched by the second part.
    expect(await named("tf-partial")).toHaveLength(1);
    expect((await wd.run("plan", "-no-color", "-detailed-exitcode", "-input=false")).code).toBe(0);
  });
});
