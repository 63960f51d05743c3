import type { SpotClient } from "../../src/api";
import { diffResource } from "../../src/resources";
import { userGroup } from "../../src/resources/user-group";
import { withEmulator } from "../support/emulator";
import {
  changedFields,
  checked,
  clientFor,
  contextFor,
  errorOf,
  expectNoDiff,
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
  const inputs = checked(userGroup, { name: "loose" });
  const { id, outputs } = await userGroup.create(ctx, inputs);
  await spot.access.userGroups.setUsers(id, [u1]);
  await spot.access.userGroups.update(id, { name: "loose", description: "set elsewhere" });
  ctx.client.clearCache();
  const live = await userGroup.read(ctx, id);
  expect(live).toMatchObject({ userIds: [u1], description: "set elsewhere" });
  expectNoDiff(userGroup, inputs, live);
  const empty = checked(userGroup, { name: "loose", userIds: [] });
  const d = diffResource(userGroup, empty, live!);
  expect(changedFields(d)).toEqual(["userIds"]);
  const after = await userGroup.update(ctx, id, empty, live!, d.changes);
  expect(after.userIds).toEqual([]);
  expect(after.description).toBe("set elsewhere");
  await userGroup.delete(ctx, id, outputs);
});

test("a lost create answer is recovered without a duplicate; a taken name points to adopt", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/access/userGroup",
    kind: "commit-then-fail",
    status: 503,
  });
  const inputs = checked(userGroup, { name: "flaky", userIds: [u1] });
  const { id, outputs } = await userGroup.create(ctx, inputs);
  expect(ctx.client.counters.recovered).toBe(1);
  expect(outputs.userIds).toEqual([u1]);
  const e = await errorOf(userGroup.create(ctx, checked(userGroup, { name: "FLAKY" })));
  expect(e.message).toContain(`already exists in Spot (${id})`);
  expect((await spot.access.userGroups.list()).filter((g) => g.name.toLowerCase() === "flaky")).toHaveLength(1);
  await userGroup.delete(ctx, id, outputs);
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
