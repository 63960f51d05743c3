/**
 * Every registered resource kind through the real @pulumi/pulumi dynamic-provider host, over gRPC, against
 * the emulator: Configure, Check (good and bad, the bad one without any API call), Create, Diff (none), Read,
 * Update and Diff again (when the kind has updatable fields), Delete and Read (gone). The providers are the
 * ones the generated classes use, serialized as `dynamic.Resource` does. Afterwards every change is found in
 * Spot's audit log by the run id the host was given.
 */
import { SpotClient } from "../../src/api";
import { kinds } from "../../src/resources";
import { providerFor } from "../../src/pulumi/provider";
import { withEmulator } from "../support/emulator";
import { PulumiHost, serializeProvider } from "../support/pulumi-host";
import { RUNTIME } from "./fixture-env";
import { samples, type Sample, type SampleEnv } from "./samples";

const emu = withEmulator();
const RUN_ID = "pulumi-host-kinds-1";
let host: PulumiHost;
let spot: SpotClient;
let env: SampleEnv;
const started = Date.now();
const secrets: string[] = [];

beforeAll(async () => {
  spot = new SpotClient({ token: emu.token, baseUrl: emu.url });
  const acct = async (name: string) => (await spot.accounts.create({ name })).accountId;
  const statements = [{ effect: "ALLOW" as const, actions: ["ocean:describeCluster"], resources: ["*"] }];
  env = {
    accountId: emu.accountId,
    accounts: {
      aws: await acct("aws"),
      azure: await acct("azure"),
      gcp: await acct("gcp"),
      attach: await acct("attach"),
      notify: await acct("notify"),
    },
    policyId: (await spot.access.policies.create({ name: "p1", policyContent: { statements } })).id,
    policyId2: (await spot.access.policies.create({ name: "p2", policyContent: { statements } })).id,
    userEmail: (
      await spot.users.create({ email: "jane@example.com", firstName: "Jane", lastName: "Doe", role: "viewer" })
    ).email!,
  };
  writesBefore = writes(await emu.control.stats());
  host = await PulumiHost.start({ env: { SPOT_IAC_RUN_ID: RUN_ID, SPOTINST_TOKEN: "", SPOTINST_BASE_URL: "" } });
  await host.configure({ "spot:token": emu.token, "spot:baseUrl": emu.url });
});

afterAll(async () => {
  await host?.close();
});

let writesBefore = 0;
let oobWrites = 0;
function writes(stats: { requests: Record<string, number> }): number {
  return Object.entries(stats.requests)
    .filter(([route]) => !route.startsWith("GET "))
    .reduce((n, [, c]) => n + c, 0);
}

async function requests(): Promise<number> {
  return (await emu.control.stats()).total;
}

it("every registered kind has a sample", () => {
  expect(kinds.length).toBeGreaterThan(0);
  expect(kinds.map((k) => k.name).filter((n) => !samples[n])).toEqual([]);
});

