/**
 * Pulumi programs under `pulumi.runtime.setMocks`, bridged to the real provider host by the mini-engine
 * (test/support/pulumi-engine.ts): serialization of the providers a program creates, secrets, two
 * organizations, and up → up (update/replace/delete) → preview with drift → refresh → destroy, with a
 * persisted state file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Connection, SpotResource } from "../../src/pulumi/resource";
import { invokeLookup, invokeLookupOutput } from "../../src/pulumi/lookups";
import { destroy, loadState, preview, refresh, up, type EngineOptions } from "../support/pulumi-engine";
import {
  FIXTURE_REGISTRY,
  TOKEN_A,
  TOKEN_B,
  callCount,
  editStore,
  freshStore,
  objectsOf,
  readStore,
} from "./fixture-env";

const registry = FIXTURE_REGISTRY;
let opts: EngineOptions;
const PASSWORD = "pw-PROGRAM-SECRET-1";

beforeAll(() => {
  const store = freshStore();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-pulumi-state-"));
  opts = {
    stateFile: path.join(dir, "state.json"),
    project: "proj",
    stack: "dev",
    config: { "spot:token": TOKEN_A, "spot:baseUrl": "http://a.invalid", "proj:orgBToken": TOKEN_B },
    secretConfig: ["spot:token", "proj:orgBToken"],
    host: { env: { SPOT_FIXTURE_STORE: store, SPOT_IAC_RUN_ID: "run-program-1" } },
  };
});

interface Seen {
  apiKeySecret?: boolean;
  passwordSecret?: boolean;
  connectionSecret?: boolean;
}

/** The program, in two versions: v2 changes tags (update), region (replace) and drops the link (delete). */
function program(version: 1 | 2, seen: Seen = {}) {
  return async () => {
    const cfg = new pulumi.Config();
    const orgB = new Connection("org-b", { token: cfg.requireSecret("orgBToken"), baseUrl: "http://b.invalid" });
    const w1 = new SpotResource(
      "Widget",
      "w1",
      { name: "alpha", owner: "ops@example.com", password: PASSWORD, tags: version === 1 ? ["x"] : ["x", "y"] },
      { registry },
    );
    // Chained: w2's name is computed from w1's output.
    const w2 = new SpotResource(
      "Widget",
      "w2",
      {
        name: (w1 as any).serial.apply((s: string) => `beta-${s}`),
        owner: "ops@example.com",
        region: version === 1 ? "eu" : "us",
      },
      { registry },
    );
    const wb = new SpotResource(
      "Widget",
      "wb",
      { name: "in-b", owner: "b@example.com", connection: orgB },
      { registry },
    );
    new SpotResource("Vault", "vault", { name: "records", allowDeletion: true }, { registry });
    if (version === 1)
      new SpotResource("Link", "link", { target: "aws", clientSecret: "cs-PROGRAM-SECRET-2" }, { registry });

    seen.apiKeySecret = await (w1 as any).apiKey.isSecret;
    seen.passwordSecret = await (w1 as any).password.isSecret;
    seen.connectionSecret = await (wb as any).__connection.isSecret;
    return {
      w1Serial: (w1 as any).serial,
      w2Name: (w2 as any).name,
      apiKey: (w1 as any).apiKey,
      orgBWidgets: invokeLookupOutput("Widgets", {}, { registry, connection: orgB }),
      orgAWidgets: await invokeLookup("Widgets", {}, { registry }),
    };
  };
}

function secretsIn(text: string): string[] {
  return [TOKEN_A, TOKEN_B, PASSWORD, "cs-PROGRAM-SECRET-2"].filter((s) => text.includes(s));
}

