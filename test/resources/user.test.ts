/**
 * User against the emulator, through the core lifecycle: the full lifecycle (names, password and role refused,
 * e-mail replaces), the password kept as a hash only, Spot's built-in viewer policy, server defaults, N refreshes
 * served by one list call, a taken e-mail, a lost create answer, a create whose access step fails (the user is
 * kept and finished by the next run), a programmatic user's id, bad inputs.
 */
import type { SpotClient } from "../../src/api";
import { adopt, apply, readLive } from "../../src/core";
import { user } from "../../src/resources/user";
import { withEmulator } from "../support/emulator";
import { hashOf } from "../support/secrets";
import {
  Tracked,
  changedFields,
  clientFor,
  contextFor,
  errorOf,
  expectNoDiff,
  expectNoop,
  expectNoSecret,
  expectOutcome,
  expectRejectedBeforeApi,
  failuresOf,
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();
const PASSWORD = "Init1al-Passw0rd";
let spot: SpotClient;
let account2: string;
let pol1: string;
let pol2: string;
let grp1: string;
let grp2: string;

beforeAll(async () => {
  spot = clientFor(emu);
  account2 = (await spot.accounts.create({ name: "second" })).accountId;
  const statements = [{ effect: "ALLOW" as const, actions: ["ocean:describeCluster"], resources: ["*"] }];
  pol1 = (await spot.access.policies.create({ name: "p1", policyContent: { statements } })).id;
  pol2 = (await spot.access.policies.create({ name: "p2", policyContent: { statements } })).id;
  grp1 = (await spot.access.userGroups.create({ name: "g1", description: "one" })).id;
  grp2 = (await spot.access.userGroups.create({ name: "g2", description: "two" })).id;
});

const jane = () => ({
  email: "jane@example.com",
  firstName: "Jane",
  lastName: "Doe",
  password: PASSWORD,
  role: "editor",
  policies: [{ policyId: pol1, accountIds: [emu.accountId, account2] }],
  userGroupIds: [grp1],
});

test("lifecycle: create, drift, update, refused and replacing changes, adopt, delete", async () => {
  const r = await runLifecycle({
    emu,
    kind: user,
    inputs: jane(),
    outOfBand: {
      change: async (other, id) => {
        await other.users.setPolicyMapping(id, [{ policyId: pol2, accountIds: ["*"] }]);
        await other.users.setUserGroupMapping(id, []);
      },
      fields: ["policies", "userGroupIds"],
    },
    update: {
      inputs: { ...jane(), policies: [{ policyId: pol2, accountIds: ["*"] }], userGroupIds: [grp1, grp2] },
      fields: ["policies", "userGroupIds"],
    },
    reject: {
      inputs: { ...jane(), firstName: "Janet", password: "An0ther-passw0rd", role: "admin" },
      fields: ["firstName", "password", "role"],
    },
    replace: { inputs: { ...jane(), email: "janet@example.com" }, fields: ["email"] },
    importId: () => "jane@example.com",
    secrets: [PASSWORD],
  });
  expect(r.id).toMatch(/^u-/);
  expect(r.created).toMatchObject({
    userId: r.id,
    email: "jane@example.com",
    role: "editor",
    organizationId: emu.organizationId,
    displayName: "Jane Doe",
  });
  expect(r.created.password).toMatch(/^scrypt:[\w-]+:[\w-]+$/);
  expect(r.live.password).toBe(r.created.password);
});

const create = (ctx: ReturnType<typeof contextFor>, desired: Record<string, unknown>) =>
  apply({ kind: user, ctx, action: "create", desired });
const remove = (ctx: ReturnType<typeof contextFor>, id: string) => apply({ kind: user, ctx, action: "delete", id });

test("the password is kept as a hash, never in plain text, and a change is refused without showing it", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(user, ctx);
  const inputs = { ...jane(), email: "pw@example.com", policies: [], userGroupIds: [] };
  const { applied } = await t.converge(inputs);
  expectNoSecret(applied!.outputs, [PASSWORD]);
  expect(t.memory.record).toEqual({ password: hashOf(PASSWORD) });
  let p = await t.plan(inputs);
  expectNoop(p);
  expectNoSecret(p.live, [PASSWORD]);
  p = await t.plan({ ...inputs, password: "Chang3d-secret" });
  expect(p.problems).toEqual([
    expect.objectContaining({
      type: "rejected",
      field: "password",
      message: expect.stringMatching(/^password cannot be changed in Spot\. .*remove password from the declaration/),
    }),
  ]);
  expectNoSecret([p.changes, p.problems, p.drift], [PASSWORD, "Chang3d-secret"]);
  // Removing it from the declaration is fine: it was only used at creation.
  const { password: _dropped, ...withoutPassword } = inputs;
  expectNoop(await t.plan(withoutPassword));
  // Without a recorded hash (e.g. state written by an older tool), a prior plaintext is hashed, not echoed.
  expectNoSecret(await readLive({ kind: user, ctx, id: t.id!, prior: { password: PASSWORD } }), [PASSWORD]);
  await t.converge(null);
});

