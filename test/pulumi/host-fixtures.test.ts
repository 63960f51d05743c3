/**
 * The generic adapter (src/pulumi/runtime.ts) in the real @pulumi/pulumi dynamic-provider host, over gRPC,
 * with fake kinds (test/pulumi/fixtures/registry.js) whose "cloud" is a JSON file.
 */
import * as fs from "node:fs";
import { providerFor } from "../../src/pulumi/provider";
import { PulumiHost, serializeProvider, UNKNOWN, type HostError } from "../support/pulumi-host";
import {
  FIXTURE_REGISTRY,
  RUNTIME,
  TOKEN_A,
  TOKEN_B,
  callCount,
  editStore,
  freshStore,
  objectsOf,
  readStore,
} from "./fixture-env";

let host: PulumiHost;
const text: Record<string, string> = {};
const P = (kind: string) => ({ __provider: text[kind] });

async function rejects(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    return e as HostError;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  freshStore();
  for (const kind of ["Widget", "Vault", "Link"]) {
    const sf = await serializeProvider(providerFor(kind, { runtime: RUNTIME, registry: FIXTURE_REGISTRY }));
    expect(sf.containsSecrets).toBe(false);
    text[kind] = sf.text;
  }
  host = await PulumiHost.start({
    env: { SPOT_FIXTURE_STORE: process.env.SPOT_FIXTURE_STORE, SPOT_IAC_RUN_ID: "run-fixture-1" },
  });
  const conf = await host.configure({ "spot:token": TOKEN_A, "spot:baseUrl": "http://fixture.invalid" });
  expect(conf.acceptSecrets).toBe(false);
});

afterAll(async () => {
  await host?.close();
});

describe("serialized provider", () => {
  it("is small, names only a module and a kind, and is stable across serializations", async () => {
    const t = text.Widget;
    expect(t.length).toBeLessThan(4000);
    expect(t).toContain(JSON.stringify(RUNTIME));
    expect(t).toContain('"Widget"');
    // A second serialization of a new provider object for the same kind is byte-identical, so the
    // host configures it once and state does not churn.
    jest.isolateModules(() => {
      const { providerFor: fresh } = require("../../src/pulumi/provider");
      return serializeProvider(fresh("Widget", { runtime: RUNTIME, registry: FIXTURE_REGISTRY })).then((sf) =>
        expect(sf.text).toBe(t),
      );
    });
    expect(text.Vault.replace(/"Vault"/g, '"Widget"')).toBe(t);
  });

  it("answers GetPluginInfo with the SDK version", async () => {
    expect(await host.getPluginInfo()).toBe(require("@pulumi/pulumi/package.json").version);
  });
});

