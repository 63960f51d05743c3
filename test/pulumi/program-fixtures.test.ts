/**
 * Pulumi programs using the generated classes under `pulumi.runtime.setMocks`, bridged to the real provider host
 * by the mini-engine (test/support/pulumi-engine.ts), with the real kinds against the emulator: serialization of
 * the providers a program creates, secrets, two organizations, and up → up (update / replace / delete) → preview
 * with drift → refresh → a partial create finished by the next up → destroy, with a persisted state file.
 *
 * Each `pulumi up` is a new program process with its own run id (`SPOT_IAC_RUN_ID` or generated), hence its own
 * client, whose cache of Spot's lists lasts one run: here each run gets its id from `spot:runId`, so lookups never
 * see a list an earlier run cached.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as spot from "../../src";
import { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { destroy, loadState, preview, refresh, up, type EngineOptions } from "../support/pulumi-engine";
import { withTempDir, writes } from "./env";

// Pulumi's dynamic-provider host finds the provider of a user-driven Get (Resource.get, `opts.id`: the engine
// sends only inputs) from @pulumi/pulumi 3.268.0 on, which needs Node 22; older hosts fail such a read before
// the provider is called. On them the Get case is skipped, visibly.
const PULUMI_VERSION = require("@pulumi/pulumi/package.json").version as string;
const [hostMajor, hostMinor] = PULUMI_VERSION.split(".").map(Number);
const hostServesGet = hostMajor > 3 || (hostMajor === 3 && hostMinor >= 268);
const itGet = (name: string, fn: () => Promise<void>, timeout?: number): void => {
  if (hostServesGet) it(name, fn, timeout);
  else {
    process.stdout.write(`SKIP ${name}: @pulumi/pulumi ${PULUMI_VERSION} predates 3.268.0\n`);
    it.skip(name, fn);
  }
};

const emu = withEmulator();
const tmp = withTempDir("spot-pulumi-state-");
const RUN_ID = "pulumi-program";
const PASSWORD = "Program-SECRET-Passw0rd-1";
const SLACK = (c: string) => `https://hooks.slack.com/services/T0/B0/${c}`;
let base: EngineOptions;
let runs = 0;
/** The engine options of the next run: a run id of its own (see above). */
const run = (stateFile = base.stateFile): EngineOptions => ({
  ...base,
  stateFile,
  config: { ...base.config, "spot:runId": `${RUN_ID}-${++runs}` },
});
let a: SpotClient;
let b: SpotClient;
let orgB: { token: string; accountId: string; organizationId: string };

beforeAll(async () => {
  orgB = await emu.control.bootstrap({ organizationName: "Org B", adminEmail: "admin-b@example.com" });
  a = new SpotClient({ token: emu.token, baseUrl: emu.url, runId: "test-out-of-band", cacheTtlMs: 0 });
  b = new SpotClient({ token: orgB.token, baseUrl: emu.url, runId: "test-out-of-band", cacheTtlMs: 0 });
  base = {
    stateFile: path.join(tmp.path, "state.json"),
    project: "proj",
    stack: "dev",
    config: { "spot:token": emu.token, "spot:baseUrl": emu.url, "proj:orgBToken": orgB.token },
    secretConfig: ["spot:token", "proj:orgBToken"],
    host: { env: { SPOTINST_TOKEN: "", SPOTINST_BASE_URL: "" } },
  };
});

interface Seen {
  tokenSecret?: boolean;
  passwordSecret?: boolean;
  connectionSecret?: boolean;
}

/**
 * The program, in two versions: v2 adds a Slack channel to alpha (update), changes the CI user's description
 * (replace: Spot cannot change it; same name, so delete first) and drops the AWS external id (delete: forgotten).
 */
