import type { SpotClient } from "../../src/api";
import { diffResource } from "../../src/resources";
import { user } from "../../src/resources/user";
import { withEmulator } from "../support/emulator";
import {
  changedFields,
  checked,
  clientFor,
  contextFor,
  errorOf,
  expectNoDiff,
  expectNoSecret,
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

test("the password is kept as a hash, never in plain text, and a change is refused without showing it", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(user, { ...jane(), email: "pw@example.com", policies: [], userGroupIds: [] });
  const { id, outputs } = await user.create(ctx, inputs);
  expectNoSecret(outputs, [PASSWORD]);
  const live = await user.read(ctx, id, outputs);
  expectNoSecret(live, [PASSWORD]);
  expectNoDiff(user, inputs, live);
  const next = checked(user, { ...inputs, password: "Chang3d-secret" });
  const d = diffResource(user, next, live!);
  expect(d.rejected).toHaveLength(1);
  expect(d.rejected[0].message).toMatch(/^password cannot be changed in Spot .*remove password from the declaration/);
  expectNoSecret(d, [PASSWORD, "Chang3d-secret"]);
  // Without a recorded hash (e.g. state written by an older tool), a prior plaintext is hashed, not echoed.
  expectNoSecret(await user.read(ctx, id, { password: PASSWORD } as never), [PASSWORD]);
  await user.delete(ctx, id, live!);
});

test("the built-in viewer policy Spot adds never diffs, and survives an update of the other policies", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(user, { ...jane(), email: "viewer@example.com", password: undefined, userGroupIds: [] });
  const { id } = await user.create(ctx, inputs);
  await spot.users.setPolicyMapping(id, [
    { policyId: pol1, accountIds: [emu.accountId, account2] },
    { policyId: "3", accountIds: [emu.accountId] },
  ]);
  ctx.client.clearCache();
  let live = await user.read(ctx, id);
  expect(live!.policies).toContainEqual({ policyId: "3", accountIds: [emu.accountId] });
  expectNoDiff(user, inputs, live);

  const next = checked(user, { ...inputs, policies: [{ policyId: pol2, accountIds: [account2] }] });
  const d = diffResource(user, next, live!);
  expect(changedFields(d)).toEqual(["policies"]);
  live = await user.update(ctx, id, next, live!, d.changes);
  expect(live.policies).toEqual(
    expect.arrayContaining([
      { policyId: pol2, accountIds: [account2] },
      { policyId: "3", accountIds: [emu.accountId] },
    ]),
  );
  expectNoDiff(user, next, live);
  // Declared, it is compared like any other policy.
  const withViewer = checked(user, { ...next, policies: [...next.policies!, { policyId: "3", accountIds: ["*"] }] });
  expect(changedFields(diffResource(user, withViewer, live))).toEqual(["policies"]);
  await user.delete(ctx, id, live);
});

test("role: Spot's default is kept when none is declared; group membership is left alone when omitted", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(user, { email: "plain@example.com", firstName: "Plain", lastName: "User" });
  const { id, outputs } = await user.create(ctx, inputs);
  expect(outputs.role).toBe("viewer");
  await spot.users.setUserGroupMapping(id, [grp2]);
  ctx.client.clearCache();
  const live = await user.read(ctx, id, outputs);
  expect(live!.userGroupIds).toEqual([grp2]);
  expectNoDiff(user, inputs, live);
  // [] is an explicit "no groups".
  expect(changedFields(diffResource(user, { ...inputs, userGroupIds: [] }, live!))).toEqual(["userGroupIds"]);
  await user.delete(ctx, id, live!);
});

test("a refresh of N users costs one list call and N detail calls", async () => {
  const ctx = contextFor(emu);
  const made = [];
  for (let i = 0; i < 4; i++) {
    made.push(
      await user.create(ctx, checked(user, { email: `bulk${i}@example.com`, firstName: "Bulk", lastName: `N${i}` })),
    );
  }
  const reader = contextFor(emu);
  const live = await Promise.all(made.map((m) => user.read(reader, m.id, m.outputs)));
  live.forEach((l, i) => expect(l?.email).toBe(`bulk${i}@example.com`));
  expect(reader.client.counters.requests["GET /setup/organization/user"]).toBe(1);
  expect(reader.client.counters.requests["GET /setup/user/{userId}"]).toBe(4);
  for (const m of made) await user.delete(ctx, m.id, m.outputs);
});

test("a second user with a taken e-mail is refused with the way to adopt it", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(user, { email: "twice@example.com", firstName: "Two", lastName: "Times" });
  const { id } = await user.create(ctx, inputs);
  const e = await errorOf(user.create(ctx, checked(user, { ...inputs, email: "TWICE@example.com" })));
  expect(e.message).toContain(`already exists in Spot (${id})`);
  expect(e.message).toMatch(/adopt/);
  const otherCase = checked(user, { ...inputs, email: "Twice@Example.com" });
  const found = await user.find(ctx, otherCase);
  expect(found?.id).toBe(id);
  // A difference in case alone is no change (it would otherwise replace the user).
  expectNoDiff(user, otherCase, found!.outputs);
  await user.delete(ctx, id, found!.outputs);
});

test("a create whose answer is lost is recovered without a duplicate user", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({ method: "POST", path: "/setup/user", kind: "commit-then-fail", status: 503 });
  const inputs = checked(user, { ...jane(), email: "flaky@example.com", userGroupIds: undefined });
  const { id, outputs } = await user.create(ctx, inputs);
  expect(ctx.client.counters.recovered).toBe(1);
  expectNoDiff(user, inputs, outputs);
  const same = (await spot.users.listOrganization()).filter((u) => u.email === "flaky@example.com");
  expect(same.map((u) => u.userId)).toEqual([id]);
  await user.delete(ctx, id, outputs);
});

test("a create whose policy mapping fails leaves nothing behind", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(user, {
    email: "half@example.com",
    firstName: "Half",
    lastName: "Done",
    password: PASSWORD,
    policies: [{ policyId: "pol-00000000", accountIds: ["*"] }],
  });
  const e = await errorOf(user.create(ctx, inputs));
  expect(e.message).toMatch(/Policy_DOESNT_EXIST|pol-00000000/);
  expect(e.message).toMatch(/nothing was kept/);
  expectNoSecret(e.message, [PASSWORD]);
  ctx.client.clearCache();
  expect(await user.find(ctx, inputs)).toBeUndefined();
});

test("a programmatic user id is not read as a console user", async () => {
  const ctx = contextFor(emu);
  const pu = await spot.users.createProgrammatic({ name: "bot", accounts: [{ id: emu.accountId, role: "viewer" }] });
  const e = await errorOf(user.read(ctx, pu.id));
  expect(e.message).toMatch(/programmatic user.*ProgrammaticUser/);
  await spot.users.delete(pu.id);
  expect(await user.importById!(ctx, "nobody@example.com")).toBeUndefined();
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
