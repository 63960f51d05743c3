/**
 * UserGroup against the emulator, through the core lifecycle: the full lifecycle, omitted members and description
 * left alone, a lost create answer, a taken name, bad inputs refused before any API call.
 */
import type { SpotClient } from "../../src/api";
import { adopt, apply } from "../../src/core";
import { userGroup } from "../../src/resources/user-group";
import { withEmulator } from "../support/emulator";
import {
  Tracked,
  changedFields,
  clientFor,
  contextFor,
  errorOf,
  expectNoop,
  expectOutcome,
  expectRejectedBeforeApi,
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();
let spot: SpotClient;
let pol1: string;
let pol2: string;
let u1: string;
let u2: string;
let bot: string;

beforeAll(async () => {
  spot = clientFor(emu);
  const statements = [{ effect: "ALLOW" as const, actions: ["ocean:describeCluster"], resources: ["*"] }];
  pol1 = (await spot.access.policies.create({ name: "p1", policyContent: { statements } })).id;
  pol2 = (await spot.access.policies.create({ name: "p2", policyContent: { statements } })).id;
  u1 = (await spot.users.create({ email: "u1@example.com", firstName: "U", lastName: "One" })).userId;
  u2 = (await spot.users.create({ email: "u2@example.com", firstName: "U", lastName: "Two" })).userId;
  bot = (await spot.users.createProgrammatic({ name: "bot", accounts: [{ id: emu.accountId, role: "viewer" }] })).id;
});

afterEach(() => emu.control.clearFaults());

const devs = () => ({
  name: "developers",
  description: "app developers",
  userIds: [u1, bot],
  policies: [{ policyId: pol1, accountIds: [emu.accountId] }],
});

test("lifecycle: create, drift, rename and remap, adopt, delete", async () => {
  const r = await runLifecycle({
    emu,
    kind: userGroup,
    inputs: devs(),
    outOfBand: {
      change: async (other, id) => {
        await other.access.userGroups.update(id, { name: "developers", description: "edited by hand" });
        await other.access.userGroups.setUsers(id, [u2]);
        await other.access.userGroups.setPolicies(id, []);
      },
      fields: ["description", "policies", "userIds"],
    },
    update: {
      inputs: {
        name: "engineers",
        description: "all engineers",
        userIds: [u1, u2],
        policies: [{ policyId: pol2, accountIds: ["*"] }],
      },
      fields: ["description", "name", "policies", "userIds"],
    },
    importId: () => "engineers",
  });
  expect(r.id).toMatch(/^ugr-/);
  expect(r.created).toMatchObject({ userGroupId: r.id, name: "developers" });
  expect(r.created.createdAt).toBeTruthy();
});

test("omitted members and description are left alone; [] empties the group", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(userGroup, ctx);
  const inputs = { name: "loose" };
  await t.converge(inputs);
  const id = t.id!;
  await spot.access.userGroups.setUsers(id, [u1]);
  await spot.access.userGroups.update(id, { name: "loose", description: "set elsewhere" });
  ctx.client.clearCache();
  let p = await t.plan(inputs);
  expect(p.live).toMatchObject({ userIds: [u1], description: "set elsewhere" });
  expectNoop(p);
  const empty = { name: "loose", userIds: [] };
  p = await t.plan(empty);
  expect(changedFields(p)).toEqual(["userIds"]);
  const after = await t.execute(empty, p);
  expect(after.outputs).toMatchObject({ userIds: [], description: "set elsewhere" });
  await t.converge(null);
});

test("a lost create answer is recovered without a duplicate; a taken name is AlreadyExists", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/access/userGroup",
    kind: "commit-then-fail",
    status: 503,
  });
  const { id, outputs } = await apply({
    kind: userGroup,
    ctx,
    action: "create",
    desired: { name: "flaky", userIds: [u1] },
  });
  expect(ctx.client.counters.recovered).toBe(1);
  expect(outputs!.userIds).toEqual([u1]);
  const e = await errorOf(apply({ kind: userGroup, ctx, action: "create", desired: { name: "FLAKY" } }));
  expectOutcome(e, "AlreadyExists");
  expect(e.ids).toEqual([id]);
  expect((await spot.access.userGroups.list()).filter((g) => g.name.toLowerCase() === "flaky")).toHaveLength(1);
  // Found by name whatever the case, or by name as an import id.
  expect((await adopt(userGroup, ctx, { inputs: { name: "Flaky" } })).id).toBe(id);
  expect((await adopt(userGroup, ctx, { id: "flaky" })).id).toBe(id);
  await apply({ kind: userGroup, ctx, action: "delete", id, prior: outputs });
});

test("bad inputs are refused before any API call", async () => {
  const ok = devs();
  await expectRejectedBeforeApi(emu, userGroup, { ...ok, name: "a@b" }, "name", /\+ = @/);
  await expectRejectedBeforeApi(emu, userGroup, { ...ok, description: " " }, "description", /cannot clear/);
  await expectRejectedBeforeApi(emu, userGroup, { ...ok, userIds: ["jane"] }, "userIds", /u-… or pu-…/);
  await expectRejectedBeforeApi(
    emu,
    userGroup,
    { ...ok, policies: [{ policyId: pol1, accountIds: ["everything"] }] },
    "policies.0.accountIds",
    /act-/,
  );
  await expectRejectedBeforeApi(
    emu,
    userGroup,
    { ...ok, policies: [{ accountIds: ["*"] }] },
    "policies.0.policyId",
    /required/,
  );
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(userGroup);
});
