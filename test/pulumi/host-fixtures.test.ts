/**
 * The Pulumi runtime (src/pulumi/runtime.ts) in the real @pulumi/pulumi dynamic-provider host, over gRPC, with the
 * real kinds against the emulator: Check, Diff, Create, Read, Update and Delete semantics, values unknown in a
 * preview, adopt, secrets, irreversible and forget-only deletes, connections of two organizations, drift logging and
 * partial failures. Two behaviours no real kind has use the fake kinds of fixtures/registry.js (see there why).
 *
 * Each `pulumi up` or `preview` starts a new host process, and a host's client caches Spot's lists for the run:
 * `nextRun()` restarts the host where a test changes Spot behind its back.
 */
import { DEFAULT_RETRY } from "../../src/api/backoff";
import { SpotClient } from "../../src/api";
import { providerFor } from "../../src/pulumi/provider";
import { withEmulator } from "../support/emulator";
import { PulumiHost, serializeProvider, UNKNOWN, type HostError } from "../support/pulumi-host";
import { FIXTURE_REGISTRY, RUNTIME, hashOf, providerText, rejects } from "./env";

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
const RUN_ID = "pulumi-host-fixtures-1";
const SLACK = (c: string) => `https://hooks.slack.com/services/T0/B0/${c}`;
const PASSWORD = "Pulumi-PLAIN-Passw0rd-1";
const ECHOED = "leak-SECRET-0042";

let host: PulumiHost;
/** Organization A as the test sees it (its writes carry another run id than the host's). */
let spot: SpotClient;
/** Organization B: its own token, and a second token of the same user (a rotation). */
let orgB: { token: string; rotated: string; organizationId: string; client: SpotClient };
const text: Record<string, string> = {};
const P = (kind: string) => ({ __provider: text[kind] });
const urnOf = (kind: string, name: string) => host.urn(name, `pulumi-nodejs:dynamic/spot:${kind}`);

async function startHost(): Promise<PulumiHost> {
  const h = await PulumiHost.start({ env: { SPOT_IAC_RUN_ID: RUN_ID, SPOTINST_TOKEN: "", SPOTINST_BASE_URL: "" } });
  const conf = await h.configure({ "spot:token": emu.token, "spot:baseUrl": emu.url });
  expect(conf.acceptSecrets).toBe(false);
  return h;
}

/** What `pulumi up` does next: a new host process (so nothing read before is cached). Keeps the output seen so far. */
const seen: string[] = [];
async function nextRun(): Promise<void> {
  seen.push(host.stdout, host.stderr, JSON.stringify(host.engineLogs));
  await host.close();
  host = await startHost();
}

async function requests(route?: string): Promise<number> {
  const s = await emu.control.stats();
  return route ? (s.requests[route] ?? 0) : s.total;
}

async function accountsNamed(name: string, client = spot): Promise<string[]> {
  client.clearCache();
  return (await client.accounts.list()).filter((a) => a.name === name).map((a) => a.accountId);
}

async function channelsOf(id: string, client = spot): Promise<string[]> {
  const a = (await client.accounts.get(id, { direct: true })) as { slackNotificationChannels?: string[] };
  return [...(a.slackNotificationChannels ?? [])].sort();
}

beforeAll(async () => {
  spot = new SpotClient({ token: emu.token, baseUrl: emu.url, runId: "test-out-of-band", cacheTtlMs: 0 });
  const b = await emu.control.bootstrap({ organizationName: "Org B", adminEmail: "admin-b@example.com" });
  orgB = {
    token: b.token,
    rotated: await emu.control.mintToken(b.userId, b.organizationId),
    organizationId: b.organizationId,
    client: new SpotClient({ token: b.token, baseUrl: emu.url, runId: "test-out-of-band", cacheTtlMs: 0 }),
  };
  for (const kind of ["Account", "User", "ProgrammaticUser", "UserAttachment", "AwsExternalId", "AzureConnection"]) {
    const sf = await serializeProvider(providerFor(kind, { runtime: RUNTIME, registry: "" }));
    expect(sf.containsSecrets).toBe(false);
    text[kind] = sf.text;
  }
  for (const kind of ["Vault", "Echo"]) text[kind] = await providerText(kind, FIXTURE_REGISTRY);
  host = await startHost();
});

afterAll(async () => {
  await host?.close();
});

/** A set's elements in a fixed order (Spot keeps the order it was given; sets are compared unordered). */
const sorted = (v: unknown) => [...((v as string[]) ?? [])].sort();

