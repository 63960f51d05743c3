/**
 * Real launches configure the provider with the core's client factory (`defaultContextFactory`): the provider
 * block's token/base_url reach the Spot client with `frontend: "terraform"` and the process's run id, a
 * configuration error is one diagnostic that never repeats the token, and resource operations run with that
 * client — here a real UserGroup created through the handlers, found again in the emulator's audit log by the
 * run id its User-Agent carried.
 */
import { processRunId } from "../../src/core";
import { encodeDynamic } from "../../src/terraform/codec";
import { defaultContextFactory } from "../../src/terraform/provider";
import { spotApi } from "../cdktf/support";
import { withEmulator } from "../support/emulator";
import { Driver, PROVIDER_TYPE, errorsOf } from "./harness";

const emu = withEmulator();

describe("the default context: the real Spot client", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const k of ["SPOTINST_TOKEN", "SPOTINST_ACCOUNT", "SPOTINST_BASE_URL", "SPOTINST_CREDENTIALS_PROFILE"])
      delete process.env[k];
    process.env.SPOTINST_CREDENTIALS_FILE = "/nonexistent/spot-credentials";
  });
  afterAll(() => {
    process.env = saved;
  });

  it("is built from the provider block and serves resource operations, tagged with the run id", async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const d = await Driver.configured(emu.url, emu.token, { contextFactory: defaultContextFactory });
    const c = await d.create("spot_user_group", { name: "client-context-group", description: "made by the test" });
    expect(c.state.id).toMatch(/^ugr-/);
    const r = await d.readData("spot_audit_events", { from: started, run_id: processRunId() });
    expect(errorsOf(r)).toEqual([]);
    const events = r.result.events.filter((e: any) => e.resource_id === c.state.id);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.agent).toMatch(/^spot-iac\/\S+ \(terraform; run=\S+\)$/);
      expect(e.run_id).toBe(processRunId());
    }
    expect((await d.destroy("spot_user_group", c.state, c.priv)).diagnostics).toEqual([]);
  });

  it("a provider serving several commands (--debug, reattach) answers each from Spot, not from an earlier command's lists", async () => {
    const d = await Driver.configured(emu.url, emu.token, { contextFactory: defaultContextFactory });
    const c = await d.create("spot_account", { name: "client-context-account" });
    expect((await d.read("spot_account", c.state, c.priv)).state.name).toBe("client-context-account");
    await spotApi(emu, "PUT", `/setup/account/${c.state.id}`, { account: { name: "renamed-in-between" } });
    // The next command configures the same provider again; the process (and so its client) is the same.
    await d.nextRun();
    expect((await d.read("spot_account", c.state, c.priv)).state.name).toBe("renamed-in-between");
  });

  it("without a token anywhere, ConfigureProvider fails with one one-line diagnostic", async () => {
    const d = new Driver({ contextFactory: defaultContextFactory });
    const conf = await d.call("ConfigureProvider", {
      config: encodeDynamic({ token: null, base_url: emu.url, account: null }, PROVIDER_TYPE),
    });
    expect(conf.diagnostics).toHaveLength(1);
    expect(conf.diagnostics[0].summary).toBe("Invalid spot provider configuration");
    expect(conf.diagnostics[0].detail).toMatch(/SPOTINST_TOKEN/);
    expect(conf.diagnostics[0].detail).not.toMatch(/\n/);
    // What follows says the provider is not configured, instead of repeating the error per resource.
    const r = await d.readData("spot_accounts", {});
    expect(r.diagnostics.map((x: any) => x.summary)).toEqual(["Provider not configured"]);
  });
});