test("the built-in viewer policy Spot adds never diffs, and survives an update of the other policies", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(user, ctx);
  const inputs = { ...jane(), email: "viewer@example.com", password: undefined, userGroupIds: [] };
  await t.converge(inputs);
  const id = t.id!;
  await spot.users.setPolicyMapping(id, [
    { policyId: pol1, accountIds: [emu.accountId, account2] },
    { policyId: "3", accountIds: [emu.accountId] },
  ]);
  ctx.client.clearCache();
  let p = await t.plan(inputs);
  expect(p.live!.policies).toContainEqual({ policyId: "3", accountIds: [emu.accountId] });
  expectNoop(p);

  const next = { ...inputs, policies: [{ policyId: pol2, accountIds: [account2] }] };
  p = await t.plan(next);
  expect(changedFields(p)).toEqual(["policies"]);
  const { outputs } = await t.execute(next, p);
  expect(outputs!.policies).toEqual(
    expect.arrayContaining([
      { policyId: pol2, accountIds: [account2] },
      { policyId: "3", accountIds: [emu.accountId] },
    ]),
  );
  ctx.client.clearCache();
  expectNoop(await t.plan(next));
  // Declared, it is compared like any other policy.
  const withViewer = { ...next, policies: [...next.policies, { policyId: "3", accountIds: ["*"] }] };
  expect(changedFields(await t.plan(withViewer))).toEqual(["policies"]);
  await t.converge(null);
});

test("role: Spot's default is kept when none is declared; group membership is left alone when omitted", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(user, ctx);
  const inputs = { email: "plain@example.com", firstName: "Plain", lastName: "User" };
  let p = await t.plan(inputs);
  // Computed and not declared: known after apply.
  expect(p.planned).toMatchObject({ role: expect.any(Symbol), userGroupIds: expect.any(Symbol) });
  const { outputs } = await t.execute(inputs, p);
  expect(outputs!.role).toBe("viewer");
  await spot.users.setUserGroupMapping(t.id!, [grp2]);
  ctx.client.clearCache();
  p = await t.plan(inputs);
  expect(p.live!.userGroupIds).toEqual([grp2]);
  expectNoop(p);
  // [] is an explicit "no groups".
  expect(changedFields(await t.plan({ ...inputs, userGroupIds: [] }))).toEqual(["userGroupIds"]);
  await t.converge(null);
});

test("a refresh of N users costs one list call and N detail calls", async () => {
  const ctx = contextFor(emu);
  const made = [];
  for (let i = 0; i < 4; i++)
    made.push(await create(ctx, { email: `bulk${i}@example.com`, firstName: "Bulk", lastName: `N${i}` }));
  const reader = contextFor(emu);
  const live = await Promise.all(made.map((m) => readLive({ kind: user, ctx: reader, id: m.id!, prior: m.outputs })));
  live.forEach((l, i) => expect(l?.email).toBe(`bulk${i}@example.com`));
  expect(reader.client.counters.requests["GET /setup/organization/user"]).toBe(1);
  expect(reader.client.counters.requests["GET /setup/user/{userId}"]).toBe(4);
  for (const m of made) await remove(ctx, m.id!);
});

test("a second user with a taken e-mail is AlreadyExists; adopting ignores the e-mail's case", async () => {
  const ctx = contextFor(emu);
  const inputs = { email: "twice@example.com", firstName: "Two", lastName: "Times" };
  const { id } = await create(ctx, inputs);
  const e = await errorOf(create(ctx, { ...inputs, email: "TWICE@example.com" }));
  expectOutcome(e, "AlreadyExists");
  expect(e).toMatchObject({ kind: "User", ids: [id], what: "with e-mail TWICE@example.com" });
  const otherCase = { ...inputs, email: "Twice@Example.com" };
  const found = await adopt(user, ctx, { inputs: otherCase });
  expect(found.id).toBe(id);
  // A difference in case alone is no change (it would otherwise replace the user).
  await expectNoDiff(user, otherCase, found.outputs);
  await remove(ctx, id!);
});

