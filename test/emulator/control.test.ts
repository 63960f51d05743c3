/** The control API (/emulator/*) and startEmulator options. */
import { startEmulator } from "../../src/emulator";
import { withEmulator } from "../support/emulator";
import { call, errorCode, items } from "./http";

const emu = withEmulator({ adminToken: "admin-secret" });

test("needs its own admin token; Spot tokens are refused", async () => {
  for (const auth of [undefined, `Bearer ${emu.token}`, "Bearer wrong"]) {
    const res = await fetch(`${emu.url}/emulator/stats`, { headers: auth ? { Authorization: auth } : {} });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error).toMatch(/admin token/);
  }
  expect(emu.adminToken).toBe("admin-secret");
});

test("bad input is a 400 with a message", async () => {
  const res = await fetch(`${emu.url}/emulator/bootstrap`, {
    method: "POST",
    headers: { Authorization: "Bearer admin-secret" },
    body: "{not json",
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: "body is not valid JSON" });
  await expect(emu.control.mintToken("u-00000000")).rejects.toThrow(/400 user u-00000000 does not exist/);
  await expect(emu.control.setRateLimits({ defaultPerMinute: 0 })).rejects.toThrow(/positive integer/);
});

test("bootstrap: organization, admin user, one account, the given token", async () => {
  const b = await emu.control.bootstrap({
    organizationName: "Acme",
    adminEmail: "root@acme.example",
    accountName: "acme-main",
    token: "acme-token",
  });
  expect(b).toMatchObject({ token: "acme-token" });
  expect(b.organizationId).toMatch(/^\d{12}$/);
  expect(b.userId).toMatch(/^u-[0-9a-f]{8}$/);
  const accounts = items(await call(emu.url, "GET", "/setup/account", { token: "acme-token" }));
  expect(accounts).toEqual([
    expect.objectContaining({ accountId: b.accountId, name: "acme-main", organizationId: b.organizationId }),
  ]);
  const users = items(await call(emu.url, "GET", "/setup/organization/user", { token: "acme-token" }));
  expect(users).toEqual([expect.objectContaining({ userId: b.userId, email: "root@acme.example", type: "personal" })]);
  await expect(emu.control.bootstrap({ token: "acme-token" })).rejects.toThrow(/already in use/);
});

test("mintToken: a new working token for an existing user, listed in its details", async () => {
  const token = await emu.control.mintToken(emu.userId);
  expect(token).not.toBe(emu.token);
  const details = items(await call(emu.url, "GET", `/setup/user/${emu.userId}`, { token }))[0];
  expect(details.tokens.map((t: any) => t.tokenLastDigits)).toContain(token.slice(-4));
  expect(JSON.stringify(details)).not.toContain(token);
});

test("stats count requests per method and route template, and answers per status; DELETE zeroes them", async () => {
  await emu.control.resetStats();
  await call(emu.url, "GET", `/setup/account/${emu.accountId}`, { token: emu.token });
  await call(emu.url, "GET", "/setup/account/act-00000000", { token: emu.token });
  await call(emu.url, "GET", "/setup/account", { token: emu.token });
  await call(emu.url, "POST", "/setup/account", { token: emu.token, body: { account: { name: "s" } } });
  expect(await emu.control.stats()).toEqual({
    requests: { "GET /setup/account": 1, "GET /setup/account/{accountId}": 2, "POST /setup/account": 1 },
    total: 4,
    // Spot answers the id of no account with 400 Account_DOESNT_EXIST, not 404.
    statuses: { "200": 3, "400": 1 },
  });
  await emu.control.resetStats();
  expect(await emu.control.stats()).toEqual({ requests: {}, total: 0, statuses: {} });
});

test("unknown control routes are 404", async () => {
  const res = await fetch(`${emu.url}/emulator/nothing`, { headers: { Authorization: "Bearer admin-secret" } });
  expect(res.status).toBe(404);
});

test("startEmulator: real port, token bootstrap of the Default Organization, reset empties the store", async () => {
  const e = await startEmulator({ token: "boot-token", rateLimitPerMinute: 50 });
  try {
    expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.url.endsWith(":0")).toBe(false);
    expect(e.adminToken).toMatch(/^[0-9a-f]{48}$/);
    const a = await call(e.url, "GET", "/setup/account", { token: "boot-token" });
    expect(a.headers.get("x-ratelimit-limit")).toBe("50");
    expect(items(a)).toHaveLength(1);
    const users = items(await call(e.url, "GET", "/setup/organization/user", { token: "boot-token" }));
    expect(users[0].email).toBe("admin@example.com");
    await e.control.reset();
    expect(await e.control.stats()).toEqual({ requests: {}, total: 0, statuses: {} });
    expect((await call(e.url, "GET", "/setup/account", { token: "boot-token" })).status).toBe(401);
    // Nothing cached before the reset is served after it: same token, a new organization, the old account gone.
    const old = items(a)[0].accountId;
    const again = await e.control.bootstrap({ token: "boot-token" });
    expect(errorCode(await call(e.url, "GET", `/setup/account/${old}`, { token: "boot-token" }))).toBe(
      "Account_DOESNT_EXIST",
    );
    const listed = items(await call(e.url, "GET", "/setup/account", { token: "boot-token" }));
    expect(listed.map((x) => x.accountId)).toEqual([again.accountId]);
    // Built-in policy "3" survives a reset.
    const b = await e.control.bootstrap();
    const u = await call(e.url, "PUT", `/setup/user/${b.userId}/policyMapping`, {
      token: b.token,
      body: { policies: [{ policyId: "3", accountIds: ["*"] }] },
    });
    expect(u.status).toBe(200);
  } finally {
    await e.close();
  }
});