function program(version: 1 | 2, seen: Seen = {}) {
  return async () => {
    const cfg = new pulumi.Config();
    const orgBConn = new spot.Connection("org-b", { token: cfg.requireSecret("orgBToken"), baseUrl: emu.url });
    const alpha = new spot.Account("alpha", {
      name: "alpha",
      slackNotificationChannels: version === 1 ? [SLACK("A")] : [SLACK("A"), SLACK("B")],
      allowDeletion: true,
    });
    // Chained: these need alpha's id, known only once alpha exists.
    const ext = version === 1 ? new spot.AwsExternalId("ext", { accountId: alpha.id }) : undefined;
    const ci = new spot.ProgrammaticUser("ci", {
      name: "ci-bot",
      description: version === 1 ? "deploys" : "deploys prod",
      accounts: [{ accountId: alpha.id, role: "editor" }],
    });
    const jane = new spot.User("jane", {
      email: "jane@example.com",
      firstName: "Jane",
      lastName: "Doe",
      password: PASSWORD,
    });
    const inB = new spot.Account("in-b", { name: "in-b", allowDeletion: true, connection: orgBConn });

    seen.tokenSecret = await (ci.token as any).isSecret;
    seen.passwordSecret = await (jane.password as any).isSecret;
    seen.connectionSecret = await ((inB as any).__connection as any).isSecret;
    return {
      alphaId: alpha.id,
      externalId: ext?.externalId,
      ciToken: ci.token,
      ciId: ci.id,
      orgBAccountIds: spot
        .getAccountsOutput({}, { connection: orgBConn, dependsOn: [inB] })
        .apply((r) => [...(r.accountIds ?? [])].sort()),
      orgAAccountNames: (await spot.getAccounts()).accounts?.map((x) => x.name),
    };
  };
}

const name = (urn: string) => urn.split("::").pop();

function secretsIn(text: string, ...more: string[]): string[] {
  return [emu.token, orgB.token, PASSWORD, ...more].filter((s) => text.includes(s));
}

async function accountNamed(client: SpotClient, n: string) {
  return (await client.accounts.list()).filter((x) => x.name === n);
}

async function channelsOf(id: string): Promise<string[]> {
  const acc = (await a.accounts.get(id, { direct: true })) as { slackNotificationChannels?: string[] };
  return [...(acc.slackNotificationChannels ?? [])].sort();
}