test("a create whose answer is lost is recovered without a duplicate user", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({ method: "POST", path: "/setup/user", kind: "commit-then-fail", status: 503 });
  const inputs = { ...jane(), email: "flaky@example.com", userGroupIds: undefined };
  const { id, outputs } = await create(ctx, inputs);
  expect(ctx.client.counters.recovered).toBe(1);
  await expectNoDiff(user, inputs, outputs);
  const same = (await spot.users.listOrganization()).filter((u) => u.email === "flaky@example.com");
  expect(same.map((u) => u.userId)).toEqual([id]);
  await remove(ctx, id!);
});

test("a create whose policy mapping fails is CreatedNotFinished: the user is kept, and the next run finishes it", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(user, ctx);
  const inputs = {
    email: "half@example.com",
    firstName: "Half",
    lastName: "Done",
    password: PASSWORD,
    policies: [{ policyId: "pol-00000000", accountIds: ["*"] }],
  };
  const e = await errorOf(t.converge(inputs));
  expectOutcome(e, "CreatedNotFinished");
  expect(e.id).toMatch(/^u-/);
  expect(e.step).toBe("setting its access");
  expect(e.message).toMatch(/Policy_DOESNT_EXIST|pol-00000000/);
  expect(e.outputs).toMatchObject({ userId: e.id, email: inputs.email, password: hashOf(PASSWORD) });
  expectNoSecret([e.message, e.outputs], [PASSWORD]);
  // The secret went with the create: it is remembered for the user that now exists.
  expect(t.memory.record).toEqual({ password: hashOf(PASSWORD) });
  ctx.client.clearCache();
  expect((await adopt(user, ctx, { inputs })).id).toBe(e.id);

  // Next run, with the policy fixed: the same user is updated in place, not created again.
  const fixed = { ...inputs, policies: [{ policyId: pol1, accountIds: ["*"] }] };
  const p = await t.plan(fixed);
  expect(p).toMatchObject({ action: "update", id: e.id, problems: [] });
  expect(changedFields(p)).toEqual(["policies"]);
  await t.execute(fixed, p);
  ctx.client.clearCache();
  expectNoop(await t.plan(fixed));
  spot.clearCache();
  expect((await spot.users.listOrganization()).filter((u) => u.email === inputs.email)).toHaveLength(1);
  await t.converge(null);
});

test("a programmatic user id is not read as a console user", async () => {
  const ctx = contextFor(emu);
  const pu = await spot.users.createProgrammatic({ name: "bot", accounts: [{ id: emu.accountId, role: "viewer" }] });
  const e = await errorOf(readLive({ kind: user, ctx, id: pu.id }));
  expectOutcome(e, "WrongKind");
  expect(e).toMatchObject({ id: pu.id, actual: "ProgrammaticUser" });
  expect(e.message).toMatch(/programmatic user|ProgrammaticUser/);
  await spot.users.delete(pu.id);
  expectOutcome(await errorOf(adopt(user, ctx, { id: "nobody@example.com" })), "NotFound");
});

test("bad inputs are refused before any API call", async () => {
  const ok = jane();
  await expectRejectedBeforeApi(emu, user, { ...ok, email: "jane.example.com" }, "email", /e-mail address/);
  await expectRejectedBeforeApi(emu, user, { ...ok, firstName: "J@ne" }, "firstName", /\+ = @/);
  await expectRejectedBeforeApi(emu, user, { ...ok, lastName: "" }, "lastName", /empty/);
  await expectRejectedBeforeApi(emu, user, { ...ok, role: "owner" }, "role", /"admin", "editor", "viewer"/);
  await expectRejectedBeforeApi(emu, user, { ...ok, userGroupIds: ["devs"] }, "userGroupIds", /ugr-/);
  await expectRejectedBeforeApi(
    emu,
    user,
    { ...ok, policies: [{ policyId: pol1, accountIds: ["*", emu.accountId] }] },
    "policies.0.accountIds",
    /every account/,
  );
  await expectRejectedBeforeApi(
    emu,
    user,
    { ...ok, policies: [{ policyId: pol1, accountIds: ["prod"] }] },
    "policies.0.accountIds",
    /act-/,
  );
  await expectRejectedBeforeApi(
    emu,
    user,
    {
      ...ok,
      policies: [
        { policyId: pol1, accountIds: [emu.accountId] },
        { policyId: pol1, accountIds: [account2] },
      ],
    },
    "policies.1.policyId",
    /merge the accountIds/,
  );
  expect(failuresOf(user, { ...ok, userId: "u-1" }).userId).toMatch(/output set by Spot/);
  // A check failure never shows the password.
  expectNoSecret(failuresOf(user, { ...ok, email: "bad" }), [PASSWORD]);
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(user);
});
