/**
 * UserAttachment against the emulator, through the core lifecycle: attach with a role, drift, switch to policies,
 * adopt, detach; policy-based by userId; an existing attachment taken over; a lost attach answer; one user list
 * and one mapping call for many attachments; unknown users and bad inputs refused before anything changes.
 */
import type { SpotClient } from "../../src/api";
import { adopt, apply, readLive } from "../../src/core";
import { userAttachment } from "../../src/resources/user-attachment";
import { withEmulator } from "../support/emulator";
import {
  clientFor,
  contextFor,
  errorOf,
  expectNoDiff,
  expectOutcome,
  expectRejectedBeforeApi,
  rejectedBeforeApi,
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();
let spot: SpotClient;
const accounts: string[] = [];
let pol1: string;
let janeId: string;
const JANE = "jane@example.com";

beforeAll(async () => {
  spot = clientFor(emu);
  for (const name of ["a2", "a3", "a4"]) accounts.push((await spot.accounts.create({ name })).accountId);
  const statements = [{ effect: "ALLOW" as const, actions: ["ocean:describeCluster"], resources: ["*"] }];
  pol1 = (await spot.access.policies.create({ name: "p1", policyContent: { statements } })).id;
  janeId = (await spot.users.create({ email: JANE, firstName: "Jane", lastName: "Doe", role: "editor" })).userId;
});

afterEach(() => emu.control.clearFaults());

test("lifecycle: attach with a role, drift, switch to policies, adopt, detach", async () => {
  const [a2, a3] = accounts;
  const r = await runLifecycle({
    emu,
    kind: userAttachment,
    inputs: { accountId: a2, userEmail: JANE, role: "viewer" },
    outOfBand: {
      change: (other) => other.accounts.updateUser(a2, { userId: janeId, role: "editor" }),
      fields: ["role"],
    },
    update: { inputs: { accountId: a2, userEmail: JANE, policyIds: [pol1] }, fields: ["policyIds", "role"] },
    replace: { inputs: { accountId: a3, userEmail: JANE, policyIds: [pol1] }, fields: ["accountId"] },
    importId: () => `${a2}/${JANE}`,
  });
  expect(r.id).toBe(`${a2}/${janeId}`);
  expect(r.created).toEqual({
    accountId: a2,
    userId: janeId,
    userEmail: JANE,
    role: "viewer",
    permissionStrategy: "ROLE_BASED",
  });
  expect(r.live).toMatchObject({ permissionStrategy: "POLICY_BASED", policyIds: [pol1] });
  expect((await spot.users.accountMappings(JANE)).map((m) => m.accountId)).not.toContain(a2);
});

const create = (ctx: ReturnType<typeof contextFor>, desired: Record<string, unknown>) =>
  apply({ kind: userAttachment, ctx, action: "create", desired });
const detach = (ctx: ReturnType<typeof contextFor>, id: string, prior: Record<string, unknown>) =>
  apply({ kind: userAttachment, ctx, action: "delete", id, prior });

test("by userId, policy-based from the start; the e-mail is filled in", async () => {
  const ctx = contextFor(emu);
  const inputs = { accountId: accounts[2], userId: janeId, policyIds: [pol1] };
  const { id, outputs } = await create(ctx, inputs);
  expect(id).toBe(`${accounts[2]}/${janeId}`);
  expect(outputs).toMatchObject({ userEmail: JANE, permissionStrategy: "POLICY_BASED", policyIds: [pol1] });
  await expectNoDiff(userAttachment, inputs, outputs);
  expect(ctx.client.counters.requests["POST /setup/accountUserMapping"]).toBe(1);
  await detach(ctx, id!, outputs!);
  ctx.client.clearCache();
  expect(await readLive({ kind: userAttachment, ctx, id: id! })).toBeUndefined();
});

test("an attachment that already exists (a viewer's default account) is taken over, with a warning", async () => {
  const ctx = contextFor(emu);
  const viewer = await spot.users.create({ email: "v@example.com", firstName: "Vi", lastName: "Ewer", role: "viewer" });
  const inputs = { accountId: emu.accountId, userEmail: "v@example.com", role: "editor" };
  expect((await adopt(userAttachment, ctx, { inputs })).outputs.role).toBe("viewer");
  const upper = { ...inputs, userEmail: "V@Example.com", role: "viewer" };
  await expectNoDiff(userAttachment, upper, (await adopt(userAttachment, ctx, { inputs: upper })).outputs);
  const { outputs } = await create(ctx, inputs);
  expect(outputs!.role).toBe("editor");
  expect(ctx.warnings.join("\n")).toMatch(/already attached .* now managed here/);
  expect(ctx.client.counters.requests["POST /setup/account/{accountId}/user"]).toBeUndefined();
  await spot.users.delete(viewer.userId);
});

test("a lost answer to the attach is recovered without a second attach", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/account/{accountId}/user",
    kind: "commit-then-fail",
    status: 502,
  });
  const { id, outputs } = await create(ctx, { accountId: accounts[1], userEmail: JANE, role: "editor" });
  expect(ctx.client.counters.recovered).toBe(1);
  expect(ctx.client.counters.requests["POST /setup/account/{accountId}/user"]).toBe(1);
  expect(outputs!.role).toBe("editor");
  await detach(ctx, id!, outputs!);
});

