import { lookups } from "../../src/resources";
import { checkInputs } from "../../src/core";
import { accessPoliciesLookup, policyActionsLookup, userLookup, usersLookup } from "../../src/resources/lookups-users";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor, errorOf, expectOutcome } from "./helpers";

const emu = withEmulator();
let janeId: string;
let botId: string;
let polId: string;
let grpId: string;

beforeAll(async () => {
  const spot = clientFor(emu);
  janeId = (await spot.users.create({ email: "jane@example.com", firstName: "Jane", lastName: "Doe", role: "editor" }))
    .userId;
  botId = (await spot.users.createProgrammatic({ name: "ci-bot", accounts: [{ id: emu.accountId, role: "viewer" }] }))
    .id;
  polId = (
    await spot.access.policies.create({
      name: "Ops Read",
      description: "read",
      policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }] },
    })
  ).id;
  grpId = (await spot.access.userGroups.create({ name: "ops", description: "ops", userIds: [janeId] })).id;
  await spot.users.setPolicyMapping(janeId, [{ policyId: polId, accountIds: ["*"] }]);
});

const argsOk = (l: (typeof lookups)[number], args: Record<string, unknown>) => checkInputs(l.args, args).failures;

test("the lookups are registered", () => {
  expect(lookups.map((l) => l.name)).toEqual(
    expect.arrayContaining(["Users", "User", "AccessPolicies", "PolicyActions"]),
  );
});

test("Users: console and programmatic users, filtered by type", async () => {
  const ctx = contextFor(emu);
  const all = (await usersLookup.run(ctx, {})).users;
  expect(all.map((u) => u.userId)).toEqual(expect.arrayContaining([emu.userId, janeId, botId]));
  expect(all.find((u) => u.userId === janeId)).toMatchObject({
    email: "jane@example.com",
    type: "personal",
    groupNames: ["ops"],
  });
  const bots = (await usersLookup.run(ctx, { type: "programmatic" })).users;
  expect(bots.map((u) => u.userId)).toEqual([botId]);
  expect(argsOk(usersLookup, { type: "robot" })[0].message).toMatch(/"personal", "programmatic"/);
  expect(ctx.client.counters.requests["GET /setup/organization/user"]).toBe(1);
});

test("User: by e-mail or id, with policies and groups; a missing user is an error", async () => {
  const ctx = contextFor(emu);
  const byEmail = await userLookup.run(ctx, { email: "JANE@example.com" });
  expect(byEmail).toMatchObject({
    userId: janeId,
    firstName: "Jane",
    role: "editor",
    type: "personal",
    organizationId: emu.organizationId,
    userGroupIds: [grpId],
  });
  expect(byEmail.policies).toEqual([
    { policyId: polId, policyName: "Ops Read", policyType: "ACCOUNT", accountIds: ["*"] },
  ]);
  expect(await userLookup.run(ctx, { userId: botId })).toMatchObject({
    userId: botId,
    type: "programmatic",
    username: "ci-bot",
  });
  const noEmail = await errorOf(userLookup.run(ctx, { email: "nobody@example.com" }));
  expectOutcome(noEmail, "NotFound");
  expect(noEmail.message).toMatch(/no existing User matches email="nobody@example.com"/);
  const noId = await errorOf(userLookup.run(ctx, { userId: "u-00000000" }));
  expectOutcome(noId, "NotFound");
  expect(noId.message).toMatch(/no User with id "u-00000000"/);
  const neither = await errorOf(userLookup.run(ctx, {}));
  expectOutcome(neither, "InvalidInputs");
  expect(neither.message).toMatch(/email or userId: give exactly one/);
  expect(argsOk(userLookup, { email: "jane" })[0]).toMatchObject({ field: "email" });
  expect(argsOk(userLookup, { userId: "jane" })[0]).toMatchObject({ field: "userId" });
});

test("AccessPolicies: all, or by name regardless of case", async () => {
  const ctx = contextFor(emu);
  const all = (await accessPoliciesLookup.run(ctx, {})).policies;
  expect(all.map((p) => p.policyId)).toContain(polId);
  const one = (await accessPoliciesLookup.run(ctx, { name: "ops read" })).policies;
  expect(one).toEqual([
    {
      policyId: polId,
      name: "Ops Read",
      description: "read",
      policyType: "ACCOUNT",
      statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }],
    },
  ]);
  expect((await accessPoliciesLookup.run(ctx, { name: "none" })).policies).toEqual([]);
});

test("PolicyActions: the catalogue, filtered by Spot", async () => {
  const ctx = contextFor(emu);
  const ocean = (await policyActionsLookup.run(ctx, { service: "ocean", category: "UPDATE" })).actions;
  expect(ocean.length).toBeGreaterThan(0);
  expect(ocean.every((a) => a.service === "ocean" && a.category === "UPDATE")).toBe(true);
  expect(ocean.map((a) => a.name)).toContain("ocean:updateCluster");
  expect(argsOk(policyActionsLookup, { scope: "GLOBAL" })[0].message).toMatch(/"ACCOUNT", "ORGANIZATION"/);
});