describe("serialized provider", () => {
  it("is small, names only a module and a kind, and is the same text for every resource of a kind", async () => {
    const t = text.Account;
    expect(t.length).toBeLessThan(4000);
    expect(t).toContain(JSON.stringify(RUNTIME));
    expect(t).toContain('"Account"');
    expect(t).not.toMatch(/SpotClient|checkInputs|token/);
    // A new provider object (a fresh module, as in the next `pulumi up`) serializes byte for byte the same, so
    // the host configures it once and state does not churn.
    let fresh = "";
    await jest.isolateModulesAsync(async () => {
      const { providerFor: again } = require("../../src/pulumi/provider");
      fresh = (await serializeProvider(again("Account", { runtime: RUNTIME, registry: "" }))).text;
    });
    expect(fresh).toBe(t);
    expect(text.User.replace(/"User"/g, '"Account"')).toBe(t);
  });

  it("answers GetPluginInfo with the SDK version", async () => {
    expect(await host.getPluginInfo()).toBe(require("@pulumi/pulumi/package.json").version);
  });
});

describe("Check", () => {
  const urn = () => urnOf("Account", "check");

  it("applies defaults and keeps __provider", async () => {
    const r = await host.check(urn(), {}, { ...P("Account"), name: "alpha" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ __provider: text.Account, name: "alpha", allowDeletion: false });
  });

  it("names every bad field and its fix, without any API call", async () => {
    const before = await requests();
    const r = await host.check(
      urn(),
      {},
      {
        ...P("Account"),
        name: "123",
        slackNotificationChannels: ["http://hooks.slack.com/x"],
        colour: "red",
        accountId: "act-1",
      },
    );
    const by = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
    expect(by).toEqual({
      name: `name must contain at least one letter a-z or A-Z (Spot's rule); got "123"`,
      slackNotificationChannels: expect.stringMatching(
        /^slackNotificationChannels element 0 must be an https:\/\/ Slack incoming-webhook URL/,
      ),
      colour: "colour is not a known field; expected one of name, slackNotificationChannels, allowDeletion",
      accountId: "accountId is an output set by Spot and cannot be given; remove it",
    });
    expect(await requests()).toBe(before);
  });

  it("runs the kind's cross-field check once the schema passes", async () => {
    const r = await host.check(
      urnOf("ProgrammaticUser", "check"),
      {},
      {
        ...P("ProgrammaticUser"),
        name: "ci",
        accounts: [{ accountId: emu.accountId, role: "viewer" }],
        policies: [{ policyId: "pol-1", accountIds: ["*"] }],
      },
    );
    expect(r.failures).toEqual([
      {
        property: "policies",
        reason:
          "policies cannot be given together with accounts: Spot takes one permission model; keep accounts or policies",
      },
    ]);
  });

  it("does not fail on values unknown during a preview, and keeps them unknown", async () => {
    const r = await host.check(
      urnOf("UserAttachment", "check"),
      {},
      { ...P("UserAttachment"), accountId: UNKNOWN, userEmail: UNKNOWN, role: "viewer" },
    );
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ accountId: UNKNOWN, userEmail: UNKNOWN, role: "viewer" });
    // The cross-field check waits until every value is known ("accounts or policies" cannot be decided yet) …
    const pu = await host.check(
      urnOf("ProgrammaticUser", "check"),
      {},
      { ...P("ProgrammaticUser"), name: "ci", accounts: UNKNOWN },
    );
    expect(pu.failures).toEqual([]);
    expect(pu.inputs.accounts).toBe(UNKNOWN);
    // … but a known bad value next to an unknown one still fails.
    const bad = await host.check(
      urnOf("UserAttachment", "check"),
      {},
      { ...P("UserAttachment"), accountId: UNKNOWN, userEmail: UNKNOWN, role: "owner" },
    );
    expect(bad.failures.map((f) => f.property)).toEqual(["role"]);
  });

  it("validates adopt and connection", async () => {
    const r = await host.check(
      urn(),
      {},
      { ...P("Account"), name: "a", __adopt: 7, __connection: { token: "t", baseUrl: "ftp:/x", region: "eu" } },
    );
    const reasons = r.failures.map((f) => f.reason);
    expect(reasons).toContainEqual(
      'adopt must be true (find the existing Account by name) or its id (act-<id> (the account id), e.g. "act-12ab34cd")',
    );
    expect(reasons).toContainEqual("connection.region is not a connection setting; use token, baseUrl, account");
    expect(reasons).toContainEqual("connection.baseUrl must be an http(s) URL such as https://api.spotinst.io");
  });
});

