/**
 * Hostile input: every refusal is Spot's envelope and never a 5xx. One test group per attack class: deep
 * nesting, oversized bodies, mistyped fields, lone UTF-16 surrogates, bad percent-encoding, huge strings, the
 * size of the audit log, malformed HTTP; and a sweep of hostile bodies over every route.
 */
import http from "node:http";
import net from "node:net";
import { allRoutes } from "../../src/emulator/routes";
import { withEmulator } from "../support/emulator";
import { call, errorCode, items, type SpotAnswer } from "./http";

const emu = withEmulator();
const api = (method: string, path: string, body?: unknown) => call(emu.url, method, path, { token: emu.token, body });
const raw = (method: string, path: string, rawBody: string) =>
  call(emu.url, method, path, { token: emu.token, rawBody });

/** Spot's error envelope with this status; returns the first error. */
function refused(a: SpotAnswer, status: number): { code: string; message: string; field?: string } {
  expect({ status: a.status, envelope: a.body?.response?.status }).toEqual({
    status,
    envelope: { code: status, message: http.STATUS_CODES[status] },
  });
  expect(typeof a.body.request.id).toBe("string");
  expect(a.body.response.errors.length).toBeGreaterThan(0);
  return a.body.response.errors[0];
}

async function auditEvents(): Promise<any[]> {
  const a = await api("GET", `/audit/events?fromDate=0&toDate=${Date.now() + 60_000}&responseStatus=all`);
  expect(a.status).toBe(200);
  return items(a);
}

const nested = (depth: number, leaf = '"x"') => "[".repeat(depth) + leaf + "]".repeat(depth);

describe("deeply nested JSON", () => {
  test("is a 400 in the envelope on every method, and the refused write is audited", async () => {
    const body = `{"account":{"name":${nested(100_000)}}}`;
    const post = refused(await raw("POST", "/setup/account", body), 400);
    expect(post).toMatchObject({ code: "ValidationError", field: "body" });
    expect(post.message).toMatch(/nested too deeply/);
    refused(await raw("GET", `/setup/account/${emu.accountId}`, nested(5000)), 400);
    const event = (await auditEvents()).find((e) => e.actionType === "Create Account" && e.responseStatus === 400);
    const context = JSON.parse(event.context);
    expect(context).toMatchObject({ body: {}, truncated: true, originalSize: Buffer.byteLength(body) });
    expect(context.bodyError).toMatch(/nested too deeply/);
  });

  test("ordinary nesting passes the parser", async () => {
    const a = await api("POST", `/notificationCenter/policy?accountId=${emu.accountId}`, {
      privacyLevel: "public",
      computePolicyConfig: {
        events: [{ event: "Scale up failed", type: "ERROR" }],
        dynamicRules: [{ filterConditions: [{ identifier: "tag", operator: "equals", expression: "team" }] }],
      },
    });
    expect(a.status).toBe(200);
  });
});

