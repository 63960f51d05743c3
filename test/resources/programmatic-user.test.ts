import { SpotClient } from "../../src/api";
import { diffResource } from "../../src/resources";
import { programmaticUser } from "../../src/resources/programmatic-user";
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
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();
let spot: SpotClient;
let account2: string;
let pol1: string;
let pol2: string;
let grp1: string;

beforeAll(async () => {
  spot = clientFor(emu);
  account2 = (await spot.accounts.create({ name: "second" })).accountId;
  const statements = [{ effect: "ALLOW" as const, actions: ["setup:describeUser"], resources: ["*"] }];
  pol1 = (await spot.access.policies.create({ name: "p1", policyContent: { statements } })).id;
  pol2 = (await spot.access.policies.create({ name: "p2", policyContent: { statements } })).id;
  grp1 = (await spot.access.userGroups.create({ name: "g1", description: "one" })).id;
});

afterEach(() => emu.control.clearFaults());

const ci = () => ({
  name: "ci-bot",
  description: "CI pipeline",
  policies: [{ policyId: pol1, accountIds: [emu.accountId] }],
  userGroupIds: [grp1],
});

test("lifecycle: create, drift, update, replacing changes, adopt, delete", async () => {
  const lines: string[] = [];
  const ctx = contextFor(emu, { logger: (l) => lines.push(l) });
  const r = await runLifecycle({
    emu,
    ctx,
    kind: programmaticUser,
    inputs: ci(),
    outOfBand: {
      change: (other, id) => other.users.setPolicyMapping(id, [{ policyId: pol2, accountIds: ["*"] }]),
      fields: ["policies"],
    },
    update: {
      inputs: { ...ci(), policies: [{ policyId: pol2, accountIds: [emu.accountId, account2] }], userGroupIds: [] },
      fields: ["policies", "userGroupIds"],
    },
    replace: { inputs: { ...ci(), name: "ci-bot-2", description: "other" }, fields: ["description", "name"] },
  });
  expect(r.id).toMatch(/^pu-/);
  const token = r.created.token as string;
  expect(token).toMatch(/^[0-9a-f]{20,}$/);
  // Kept from the prior state on every read, and never written to a log line.
  expect(r.live.token).toBe(token);
  expectNoSecret(lines, [token]);
  expectNoSecret(r.ctx.warnings, [token]);
  expect(lines.length).toBeGreaterThan(5);
});

test("the token works, is kept across reads, and is absent (not invented) for an adopted user", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(programmaticUser, { ...ci(), name: "token-check", userGroupIds: undefined });
  const { id, outputs } = await programmaticUser.create(ctx, inputs);
  const asBot = new SpotClient({ token: outputs.token, baseUrl: emu.url, retry: { maxAttempts: 1 } });
  expect((await asBot.users.get(id, { direct: true })).userId).toBe(id);

  const live = await programmaticUser.read(ctx, id, outputs);
  expect(live!.token).toBe(outputs.token);
  expect((await programmaticUser.read(ctx, id))!.token).toBeUndefined();
  const found = await programmaticUser.find(ctx, inputs);
  expect(found!.id).toBe(id);
  expect(found!.outputs.token).toBeUndefined();
  expectNoDiff(programmaticUser, inputs, found!.outputs);
  expect((await programmaticUser.importById!(ctx, "token-check"))!.id).toBe(id);
  await programmaticUser.delete(ctx, id, live!);
});

test("account roles: read back, and a change replaces (Spot cannot remove an account from it)", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(programmaticUser, {
    name: "roles-bot",
    accounts: [
      { accountId: emu.accountId, role: "viewer" },
      { accountId: account2, role: "editor" },
    ],
  });
  const { id, outputs } = await programmaticUser.create(ctx, inputs);
  expect(outputs.accounts).toEqual(expect.arrayContaining([{ accountId: account2, role: "editor" }]));
  expect(outputs.description).toBeUndefined();
  expectNoDiff(programmaticUser, inputs, outputs);
  const d = diffResource(
    programmaticUser,
    { ...inputs, accounts: [{ accountId: emu.accountId, role: "editor" }] },
    outputs,
  );
  expect(changedFields(d)).toEqual(["accounts"]);
  expect(d.replace).toBe(true);
  await programmaticUser.delete(ctx, id, outputs);
});

test("a create whose answer is lost is recovered without a duplicate, and a fresh token is minted", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/user/programmatic",
    kind: "commit-then-fail",
    status: 503,
  });
  const inputs = checked(programmaticUser, { ...ci(), name: "flaky-bot", userGroupIds: undefined });
  const { id, outputs } = await programmaticUser.create(ctx, inputs);
  expect(ctx.client.counters.recovered).toBe(1);
  expect(ctx.warnings.join("\n")).toMatch(/token was lost in transit; creating it again/);
  expect(outputs.token).toBeTruthy();
  const all = (await clientFor(emu).users.listOrganization()).filter((u) => u.username === "flaky-bot");
  expect(all.map((u) => u.userId)).toEqual([id]);
  await programmaticUser.delete(ctx, id, outputs);
});

test("a taken name is refused before anything is created, with the way to adopt it", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(programmaticUser, { ...ci(), name: "dup-bot", userGroupIds: undefined });
  const { id, outputs } = await programmaticUser.create(ctx, inputs);
  const e = await errorOf(programmaticUser.create(ctx, inputs));
  expect(e.message).toContain(`already exists (${id})`);
  expect(e.message).toMatch(/adopt it/);
  expectNoSecret(e.message, [outputs.token]);
  await programmaticUser.delete(ctx, id, outputs);
});

test("bad inputs are refused before any API call", async () => {
  const ok = ci();
  await expectRejectedBeforeApi(emu, programmaticUser, { ...ok, name: "ci+bot" }, "name", /\+ = @/);
  await expectRejectedBeforeApi(
    emu,
    programmaticUser,
    { ...ok, accounts: [{ accountId: emu.accountId, role: "viewer" }] },
    "policies",
    /not both|together with accounts/,
  );
  await expectRejectedBeforeApi(emu, programmaticUser, { name: "lonely" }, "accounts", /or policies is required/);
  await expectRejectedBeforeApi(
    emu,
    programmaticUser,
    { name: "x", accounts: [{ accountId: emu.accountId, role: "admin" }] },
    "accounts.0.role",
    /"viewer", "editor"/,
  );
  await expectRejectedBeforeApi(
    emu,
    programmaticUser,
    {
      name: "x",
      accounts: [
        { accountId: emu.accountId, role: "viewer" },
        { accountId: emu.accountId, role: "editor" },
      ],
    },
    "accounts.1.accountId",
    /one role per account/,
  );
  await expectRejectedBeforeApi(emu, programmaticUser, { ...ok, token: "abc" }, "token", /output set by Spot/);
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(programmaticUser);
});
