/** Fault injection: status, latency, dropped connection, commit-then-fail; matching, counting and clearing. */
import { withEmulator } from "../support/emulator";
import { call, items } from "./http";

const emu = withEmulator();
const api = (method: string, path: string, body?: unknown, token = emu.token) =>
  call(emu.url, method, path, { token, body });
const accountNames = async () => items(await api("GET", "/setup/account")).map((a) => a.name);

afterEach(async () => {
  await emu.control.clearFaults();
});

test("status: answers Spot's error envelope without running the handler", async () => {
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "status", status: 503 });
  const a = await api("POST", "/setup/account", { account: { name: "never-created" } });
  expect(a.status).toBe(503);
  expect(a.body.response.status).toEqual({ code: 503, message: "Service Unavailable" });
  expect(a.body.response.errors[0].code).toBe("SERVICE_UNAVAILABLE");
  expect(await accountNames()).not.toContain("never-created");
  // times defaults to 1: the next call goes through.
  expect((await api("POST", "/setup/account", { account: { name: "second-try" } })).status).toBe(200);
});

test("status 429: Spot's rate-limit body and headers", async () => {
  await emu.control.injectFault({ method: "GET", path: "/setup/account", kind: "status", status: 429 });
  const a = await api("GET", "/setup/account");
  expect(a.status).toBe(429);
  expect(a.body.response).toEqual({ status: { code: 429, message: "Too Many Requests" }, data: "Rate limit exceeded" });
  expect(a.headers.get("x-ratelimit-remaining")).toBe("0");
  expect(Number(a.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(1);
});

test("latency: delays, then handles normally", async () => {
  await emu.control.injectFault({ method: "GET", path: "/setup/organization/user", kind: "latency", latencyMs: 150 });
  const started = Date.now();
  const a = await api("GET", "/setup/organization/user");
  expect(a.status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(140); // a lower bound only: the delay happened
});

test("drop: the connection is reset without an answer and nothing is stored", async () => {
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "drop" });
  await expect(api("POST", "/setup/account", { account: { name: "dropped" } })).rejects.toThrow(
    /socket hang up|ECONNRESET/,
  );
  expect(await accountNames()).not.toContain("dropped");
});

test("commit-then-fail: the change is stored, the client gets a 5xx", async () => {
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail" });
  const a = await api("POST", "/setup/account", { account: { name: "committed-503" } });
  expect(a.status).toBe(503);
  expect(await accountNames()).toContain("committed-503");
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", status: 500 });
  expect((await api("POST", "/setup/account", { account: { name: "committed-500" } })).status).toBe(500);
  expect(await accountNames()).toContain("committed-500");
});

test("commit-then-fail then drop: stored, and the connection is reset", async () => {
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", then: "drop" });
  await expect(api("POST", "/setup/account", { account: { name: "committed-dropped" } })).rejects.toThrow();
  expect(await accountNames()).toContain("committed-dropped");
  const { list } = { list: items(await api("GET", `/audit/events?fromDate=0&toDate=${Date.now() + 1000}`)) };
  expect(list.find((e) => JSON.parse(e.context).body?.account?.name === "committed-dropped")?.responseStatus).toBe(200);
});

test("matching: template or concrete path, method or *, case-insensitive; organization filter", async () => {
  const acc = items(await api("POST", "/setup/account", { account: { name: "target" } }))[0].id;
  await emu.control.injectFault({ method: "*", path: `/setup/account/${acc}`, kind: "status", status: 500 });
  expect((await api("GET", "/setup/account/act-00000000")).status).toBe(400); // other concrete path
  expect((await api("GET", `/Setup/Account/${acc}`)).status).toBe(500);
  const other = await emu.control.bootstrap({ organizationName: "Untouched" });
  await emu.control.injectFault({
    method: "GET",
    path: "/setup/account/{accountId}",
    kind: "status",
    status: 502,
    organizationId: emu.organizationId,
  });
  expect((await api("GET", `/setup/account/${other.accountId}`, undefined, other.token)).status).toBe(200);
  expect((await api("GET", `/setup/account/${acc}`)).status).toBe(502);
});

test("times, remaining counts, creation order, clearing one or all", async () => {
  const first = await emu.control.injectFault({
    method: "GET",
    path: "/setup/user",
    kind: "status",
    status: 500,
    times: 2,
  });
  const second = await emu.control.injectFault({
    method: "GET",
    path: "/setup/user",
    kind: "status",
    status: 502,
    times: 0,
  });
  expect((await emu.control.faults()).map((f) => [f.id, f.remaining])).toEqual([
    [first, 2],
    [second, null],
  ]);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await api("GET", "/setup/user")).status);
  expect(statuses).toEqual([500, 500, 502, 502]);
  expect((await emu.control.faults()).map((f) => f.id)).toEqual([second]);
  await emu.control.clearFaults(second);
  expect((await api("GET", "/setup/user")).status).toBe(200);
  await emu.control.injectFault({ method: "GET", path: "/setup/user", kind: "status", status: 500, times: 0 });
  await emu.control.clearFaults();
  expect(await emu.control.faults()).toEqual([]);
  expect((await api("GET", "/setup/user")).status).toBe(200);
});

test("bad fault definitions are rejected by the control API", async () => {
  await expect(emu.control.injectFault({ method: "GET", path: "/x", kind: "status" })).rejects.toThrow(
    /needs a status/,
  );
  await expect(emu.control.injectFault({ method: "GET", path: "/x", kind: "explode" as never })).rejects.toThrow(
    /kind must be/,
  );
  await expect(emu.control.injectFault({ method: "GET", path: "/x", kind: "latency" })).rejects.toThrow(/latencyMs/);
  await expect(emu.control.injectFault({ method: "GET", path: "/x", kind: "status", status: 200 })).rejects.toThrow(
    /400 and 599/,
  );
  await expect(emu.control.clearFaults("flt-nope")).rejects.toThrow(/404/);
});