describe("oversized bodies", () => {
  test("a 6 MB body is answered 413 in the envelope, not with a reset connection, and audited", async () => {
    const body = JSON.stringify({ account: { name: "big" }, pad: "x".repeat(6 * 1024 * 1024) });
    const a = refused(await raw("POST", "/setup/account", body), 413);
    expect(a).toMatchObject({ code: "PAYLOAD_TOO_LARGE", field: "body" });
    const event = (await auditEvents()).find((e) => e.responseStatus === 413);
    expect(JSON.parse(event.context)).toMatchObject({ truncated: true, originalSize: Buffer.byteLength(body) });
    // The connection is still usable.
    expect((await api("GET", "/setup/account")).status).toBe(200);
  });

  test("a declared body far past the limit is answered at once and the connection closed", async () => {
    const answer = await new Promise<{ status: number; body: any; connection?: string }>((resolve, reject) => {
      const req = http.request(
        `${emu.url}/setup/account`,
        {
          method: "POST",
          headers: {
            Authorization: `Bearer ${emu.token}`,
            "Content-Type": "application/json",
            "Content-Length": String(1024 * 1024 * 1024),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString()),
              connection: res.headers.connection,
            }),
          );
        },
      );
      req.on("error", reject);
      req.write("x".repeat(64 * 1024)); // and never the rest
    });
    expect(answer.status).toBe(413);
    expect(answer.body.response.errors[0].code).toBe("PAYLOAD_TOO_LARGE");
    expect(answer.connection).toBe("close");
  });

  test("the control API answers 413 too", async () => {
    const res = await fetch(`${emu.url}/emulator/bootstrap`, {
      method: "POST",
      headers: { Authorization: `Bearer ${emu.adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ organizationName: "x".repeat(6 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error).toMatch(/larger than/);
  });
});

describe("mistyped fields", () => {
  test.each([
    [
      "a number for a name",
      "POST",
      "/setup/account",
      { account: { name: 123 } },
      "body.account.name",
      "must be a string",
    ],
    [
      "a number for a role",
      "POST",
      "/setup/user",
      { firstName: "A", lastName: "B", email: "n1@example.com", role: 7 },
      "body.role",
      "must be a string",
    ],
    [
      "a digit string for a role",
      "POST",
      "/setup/user",
      { firstName: "A", lastName: "B", email: "n2@example.com", role: "7" },
      "body.role",
      "must be one of",
    ],
    [
      "a number for an id",
      "PUT",
      "/setup/user/{self}/userGroupMapping",
      { userGroupIds: [1] },
      "body.userGroupIds[0]",
      "must be a string",
    ],
    [
      "a string for a boolean",
      "POST",
      "/notificationCenter/policy?accountId={account}",
      {
        privacyLevel: "public",
        isActive: "true",
        computePolicyConfig: { events: [{ event: "e", type: "INFO" }], shouldIncludeAllResources: true },
      },
      "body.isActive",
      "must be a boolean",
    ],
    [
      "a boolean for an enum",
      "POST",
      "/setup/access/policy",
      {
        policy: {
          name: "typed",
          policyContent: { statements: [{ effect: true, actions: ["a:b"], resources: ["*"] }] },
        },
      },
      "body.policy.policyContent.statements[0].effect",
      "must be a string",
    ],
    [
      "an object for a string",
      "POST",
      "/setup/user/programmatic",
      { name: { first: "x" }, accounts: [{ id: "{account}", role: "viewer" }] },
      "body.name",
      "must be a string",
    ],
    [
      "a string for an object",
      "POST",
      "/setup/credentials/aws?accountId={account}",
      { credentials: "arn:aws:iam::123456789012:role/x" },
      "body.credentials",
      "must be of type object",
    ],
    [
      "a string for an array",
      "PUT",
      "/setup/user/{self}/policyMapping",
      { policies: "3" },
      "body.policies",
      "must be an array",
    ],
    [
      "a number for a GCP client id",
      "POST",
      "/gcp/setup/credentials/validation?accountId={account}",
      {
        serviceAccount: {
          type: "service_account",
          project_id: "p",
          private_key_id: "k",
          private_key: "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
          client_email: "a@p.iam.gserviceaccount.com",
          client_id: 1234,
        },
      },
      "body.serviceAccount.client_id",
      "must be a string",
    ],
  ])("%s is a ValidationError", async (_what, method, template, body, field, message) => {
    const path = template.replace("{self}", emu.userId).replace("{account}", emu.accountId);
    const sent = JSON.parse(JSON.stringify(body).replace("{account}", emu.accountId));
    const e = refused(await api(method, path, sent), 400);
    expect(e).toMatchObject({ code: "ValidationError", field });
    expect(e.message).toContain(message);
  });

  test("nothing mistyped was stored", async () => {
    const names = items(await api("GET", "/setup/account")).map((a) => a.name);
    expect(names).not.toContain("123");
    const users = items(await api("GET", "/setup/organization/user")).map((u) => u.email);
    expect(users).not.toEqual(expect.arrayContaining(["n1@example.com"]));
    expect(users).not.toEqual(expect.arrayContaining(["n2@example.com"]));
  });
});

describe("lone UTF-16 surrogates", () => {
  test("in a GCP client_email: a ValidationError naming the field, nothing stored", async () => {
    const acc = items(await api("POST", "/setup/account", { account: { name: "surrogate" } }))[0].id;
    const body =
      '{"serviceAccount":{"type":"service_account","project_id":"p","private_key_id":"k",' +
      '"private_key":"-----BEGIN PRIVATE KEY-----\\n-----END PRIVATE KEY-----","client_email":"\\ud800@p.iam.gserviceaccount.com","client_id":"1"}}';
    const e = refused(await raw("POST", `/gcp/setup/credentials?accountId=${acc}`, body), 400);
    expect(e).toMatchObject({ code: "ValidationError", field: "body.serviceAccount.client_email" });
    expect(errorCode(await api("GET", `/gcp/setup/credentials?accountId=${acc}`))).toBe("ServiceAccount_DOESNT_EXIST");
  });

  test("in a key, an array item or a name: refused; a surrogate pair is fine", async () => {
    refused(await raw("POST", "/setup/account", '{"account":{"\\udc00":"x","name":"ok"}}'), 400);
    const e = refused(
      await raw("PUT", `/setup/user/${emu.userId}/userGroupMapping`, '{"userGroupIds":["\\udbff"]}'),
      400,
    );
    expect(e.field).toBe("body.userGroupIds[0]");
    const pair = await raw("POST", "/setup/account", '{"account":{"name":"emoji \\ud83d\\ude00"}}');
    expect(pair.status).toBe(200);
    expect(items(pair)[0].name).toBe("emoji 😀");
  });
});

describe("bad percent-encoding", () => {
  test("in a Spot path: 400 in the envelope", async () => {
    for (const path of ["/setup/account/%E0%A4%A", "/setup/user/%zz", "/setup/account/%ED%A0%80"]) {
      const e = refused(await api("GET", path), 400);
      expect(e).toMatchObject({ code: "ValidationError", field: "path" });
    }
    // In the query string it is just text (no such account).
    expect(errorCode(await api("GET", "/setup/credentials/aws?accountId=%E0%A4%A"))).toBe("Account_DOESNT_EXIST");
  });

  test("on the control API: 400, not 500", async () => {
    const headers = { Authorization: `Bearer ${emu.adminToken}`, "Content-Type": "application/json" };
    const mfa = await fetch(`${emu.url}/emulator/users/%E0%A4%A/mfa`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ mfa: true }),
    });
    expect(mfa.status).toBe(400);
    const fault = await fetch(`${emu.url}/emulator/faults/%zz`, { method: "DELETE", headers });
    expect(fault.status).toBe(400);
  });
});

describe("length limits", () => {
  test("names up to 255 characters, descriptions up to 1024; a 1 MB name is refused", async () => {
    expect((await api("POST", "/setup/account", { account: { name: "a".repeat(255) } })).status).toBe(200);
    const e = refused(await api("POST", "/setup/account", { account: { name: "a".repeat(256) } }), 400);
    expect(e).toEqual({
      code: "ValidationError",
      message: '"name" length must be less than or equal to 255 characters long',
      field: "body.account.name",
    });
    refused(await api("POST", "/setup/account", { account: { name: "a".repeat(1024 * 1024) } }), 400);
    const g = await api("POST", "/setup/access/userGroup", { name: "described", description: "d".repeat(1025) });
    expect(refused(g, 400).field).toBe("body.description");
    const u = await api("POST", "/setup/user", {
      firstName: "A",
      lastName: "B",
      email: `${"e".repeat(250)}@example.com`,
    });
    expect(refused(u, 400).field).toBe("body.email");
    const other = await api("POST", `/setup/credentials/aws?accountId=${emu.accountId}`, {
      credentials: { iamRole: `arn:aws:iam::123456789012:role/${"r".repeat(5000)}` },
    });
    expect(refused(other, 400).field).toBe("body.credentials.iamRole");
  });
});

describe("audit size", () => {
  test("large bodies are cut in the event, which says so; the log stays small", async () => {
    const before = (await auditEvents()).length;
    const pad = "p".repeat(1024 * 1024);
    for (let i = 0; i < 30; i++) {
      const a = await api("POST", "/setup/account", {
        account: { name: `padded-${i}` },
        pad,
        list: Array(500).fill(i),
      });
      expect(a.status).toBe(200);
    }
    const res = await api("GET", `/audit/events?fromDate=0&toDate=${Date.now() + 60_000}&responseStatus=all`);
    const events = items(res).slice(before);
    expect(events).toHaveLength(30);
    for (const e of events) {
      expect(e.context.length).toBeLessThanOrEqual(16 * 1024);
      const context = JSON.parse(e.context);
      expect(context).toMatchObject({ truncated: true, url: "/setup/account" });
      expect(context.originalSize).toBeGreaterThan(1024 * 1024);
      expect(context.body.account).toEqual({ name: expect.stringMatching(/^padded-/) });
      expect(context.body.pad).toMatch(/^p{1024}…\[\+1047552 chars\]$/);
      expect(context.body.list).toHaveLength(101);
    }
    // 30 MB of request bodies; before the bounds the answer carried all of it.
    expect(JSON.stringify(res.body).length).toBeLessThan(1024 * 1024);
  });

  test("small bodies are recorded whole, without a truncation marker", async () => {
    await api("POST", "/setup/account", { account: { name: "small-body" } });
    const event = (await auditEvents()).find((e) => JSON.parse(e.context).body?.account?.name === "small-body");
    expect(JSON.parse(event.context)).toEqual({
      body: { account: { name: "small-body" } },
      url: "/setup/account",
      query: {},
    });
  });
});

describe("malformed HTTP", () => {
  function rawHttp(text: string): Promise<string> {
    const { hostname, port } = new URL(emu.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write(text));
      let got = "";
      socket.on("data", (d) => (got += d.toString()));
      socket.on("end", () => resolve(got));
      socket.on("error", reject);
    });
  }

  test("a request Node cannot parse is answered in the envelope", async () => {
    const answer = await rawHttp("NOT HTTP AT ALL\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(body.response).toMatchObject({ status: { code: 400 }, errors: [{ code: "BAD_REQUEST" }] });
  });

  test("headers over Node's limit: 431 in the envelope", async () => {
    const answer = await rawHttp(`GET /setup/account?x=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(body.response.status.code).toBe(431);
  });
});

describe("every route, hostile bodies", () => {
  const HOSTILE: [string, string][] = [
    ["deep nesting", `{"a":${nested(50_000, "{}")}}`],
    ["lone surrogate", '{"name":"\\ud800","account":{"name":"\\udfff"}}'],
    ["numbers everywhere", '{"name":1,"account":{"name":2},"policy":3,"subscription":4,"serviceAccount":5}'],
    ["arrays for objects", '{"account":[],"policy":[],"credentials":[],"subscription":[],"accountPolicy":[]}'],
    ["null", "null"],
    ["a bare string", '"\\u0000"'],
    ["not JSON", "{]"],
  ];
  const cases = allRoutes.flatMap((r) => HOSTILE.map(([what, body]) => [`${r.method} ${r.path}`, what, body]));

  test.each(cases)("%s with %s: an answer below 500, in the envelope", async (route, _what, body) => {
    const [method, template] = route.split(" ");
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) =>
      name === "accountId" ? emu.accountId : name === "userId" ? emu.userId : "x-00000000",
    );
    const a = await raw(method, `${path}?accountId=${emu.accountId}&fromDate=0&toDate=1`, body);
    expect(a.status).toBeLessThan(500);
    expect(a.body?.response?.status?.code).toBe(a.status);
  });
});
