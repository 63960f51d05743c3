/**
 * The client against the real emulator over HTTP, with injected faults (issue 3's list): 429 then success,
 * 503 ×3 then success, dropped connections, commit-then-fail on account create, not-found mapping per entity,
 * configuration order, redaction, coalescing, audit attribution, and the area modules end to end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  AuthenticationError,
  isNotFound,
  NetworkError,
  NotFoundError,
  ServerError,
  SpotClient,
  VERSION_FOR_TESTS,
  type Account,
  type ClientOptions,
} from "./support/client-under-test";
import { withEmulator } from "../support/emulator";

const emu = withEmulator();
const lines: string[] = [];
const errors: string[] = [];
let seq = 0;

function client(extra: ClientOptions = {}): SpotClient {
  return new SpotClient({
    token: emu.token,
    baseUrl: emu.url,
    frontend: "sdk",
    runId: `emu-run-${++seq}`,
    retry: { baseDelayMs: 5, maxDelayMs: 3_000, maxElapsedMs: 20_000, maxAttempts: 5 },
    logger: (l) => lines.push(l),
    ...extra,
  });
}

async function failure<T>(p: Promise<T>): Promise<any> {
  try {
    await p;
  } catch (e) {
    errors.push(String((e as Error).message));
    return e;
  }
  throw new Error("expected a failure");
}

const unique = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

beforeEach(async () => {
  await emu.control.clearFaults();
});
// SPOT_IAC_TEST_LOG=<file> keeps the captured request log for reading.
afterAll(() => {
  if (process.env.SPOT_IAC_TEST_LOG)
    fs.writeFileSync(process.env.SPOT_IAC_TEST_LOG, [...lines, "--- errors", ...errors].join("\n"));
});

describe("faults", () => {
  test("429 then success: the client waits X-RateLimit-Reset, then succeeds", async () => {
    await emu.control.injectFault({ method: "GET", path: "/setup/account", kind: "status", status: 429 });
    const c = client();
    const from = lines.length;
    const t0 = Date.now();
    const list = await c.accounts.list();
    expect(list.some((a) => a.accountId === emu.accountId)).toBe(true);
    expect(c.counters.rateLimited).toBe(1);
    expect(c.counters.retries).toBe(1);
    const log = lines.slice(from).join("\n");
    // The emulator's injected 429 says X-RateLimit-Reset: 1 (second).
    expect(log).toMatch(/GET \/setup\/account 429 .*retry in (\d+)ms \(429, server asked 1000ms\)/);
    expect(Number(/retry in (\d+)ms/.exec(log)![1])).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
  });

  test("503 three times then success", async () => {
    await emu.control.injectFault({
      method: "GET",
      path: "/setup/organization/user",
      kind: "status",
      status: 503,
      times: 3,
    });
    await emu.control.resetStats();
    const c = client();
    const users = await c.users.listOrganization();
    expect(users.some((u) => u.userId === emu.userId)).toBe(true);
    expect(c.counters.retries).toBe(3);
    expect((await emu.control.stats()).requests["GET /setup/organization/user"]).toBe(4);
  });

  test("dropped connection: a read is retried; a create without findExisting is not re-sent", async () => {
    await emu.control.injectFault({ method: "GET", path: "/setup/access/userGroup", kind: "drop" });
    const c = client();
    await expect(c.access.userGroups.list()).resolves.toBeInstanceOf(Array);
    expect(c.counters.retries).toBe(1);

    const name = unique("dropped");
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "drop" });
    await emu.control.resetStats();
    const err = await failure(c.accounts.create({ name }));
    expect(err).toBeInstanceOf(NetworkError);
    expect((await emu.control.stats()).requests["POST /setup/account"]).toBe(1);
  });

  test.each([
    ["503 after commit", { status: 503 }],
    ["drop after commit", { then: "drop" as const }],
  ])("commit-then-fail on account create (%s): exactly one account exists afterwards", async (_, how) => {
    const c = client();
    const name = unique("ctf");
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", ...how });
    const acct = await c.accounts.create(
      { name },
      { findExisting: async () => (await c.accounts.findByName(name))[0] },
    );
    expect(acct.name).toBe(name);
    expect(c.counters.recovered).toBe(1);
    const fresh = client();
    const same = (await fresh.accounts.list()).filter((a) => a.name === name);
    expect(same).toHaveLength(1);
    expect(same[0].accountId).toBe(acct.accountId);
  });

  test("commit-then-fail without findExisting: an error, and still never a duplicate", async () => {
    const c = client();
    const name = unique("ctf-nofind");
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", status: 500 });
    const err = await failure(c.accounts.create({ name }));
    expect(err).toBeInstanceOf(ServerError);
    expect((await client().accounts.findByName(name)).length).toBe(1);
  });

  test("commit-then-fail on DELETE: the retry's not-found means done", async () => {
    const c = client();
    const acct = await c.accounts.create({ name: unique("del") });
    await emu.control.injectFault({ method: "DELETE", path: "/setup/account/{accountId}", kind: "commit-then-fail" });
    await expect(c.accounts.delete(acct.accountId)).resolves.toBeUndefined();
    expect(c.counters.requests["DELETE /setup/account/{accountId}"]).toBe(2);
    await expect(client().accounts.get(acct.accountId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("not-found mapping for each entity", () => {
  const c = () => client();
  const cases: [string, () => Promise<unknown>][] = [
    ["account (from the list)", () => c().accounts.get("act-0dead0be")],
    ["account (GET one)", () => c().accounts.get("act-0dead0be", { direct: true })],
    ["account update", () => c().accounts.update("act-0dead0be", { name: "x name" })],
    ["account delete", () => c().accounts.delete("act-0dead0be")],
    ["AWS external id of a missing account", () => c().credentials.getAwsExternalId("act-0dead0be")],
    ["AWS credentials of a missing account", () => c().credentials.getAws("act-0dead0be")],
    ["Azure credentials of a missing account", () => c().credentials.getAzure("act-0dead0be")],
    ["GCP credentials of a missing account", () => c().credentials.getGcp("act-0dead0be")],
    ["AWS credentials never set", () => c().credentials.getAws(emu.accountId)],
    ["GCP credentials never set", () => c().credentials.getGcp(emu.accountId)],
    ["user (from the list)", () => c().users.get("u-0dead0be")],
    ["user (GET one)", () => c().users.get("u-0dead0be", { direct: true })],
    ["programmatic user (GET one)", () => c().users.get("pu-0dead0be", { direct: true })],
    ["user delete", () => c().users.delete("u-0dead0be")],
    ["user policy mapping", () => c().users.setPolicyMapping("u-0dead0be", [])],
    ["user group (from the list)", () => c().access.userGroups.get("ugr-0dead0be")],
    ["user group (GET one)", () => c().access.userGroups.get("ugr-0dead0be", { direct: true })],
    ["user group delete", () => c().access.userGroups.delete("ugr-0dead0be")],
    ["access policy (from the list)", () => c().access.policies.get("pol-0dead0be")],
    ["access policy update", () => c().access.policies.update("pol-0dead0be", { name: "x" })],
    ["access policy delete", () => c().access.policies.delete("pol-0dead0be")],
    ["notification policy", () => c().notifications.get("snp-0dead0be", { accountId: emu.accountId })],
    ["notification policy delete", () => c().notifications.delete("snp-0dead0be", { accountId: emu.accountId })],
    ["legacy subscription", () => c().notifications.getSubscription("sis-0dead0be", { accountId: emu.accountId })],
    ["account-user detach of a stranger", () => c().accounts.detachUser(emu.accountId, "nobody@nowhere.example")],
  ];
  test.each(cases)("%s → NotFoundError", async (_, call) => {
    const err = await failure(call());
    expect(err).toBeInstanceOf(NotFoundError);
    expect(isNotFound(err)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
  });
});

describe("configuration order over real HTTP", () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-iac-cfg-"));
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("file < env < explicit: each level overrides the one below it", async () => {
    const file = path.join(dir, "credentials");
    fs.writeFileSync(
      file,
      `[default]\ntoken = wrong-file-token-0000\n\n[emu]\ntoken = ${emu.token}\naccount = ${emu.accountId}\n`,
    );
    delete process.env.SPOTINST_TOKEN;
    delete process.env.SPOTINST_ACCOUNT;
    process.env.SPOTINST_BASE_URL = emu.url;
    process.env.SPOTINST_CREDENTIALS_FILE = file;

    // File only: the default profile's token is wrong, the "emu" profile's is right.
    expect(await failure(new SpotClient().accounts.list())).toBeInstanceOf(AuthenticationError);
    process.env.SPOTINST_CREDENTIALS_PROFILE = "emu";
    const fromFile = new SpotClient();
    expect(fromFile.account).toBe(emu.accountId);
    expect(fromFile.baseUrl).toBe(emu.url);
    await expect(fromFile.accounts.list()).resolves.not.toHaveLength(0);

    // Env beats the file.
    process.env.SPOTINST_TOKEN = "wrong-env-token-1111";
    const fromEnv = new SpotClient();
    expect(fromEnv.tokenSource).toBe("env SPOTINST_TOKEN");
    const err = await failure(fromEnv.accounts.list());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain("SPOTINST_TOKEN");
    expect(err.message).not.toContain("wrong-env-token-1111");

    // Explicit beats env.
    await expect(new SpotClient({ token: emu.token }).accounts.list()).resolves.not.toHaveLength(0);
  });
});

describe("coalescing and counters", () => {
  test("N concurrent reads of N accounts → one list call", async () => {
    const setup = client();
    const created: Account[] = [];
    for (let i = 0; i < 6; i++) created.push(await setup.accounts.create({ name: unique(`co${i}`) }));
    await emu.control.resetStats();
    const c = client();
    const got = await Promise.all(created.map((a) => c.accounts.get(a.accountId)));
    expect(got.map((a) => a.name)).toEqual(created.map((a) => a.name));
    expect((await emu.control.stats()).requests["GET /setup/account"]).toBe(1);
    expect(c.counters.requests).toEqual({ "GET /setup/account": 1 });
    expect(c.counters.coalesced).toBe(5);
  });

  test("N concurrent reads of N users → one list call plus one detail call each", async () => {
    const setup = client();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (
          await setup.users.create({
            firstName: "Co",
            lastName: `User${i}`,
            email: `${unique("co")}@example.com`,
            role: "viewer",
          })
        ).userId,
      );
    }
    await emu.control.resetStats();
    const c = client();
    const got = await Promise.all(ids.map((id) => c.users.get(id)));
    expect(got.map((u) => u.userId)).toEqual(ids);
    const stats = (await emu.control.stats()).requests;
    expect(stats["GET /setup/organization/user"]).toBe(1);
    expect(stats["GET /setup/user/{userId}"]).toBe(3);
  });
});

describe("attribution", () => {
  test("every request carries the User-Agent; auditTrail returns exactly this run's events", async () => {
    const from = Date.now() - 1000;
    const mine = client({ runId: unique("audit-mine"), frontend: "cli" });
    const other = client({ runId: unique("audit-other") });
    const a = await mine.accounts.create({ name: unique("aud") });
    await mine.accounts.update(a.accountId, { name: "audited rename" });
    await other.accounts.create({ name: unique("aud-other") });
    await failure(mine.accounts.delete("act-0dead0be"));
    await mine.accounts.delete(a.accountId);
    const trail = await mine.auditTrail(mine.runId, { from });
    expect(trail.length).toBe(4);
    for (const e of trail) expect(e.agent).toBe(`spot-iac/${VERSION_FOR_TESTS} (cli; run=${mine.runId})`);
    expect(trail.map((e) => e.responseStatus)).toEqual([200, 200, 400, 200]);
    const otherTrail = await other.auditTrail(other.runId, { from });
    expect(otherTrail).toHaveLength(1);
  });
});

describe("redaction", () => {
  test("the token, client secrets, private keys, passwords and returned tokens never reach logs or errors", async () => {
    const c = client();
    const start = lines.length;
    const startErr = errors.length;
    const azureSecret = "AzUr3-cl1ent-s3cret-" + Math.random().toString(36).slice(2);
    const privateKey = `-----BEGIN PRIVATE KEY-----\nMIIEv${Math.random().toString(36).slice(2)}QIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n`;
    const privateKeyId = "pkid-" + Math.random().toString(36).slice(2);
    const password = "Pa55word!" + Math.random().toString(36).slice(2);

    const az = await c.accounts.create({ name: unique("azure") });
    await c.credentials.setAzure(az.accountId, {
      clientId: "11111111-2222-3333-4444-555555555555",
      clientSecret: azureSecret,
      tenantId: "66666666-7777-8888-9999-000000000000",
      subscriptionId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      expirationDate: "2030-12-31T23:59:00.000Z",
    });
    const azRead = await c.credentials.getAzure(az.accountId);
    expect(azRead.clientId).toBe("11111111-2222-3333-4444-555555555555");
    // A bad date: Spot's answer may echo input; the secret must still not surface.
    await failure(
      c.credentials.setAzure(az.accountId, {
        clientId: "x",
        clientSecret: azureSecret,
        tenantId: "y",
        subscriptionId: "z",
        expirationDate: "not-a-date",
      }),
    );
    const gcp = await c.accounts.create({ name: unique("gcp") });
    const sa = {
      type: "service_account",
      project_id: "demo-project-1",
      private_key_id: privateKeyId,
      private_key: privateKey,
      client_email: "sa@demo-project-1.iam.gserviceaccount.com",
      client_id: "123456789",
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: "https://oauth2.googleapis.com/token",
      auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
      client_x509_cert_url: "https://www.googleapis.com/robot/v1/metadata/x509/sa",
    };
    await c.credentials.setGcp(gcp.accountId, sa);
    expect((await c.credentials.getGcp(gcp.accountId)).project_id).toBe("demo-project-1");
    const user = await c.users.create(
      { firstName: "Red", lastName: "Acted", email: `${unique("red")}@example.com`, password, role: "viewer" },
      { generateToken: true },
    );
    const pu = await c.users.createProgrammatic({
      name: unique("bot"),
      accounts: [{ id: emu.accountId, role: "viewer" }],
    });
    expect(pu.token).toBeTruthy();
    // Errors that mention the user's token source and a failing call.
    await failure(
      new SpotClient({
        token: "bad-token-" + emu.token.slice(0, 4),
        baseUrl: emu.url,
        logger: (l) => lines.push(l),
      }).accounts.list(),
    );
    await failure(c.users.create({ firstName: "Dup", lastName: "Licate", email: "not-an-email", password }));

    const captured = [...lines.slice(start), ...errors.slice(startErr)].join("\n");
    expect(captured.length).toBeGreaterThan(0);
    expect(lines.slice(start).some((l) => l.includes("/azure/setup/credentials"))).toBe(true);
    expect(lines.slice(start).some((l) => l.includes("[REDACTED]"))).toBe(true);
    for (const secret of [
      emu.token,
      azureSecret,
      privateKey.split("\n")[1],
      privateKeyId,
      password,
      pu.token!,
      user.personalAccessToken,
    ]) {
      if (secret) expect(captured).not.toContain(secret);
    }
  });
});

describe("the areas end to end (client ↔ emulator wire agreement)", () => {
  test("users, groups, policies, mappings, attachments, notification policies", async () => {
    const c = client({ account: emu.accountId });
    const acct = await c.accounts.create({ name: unique("e2e") });
    const ext = await c.credentials.createAwsExternalId(acct.accountId);
    expect(ext.externalId).toBeTruthy();
    expect((await c.credentials.getAwsExternalId(acct.accountId)).externalId).toBe(ext.externalId);
    await c.credentials.setAws(acct.accountId, { iamRole: "arn:aws:iam::123456789012:role/SpotRole" });
    expect(await c.credentials.getAws(acct.accountId)).toMatchObject({
      iamRole: "arn:aws:iam::123456789012:role/SpotRole",
    });
    expect((await c.accounts.get(acct.accountId)).providerExternalId).toBe("123456789012");

    const email = `${unique("e2e")}@example.com`;
    const u = await c.users.create({ firstName: "End", lastName: "ToEnd", email, role: "viewer" });
    expect(u.userId).toMatch(/^u-/);
    await c.accounts.attachUser(acct.accountId, { userEmail: email, role: "editor" });
    expect(await c.users.accountMappings(email)).toEqual(
      expect.arrayContaining([expect.objectContaining({ accountId: acct.accountId, role: "editor" })]),
    );
    await c.accounts.updateUser(acct.accountId, { userEmail: email, role: "viewer" });
    expect((await c.users.list({ accountId: acct.accountId })).map((x) => x.userId)).toContain(u.userId);
    await c.accounts.detachUser(acct.accountId, email);
    expect((await c.users.accountMappings(email)).map((m) => m.accountId)).not.toContain(acct.accountId);

    const pol = await c.access.policies.create({
      name: unique("pol"),
      description: "e2e",
      policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }] },
    });
    expect(pol.id).toMatch(/^pol-/);
    expect((await c.access.policies.get(pol.id)).name).toBe(pol.name);
    await c.access.policies.update(pol.id, {
      name: pol.name,
      description: "changed",
      policyContent: pol.policyContent,
    });
    expect((await c.access.policies.get(pol.id)).description).toBe("changed");
    expect((await c.access.policies.actions()).length).toBeGreaterThan(0);

    const grp = await c.access.userGroups.create({
      name: unique("grp"),
      description: "e2e group",
      userIds: [u.userId],
    });
    expect(grp.id).toMatch(/^ugr-/);
    await c.access.userGroups.setPolicies(grp.id, [{ policyId: pol.id, accountIds: [acct.accountId] }]);
    const details = await c.access.userGroups.get(grp.id);
    expect(details.users?.map((x) => x.userId)).toEqual([u.userId]);
    expect(details.policies?.map((p) => p.policyId)).toEqual([pol.id]);
    await c.users.setPolicyMapping(u.userId, [{ policyId: pol.id, accountIds: ["*"] }]);
    await c.users.setUserGroupMapping(u.userId, []);
    const ud = await c.users.get(u.userId);
    expect(ud.policies?.map((p) => p.policyId)).toContain(pol.id);
    expect(ud.groups ?? []).toHaveLength(0);

    const snp = await c.notifications.create({
      name: unique("snp"),
      privacyLevel: "public",
      subscriptions: [{ type: "email", endpoint: "ops@example.com" }],
      computePolicyConfig: {
        events: [{ event: "Maximum capacity reached", type: "WARN" }],
        shouldIncludeAllResources: true,
      },
    });
    expect(snp.id).toMatch(/^snp-/);
    expect((await c.notifications.get(snp.id)).name).toBe(snp.name);
    await c.notifications.update(snp.id, { description: "now described" });
    expect((await c.notifications.get(snp.id)).description).toBe("now described");
    await c.notifications.delete(snp.id);

    await c.access.userGroups.delete(grp.id);
    await c.users.delete(u.userId);
    await c.access.policies.delete(pol.id);
    await c.accounts.delete(acct.accountId);
    await expect(c.users.get(u.userId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.access.policies.get(pol.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.accounts.get(acct.accountId)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("organizations: create and delete; current() from the account list", async () => {
    const c = client();
    expect((await c.organizations.current()).organizationId).toBe(String(emu.organizationId));
    expect(c.organizationHint).toBe(String(emu.organizationId));
    const org = await c.organizations.create({ name: unique("child org") });
    expect(org.organizationId).toMatch(/^\d+$/);
    await c.organizations.delete(org.organizationId);
  });
});
