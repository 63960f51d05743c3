/**
 * The indexed list cache against the emulator: lookups served from one list without re-reading it, writes that
 * update the cached lists (and agree with what a fresh read says), copies that cannot corrupt the cache.
 */
import { isNotFound, SpotClient, type ClientOptions, type CreatedUser } from "./support/client-under-test";
import { withEmulator } from "../support/emulator";

const emu = withEmulator();
let seq = 0;

function client(extra: ClientOptions = {}): SpotClient {
  return new SpotClient({ token: emu.token, baseUrl: emu.url, runId: `cache-${++seq}`, ...extra });
}
const fresh = () => client({ cacheTtlMs: 0 });
const tag = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe("indexed lookups", () => {
  test("N users found by e-mail (any case) and by id: one list call, answers as in a fresh list", async () => {
    const t = tag();
    const setup = client();
    const made: CreatedUser[] = [];
    for (let i = 0; i < 5; i++)
      made.push(await setup.users.create({ email: `Idx${i}-${t}@Example.com`, firstName: "Idx", lastName: `N${i}` }));
    const c = client();
    await emu.control.resetStats();
    const byEmail = await Promise.all(
      made.map((u, i) => c.users.findOrganizationUser({ email: `idx${i}-${t}@example.COM`, type: "personal" })),
    );
    const byId = await Promise.all(made.map((u) => c.users.findOrganizationUser({ userId: u.userId })));
    expect(byEmail.map((u) => u?.userId)).toEqual(made.map((u) => u.userId));
    expect(byId.map((u) => u?.userId)).toEqual(made.map((u) => u.userId));
    expect(
      await c.users.findOrganizationUser({ email: `idx0-${t}@example.com`, type: "programmatic" }),
    ).toBeUndefined();
    expect(await c.users.findOrganizationUser({ email: `nobody-${t}@example.com` })).toBeUndefined();
    expect((await emu.control.stats()).requests["GET /setup/organization/user"]).toBe(1);
    const listed = await fresh().users.listOrganization();
    expect(byEmail[0]).toEqual(listed.find((u) => u.userId === made[0].userId));

    const au = await c.users.findAccountUser({ email: `IDX1-${t}@example.com` });
    expect(au?.userId).toBe(made[1].userId);
    expect(await c.users.findAccountUser({ userId: made[1].userId, email: `idx2-${t}@example.com` })).toBeUndefined();
  });

  test("what a lookup returns is a copy: changing it does not change the next answer", async () => {
    const c = client();
    const u = (await c.users.findOrganizationUser({ userId: emu.userId }))!;
    const email = u.email;
    u.email = "changed@example.com";
    const accts = await c.accounts.findByName((await c.accounts.get(emu.accountId)).name);
    accts[0].name = "changed";
    expect((await c.users.findOrganizationUser({ userId: emu.userId }))!.email).toBe(email);
    expect((await c.accounts.get(emu.accountId)).name).not.toBe("changed");
  });
});

describe("writes update the cached lists", () => {
  test("account create, rename, delete: no list re-read, and the cache agrees with Spot", async () => {
    const c = client();
    const name = `cached-${tag()}`;
    await c.accounts.list();
    await emu.control.resetStats();
    const acct = await c.accounts.create({ name });
    expect((await c.accounts.findByName(name)).map((a) => a.accountId)).toEqual([acct.accountId]);
    // The create answered no createdAt: the first full read of it asks for that one account only.
    const got = await c.accounts.get(acct.accountId);
    const truth = (await fresh().accounts.list()).find((a) => a.accountId === acct.accountId);
    expect(got).toEqual(truth);
    await c.accounts.update(acct.accountId, { name: `${name}-renamed` });
    expect((await c.accounts.get(acct.accountId)).name).toBe(`${name}-renamed`);
    expect(await c.accounts.findByName(name)).toEqual([]);
    const stats = await emu.control.stats();
    expect(stats.requests["GET /setup/account"]).toBe(1); // the fresh client's, for the comparison
    expect(stats.requests["GET /setup/account/{accountId}"]).toBe(1);
    await c.accounts.delete(acct.accountId);
    const err = await c.accounts.get(acct.accountId).catch((e) => e);
    expect(isNotFound(err)).toBe(true);
    expect((await fresh().accounts.list()).some((a) => a.accountId === acct.accountId)).toBe(false);
  });

  test("user create and attach: the user lists and the mappings stay cached, updated, and match a fresh read", async () => {
    const c = client();
    const email = `attach-${tag()}@example.com`;
    const acct = await c.accounts.create({ name: `attach-${tag()}` });
    await c.users.listOrganization();
    await c.users.list();
    const u = await c.users.create({ email, firstName: "Att", lastName: "Ach", role: "editor" });
    await emu.control.resetStats();
    expect((await c.users.findOrganizationUser({ email }))?.userId).toBe(u.userId);
    expect((await c.users.findAccountUser({ email }))?.userId).toBe(u.userId);
    const before = await c.users.accountMappings(email);
    await c.accounts.attachUser(acct.accountId, { userEmail: email, role: "viewer" });
    const after = await c.users.accountMappings(email);
    expect(after.map((m) => m.accountId).sort()).toEqual([...before.map((m) => m.accountId), acct.accountId].sort());
    expect((await c.users.findAccountUser({ email }))?.mappedAccountIds).toContain(acct.accountId);
    const stats = await emu.control.stats();
    expect(stats.requests["GET /setup/organization/user"]).toBeUndefined();
    expect(stats.requests["GET /setup/user"]).toBeUndefined();
    expect(stats.requests["GET /setup/accountUserMapping"]).toBe(1);
    const truth = await fresh().users.accountMappings(email);
    expect(after.map((m) => [m.accountId, m.role]).sort()).toEqual(truth.map((m) => [m.accountId, m.role]).sort());

    await c.accounts.detachUser(acct.accountId, email);
    expect((await c.users.accountMappings(email)).some((m) => m.accountId === acct.accountId)).toBe(false);
    await c.users.delete(u.userId);
    expect(await c.users.findOrganizationUser({ email })).toBeUndefined();
    await expect(c.users.get(u.userId)).rejects.toThrow(/not in Spot's list/);
  });

  test("a created policy is found by name from the cache; its full read comes from Spot (the type is Spot's)", async () => {
    const c = client();
    await c.access.policies.list();
    const name = `pol-${tag()}`;
    const p = await c.access.policies.create({
      name,
      policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }] },
    });
    await emu.control.resetStats();
    const got = await c.access.policies.get(p.id);
    expect(got).toEqual((await fresh().access.policies.list()).find((x) => x.id === p.id));
    expect((await emu.control.stats()).requests["GET /setup/organization/policy"]).toBe(2); // ours and the fresh one
    expect((await c.access.policies.findByName(name)).map((x) => x.id)).toEqual([p.id]);
    await c.access.policies.delete(p.id);
    expect(await c.access.policies.findByName(name)).toEqual([]);
  });

  test("a failed write drops the lists it touches (it may have committed)", async () => {
    const c = client();
    await c.accounts.list();
    await emu.control.injectFault({ method: "PUT", path: "/setup/account/{accountId}", kind: "status", status: 400 });
    await expect(c.accounts.update(emu.accountId, { name: "whatever" })).rejects.toThrow();
    await emu.control.resetStats();
    await c.accounts.list();
    expect((await emu.control.stats()).requests["GET /setup/account"]).toBe(1);
    await emu.control.clearFaults();
  });
});
