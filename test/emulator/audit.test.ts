/** Audit recording (every state-changing request, successful or not), redaction of secrets, filters, request log. */
import { withEmulator } from "../support/emulator";
import { call, items } from "./http";

const logLines: string[] = [];
const emu = withEmulator({ log: (line) => logLines.push(line) });
const AGENT = "spot-iac/0.1.0 (test; run=audit-1)";
const api = (method: string, path: string, body?: unknown, token: string | null = emu.token) =>
  call(emu.url, method, path, { token, body, userAgent: AGENT });

const SECRETS = {
  password: "Pa55word-never-logged",
  clientSecret: "azure-secret-never-logged",
  privateKey: "-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n",
  privateKeyId: "privkeyid-never-logged",
  queryToken: "query-token-never-logged",
};

async function events(params: Record<string, string> = {}) {
  const q = new URLSearchParams({ fromDate: "0", toDate: String(Date.now() + 60_000), ...params });
  const a = await api("GET", `/audit/events?${q}`);
  expect(a.status).toBe(200);
  return { list: items(a), raw: JSON.stringify(a.body) };
}

let accountId: string;
let started: number;

beforeAll(async () => {
  started = Date.now();
  accountId = items(await api("POST", "/setup/account", { account: { name: "audited" } }))[0].id;
  await api("POST", "/setup/user?generateToken=true", {
    firstName: "Au",
    lastName: "Dit",
    email: "audit@example.com",
    password: SECRETS.password,
  });
  await api("POST", `/azure/setup/credentials?accountId=${accountId}`, {
    clientId: "c",
    clientSecret: SECRETS.clientSecret,
    tenantId: "t",
    subscriptionId: "sub-1",
    expirationDate: "2031-01-01T00:00:00Z",
  });
  await api("POST", `/gcp/setup/credentials/validation?accountId=${accountId}&token=${SECRETS.queryToken}`, {
    serviceAccount: {
      type: "service_account",
      project_id: "p",
      private_key_id: SECRETS.privateKeyId,
      private_key: SECRETS.privateKey,
      client_email: "sa@p.iam.gserviceaccount.com",
      client_id: "1",
    },
  });
  await api("POST", "/setup/user/programmatic", { name: "bot", accounts: [{ id: accountId, role: "viewer" }] });
  await api("POST", "/setup/account", { account: { name: "" } }); // fails: 400
  await api("GET", "/setup/account");
});

test("state-changing requests are recorded with Spot's fields; reads are not", async () => {
  const { list } = await events({ responseStatus: "all" });
  const create = list.find((e) => e.actionType === "Create Account" && e.responseStatus === 200);
  expect(create).toMatchObject({
    user: "admin@example.com",
    namespace: "GENERAL",
    resourceType: "Account",
    resourceId: accountId,
    source: "API",
    agent: AGENT,
    responseStatus: 200,
  });
  expect(Date.parse(create.createdAt)).toBeGreaterThanOrEqual(started - 1000);
  expect(JSON.parse(create.context)).toEqual({
    body: { account: { name: "audited" } },
    url: "/setup/account",
    query: {},
  });
  expect(list.some((e) => /^(List|Get)/.test(e.actionType))).toBe(false);
  expect(list.filter((e) => e.actionType === "Create Account").map((e) => e.responseStatus)).toEqual([200, 400]);
});

test("secrets are redacted by field name, recursively, and the bearer token is never recorded", async () => {
  const { list, raw } = await events({ responseStatus: "all" });
  for (const secret of [...Object.values(SECRETS), emu.token, "SECRETKEYMATERIAL"]) expect(raw).not.toContain(secret);
  const user = JSON.parse(list.find((e) => e.actionType === "Create User").context);
  expect(user.body.password).toBe("********");
  expect(user.query).toEqual({ generateToken: "true" });
  const gcp = JSON.parse(list.find((e) => e.actionType === "Validate GCP Credentials").context);
  expect(gcp.body.serviceAccount).toMatchObject({
    private_key: "********",
    private_key_id: "********",
    project_id: "p",
  });
  expect(gcp.query).toEqual({ accountId, token: "********" });
  const azure = JSON.parse(list.find((e) => e.actionType === "Set Azure Credentials").context);
  expect(azure.body).toMatchObject({ clientSecret: "********", clientId: "c" });
});

test("responseStatus: success by default (200s only), all on request; invalid values rejected", async () => {
  const success = (await events()).list;
  expect(success.length).toBeGreaterThan(0);
  expect(success.every((e) => e.responseStatus === 200)).toBe(true);
  const all = (await events({ responseStatus: "all" })).list;
  expect(all.some((e) => e.responseStatus === 400)).toBe(true);
  const bad = await api("GET", `/audit/events?fromDate=0&toDate=1&responseStatus=some`);
  expect(bad.body.response.errors[0]).toMatchObject({ code: "ValidationError", field: "query.responseStatus" });
});

test("fromDate/toDate bound the events (epoch milliseconds, inclusive)", async () => {
  const all = (await events({ responseStatus: "all" })).list;
  const t = Date.parse(all[2].createdAt);
  const window = (await events({ responseStatus: "all", fromDate: String(t), toDate: String(t) })).list;
  expect(window.length).toBeGreaterThan(0);
  expect(window.every((e) => Date.parse(e.createdAt) === t)).toBe(true);
  expect((await events({ fromDate: String(Date.now() + 10_000) })).list).toEqual([]);
  const bad = await api("GET", "/audit/events?fromDate=yesterday&toDate=1");
  expect(bad.body.response.errors[0]).toMatchObject({ code: "ValidationError", field: "query.fromDate" });
});

test("accountId narrows to the events of one account", async () => {
  const scoped = (await events({ responseStatus: "all", accountId })).list;
  expect(scoped.length).toBeGreaterThanOrEqual(2);
  expect(scoped.map((e) => e.actionType)).toEqual(expect.arrayContaining(["Create Account", "Set Azure Credentials"]));
  expect(scoped.some((e) => e.actionType === "Create User")).toBe(false);
});

test("forbidden and rate-limited attempts are recorded too", async () => {
  const t = items(
    await api("POST", "/setup/user/programmatic", { name: "weak", accounts: [{ id: accountId, role: "viewer" }] }),
  )[0].token;
  expect((await api("POST", "/setup/account", { account: { name: "nope" } }, t)).status).toBe(403);
  const { list } = await events({ responseStatus: "all" });
  expect(list.find((e) => e.user === "weak" && e.responseStatus === 403)).toMatchObject({
    actionType: "Create Account",
  });
});

test("the request log names method, path and status with secret query values masked", () => {
  const line = logLines.find((l) => l.includes("/gcp/setup/credentials/validation"));
  expect(line).toMatch(/^POST \/gcp\/setup\/credentials\/validation\?accountId=act-[0-9a-f]+&token=\*+ 200 /);
  expect(logLines.join("\n")).not.toContain(SECRETS.queryToken);
  expect(logLines.join("\n")).not.toContain(emu.token);
});