describe("Account lifecycle", () => {
  const urn = () => urnOf("Account", "a1");
  let id = "";
  let outs: Record<string, any> = {};
  const desired = { name: "alpha", slackNotificationChannels: [SLACK("B"), SLACK("A")], allowDeletion: false };

  it("Create returns the id and every output, and announces the run id", async () => {
    const r = await host.create(urn(), { ...P("Account"), ...desired });
    id = r.id;
    outs = r.properties;
    expect(id).toMatch(/^act-/);
    expect(outs).toEqual({
      __provider: text.Account,
      accountId: id,
      name: "alpha",
      organizationId: emu.organizationId,
      createdAt: expect.any(String),
      slackNotificationChannels: expect.any(Array),
      allowDeletion: false,
    });
    expect(sorted(outs.slackNotificationChannels)).toEqual([SLACK("A"), SLACK("B")]);
    expect(await accountsNamed("alpha")).toEqual([id]);
    expect(await channelsOf(id)).toEqual([SLACK("A"), SLACK("B")]);
    expect(host.engineLogs).toContainEqual({
      severity: "info",
      message: `spot-iac run ${RUN_ID}: Spot's audit log attributes this run's changes to it (User-Agent "… run=${RUN_ID}")`,
    });
  });

  it("Diff against the live object: nothing changed (a set's order and the local default are not changes)", async () => {
    const { allowDeletion: _, ...rest } = desired;
    const d = await host.diff(urn(), id, outs, {
      ...P("Account"),
      ...rest,
      slackNotificationChannels: [SLACK("A"), SLACK("B")],
    });
    expect(d).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it("Diff sees a change made outside Pulumi without a refresh, and says which field drifted", async () => {
    await spot.accounts.update(id, { name: "alpha", slackNotificationChannels: [SLACK("A"), SLACK("B"), SLACK("C")] });
    await nextRun();
    const d = await host.diff(urn(), id, outs, { ...P("Account"), ...desired });
    expect(d).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    expect(host.engineLogs).toContainEqual({
      severity: "info",
      message: `Account ${id} was changed outside Pulumi: slackNotificationChannels: ${JSON.stringify([SLACK("A"), SLACK("B")])} → ${JSON.stringify([SLACK("A"), SLACK("B"), SLACK("C")])}`,
    });
  });

  it("Update puts the object back as declared and renames it in place", async () => {
    const r = await host.update(urn(), id, outs, { ...P("Account"), ...desired, name: "alpha2" });
    outs = r.properties;
    expect(outs).toMatchObject({ accountId: id, name: "alpha2" });
    expect(sorted(outs.slackNotificationChannels)).toEqual([SLACK("A"), SLACK("B")]);
    expect(await accountsNamed("alpha2")).toEqual([id]);
    expect(await channelsOf(id)).toEqual([SLACK("A"), SLACK("B")]);
    expect((await host.diff(urn(), id, outs, { ...P("Account"), ...desired, name: "alpha2" })).changes).toBe("none");
  });

  it("Update refuses when Spot changed since the Diff that planned it, and changes nothing", async () => {
    const news = { ...P("Account"), ...desired, name: "alpha3" };
    expect((await host.diff(urn(), id, outs, news)).changes).toBe("some");
    await spot.accounts.update(id, { name: "alpha2", slackNotificationChannels: [SLACK("X")] });
    const e = await rejects(host.update(urn(), id, outs, news));
    expect(e.message).toBe(
      `Account ${id} changed in Spot since the plan (slackNotificationChannels); nothing was changed. ` +
        `Run pulumi up again to plan from the current state`,
    );
    expect(await accountsNamed("alpha2")).toEqual([id]);
    expect(await channelsOf(id)).toEqual([SLACK("X")]);
    // The next run plans from what Spot has now, and puts it back.
    await nextRun();
    expect((await host.diff(urn(), id, outs, { ...P("Account"), ...desired, name: "alpha2" })).changes).toBe("some");
    outs = (await host.update(urn(), id, outs, { ...P("Account"), ...desired, name: "alpha2" })).properties;
    expect(await channelsOf(id)).toEqual([SLACK("A"), SLACK("B")]);
  });

  it("Read refreshes the outputs from Spot", async () => {
    await spot.accounts.update(id, { name: "renamed-outside" });
    await nextRun();
    const r = await host.read(urn(), id, outs);
    expect(r.id).toBe(id);
    expect(r.properties).toMatchObject({ name: "renamed-outside", accountId: id, __provider: text.Account });
    expect(sorted(r.properties.slackNotificationChannels)).toEqual([SLACK("A"), SLACK("B")]);
    outs = r.properties;
  });

  itGet("a Resource.get-style Read (inputs only) reads the whole object", async () => {
    const r = await host.read(urn(), id, {}, { ...P("Account") });
    expect(r.id).toBe(id);
    expect(r.properties).toMatchObject({ name: "renamed-outside", accountId: id });
    expect(sorted(r.properties.slackNotificationChannels)).toEqual([SLACK("A"), SLACK("B")]);
  });

  it("deleted outside Pulumi: Diff plans a re-create, Read reports it gone, Delete is a no-op", async () => {
    await spot.accounts.delete(id);
    await nextRun();
    const d = await host.diff(urn(), id, outs, { ...P("Account"), ...desired });
    expect(d).toEqual({ changes: "some", replaces: ["name"], deleteBeforeReplace: true });
    expect(host.engineLogs).toContainEqual({
      severity: "info",
      message: `Account ${id} no longer exists in Spot (deleted outside Pulumi); it will be created again`,
    });
    expect(await host.read(urn(), id, outs)).toEqual({
      id: "",
      properties: { __provider: text.Account },
      inputs: undefined,
    });
    const deletes = await requests("DELETE /setup/account/{accountId}");
    await host.delete(urn(), id, outs); // allowDeletion is false, but there is nothing left to delete
    expect(await requests("DELETE /setup/account/{accountId}")).toBe(deletes);
  });
});

describe("replace and reject", () => {
  let ci = { id: "", outs: {} as Record<string, any> };
  const ciInputs = () => ({
    ...P("ProgrammaticUser"),
    name: "ci-bot",
    description: "deploys",
    accounts: [{ accountId: emu.accountId, role: "viewer" }],
  });

  it("a programmatic user's token is a secret output returned once, kept by Read", async () => {
    const r = await host.create(urnOf("ProgrammaticUser", "ci"), ciInputs());
    ci = { id: r.id, outs: r.properties };
    expect(r.id).toMatch(/^pu-/);
    expect(typeof r.properties.token).toBe("string");
    expect(r.properties.token).not.toMatch(/^scrypt:/);
    // The token works, and Spot never returns it again: Read keeps the one from state.
    const asCi = new SpotClient({ token: r.properties.token, baseUrl: emu.url });
    expect((await asCi.accounts.list()).map((a) => a.accountId)).toContain(emu.accountId);
    const read = await host.read(urnOf("ProgrammaticUser", "ci"), ci.id, ci.outs);
    expect(read.properties.token).toBe(r.properties.token);
  });

  it("Diff asks for a replacement of replace fields, deleting first when the natural key stays", async () => {
    const u = urnOf("ProgrammaticUser", "ci");
    expect(await host.diff(u, ci.id, ci.outs, { ...ciInputs(), description: "deploys prod" })).toEqual({
      changes: "some",
      replaces: ["description"],
      deleteBeforeReplace: true,
    });
    expect(await host.diff(u, ci.id, ci.outs, { ...ciInputs(), name: "ci-bot-2" })).toEqual({
      changes: "some",
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
  });

  describe("User", () => {
    const urn = () => urnOf("User", "jane");
    let id = "";
    let outs: Record<string, any> = {};
    const desired = { email: "jane.doe@example.com", firstName: "Jane", lastName: "Doe", password: PASSWORD };

    it("Create keeps the password only as a salted hash, in a secret output", async () => {
      const r = await host.create(urn(), { ...P("User"), ...desired });
      id = r.id;
      outs = r.properties;
      expect(outs.password).toEqual(hashOf(PASSWORD));
      expect(JSON.stringify(outs)).not.toContain(PASSWORD);
      expect((await host.diff(urn(), id, outs, { ...P("User"), ...desired })).changes).toBe("none");
    });

    it("Diff refuses a field Spot cannot change, with the hint, and never shows a secret", async () => {
      const e = await rejects(host.diff(urn(), id, outs, { ...P("User"), ...desired, firstName: "Janet" }));
      expect(e.message).toBe(
        `User ${id}: firstName cannot be changed in Spot ("Jane" → "Janet"). Spot has no API to change it: change the ` +
          `name in the Spot console (the user's profile), then update it here to match; or change email to create a new user.`,
      );
      const p = await rejects(host.diff(urn(), id, outs, { ...P("User"), ...desired, password: "Other-Passw0rd-2" }));
      expect(p.message).toMatch(new RegExp(`^User ${id}: password cannot be changed in Spot\\. Spot has no API`));
      expect(p.message).not.toMatch(/Passw0rd/);
    });

    it("Diff lets an unknown value of a reject field through (known only at apply time)", async () => {
      const d = await host.diff(urn(), id, outs, { ...P("User"), ...desired, firstName: UNKNOWN });
      expect(d.changes).toBe("some");
    });

    it("an e-mail change replaces the user (deleting first is not needed: the natural key changes)", async () => {
      const d = await host.diff(urn(), id, outs, { ...P("User"), ...desired, email: "jane@example.org" });
      expect(d).toEqual({ changes: "some", replaces: ["email"], deleteBeforeReplace: false });
      await host.delete(urn(), id, outs);
      expect((await host.read(urn(), id, outs)).id).toBe("");
    });
  });
});

describe("adopt", () => {
  const urn = (n: string) => urnOf("Account", n);

  it("true: takes over the account found by name and applies updatable differences", async () => {
    const made = await spot.accounts.create({ name: "existing" });
    await spot.accounts.update(made.accountId, { name: "existing", slackNotificationChannels: [SLACK("X")] });
    await nextRun(); // a new pulumi up, after the account appeared
    const r = await host.create(urn("adopter"), {
      ...P("Account"),
      name: "existing",
      slackNotificationChannels: [SLACK("Y")],
      allowDeletion: false,
      __adopt: true,
    });
    expect(r.id).toBe(made.accountId);
    expect(r.properties).toMatchObject({ accountId: made.accountId, slackNotificationChannels: [SLACK("Y")] });
    expect(await channelsOf(made.accountId)).toEqual([SLACK("Y")]);
    expect(await accountsNamed("existing")).toEqual([made.accountId]);
    expect(host.engineLogs).toContainEqual({
      severity: "info",
      message: `Account ${made.accountId}: adopted the existing object instead of creating one`,
    });
  });

  it("an id: takes over that account, renaming it in place", async () => {
    const made = await spot.accounts.create({ name: "byid" });
    const r = await host.create(urn("adopter2"), {
      ...P("Account"),
      name: "byid-renamed",
      allowDeletion: false,
      __adopt: made.accountId,
    });
    expect(r.id).toBe(made.accountId);
    expect(await accountsNamed("byid-renamed")).toEqual([made.accountId]);
    expect(await accountsNamed("byid")).toEqual([]);
  });

  it("without adopt, a create that would make a second object says how to take the first over", async () => {
    const [existing] = await accountsNamed("existing");
    const e = await rejects(host.create(urn("dup"), { ...P("Account"), name: "existing", allowDeletion: false }));
    expect(e.message).toBe(
      `Account: an Account named "existing" already exists (${existing}); take it over instead of creating a ` +
        `second one: set adopt: true (finds it by name) or adopt: "${existing}", or choose another name`,
    );
    expect(e.initFailed).toBeUndefined();
    expect(await accountsNamed("existing")).toEqual([existing]);
  });

  it("fails clearly when nothing matches, or when a difference cannot be applied, changing nothing", async () => {
    const before = await requests();
    const stats = await emu.control.stats();
    const e1 = await rejects(
      host.create(urn("a3"), { ...P("Account"), name: "ghost", allowDeletion: false, __adopt: true }),
    );
    expect(e1.message).toBe(
      `Account: no existing Account matches name="ghost"; check adopt (ids look like act-<id> (the account id)), or remove adopt to create it`,
    );
    const e2 = await rejects(
      host.create(urn("a4"), { ...P("Account"), name: "x", allowDeletion: false, __adopt: "act-99999999" }),
    );
    expect(e2.message).toBe(
      `Account: no Account with id "act-99999999" exists in Spot; check adopt (ids look like act-<id> (the account id)), or remove adopt to create it`,
    );
    const e3 = await rejects(
      host.create(urn("a5"), { ...P("Account"), name: "x", allowDeletion: false, __adopt: "prod" }),
    );
    expect(e3.message).toMatch(
      /^Account: import id must be a Spot account id like "act-12ab34cd" \(the account's id, not its name\)/,
    );
    // A User whose declared name differs from the live one: Spot cannot rename users.
    await spot.users.create({ email: "adoptee@example.com", firstName: "Ada", lastName: "Lovelace", role: "viewer" });
    await nextRun();
    const e4 = await rejects(
      host.create(urnOf("User", "adoptee"), {
        ...P("User"),
        email: "adoptee@example.com",
        firstName: "Augusta",
        lastName: "Lovelace",
        __adopt: true,
      }),
    );
    expect(e4.message).toMatch(
      /^User u-\S+ cannot be adopted as declared: firstName differ\(s\) from the live object and cannot be changed in place; declare the live value to adopt it, or remove adopt and choose another email$/,
    );
    expect(e4.initFailed).toBeUndefined();
    const after = await emu.control.stats();
    const newWrites = Object.entries(after.requests).filter(
      ([route, n]) => !route.startsWith("GET ") && n !== (stats.requests[route] ?? 0),
    );
    expect(newWrites.map(([r]) => r)).toEqual(["POST /setup/user"]); // the test's own user
    expect(after.total).toBeGreaterThan(before);
  });

  it("a failed update after taking over is a partial create: Pulumi records the adopted id", async () => {
    const [existing] = await accountsNamed("existing");
    await emu.control.injectFault({
      method: "PUT",
      path: "/setup/account/{accountId}",
      kind: "status",
      status: 500,
      times: 0,
    });
    let e: HostError;
    try {
      e = await rejects(
        host.create(urn("a6"), {
          ...P("Account"),
          name: "existing",
          slackNotificationChannels: [SLACK("Z")],
          allowDeletion: false,
          __adopt: true,
        }),
      );
    } finally {
      await emu.control.clearFaults();
    }
    expect(e.message).toMatch(
      new RegExp(
        `^Account ${existing} was adopted, but bringing it in line with the declaration failed: .*500.*\\. ` +
          `Pulumi keeps it in state, and the next pulumi up finishes it$`,
      ),
    );
    expect(e.initFailed).toEqual({
      id: existing,
      properties: expect.objectContaining({ accountId: existing, name: "existing", __provider: text.Account }),
      reasons: [e.message],
    });
    // What it records is the account as adopted, not the channels it failed to set.
    expect(sorted(e.initFailed!.properties.slackNotificationChannels)).toEqual([SLACK("Y")]);
    expect(await channelsOf(existing)).toEqual([SLACK("Y")]);
  });
});

describe("partial create (Account with Slack channels: POST, then PUT of the channels)", () => {
  const urn = () => urnOf("Account", "half");
  const news = () => ({
    ...P("Account"),
    name: "half-made",
    slackNotificationChannels: [SLACK("H")],
    allowDeletion: false,
  });
  let failure: HostError;

  it("a 500 on the PUT: the host answers a partial create with the account's id and properties", async () => {
    const puts = await requests("PUT /setup/account/{accountId}");
    await emu.control.injectFault({
      method: "PUT",
      path: "/setup/account/{accountId}",
      kind: "status",
      status: 500,
      times: 0,
    });
    try {
      failure = await rejects(host.create(urn(), news()));
    } finally {
      await emu.control.clearFaults();
    }
    // The client retried the PUT as its policy says, then the create reported what exists.
    expect(await requests("PUT /setup/account/{accountId}")).toBe(puts + DEFAULT_RETRY.maxAttempts);
    const [id] = await accountsNamed("half-made");
    expect(failure.message).toMatch(
      new RegExp(
        `^Account ${id} was created, but setting its Slack channels failed: .*500.*\\. ` +
          `Pulumi keeps it in state, and the next pulumi up finishes it$`,
      ),
    );
    expect(failure.initFailed).toEqual({
      id,
      properties: expect.objectContaining({
        __provider: text.Account,
        accountId: id,
        name: "half-made",
        organizationId: emu.organizationId,
        allowDeletion: false,
      }),
      reasons: [failure.message],
    });
    // Not the channels it failed to set: recorded as outputs, they would look like a change made outside Pulumi.
    expect(failure.initFailed!.properties).not.toHaveProperty("slackNotificationChannels");
    expect(await accountsNamed("half-made")).toEqual([id]);
    expect(await channelsOf(id)).toEqual([]);
  });

  it("what is recorded is enough for the engine's next calls: a refresh reads it, a destroy reaches the provider", async () => {
    const { id, properties } = failure.initFailed!;
    const r = await host.read(urn(), id, properties);
    expect(r.id).toBe(id);
    expect(r.properties).toMatchObject({ accountId: id, name: "half-made", __provider: text.Account });
    const e = await rejects(host.delete(urn(), id, properties));
    expect(e.message).toMatch(
      new RegExp(`^Account ${id}: the change deletes it, and deleting an? Account cannot be undone`),
    );
  });

  it("the next pulumi up updates that same account (no second one), and then nothing is left to do", async () => {
    await nextRun();
    const { id, properties: olds } = failure.initFailed!;
    const checked = await host.check(urn(), news(), news());
    expect(checked.failures).toEqual([]);
    expect(await host.diff(urn(), id, olds, checked.inputs)).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    // Spot never had the channels: that is not a change made outside Pulumi.
    expect(host.engineLogs.filter((l) => /outside Pulumi/.test(l.message))).toEqual([]);
    const u = await host.update(urn(), id, olds, checked.inputs);
    expect(u.properties).toMatchObject({ accountId: id, name: "half-made", slackNotificationChannels: [SLACK("H")] });
    expect(await accountsNamed("half-made")).toEqual([id]);
    expect(await channelsOf(id)).toEqual([SLACK("H")]);
    expect((await host.diff(urn(), id, u.properties, checked.inputs)).changes).toBe("none");
  });
});

describe("irreversible deletes", () => {
  let id = "";
  let outs: Record<string, any> = {};
  const urn = () => urnOf("Account", "keep");

  it("refuses to delete an Account without allowDeletion in state, before any deleting call", async () => {
    const r = await host.create(urn(), { ...P("Account"), name: "keep", allowDeletion: false });
    id = r.id;
    outs = r.properties;
    const deletes = await requests("DELETE /setup/account/{accountId}");
    const e = await rejects(host.delete(urn(), id, outs));
    expect(e.message).toMatch(
      new RegExp(
        `^Account ${id}: the change deletes it, and deleting an? Account cannot be undone; allowDeletion must be true .*` +
          `To allow it, first set allowDeletion: true and run pulumi up \\(it is recorded in state\\), then make this change; ` +
          `to stop managing it and keep it, use the retainOnDelete resource option or pulumi state delete$`,
      ),
    );
    expect(await requests("DELETE /setup/account/{accountId}")).toBe(deletes);
    expect(await accountsNamed("keep")).toEqual([id]);
  });

  it("allowDeletion is a local setting: changing it updates state without an API call, then delete works", async () => {
    const news = { ...P("Account"), name: "keep", allowDeletion: true };
    expect(await host.diff(urn(), id, outs, news)).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const writes = await requests("PUT /setup/account/{accountId}");
    const r = await host.update(urn(), id, outs, news);
    expect(r.properties.allowDeletion).toBe(true);
    expect(await requests("PUT /setup/account/{accountId}")).toBe(writes);
    await host.delete(urn(), id, r.properties);
    expect(await accountsNamed("keep")).toEqual([]);
  });

  it("a replacement (which deletes) is refused without allowDeletion, allowed with it (fixture kind Vault)", async () => {
    const u = urnOf("Vault", "vault");
    const made = await host.create(u, { ...P("Vault"), name: "records", allowDeletion: false });
    const e = await rejects(
      host.diff(u, made.id, made.properties, { ...P("Vault"), name: "archive", allowDeletion: false }),
    );
    expect(e.message).toMatch(
      new RegExp(
        `^Vault ${made.id}: changing name replaces it, which deletes it, and deleting an? Vault cannot be undone`,
      ),
    );
    expect(e.message).toMatch(/or keep name as it is$/);
    const d = await host.diff(u, made.id, made.properties, { ...P("Vault"), name: "archive", allowDeletion: true });
    expect(d).toEqual({ changes: "some", replaces: ["name"], deleteBeforeReplace: false });
    expect(await accountsNamed("records")).toEqual([made.id]);
    const r = await host.update(u, made.id, made.properties, { ...P("Vault"), name: "records", allowDeletion: true });
    await host.delete(u, made.id, r.properties);
    expect(await accountsNamed("records")).toEqual([]);
  });
});

describe("forget-only deletes", () => {
  it("an AWS external id: delete warns through the engine log and leaves it in Spot", async () => {
    const acct = await spot.accounts.create({ name: "aws-forget" });
    const u = urnOf("AwsExternalId", "ext");
    const r = await host.create(u, { ...P("AwsExternalId"), accountId: acct.accountId });
    expect(r.id).toBe(acct.accountId);
    expect(r.properties.externalId).toEqual(expect.any(String));
    host.engineLogs.length = 0;
    await host.delete(u, r.id, r.properties);
    expect(host.engineLogs).toEqual([
      {
        severity: "warning",
        message: expect.stringMatching(
          new RegExp(
            `^AwsExternalId ${acct.accountId}: AWS external id of account ${acct.accountId} forgotten, not deleted`,
          ),
        ),
      },
    ]);
    expect((await spot.credentials.getAwsExternalId(acct.accountId)).externalId).toBe(r.properties.externalId);
  });
});

describe("connections (several organizations)", () => {
  it("a resource's own connection wins over the stack configuration, and is kept as an output for delete", async () => {
    const conn = { token: orgB.token, baseUrl: emu.url };
    const u = urnOf("Account", "in-b");
    const inputs = { ...P("Account"), name: "in-b", allowDeletion: true, __connection: conn };
    const r = await host.create(u, inputs);
    expect(await accountsNamed("in-b", orgB.client)).toEqual([r.id]);
    expect(await accountsNamed("in-b")).toEqual([]);
    expect(r.properties).toMatchObject({ organizationId: orgB.organizationId, __connection: conn });

    // A rotated token (same organization, another URL form) is an update without an API write, so that delete
    // and refresh, which only get outputs, use it.
    const rotated = { token: orgB.rotated, baseUrl: emu.url.replace("127.0.0.1", "localhost") };
    const news = { ...inputs, __connection: rotated };
    expect(await host.diff(u, r.id, r.properties, news)).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const before = await emu.control.stats();
    const up = await host.update(u, r.id, r.properties, news);
    expect(up.properties.__connection).toEqual(rotated);
    const after = await emu.control.stats();
    expect(after.requests["PUT /setup/account/{accountId}"]).toBe(before.requests["PUT /setup/account/{accountId}"]);
    await host.delete(u, r.id, up.properties);
    expect(await accountsNamed("in-b", orgB.client)).toEqual([]);
  });

  it("a bad token fails with a message that does not contain it", async () => {
    const e = await rejects(
      host.create(urnOf("Account", "wx"), {
        ...P("Account"),
        name: "x",
        allowDeletion: false,
        __connection: { token: "tok-WRONG-123" },
      }),
    );
    expect(e.message).toMatch(/^Account: .*401.*check spot:token/);
    expect(e.message).not.toContain("tok-WRONG-123");
  });
});

describe("secret memory", () => {
  const AZ = {
    clientId: "11111111-2222-3333-4444-555555555555",
    tenantId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    subscriptionId: "99999999-8888-7777-6666-555555555555",
    expirationDate: "2031-12-31T23:59:00Z",
  };

  it("adopting sends a declared secret once (Spot never returns it, nothing to compare), then compares by hash", async () => {
    const acct = await spot.accounts.create({ name: "azure-adopt" });
    await spot.credentials.setAzure(acct.accountId, { ...AZ, clientSecret: "az-OUTSIDE-SECRET-1" });
    await nextRun();
    const u = urnOf("AzureConnection", "az");
    const inputs = { ...P("AzureConnection"), accountId: acct.accountId, ...AZ, clientSecret: "az-DECLARED-SECRET-2" };
    const posts = await requests("POST /azure/setup/credentials");
    const r = await host.create(u, { ...inputs, __adopt: true });
    expect(r.id).toBe(acct.accountId);
    expect(await requests("POST /azure/setup/credentials")).toBe(posts + 1);
    expect(r.properties.clientSecret).toEqual(hashOf("az-DECLARED-SECRET-2"));
    // Remembered in the (secret) outputs: the same secret is no change, another one is.
    expect((await host.diff(u, r.id, r.properties, inputs)).changes).toBe("none");
    const d = await host.diff(u, r.id, r.properties, { ...inputs, clientSecret: "az-ROTATED-SECRET-3" });
    expect(d).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    const up = await host.update(u, r.id, r.properties, { ...inputs, clientSecret: "az-ROTATED-SECRET-3" });
    expect(up.properties.clientSecret).toEqual(hashOf("az-ROTATED-SECRET-3"));
    expect(await requests("POST /azure/setup/credentials")).toBe(posts + 2);
  });
});

describe("nothing secret leaks", () => {
  it("a secret echoed in an error message is masked (fixture kind Echo)", async () => {
    const e = await rejects(host.create(urnOf("Echo", "e"), { ...P("Echo"), label: "gcp", clientSecret: ECHOED }));
    expect(e.message).toBe("Echo: 400 invalid client secret [REDACTED] for gcp");
  });

  it("host output and engine logs hold no token or password", () => {
    const all = [...seen, host.stdout, host.stderr, JSON.stringify(host.engineLogs), ...Object.values(text)].join("\n");
    const azure = ["az-OUTSIDE-SECRET-1", "az-DECLARED-SECRET-2", "az-ROTATED-SECRET-3"];
    for (const s of [
      emu.token,
      orgB.token,
      orgB.rotated,
      PASSWORD,
      "Other-Passw0rd-2",
      ECHOED,
      "tok-WRONG-123",
      ...azure,
    ])
      expect(all).not.toContain(s);
  });

  it("every change the host made is in Spot's audit log under its run id, from the pulumi front-end", async () => {
    const events = await spot.auditTrail(RUN_ID, { from: Date.now() - 3_600_000 });
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) expect(e.agent).toMatch(new RegExp(`^spot-iac/\\S+ \\(pulumi; run=${RUN_ID}\\)$`));
    const theirs = await spot.auditTrail("test-out-of-band", { from: Date.now() - 3_600_000 });
    expect(theirs.length).toBeGreaterThan(0);
    for (const e of theirs) expect(e.agent).toContain("(sdk; run=test-out-of-band)");
  });
});
