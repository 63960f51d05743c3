/**
 * Every registered resource kind through the real @pulumi/pulumi dynamic-provider host, over gRPC, against
 * the emulator: Configure, Check (good and bad, the bad one without any API call), Create, Diff (none), Read,
 * then Update and Diff again when the kind has a field Spot updates in place (otherwise: a change is planned as a
 * replacement or refused), Delete and Read. The providers are the ones the generated classes use, serialized as
 * `dynamic.Resource` does. Afterwards every change is found in Spot's audit log by the run id the host was given.
 */
import { SpotClient } from "../../src/api";
import { isInput, type ResourceKind } from "../../src/core";
import { kinds } from "../../src/resources";
import { withEmulator } from "../support/emulator";
import { PulumiHost } from "../support/pulumi-host";
import { hashOf, providerText, writes } from "./env";
import { samples, type Sample, type SampleEnv } from "./samples";

/** Input fields Spot changes in place (not local settings of spot-iac, not replace or reject). */
function updatable(kind: ResourceKind): string[] {
  return Object.entries(kind.fields)
    .filter(([, f]) => isInput(f) && !f.local && (f.onChange ?? "update") === "update")
    .map(([k]) => k);
}

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

async function requests(): Promise<number> {
  return (await emu.control.stats()).total;
}

it("every registered kind has a sample, with an update exactly when Spot updates one of its fields in place", () => {
  expect(kinds.length).toBeGreaterThan(0);
  expect(kinds.map((k) => k.name).filter((n) => !samples[n])).toEqual([]);
  const shape = (k: ResourceKind) => {
    const s = samples[k.name](env);
    return { kind: k.name, update: !!s.update, fixed: !!s.fixed };
  };
  expect(kinds.map(shape)).toEqual(
    kinds.map((k) => ({ kind: k.name, update: updatable(k).length > 0, fixed: updatable(k).length === 0 })),
  );
});

describe.each(kinds.map((k) => [k.name, k] as const))("%s through the provider host", (kindName, kind) => {
  let provider = "";
  let sample: Sample;
  const urn = () => host.urn(`sample-${kindName}`, `pulumi-nodejs:dynamic/spot:${kindName}`);
  let id = "";
  let inputs: Record<string, any> = {};
  let outs: Record<string, any> = {};

  beforeAll(async () => {
    provider = await providerText(kindName);
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

  if (updatable(kind).length) {
    it(`Update in place (${updatable(kind).join(", ")}), then Diff and Read agree with Spot`, async () => {
      const change = sample.update!;
      const news = (await host.check(urn(), inputs, { __provider: provider, ...sample.inputs, ...change })).inputs;
      const d = await host.diff(urn(), id, outs, news);
      expect(d).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
      const before = writes(await emu.control.stats());
      outs = (await host.update(urn(), id, outs, news)).properties;
      expect(writes(await emu.control.stats())).toBeGreaterThan(before);
      inputs = news;
      // What the update reports is what it was asked for: plain values as given, secrets as their hashes.
      for (const [k, v] of Object.entries(change)) {
        const f = kind.fields[k];
        if (f.secret) expect(outs[k]).toEqual(hashOf(v as string));
        else if (typeof f.type === "string") expect(outs[k]).toEqual(v);
      }
      expect((await host.diff(urn(), id, outs, inputs)).changes).toBe("none");
      const r = await host.read(urn(), id, outs);
      expect(r.id).toBe(id);
      expect((await host.diff(urn(), id, r.properties, inputs)).changes).toBe("none");
      outs = r.properties;
    });
  } else {
    it("has no field Spot updates in place: a change is planned as a replacement, or refused", async () => {
      const change = sample.fixed!;
      const modes = Object.keys(change).map((k) => kind.fields[k].onChange);
      expect(modes.every((m) => m === "replace" || m === "reject")).toBe(true);
      const news = (await host.check(urn(), inputs, { __provider: provider, ...sample.inputs, ...change })).inputs;
      const before = writes(await emu.control.stats());
      if (modes.includes("reject")) {
        const fields = Object.keys(change).filter((k) => kind.fields[k].onChange === "reject");
        await expect(host.diff(urn(), id, outs, news)).rejects.toThrow(
          new RegExp(`^${kindName} ${id}: ${fields[0]} cannot be changed in Spot`),
        );
      } else {
        const d = await host.diff(urn(), id, outs, news);
        expect(d.changes).toBe("some");
        expect(d.replaces.sort()).toEqual(Object.keys(change).sort());
      }
      // Planning changed nothing in Spot.
      expect(writes(await emu.control.stats())).toBe(before);
    });
  }

  it("Delete (irreversible kinds only once allowDeletion is in state), then Read", async () => {
    if (kind.irreversibleDelete) {
      await expect(host.delete(urn(), id, outs)).rejects.toThrow(/cannot be undone/);
      // allowDeletion is a local setting: recording it is an update without any API write.
      const before = writes(await emu.control.stats());
      outs = (await host.update(urn(), id, outs, { ...inputs, allowDeletion: true })).properties;
      expect(outs.allowDeletion).toBe(true);
      expect(writes(await emu.control.stats())).toBe(before);
    }
    host.engineLogs.length = 0;
    await host.delete(urn(), id, outs);
    const after = await host.read(urn(), id, outs);
    const warnings = host.engineLogs.filter((l) => l.severity === "warning").map((l) => l.message);
    if (sample.afterDelete === "gone") {
      expect(after.id).toBe("");
      expect(warnings).toEqual([]);
    } else if (sample.afterDelete === "forgotten") {
      // Spot has no DELETE: the object stays, and the user is told so.
      expect(after.id).toBe(id);
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^${kindName} ${id}: .* forgotten, not deleted`))]);
    } else {
      // Spot cannot read it (an organization): a refresh keeps what state holds, but Spot no longer has it.
      expect(after.id).toBe(id);
      expect(warnings).toEqual([]);
      oobWrites++;
      await expect(spot.organizations.delete(id)).rejects.toThrow(/Organization|does not exist|DOESNT_EXIST/i);
    }
  });
});

describe("across kinds", () => {
  it("drift on a live account shows in the next preview's Diff without a refresh", async () => {
    const provider = await providerText("Account");
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
