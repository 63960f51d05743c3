/**
 * examples/pulumi-multi-org run as a Pulumi program under `pulumi.runtime.setMocks`, bridged by the
 * mini-engine to the real provider host (cwd = the example directory), against the emulator with two
 * organizations: everything is really created; a second `up` changes nothing; the CI token is a working
 * secret output; state holds no plaintext secret; every change is in Spot's audit log by the run id.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { destroy, loadState, up, type EngineOptions } from "../support/pulumi-engine";
import { ROOT, withTempDir, writes } from "./env";

const emu = withEmulator();
const tmp = withTempDir("spot-example-");
const EXAMPLE = path.join(ROOT, "examples", "pulumi-multi-org");
const RUN_1 = "pulumi-example-run-1";
let orgB: { token: string; organizationId: string };
let a: SpotClient;
let b: SpotClient;
let opts: (runId: string) => EngineOptions;
const started = Date.now();

/** The example's index.ts, executed afresh for each run (a Pulumi program runs top to bottom). */
function program(): () => Promise<Record<string, unknown>> {
  return async () => {
    let exports: Record<string, unknown> = {};
    jest.isolateModules(() => {
      exports = require(path.join(EXAMPLE, "index.ts"));
    });
    return { ...exports };
  };
}

beforeAll(async () => {
  const boot = await emu.control.bootstrap({ organizationName: "Org B", adminEmail: "admin-b@example.com" });
  orgB = { token: boot.token, organizationId: boot.organizationId };
  a = new SpotClient({ token: emu.token, baseUrl: emu.url });
  b = new SpotClient({ token: orgB.token, baseUrl: emu.url });
  const stateFile = path.join(tmp.path, "state.json");
  opts = (runId) => ({
    stateFile,
    project: "spot-multi-org",
    stack: "dev",
    config: {
      "spot:token": emu.token,
      "spot:baseUrl": emu.url,
      "spot-multi-org:orgBToken": orgB.token,
      "spot-multi-org:awsAccountNumber": "123456789012",
    },
    secretConfig: ["spot:token", "spot-multi-org:orgBToken"],
    host: { cwd: EXAMPLE, env: { SPOT_IAC_RUN_ID: runId, SPOTINST_TOKEN: "", SPOTINST_BASE_URL: "" } },
  });
});

describe("examples/pulumi-multi-org", () => {
  let outputs: Record<string, any> = {};
  let writesOfRun1 = 0;

  it("up creates both organizations' objects in the emulator", async () => {
    const before = writes(await emu.control.stats());
    const r = await up(program(), opts(RUN_1));
    writesOfRun1 = writes(await emu.control.stats()) - before;
    outputs = r.outputs;
    expect(r.steps.every((s) => s.op === "create")).toBe(true);
    expect(r.steps).toHaveLength(12);
    expect(r.steps.every((s) => s.id)).toBe(true);

    const aAccounts = await a.accounts.list();
    const prod = aAccounts.find((x) => x.accountId === outputs.orgAProdAccountId)!;
    expect(prod.name).toBe("prod");
    expect(aAccounts.map((x) => x.name)).toEqual(expect.arrayContaining(["prod", "staging"]));
    expect((await b.accounts.list()).map((x) => x.name)).toContain("prod");
    expect(outputs.orgBAccounts).toContain("prod");

    // The external id fed the trust policy and the connection.
    expect(outputs.awsExternalId).toBeTruthy();
    expect(JSON.parse(outputs.spotTrustPolicy).Statement[0].Condition.StringEquals["sts:ExternalId"]).toBe(
      outputs.awsExternalId,
    );
    const conn = await a.credentials.getAws(outputs.orgAProdAccountId);
    expect(conn?.iamRole).toBe("arn:aws:iam::123456789012:role/SpotRole-prod");

    // Alice is attached with a role per account; Bob in organization B.
    const roles = (m: { accountId: string; role?: string }[]) =>
      Object.fromEntries(m.map((x) => [x.accountId, x.role]));
    expect(roles(await a.users.accountMappings("alice@example.com"))).toMatchObject({
      [outputs.orgAProdAccountId]: "editor",
      [outputs.orgAStagingAccountId]: "viewer",
    });
    expect(roles(await b.users.accountMappings("bob@example.com"))).toMatchObject({
      [outputs.orgBProdAccountId]: "editor",
    });
  });

  it("the CI user's token is a secret output that works, and no secret is in state in plain text", async () => {
    expect(typeof outputs.ciToken).toBe("string");
    const asCi = new SpotClient({ token: outputs.ciToken, baseUrl: emu.url });
    expect((await asCi.accounts.list()).map((x) => x.accountId)).toContain(outputs.orgAProdAccountId);

    const state = loadState(opts(RUN_1).stateFile);
    expect(state.find((r) => r.name === "a-ci")!.secretOutputs).toContain("token");
    expect(state.find((r) => r.name === "b-prod")!.secretOutputs).toContain("__connection");
    // Each resource's serialized provider is what the generated class produced: small, a module id and a kind.
    for (const r of state) {
      expect(r.type).toMatch(/^pulumi-nodejs:dynamic\/spot:[A-Z]\w+$/);
      expect(r.inputs.__provider.length).toBeLessThan(4000);
      expect(r.inputs.__provider).toContain(JSON.stringify(r.type.split(":").pop()));
      expect(r.inputs.__provider).not.toMatch(/checkInputs|diffResource|SpotClient|token/);
    }
    const raw = fs.readFileSync(opts(RUN_1).stateFile, "utf8");
    for (const s of [emu.token, orgB.token, outputs.ciToken]) expect(raw).not.toContain(s);
  });

  it("every change of the run is in Spot's audit log (both organizations) under its run id", async () => {
    const events = [
      ...(await a.auditTrail(RUN_1, { from: started - 60_000 })),
      ...(await b.auditTrail(RUN_1, { from: started - 60_000 })),
    ];
    expect(writesOfRun1).toBeGreaterThanOrEqual(12);
    expect(events).toHaveLength(writesOfRun1);
    for (const e of events) expect(e.agent).toContain(`(pulumi; run=${RUN_1})`);
  });

  it("a second up finds nothing to change (no perpetual diff) and makes no write", async () => {
    const before = writes(await emu.control.stats());
    const r = await up(program(), opts("pulumi-example-run-2"));
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
    expect(writes(await emu.control.stats())).toBe(before);
    expect(r.outputs.ciToken).toBe(outputs.ciToken); // kept: Spot returns it only once
  });

  it("destroy refuses to delete the accounts (irreversible) without allowDeletion, after deleting what it may", async () => {
    await expect(destroy(opts("pulumi-example-run-3"))).rejects.toThrow(
      /^Account act-\S+: the change deletes it, and deleting an? Account cannot be undone; .*To allow it, first set allowDeletion: true and run pulumi up/,
    );
    // Dependents go first: what was deleted before the refusal is out of state; every account is still there.
    const left = loadState(opts("x").stateFile).map((r) => r.name);
    for (const n of ["a-prod", "a-staging", "b-prod"]) expect(left).toContain(n);
    expect((await a.accounts.list()).map((x) => x.accountId)).toEqual(
      expect.arrayContaining([outputs.orgAProdAccountId, outputs.orgAStagingAccountId]),
    );
    expect((await b.accounts.list()).map((x) => x.accountId)).toContain(outputs.orgBProdAccountId);
  });
});