test("reading many attachments of one user costs one user list and one mapping call", async () => {
  const ctx = contextFor(emu);
  const ids: string[] = [];
  for (const a of accounts) ids.push((await create(ctx, { accountId: a, userId: janeId, role: "viewer" })).id!);
  const reader = contextFor(emu);
  const live = await Promise.all(ids.map((id) => readLive({ kind: userAttachment, ctx: reader, id })));
  expect(live.map((l) => l?.role)).toEqual(["viewer", "viewer", "viewer"]);
  expect(reader.client.counters.requests["GET /setup/user"]).toBe(1);
  expect(reader.client.counters.requests["GET /setup/accountUserMapping"]).toBe(1);
  for (const [i, id] of ids.entries()) await detach(ctx, id, live[i]!);
});

test("a user that does not exist is refused before anything is changed", async () => {
  const ctx = contextFor(emu);
  const before = await emu.control.stats();
  const e = await errorOf(create(ctx, { accountId: accounts[0], userEmail: "no@example.com", role: "viewer" }));
  expectOutcome(e, "InvalidInputs");
  expect(e.failures).toEqual([
    {
      field: "userEmail",
      message: expect.stringMatching(/"no@example.com" names no console user.*create the user first/),
    },
  ]);
  const after = await emu.control.stats();
  expect(after.total - before.total).toBe(1);
  expect(after.requests["GET /setup/user"]).toBe((before.requests["GET /setup/user"] ?? 0) + 1);
});

test("bad inputs are refused before any API call", async () => {
  const a = accounts[0];
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, userEmail: JANE, userId: janeId, role: "viewer" },
    "userId",
    /together with userEmail/,
  );
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, role: "viewer" },
    "userEmail",
    /or userId is required/,
  );
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, userEmail: JANE, role: "viewer", policyIds: [pol1] },
    "policyIds",
    /together with role/,
  );
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, userEmail: JANE },
    "role",
    /or policyIds is required/,
  );
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, userEmail: JANE, role: "admin" },
    "role",
    /"viewer", "editor"/,
  );
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: "prod", userEmail: JANE, role: "viewer" },
    "accountId",
    /act-/,
  );
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, userEmail: "jane", role: "viewer" },
    "userEmail",
    /e-mail/,
  );
  await expectRejectedBeforeApi(emu, userAttachment, { accountId: a, userId: "jane", role: "viewer" }, "userId", /u-/);
  await expectRejectedBeforeApi(
    emu,
    userAttachment,
    { accountId: a, userId: "pu-1a2b3c4d", role: "viewer" },
    "userId",
    /ProgrammaticUser\.accounts/,
  );
  // Ids that are not "<accountId>/<user>" are refused as such, by a read and by an import.
  for (const e of [
    await rejectedBeforeApi(emu, () => readLive({ kind: userAttachment, ctx: contextFor(emu), id: "act-123" })),
    await rejectedBeforeApi(emu, () => adopt(userAttachment, contextFor(emu), { id: "act-123" })),
  ]) {
    expectOutcome(e, "InvalidImportId");
    expect(e.message).toMatch(/<accountId>\/<userId>/);
  }
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(userAttachment);
});