describe("a program's resources through the real host", () => {
  let run1: Record<string, any> = {};

  it("preview of a new stack: what other resources compute is unknown, Check accepts it, nothing is made", async () => {
    const before = await emu.control.stats();
    const r = await preview(program(1), run());
    expect(r.steps.map((s) => `${s.op} ${name(s.urn)}`).sort()).toEqual([
      "create alpha",
      "create ci",
      "create ext",
      "create in-b",
      "create jane",
    ]);
    expect(writes(await emu.control.stats())).toBe(writes(before));
    expect(fs.existsSync(base.stateFile)).toBe(false);
  });

  it("up: creates everything, in both organizations, with secrets wrapped and state free of plaintext secrets", async () => {
    const seen: Seen = {};
    const r = await up(program(1, seen), run());
    run1 = r.outputs;
    const steps = r.steps.map((s) => `${s.op} ${name(s.urn)}`);
    expect([...steps].sort()).toEqual(["create alpha", "create ci", "create ext", "create in-b", "create jane"]);
    // ext and ci need alpha's id.
    expect(steps.indexOf("create ext")).toBeGreaterThan(steps.indexOf("create alpha"));
    expect(steps.indexOf("create ci")).toBeGreaterThan(steps.indexOf("create alpha"));
    expect(seen).toEqual({ tokenSecret: true, passwordSecret: true, connectionSecret: true });

    const [alpha] = await accountNamed(a, "alpha");
    expect(r.outputs.alphaId).toBe(alpha.accountId);
    expect(await channelsOf(alpha.accountId)).toEqual([SLACK("A")]);
    expect((await a.credentials.getAwsExternalId(alpha.accountId)).externalId).toBe(r.outputs.externalId);
    const [inB] = await accountNamed(b, "in-b");
    expect(await accountNamed(a, "in-b")).toEqual([]);
    expect(r.outputs.orgBAccountIds).toEqual([orgB.accountId, inB.accountId].sort());
    expect(r.outputs.orgAAccountNames).toEqual(expect.arrayContaining(["alpha"]));
    // The CI user's token is a working secret output.
    const asCi = new SpotClient({ token: r.outputs.ciToken, baseUrl: emu.url });
    expect((await asCi.accounts.list()).map((x) => x.accountId)).toContain(alpha.accountId);

    // The serialized providers are what dynamic.Resource produced in the program: small, no secrets.
    const state = loadState(base.stateFile);
    const jane = state.find((s) => s.name === "jane")!;
    expect(jane.type).toBe("pulumi-nodejs:dynamic/spot:User");
    expect(jane.inputs.__provider).toContain('"User"');
    expect(jane.inputs.__provider.length).toBeLessThan(4000);
    expect(jane.secretInputs).toEqual(["password"]);
    expect(jane.secretOutputs).toEqual(["password"]);
    expect(state.find((s) => s.name === "ci")!.secretOutputs).toEqual(["token"]);
    expect(state.find((s) => s.name === "in-b")!.secretOutputs).toEqual(["__connection"]);

    const raw = fs.readFileSync(base.stateFile, "utf8");
    expect(secretsIn(raw, r.outputs.ciToken)).toEqual([]);
    expect(secretsIn(JSON.stringify(r.logs), r.outputs.ciToken)).toEqual([]);
  });

  it("up again with no change: every step is 'same', no write call, the token is kept", async () => {
    const before = writes(await emu.control.stats());
    const r = await up(program(1), run());
    expect(new Set(r.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    expect(writes(await emu.control.stats())).toBe(before);
    expect(r.outputs.ciToken).toBe(run1.ciToken);
  });

  it("up with v2: update in place, replace (delete first: same name), delete of a removed resource with a warning", async () => {
    const oldCi = loadState(base.stateFile).find((s) => s.name === "ci")!;
    const o = run();
    const r = await up(program(2), o);
    const ops = Object.fromEntries(r.steps.map((s) => [name(s.urn), s.op]));
    expect(ops).toEqual({ alpha: "update", ci: "replace", jane: "same", "in-b": "same", ext: "delete" });
    expect(r.steps.find((s) => s.op === "replace")!.deleteBeforeReplace).toBe(true);
    expect(await channelsOf(run1.alphaId)).toEqual([SLACK("A"), SLACK("B")]);
    // The old CI user is gone; the new one has a new token that works.
    const cis = (await a.users.listOrganization()).filter((u) => u.username === "ci-bot");
    expect(cis.map((u) => u.userId)).toEqual([r.outputs.ciId]);
    expect(r.outputs.ciId).not.toBe(oldCi.id);
    expect(r.outputs.ciToken).not.toBe(run1.ciToken);
    // Spot has no DELETE for an external id: it stays, and the user is told.
    expect(r.logs).toContainEqual({
      severity: "warning",
      message: expect.stringMatching(new RegExp(`^AwsExternalId ${run1.alphaId}: .* forgotten, not deleted`)),
    });
    expect((await a.credentials.getAwsExternalId(run1.alphaId)).externalId).toBe(run1.externalId);
    expect(loadState(base.stateFile).map((s) => s.name)).not.toContain("ext");
    // Every change of the run is attributable to the run id the provider host was given: the update of alpha,
    // the delete and create of the CI user (and its access).
    const runId = o.config!["spot:runId"];
    const events = await a.auditTrail(runId, { from: Date.now() - 3_600_000 });
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const e of events) expect(e.agent).toContain(`(pulumi; run=${runId})`);
  });

  it("preview shows a change made outside Pulumi without a refresh, and changes nothing", async () => {
    await a.accounts.update(run1.alphaId, { name: "alpha", slackNotificationChannels: [SLACK("tampered")] });
    const before = fs.readFileSync(base.stateFile, "utf8");
    const writesBefore = writes(await emu.control.stats());
    const r = await preview(program(2), run());
    expect(r.steps.find((s) => name(s.urn) === "alpha")!.op).toBe("update");
    expect(r.logs).toContainEqual({
      severity: "info",
      message: `Account ${run1.alphaId} was changed outside Pulumi: slackNotificationChannels: ${JSON.stringify([SLACK("A"), SLACK("B")])} → ${JSON.stringify([SLACK("tampered")])}`,
    });
    expect(fs.readFileSync(base.stateFile, "utf8")).toBe(before);
    expect(writes(await emu.control.stats())).toBe(writesBefore);
    expect(await channelsOf(run1.alphaId)).toEqual([SLACK("tampered")]);
    await up(program(2), run());
    expect(await channelsOf(run1.alphaId)).toEqual([SLACK("A"), SLACK("B")]);
  });

  it("refresh drops what was deleted outside Pulumi; the next up re-creates it", async () => {
    const inB = loadState(base.stateFile).find((s) => s.name === "in-b")!;
    await b.accounts.delete(inB.id);
    const r = await refresh(run());
    expect(r.steps).toContainEqual({ op: "drop", urn: inB.urn, id: inB.id });
    expect(loadState(base.stateFile).map((s) => s.name)).not.toContain("in-b");
    const u = await up(program(2), run());
    expect(u.steps.find((s) => s.urn === inB.urn)!.op).toBe("create");
    const now = await accountNamed(b, "in-b");
    expect(now).toHaveLength(1);
    expect(u.outputs.orgBAccountIds).toEqual([orgB.accountId, now[0].accountId].sort());
  });

  itGet("Resource.get (opts.id) reads an existing object without managing it", async () => {
    const r = await up(
      async () => {
        const ro = spot.Account.get("ro", run1.alphaId);
        return { name: ro.name, channels: ro.slackNotificationChannels };
      },
      run(base.stateFile + ".ro"),
    );
    expect(r.steps).toEqual([{ op: "read", urn: expect.stringContaining("::ro"), id: run1.alphaId }]);
    expect(r.outputs.name).toBe("alpha");
    expect([...r.outputs.channels].sort()).toEqual([SLACK("A"), SLACK("B")]);
    expect(loadState(base.stateFile + ".ro")).toEqual([]);
  });

  it("bad input fails the run with the engine's check message before any API call", async () => {
    const before = (await emu.control.stats()).total;
    const bad = async () => {
      new spot.Account("bad", { name: "123" });
    };
    await expect(up(bad, run(base.stateFile + ".bad"))).rejects.toThrow(
      `pulumi-nodejs:dynamic/spot:Account resource 'bad': property name has a problem: name must contain at least one letter a-z or A-Z (Spot's rule); got "123"`,
    );
    expect((await emu.control.stats()).total).toBe(before);
  });

  it("a partial create fails the run but is kept in state; the next up finishes that same account", async () => {
    const file = base.stateFile + ".half";
    const half = async () => {
      new spot.Account("half", { name: "half-made", slackNotificationChannels: [SLACK("H")] });
    };
    await emu.control.injectFault({
      method: "PUT",
      path: "/setup/account/{accountId}",
      kind: "status",
      status: 500,
      times: 0,
    });
    try {
      await expect(up(half, run(file))).rejects.toThrow(
        /^Account act-\S+ was created, but setting its Slack channels failed: .*500/,
      );
    } finally {
      await emu.control.clearFaults();
    }
    const [made] = await accountNamed(a, "half-made");
    const [recorded] = loadState(file);
    expect(recorded).toMatchObject({ name: "half", id: made.accountId, initErrors: [expect.any(String)] });
    expect(await channelsOf(made.accountId)).toEqual([]);

    const r = await up(half, run(file));
    expect(r.steps).toEqual([{ op: "update", urn: recorded.urn, id: made.accountId }]);
    expect(await accountNamed(a, "half-made")).toHaveLength(1);
    expect(await channelsOf(made.accountId)).toEqual([SLACK("H")]);
    expect(loadState(file)[0].initErrors).toBeUndefined();
    expect((await up(half, run(file))).steps.map((s) => s.op)).toEqual(["same"]);
    // Irreversible: not deleted here (allowDeletion is false).
  });

  it("destroy deletes everything (the accounts allow it), dependents first", async () => {
    const r = await destroy(run());
    const names = r.steps.map((s) => name(s.urn));
    expect(names.indexOf("ci")).toBeLessThan(names.indexOf("alpha"));
    expect(await accountNamed(a, "alpha")).toEqual([]);
    expect(await accountNamed(b, "in-b")).toEqual([]);
    const users = await a.users.listOrganization();
    expect(users.filter((u) => u.username === "ci-bot" || u.email === "jane@example.com")).toEqual([]);
    expect(loadState(base.stateFile)).toEqual([]);
    expect(secretsIn(fs.readFileSync(base.stateFile, "utf8"))).toEqual([]);
  });
});