describe("Check", () => {
  const urn = () => host.urn("w-check");

  it("applies defaults and keeps __provider", async () => {
    const r = await host.check(urn(), {}, { ...P("Widget"), name: "alpha", owner: "ops@example.com" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ __provider: text.Widget, name: "alpha", owner: "ops@example.com", region: "eu" });
  });

  it("names every bad field and its fix, without any API call", async () => {
    const before = callCount();
    const r = await host.check(
      urn(),
      {},
      { ...P("Widget"), name: "123", owner: "nope", region: "mars", colour: "red", serial: "x" },
    );
    const by = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
    expect(by.name).toMatch(/^name must contain a letter a–z .*choose another name/);
    expect(by.owner).toMatch(/^owner must be an e-mail address like ops@example.com/);
    expect(by.region).toBe('region must be one of "eu", "us"; got "mars"');
    expect(by.colour).toMatch(
      /^colour is not a known field; expected one of name, region, owner, size, tags, password/,
    );
    expect(by.serial).toMatch(/output set by Spot and cannot be given; remove it/);
    expect(callCount()).toBe(before);
  });

  it("runs the kind's cross-field check once the schema passes", async () => {
    const r = await host.check(urn(), {}, { ...P("Widget"), name: "a", owner: "o@x.io", region: "us", size: 50 });
    expect(r.failures).toEqual([
      { property: "size", reason: "size must be at most 10 in region us; lower size or use region eu" },
    ]);
  });

  it("does not fail on values unknown during a preview", async () => {
    const r = await host.check(
      urn(),
      {},
      { ...P("Widget"), name: UNKNOWN, owner: UNKNOWN, size: UNKNOWN, region: "us" },
    );
    expect(r.failures).toEqual([]);
  });

  it("validates adopt and connection", async () => {
    const r = await host.check(
      urn(),
      {},
      {
        ...P("Widget"),
        name: "a",
        owner: "o@x.io",
        __adopt: 7,
        __connection: { token: "t", baseUrl: "ftp:/x", region: "eu" },
      },
    );
    const reasons = r.failures.map((f) => f.reason);
    expect(reasons).toContainEqual(
      expect.stringMatching(/^adopt must be true \(find the existing Widget by name\) or its id \(wd-…/),
    );
    expect(reasons).toContainEqual("connection.region is not a connection setting; use token, baseUrl, account");
    expect(reasons).toContainEqual(expect.stringMatching(/connection.baseUrl must be an http\(s\) URL/));
  });
});

describe("Widget lifecycle", () => {
  const urn = () => host.urn("w1");
  let id = "";
  let outs: Record<string, any> = {};
  const desired = { name: "alpha", owner: "ops@example.com", region: "eu", tags: ["b", "a"], password: "pw-PLAIN-123" };

  it("Create returns the id and every output, secrets only as hashes or secret outputs", async () => {
    const r = await host.create(urn(), { ...P("Widget"), ...desired });
    id = r.id;
    outs = r.properties;
    expect(id).toMatch(/^wd-\d+$/);
    expect(outs).toMatchObject({
      name: "alpha",
      owner: "ops@example.com",
      region: "eu",
      size: 1,
      serial: expect.any(String),
    });
    expect(outs.password).toMatch(/^scrypt:/);
    expect(outs.apiKey).toMatch(/^key-/);
    expect(outs.__provider).toBe(text.Widget);
    expect(objectsOf("Org A", "Widget")[id].name).toBe("alpha");
    // The stack's connection was used, with the run id the host was given.
    expect(readStore().calls.at(-1)).toMatchObject({
      org: "Org A",
      action: "create",
      baseUrl: "http://fixture.invalid",
      runId: "run-fixture-1",
    });
    expect(host.engineLogs).toContainEqual({
      severity: "info",
      message: `spot-iac run run-fixture-1: Spot's audit log attributes this run's changes to it (User-Agent "… run=run-fixture-1")`,
    });
  });

  it("Diff against the live object: nothing changed (set order and the server default ignored)", async () => {
    const d = await host.diff(urn(), id, outs, { ...P("Widget"), ...desired, tags: ["a", "b"] });
    expect(d).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it("Diff sees a change made outside Pulumi without a refresh, and says which field drifted", async () => {
    editStore((s) => (s.orgs[TOKEN_A].objects.Widget[id].tags = ["a", "b", "c"]));
    host.engineLogs.length = 0;
    const d = await host.diff(urn(), id, outs, { ...P("Widget"), ...desired });
    expect(d.changes).toBe("some");
    expect(d.replaces).toEqual([]);
    expect(host.engineLogs).toContainEqual({
      severity: "info",
      message: `Widget ${id} was changed outside Pulumi: tags: ["a","b"] → ["a","b","c"]`,
    });
  });

  it("Update puts the object back as declared and changes the password", async () => {
    const r = await host.update(urn(), id, outs, {
      ...P("Widget"),
      ...desired,
      name: "alpha2",
      password: "pw-NEW-456",
    });
    outs = r.properties;
    expect(outs.name).toBe("alpha2");
    expect([...outs.tags].sort()).toEqual(["a", "b"]);
    expect(outs.apiKey).toMatch(/^key-/); // returned once at create, kept across updates
    const live = objectsOf("Org A", "Widget")[id];
    expect([...live.tags].sort()).toEqual(["a", "b"]);
    expect(live.passwordHash).toBe(outs.password);
    const d = await host.diff(urn(), id, outs, { ...P("Widget"), ...desired, name: "alpha2", password: "pw-NEW-456" });
    expect(d.changes).toBe("none");
  });

  it("Diff asks for a replacement of replace fields, deleting first when the natural key stays", async () => {
    const d = await host.diff(urn(), id, outs, { ...P("Widget"), ...desired, name: "alpha2", region: "us" });
    expect(d).toEqual({ changes: "some", replaces: ["region"], deleteBeforeReplace: true });
    const d2 = await host.diff(urn(), id, outs, { ...P("Widget"), ...desired, name: "beta", region: "us" });
    expect(d2).toEqual({ changes: "some", replaces: ["region"], deleteBeforeReplace: false });
  });

  it("Diff refuses a field Spot cannot change, with the hint", async () => {
    const e = await rejects(
      host.diff(urn(), id, outs, { ...P("Widget"), ...desired, name: "alpha2", owner: "other@example.com" }),
    );
    expect(e.message).toBe(
      `Widget ${id}: owner cannot be changed in Spot ("ops@example.com" → "other@example.com"). Create a new Widget for the other owner.`,
    );
  });

  it("Diff lets an unknown value of a reject field through (known only at apply time)", async () => {
    const d = await host.diff(urn(), id, outs, {
      ...P("Widget"),
      ...desired,
      name: "alpha2",
      password: "pw-NEW-456",
      owner: UNKNOWN,
    });
    expect(d.changes).toBe("some");
  });

  it("Read refreshes outputs and keeps the once-returned secret", async () => {
    editStore((s) => (s.orgs[TOKEN_A].objects.Widget[id].size = 3));
    const r = await host.read(urn(), id, outs);
    expect(r.id).toBe(id);
    expect(r.properties).toMatchObject({ size: 3, apiKey: outs.apiKey, __provider: text.Widget });
    outs = r.properties;
  });

  it("a Resource.get-style Read (inputs only) works too", async () => {
    const r = await host.read(urn(), id, {}, { ...P("Widget") });
    expect(r.id).toBe(id);
    expect(r.properties.name).toBe("alpha2");
  });

  it("an object deleted outside Pulumi: Diff plans a re-create, Read reports it gone with an empty id", async () => {
    const saved = readStore().orgs[TOKEN_A].objects.Widget[id];
    editStore((s) => delete s.orgs[TOKEN_A].objects.Widget[id]);
    const d = await host.diff(urn(), id, outs, { ...P("Widget"), ...desired, name: "alpha2" });
    expect(d).toEqual({ changes: "some", replaces: ["name"], deleteBeforeReplace: true });
    const r = await host.read(urn(), id, outs);
    expect(r.id).toBe("");
    await host.delete(urn(), id, outs); // deleting what is gone is a no-op
    editStore((s) => (s.orgs[TOKEN_A].objects.Widget[id] = saved));
  });

  it("Delete deletes", async () => {
    await host.delete(urn(), id, outs);
    expect(objectsOf("Org A", "Widget")[id]).toBeUndefined();
    expect((await host.read(urn(), id, outs)).id).toBe("");
  });
});

describe("adopt", () => {
  it("true: takes over the object found by natural key and applies updatable differences", async () => {
    const made = await host.create(host.urn("pre"), {
      ...P("Widget"),
      name: "existing",
      owner: "a@b.co",
      region: "eu",
      tags: ["x"],
    });
    const r = await host.create(host.urn("adopter"), {
      ...P("Widget"),
      name: "existing",
      owner: "a@b.co",
      region: "eu",
      tags: ["y"],
      __adopt: true,
    });
    expect(r.id).toBe(made.id);
    expect(objectsOf("Org A", "Widget")[made.id].tags).toEqual(["y"]);
    expect(Object.values(objectsOf("Org A", "Widget")).filter((o) => o.name === "existing")).toHaveLength(1);
  });

  it("an id: takes over that object", async () => {
    const made = await host.create(host.urn("pre2"), { ...P("Widget"), name: "byid", owner: "a@b.co", region: "eu" });
    const r = await host.create(host.urn("adopter2"), {
      ...P("Widget"),
      name: "byid",
      owner: "a@b.co",
      region: "eu",
      __adopt: made.id,
    });
    expect(r.id).toBe(made.id);
  });

  it("fails clearly when nothing matches, or when a difference cannot be applied", async () => {
    const e1 = await rejects(
      host.create(host.urn("a3"), { ...P("Widget"), name: "ghost", owner: "a@b.co", region: "eu", __adopt: true }),
    );
    expect(e1.message).toMatch(
      /^Widget: adopt: true, but no existing Widget matches name="ghost"; remove adopt to create it/,
    );
    const e2 = await rejects(
      host.create(host.urn("a4"), { ...P("Widget"), name: "x", owner: "a@b.co", region: "eu", __adopt: "wd-999" }),
    );
    expect(e2.message).toMatch(/adopt: "wd-999" names no existing Widget \(ids look like wd-…\)/);
    const e3 = await rejects(
      host.create(host.urn("a5"), { ...P("Widget"), name: "existing", owner: "z@b.co", region: "us", __adopt: true }),
    );
    expect(e3.message).toMatch(
      /cannot adopt it as declared: region: "eu" → "us"; owner: "a@b.co" → "z@b.co" cannot be changed in place\. Set region, owner to the live value, or remove adopt/,
    );
  });

  it("a failed update after taking over is a partial create: Pulumi records the id", async () => {
    editStore((s) => (s.fail = { kind: "Widget", action: "update" }));
    const e = await rejects(
      host.create(host.urn("a6"), {
        ...P("Widget"),
        name: "existing",
        owner: "a@b.co",
        region: "eu",
        tags: ["z"],
        __adopt: true,
      }),
    );
    expect(e.message).toMatch(/adopted, but updating it failed: 503 Service Unavailable/);
    expect(e.initFailed?.id).toMatch(/^wd-/);
    expect(e.initFailed?.properties.name).toBe("existing");
  });
});

describe("irreversible deletes (Vault)", () => {
  let id = "";
  let outs: Record<string, any> = {};
  it("refuses to delete or replace without allowDeletion in state, before any deleting call", async () => {
    const r = await host.create(host.urn("v"), { ...P("Vault"), name: "keep", region: "eu", allowDeletion: false });
    id = r.id;
    outs = r.properties;
    const e = await rejects(host.delete(host.urn("v"), id, outs));
    expect(e.message).toMatch(
      new RegExp(
        `^Vault ${id}: deleting a Vault cannot be undone, so spot-iac refused. To delete it, set allowDeletion: true`,
      ),
    );
    const d = await rejects(
      host.diff(host.urn("v"), id, outs, { ...P("Vault"), name: "keep", region: "us", allowDeletion: true }),
    );
    expect(d.message).toMatch(
      /changing region replaces the Vault, and deleting a Vault cannot be undone\. To allow it, first set allowDeletion: true and run pulumi up/,
    );
    expect(objectsOf("Org A", "Vault")[id]).toBeDefined();
    expect(readStore().calls.filter((c) => c.kind === "Vault" && c.action === "delete")).toEqual([]);
  });

  it("allowDeletion is a local setting: changing it updates state without an API update, then delete works", async () => {
    const d = await host.diff(host.urn("v"), id, outs, {
      ...P("Vault"),
      name: "keep",
      region: "eu",
      allowDeletion: true,
    });
    expect(d).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    const r = await host.update(host.urn("v"), id, outs, {
      ...P("Vault"),
      name: "keep",
      region: "eu",
      allowDeletion: true,
    });
    expect(r.properties.allowDeletion).toBe(true);
    expect(readStore().calls.filter((c) => c.kind === "Vault" && c.action === "update")).toEqual([]);
    await host.delete(host.urn("v"), id, r.properties);
    expect(objectsOf("Org A", "Vault")[id]).toBeUndefined();
  });
});

describe("forget-only deletes (Link)", () => {
  it("delete warns through the engine log and leaves the object", async () => {
    const r = await host.create(host.urn("l"), { ...P("Link"), target: "aws", clientSecret: "cs-PLAIN-999" });
    expect(r.properties.clientSecret).toMatch(/^scrypt:/);
    host.engineLogs.length = 0;
    await host.delete(host.urn("l"), r.id, r.properties);
    expect(host.engineLogs).toEqual([
      { severity: "warning", message: "Link aws: Link aws forgotten, not deleted: the API has no DELETE for it" },
    ]);
    expect(objectsOf("Org A", "Link").aws).toBeDefined();
  });
});

describe("connections (several organizations)", () => {
  it("a resource's own connection wins over the stack configuration, and is kept as an output for delete", async () => {
    const conn = { token: TOKEN_B, baseUrl: "http://org-b.invalid" };
    const r = await host.create(host.urn("wb"), {
      ...P("Widget"),
      name: "in-b",
      owner: "b@b.co",
      region: "eu",
      __connection: conn,
    });
    expect(objectsOf("Org B", "Widget")[r.id].name).toBe("in-b");
    expect(Object.values(objectsOf("Org A", "Widget")).some((o) => o.name === "in-b")).toBe(false);
    expect(r.properties.__connection).toEqual(conn);
    expect(readStore().calls.at(-1)).toMatchObject({ org: "Org B", baseUrl: "http://org-b.invalid" });

    // A rotated token (same organization) is an update without an API call, so delete and refresh use it.
    const rotated = { ...conn, baseUrl: "http://org-b2.invalid" };
    const news = { ...P("Widget"), name: "in-b", owner: "b@b.co", region: "eu", __connection: rotated };
    expect((await host.diff(host.urn("wb"), r.id, r.properties, news)).changes).toBe("some");
    const u = await host.update(host.urn("wb"), r.id, r.properties, news);
    expect(u.properties.__connection).toEqual(rotated);
    await host.delete(host.urn("wb"), r.id, u.properties);
    expect(objectsOf("Org B", "Widget")[r.id]).toBeUndefined();
  });

  it("a bad token fails with a message that does not contain it", async () => {
    const e = await rejects(
      host.create(host.urn("wx"), {
        ...P("Widget"),
        name: "x",
        owner: "b@b.co",
        region: "eu",
        __connection: { token: "tok-WRONG-123" },
      }),
    );
    expect(e.message).toMatch(/^Widget: 401 Unauthorized: the token is not valid; check spot:token/);
    expect(e.message).not.toContain("tok-WRONG-123");
  });
});

describe("nothing secret leaks", () => {
  it("a secret echoed in an error message is masked", async () => {
    const e = await rejects(
      host.create(host.urn("l2"), { ...P("Link"), target: "gcp", clientSecret: "leak-SECRET-0042" }),
    );
    expect(e.message).toBe("Link: 400 invalid client secret [REDACTED]");
  });

  it("host output and engine logs hold no token or password", () => {
    const all = host.stdout + host.stderr + JSON.stringify(host.engineLogs) + Object.values(text).join("");
    for (const s of [TOKEN_A, TOKEN_B, "pw-PLAIN-123", "pw-NEW-456", "cs-PLAIN-999", "leak-SECRET-0042"])
      expect(all).not.toContain(s);
    expect(fs.readFileSync(process.env.SPOT_FIXTURE_STORE!, "utf8")).not.toContain("pw-PLAIN-123");
  });
});
