import type { SpotClient } from "../../src/api";
import { userAttachment } from "../../src/resources/user-attachment";
import { withEmulator } from "../support/emulator";
import {
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

test("by userId, policy-based from the start; the e-mail is filled in", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(userAttachment, { accountId: accounts[2], userId: janeId, policyIds: [pol1] });
  const { id, outputs } = await userAttachment.create(ctx, inputs);
  expect(id).toBe(`${accounts[2]}/${janeId}`);
  expect(outputs).toMatchObject({ userEmail: JANE, permissionStrategy: "POLICY_BASED", policyIds: [pol1] });
  expectNoDiff(userAttachment, inputs, outputs);
  expect(ctx.client.counters.requests["POST /setup/accountUserMapping"]).toBe(1);
  await userAttachment.delete(ctx, id, outputs);
  ctx.client.clearCache();
  expect(await userAttachment.read(ctx, id)).toBeUndefined();
});

test("an attachment that already exists (a viewer's default account) is taken over, with a warning", async () => {
  const ctx = contextFor(emu);
  const viewer = await spot.users.create({ email: "v@example.com", firstName: "Vi", lastName: "Ewer", role: "viewer" });
  const inputs = checked(userAttachment, { accountId: emu.accountId, userEmail: "v@example.com", role: "editor" });
  expect((await userAttachment.find(ctx, inputs))?.outputs.role).toBe("viewer");
  const upper = checked(userAttachment, { ...inputs, userEmail: "V@Example.com", role: "viewer" });
  expectNoDiff(userAttachment, upper, (await userAttachment.find(ctx, upper))!.outputs);
  const { outputs } = await userAttachment.create(ctx, inputs);
  expect(outputs.role).toBe("editor");
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
  const inputs = checked(userAttachment, { accountId: accounts[1], userEmail: JANE, role: "editor" });
  const { id, outputs } = await userAttachment.create(ctx, inputs);
  expect(ctx.client.counters.recovered).toBe(1);
  expect(ctx.client.counters.requests["POST /setup/account/{accountId}/user"]).toBe(1);
  expect(outputs.role).toBe("editor");
  await userAttachment.delete(ctx, id, outputs);
});

test("reading many attachments of one user costs one user list and one mapping call", async () => {
  const ctx = contextFor(emu);
  const ids: string[] = [];
  for (const a of accounts) {
    ids.push(
      (await userAttachment.create(ctx, checked(userAttachment, { accountId: a, userId: janeId, role: "viewer" }))).id,
    );
  }
  const reader = contextFor(emu);
  const live = await Promise.all(ids.map((id) => userAttachment.read(reader, id)));
  expect(live.map((l) => l?.role)).toEqual(["viewer", "viewer", "viewer"]);
  expect(reader.client.counters.requests["GET /setup/user"]).toBe(1);
  expect(reader.client.counters.requests["GET /setup/accountUserMapping"]).toBe(1);
  for (const [i, id] of ids.entries()) await userAttachment.delete(ctx, id, live[i]!);
});

test("a user that does not exist is refused before anything is changed", async () => {
  const ctx = contextFor(emu);
  const before = await emu.control.stats();
  const e = await errorOf(
    userAttachment.create(
      ctx,
      checked(userAttachment, { accountId: accounts[0], userEmail: "no@example.com", role: "viewer" }),
    ),
  );
  expect(e.message).toMatch(/userEmail no@example.com names no console user.*create the user first/);
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
  const e = await errorOf(userAttachment.read(contextFor(emu), "act-123"));
  expect(e.message).toMatch(/<accountId>\/<userId>/);
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(userAttachment);
});