describe("a program's resources through the real host", () => {
  it("up: creates everything, in both organizations, with secrets wrapped and state free of plaintext secrets", async () => {
    const seen: Seen = {};
    const r = await up(program(1, seen), opts);
    const steps = r.steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`);
    expect([...steps].sort()).toEqual(["create link", "create vault", "create w1", "create w2", "create wb"]);
    expect(steps.indexOf("create w2")).toBeGreaterThan(steps.indexOf("create w1")); // w2 needs w1's serial
    expect(seen).toEqual({ apiKeySecret: true, passwordSecret: true, connectionSecret: true });

    const a = objectsOf("Org A", "Widget");
    const b = objectsOf("Org B", "Widget");
    expect(
      Object.values(a)
        .map((o) => o.name)
        .sort(),
    ).toEqual(["alpha", `beta-${r.outputs.w1Serial}`]);
    expect(Object.values(b).map((o) => o.name)).toEqual(["in-b"]);
    expect(r.outputs.w2Name).toBe(`beta-${r.outputs.w1Serial}`);
    expect(r.outputs.orgBWidgets).toEqual({ names: ["in-b"], organization: "Org B" });
    expect(r.outputs.apiKey).toMatch(/^key-/);

    // The serialized providers are what dynamic.Resource produced in the program: small, no secrets.
    const state = loadState(opts.stateFile);
    const w1 = state.find((s) => s.name === "w1")!;
    expect(w1.type).toBe("pulumi-nodejs:dynamic/spot:Widget");
    expect(w1.inputs.__provider).toContain('"Widget"');
    expect(w1.inputs.__provider.length).toBeLessThan(4000);
    expect(w1.secretInputs).toEqual(["password"]);
    expect(w1.secretOutputs.sort()).toEqual(["apiKey", "password"]);
    expect(state.find((s) => s.name === "wb")!.secretOutputs).toContain("__connection");

    const raw = fs.readFileSync(opts.stateFile, "utf8");
    expect(secretsIn(raw)).toEqual([]);
    expect(raw).not.toContain(r.outputs.apiKey);
    expect(secretsIn(JSON.stringify(r.logs))).toEqual([]);
  });

  it("up again with no change: every step is 'same', no write call", async () => {
    const before = readStore().calls.filter((c) => c.action !== "read" && c.action !== "list").length;
    const r = await up(program(1), opts);
    expect(new Set(r.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    expect(readStore().calls.filter((c) => c.action !== "read" && c.action !== "list").length).toBe(before);
  });

  it("up with v2: update in place, replace (delete first: same name), delete of a removed resource with a warning", async () => {
    const oldW2 = loadState(opts.stateFile).find((s) => s.name === "w2")!;
    const r = await up(program(2), opts);
    const ops = Object.fromEntries(r.steps.map((s) => [s.urn.split("::").pop(), s.op]));
    expect(ops).toEqual({ w1: "update", w2: "replace", wb: "same", vault: "same", link: "delete" });
    expect(r.steps.find((s) => s.op === "replace")!.deleteBeforeReplace).toBe(true);
    const a = objectsOf("Org A", "Widget");
    expect(a[oldW2.id]).toBeUndefined();
    expect(Object.values(a).find((o) => o.name.startsWith("beta-"))!.region).toBe("us");
    expect(
      Object.values(a)
        .find((o) => o.name === "alpha")!
        .tags.sort(),
    ).toEqual(["x", "y"]);
    expect(r.logs).toContainEqual({
      severity: "warning",
      message: "Link aws: Link aws forgotten, not deleted: the API has no DELETE for it",
    });
    expect(loadState(opts.stateFile).map((s) => s.name)).not.toContain("link");
    // Every write of the runs is attributable to the run id the provider host was given.
    const writes = readStore().calls.filter((c) => ["create", "update", "delete"].includes(c.action));
    expect(new Set(writes.map((c) => c.runId))).toEqual(new Set(["run-program-1"]));
  });

  it("preview shows a change made outside Pulumi without a refresh, and changes nothing", async () => {
    const w1 = loadState(opts.stateFile).find((s) => s.name === "w1")!;
    editStore((s) => (s.orgs[TOKEN_A].objects.Widget[w1.id].tags = ["tampered"]));
    const before = fs.readFileSync(opts.stateFile, "utf8");
    const r = await preview(program(2), opts);
    expect(r.steps.find((s) => s.urn.endsWith("::w1"))!.op).toBe("update");
    expect(r.logs).toContainEqual({
      severity: "info",
      message: `Widget ${w1.id} was changed outside Pulumi: tags: ["x","y"] → ["tampered"]`,
    });
    expect(fs.readFileSync(opts.stateFile, "utf8")).toBe(before);
    expect(objectsOf("Org A", "Widget")[w1.id].tags).toEqual(["tampered"]);
    await up(program(2), opts);
    expect(objectsOf("Org A", "Widget")[w1.id].tags.sort()).toEqual(["x", "y"]);
  });

  it("refresh drops what was deleted outside Pulumi; the next up re-creates it", async () => {
    const wb = loadState(opts.stateFile).find((s) => s.name === "wb")!;
    editStore((s) => delete s.orgs[TOKEN_B].objects.Widget[wb.id]);
    const r = await refresh(opts);
    expect(r.steps).toContainEqual({ op: "drop", urn: wb.urn, id: wb.id });
    expect(loadState(opts.stateFile).map((s) => s.name)).not.toContain("wb");
    const u = await up(program(2), opts);
    expect(u.steps.find((s) => s.urn === wb.urn)!.op).toBe("create");
    expect(Object.values(objectsOf("Org B", "Widget")).map((o) => o.name)).toEqual(["in-b"]);
  });

  it("Resource.get-style reads (opts.id) read an existing object without managing it", async () => {
    const w1 = loadState(opts.stateFile).find((s) => s.name === "w1")!;
    const r = await up(
      async () => {
        const ro = new SpotResource("Widget", "ro", {}, { registry, id: w1.id });
        return { name: (ro as any).name, serial: (ro as any).serial };
      },
      { ...opts, stateFile: opts.stateFile + ".ro" },
    );
    expect(r.steps).toEqual([{ op: "read", urn: expect.stringContaining("::ro"), id: w1.id }]);
    expect(r.outputs).toEqual({ name: "alpha", serial: w1.outputs.serial });
  });

  it("bad input fails the run with the engine's check message before any API call", async () => {
    const before = callCount();
    const bad = async () => {
      new SpotResource("Widget", "bad", { name: "ok", owner: "not-an-email" }, { registry });
    };
    await expect(up(bad, { ...opts, stateFile: opts.stateFile + ".bad" })).rejects.toThrow(
      "pulumi-nodejs:dynamic/spot:Widget resource 'bad': property owner has a problem: owner must be an e-mail address like ops@example.com",
    );
    expect(callCount()).toBe(before);
  });

  it("destroy deletes everything (the vault allows it), dependents first", async () => {
    const r = await destroy(opts);
    const names = r.steps.map((s) => s.urn.split("::").pop());
    expect(names.indexOf("w2")).toBeLessThan(names.indexOf("w1"));
    expect(objectsOf("Org A", "Widget")).toEqual({});
    expect(objectsOf("Org B", "Widget")).toEqual({});
    expect(objectsOf("Org A", "Vault")).toEqual({});
    expect(loadState(opts.stateFile)).toEqual([]);
    expect(secretsIn(fs.readFileSync(opts.stateFile, "utf8"))).toEqual([]);
  });
});
