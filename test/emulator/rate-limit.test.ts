/** Rate limits: headers on every answer, 429 with Spot's documented body, per (organization, route, method) windows. */
import { RateLimiter } from "../../src/emulator/rate-limit";
import { withEmulator } from "../support/emulator";
import { call, items } from "./http";

const emu = withEmulator();
const get = (path: string, token: string | null = emu.token) => call(emu.url, "GET", path, { token });

function rateHeaders(h: Headers) {
  return {
    limit: Number(h.get("x-ratelimit-limit")),
    remaining: Number(h.get("x-ratelimit-remaining")),
    reset: Number(h.get("x-ratelimit-reset")),
  };
}

afterEach(async () => {
  await emu.control.setRateLimits({ defaultPerMinute: 6000, routes: [] });
});

test("every answer carries X-RateLimit-Limit/Remaining/Reset (200, 400, 401, 404)", async () => {
  for (const a of [
    await get("/setup/account"),
    await get("/setup/account/act-00000000"),
    await get("/setup/account", null),
    await get("/no/such/route"),
  ]) {
    for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) {
      expect(a.headers.get(h)).toMatch(/^\d+$/);
    }
  }
  const first = rateHeaders((await get("/setup/organization/user")).headers);
  const second = rateHeaders((await get("/setup/organization/user")).headers);
  expect(first.limit).toBe(6000);
  expect(second.remaining).toBe(first.remaining - 1);
  expect(second.reset).toBe(0);
});

test("a per-route limit answers 429 with the documented body once the window is spent", async () => {
  await emu.control.setRateLimits({ routes: [{ method: "GET", path: "/setup/account", perMinute: 3 }] });
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await get("/setup/account"));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
  expect(rateHeaders(answers[2].headers)).toMatchObject({ limit: 3, remaining: 0 });
  const limited = answers[3];
  expect(limited.body.response).toEqual({
    status: { code: 429, message: "Too Many Requests" },
    data: "Rate limit exceeded",
  });
  expect(limited.body.request.url).toBe("/setup/account");
  const h = rateHeaders(limited.headers);
  expect(h).toMatchObject({ limit: 3, remaining: 0 });
  expect(h.reset).toBeGreaterThanOrEqual(1);
  expect(h.reset).toBeLessThanOrEqual(60);
  // Other routes, other methods and other organizations have their own windows.
  expect((await get("/setup/organization/user")).status).toBe(200);
  expect(
    (await call(emu.url, "POST", "/setup/account", { token: emu.token, body: { account: { name: "x" } } })).status,
  ).toBe(200);
  const other = await emu.control.bootstrap({ organizationName: "Neighbour" });
  expect((await get("/setup/account", other.token)).status).toBe(200);
});

test("the default budget applies to every route and is configurable", async () => {
  await emu.control.setRateLimits({ defaultPerMinute: 2 });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await get("/setup/access/userGroup")).status);
  expect(statuses).toEqual([200, 200, 429]);
  expect(rateHeaders((await get("/setup/organization/policy")).headers).limit).toBe(2);
});

test("a rate-limited write is not applied", async () => {
  await emu.control.setRateLimits({ routes: [{ method: "POST", path: "/setup/account", perMinute: 1 }] });
  const post = () =>
    call(emu.url, "POST", "/setup/account", { token: emu.token, body: { account: { name: "limited-write" } } });
  expect((await post()).status).toBe(200);
  expect((await post()).status).toBe(429);
  const names = items(await get("/setup/account")).filter((a) => a.name === "limited-write");
  expect(names).toHaveLength(1);
  const events = items(await get(`/audit/events?fromDate=0&toDate=${Date.now() + 1000}&responseStatus=all`));
  const limited = events.filter((e) => e.responseStatus === 429);
  expect(limited).toHaveLength(1);
  expect(JSON.parse(limited[0].context).body).toEqual({ account: { name: "limited-write" } });
});

describe("sliding window (unit, explicit clock)", () => {
  test("requests leave the window 60 s after they were made", () => {
    const rl = new RateLimiter(3);
    const t0 = 1_000_000;
    expect([0, 10_000, 20_000].map((d) => rl.hit("o", "GET", "/r", t0 + d).allowed)).toEqual([true, true, true]);
    const blocked = rl.hit("o", "GET", "/r", t0 + 30_000);
    expect(blocked).toMatchObject({ allowed: false, remaining: 0 });
    // The window now holds 0 s, 10 s, 20 s and the blocked 30 s: below the limit once 0 s and 10 s have left.
    expect(blocked.reset).toBe(40);
    expect(rl.hit("o", "GET", "/r", t0 + 70_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  test("requests made while blocked push the reset further out", () => {
    const rl = new RateLimiter(2);
    const t0 = 5_000_000;
    rl.hit("o", "GET", "/r", t0);
    rl.hit("o", "GET", "/r", t0);
    const first = rl.hit("o", "GET", "/r", t0 + 50_000);
    expect(first).toMatchObject({ allowed: false, reset: 10 });
    const again = rl.hit("o", "GET", "/r", t0 + 59_000);
    expect(again.allowed).toBe(false);
    expect(again.reset).toBeGreaterThan(1); // without counting blocked calls it would be 1 s
  });

  test("keys are per organization, route and method", () => {
    const rl = new RateLimiter(1);
    expect(rl.hit("a", "GET", "/r", 0).allowed).toBe(true);
    expect(rl.hit("a", "GET", "/r", 0).allowed).toBe(false);
    expect(rl.hit("b", "GET", "/r", 0).allowed).toBe(true);
    expect(rl.hit("a", "POST", "/r", 0).allowed).toBe(true);
    expect(rl.hit("a", "GET", "/s", 0).allowed).toBe(true);
  });
});