describe.each(kinds.map((k) => [k.name]))("%s through the provider host", (kindName) => {
  let provider = "";
  let sample: Sample;
  const urn = () => host.urn(`sample-${kindName}`, `pulumi-nodejs:dynamic/spot:${kindName}`);
  let id = "";
  let inputs: Record<string, any> = {};
  let outs: Record<string, any> = {};

  beforeAll(async () => {
    provider = (await serializeProvider(providerFor(kindName, { runtime: RUNTIME, registry: "" }))).text;
    sample = samples[kindName](env);
    secrets.push(...(sample.secrets ?? []));
  });

  it("Check: accepts the sample, names the bad field, calls no API", async () => {
    const before = await requests();
    const ok = await host.check(urn(), {}, { __provider: provider, ...sample.inputs });
    expect(ok.failures).toEqual([]);
    inputs = ok.inputs;
    const bad = await host.check(urn(), {}, { __provider: provider, ...sample.bad.inputs });
    expect(bad.failures.map((f) => f.property)).toContain(sample.bad.field);
    expect(await requests()).toBe(before);
  });

  it("Create, then Diff finds nothing to change and Read agrees", async () => {
    const made = await host.create(urn(), inputs);
    id = made.id;
    outs = made.properties;
    expect(id).not.toBe("");
    expect(outs.__provider).toBe(provider);
    expect(await host.diff(urn(), id, outs, inputs)).toEqual({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const r = await host.read(urn(), id, outs);
    expect(r.id).toBe(id);
    outs = r.properties;
  });

  it("Update in place (when the kind has updatable fields)", async () => {
    if (!sample.update) return;
    const news = (await host.check(urn(), inputs, { __provider: provider, ...sample.inputs, ...sample.update })).inputs;
    const d = await host.diff(urn(), id, outs, news);
    expect(d).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    outs = (await host.update(urn(), id, outs, news)).properties;
    inputs = news;
    expect((await host.diff(urn(), id, outs, inputs)).changes).toBe("none");
  });

  it("Delete (irreversible kinds only once allowDeletion is in state), then Read", async () => {
    const kind = kinds.find((k) => k.name === kindName)!;
    if (kind.irreversibleDelete) {
      await expect(host.delete(urn(), id, outs)).rejects.toThrow(/cannot be undone/);
      const news = { ...inputs, allowDeletion: true };
      outs = (await host.update(urn(), id, outs, news)).properties;
    }
    host.engineLogs.length = 0;
    await host.delete(urn(), id, outs);
    const after = await host.read(urn(), id, outs);
    if (sample.afterDelete === "gone") expect(after.id).toBe("");
    if (sample.afterDelete === "forgotten") {
      expect(after.id).toBe(id);
      expect(host.engineLogs.filter((l) => l.severity === "warning").map((l) => l.message)).toEqual([
        expect.stringMatching(/forgotten|not deleted|stops managing|no DELETE/i),
      ]);
    }
  });
});

describe("across kinds", () => {
  it("drift on a live account shows in the next preview's Diff without a refresh", async () => {
    const provider = (await serializeProvider(providerFor("Account", { runtime: RUNTIME, registry: "" }))).text;
    const u = host.urn("drift", "pulumi-nodejs:dynamic/spot:Account");
    const inputs = (await host.check(u, {}, { __provider: provider, name: "drifty" })).inputs;
    const made = await host.create(u, inputs);
    await spot.accounts.update(made.id, { name: "drifty-renamed" });
    oobWrites++;
    // The next `pulumi preview` starts a new host process (the client's list cache lives for one process).
    const next = await PulumiHost.start({ env: { SPOTINST_TOKEN: "", SPOTINST_BASE_URL: "" } });
    try {
      await next.configure({ "spot:token": emu.token, "spot:baseUrl": emu.url });
      expect((await next.diff(u, made.id, made.properties, inputs)).changes).toBe("some");
      expect(next.engineLogs.map((l) => l.message)).toContainEqual(
        `Account ${made.id} was changed outside Pulumi: name: "drifty" → "drifty-renamed"`,
      );
    } finally {
      await next.close();
    }
  });

  it("every change is in Spot's audit log under the run id, from the pulumi front-end", async () => {
    const hostWrites = writes(await emu.control.stats()) - writesBefore - oobWrites;
    const events = await spot.auditTrail(RUN_ID, { from: started - 60_000 });
    expect(hostWrites).toBeGreaterThan(kinds.length);
    expect(events).toHaveLength(hostWrites);
    for (const e of events) expect(e.agent).toMatch(new RegExp(`^spot-iac/\\S+ \\(pulumi; run=${RUN_ID}\\)$`));
  });

  it("no secret in host output or provider logs", () => {
    const all = host.stdout + host.stderr + JSON.stringify(host.engineLogs);
    for (const s of [emu.token, ...secrets]) expect(all).not.toContain(s);
  });
});
