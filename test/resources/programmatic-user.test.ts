/**
 * ProgrammaticUser against the emulator, through the core lifecycle: the full lifecycle (the token kept from the
 * create on, never logged), the token working and absent for an adopted user, account roles replacing, a lost
 * create answer (a fresh token minted), a create whose group step fails (kept with its token, finished by the
 * next run), a taken name, bad inputs.
 */
import { SpotClient } from "../../src/api";
import { adopt, apply, readLive } from "../../src/core";
import { programmaticUser } from "../../src/resources/programmatic-user";
import { withEmulator } from "../support/emulator";
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

const create = (ctx: ReturnType<typeof contextFor>, desired: Record<string, unknown>) =>
  apply({ kind: programmaticUser, ctx, action: "create", desired });
const remove = (ctx: ReturnType<typeof contextFor>, id: string) =>
  apply({ kind: programmaticUser, ctx, action: "delete", id });

test("the token works, is kept across reads, and is absent (not invented) for an adopted user", async () => {
  const ctx = contextFor(emu);
  const inputs = { ...ci(), name: "token-check", userGroupIds: undefined };
  const { id, outputs } = await create(ctx, inputs);
  const asBot = new SpotClient({ token: outputs!.token, baseUrl: emu.url, retry: { maxAttempts: 1 } });
  expect((await asBot.users.get(id!, { direct: true })).userId).toBe(id);

  expect((await readLive({ kind: programmaticUser, ctx, id: id!, prior: outputs }))!.token).toBe(outputs!.token);
  expect((await readLive({ kind: programmaticUser, ctx, id: id! }))!.token).toBeUndefined();
  const found = await adopt(programmaticUser, ctx, { inputs });
  expect(found.id).toBe(id);
  expect(found.outputs.token).toBeUndefined();
  await expectNoDiff(programmaticUser, inputs, found.outputs);
  expect((await adopt(programmaticUser, ctx, { id: "token-check" })).id).toBe(id);
  await remove(ctx, id!);
});

test("account roles: read back, and a change replaces (Spot cannot remove an account from it)", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(programmaticUser, ctx);
  const inputs = {
    name: "roles-bot",
    accounts: [
      { accountId: emu.accountId, role: "viewer" },
      { accountId: account2, role: "editor" },
    ],
  };
  const { applied } = await t.converge(inputs);
  expect(applied!.outputs!.accounts).toEqual(expect.arrayContaining([{ accountId: account2, role: "editor" }]));
  expect(applied!.outputs!.description).toBeUndefined();
  expectNoop(await t.plan(inputs));
  const p = await t.plan({ ...inputs, accounts: [{ accountId: emu.accountId, role: "editor" }] });
  expect(changedFields(p)).toEqual(["accounts"]);
  expect(p).toMatchObject({ action: "replace", replaceFields: ["accounts"] });
  await t.converge(null);
});

test("a create whose answer is lost is recovered without a duplicate, and a fresh token is minted", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/user/programmatic",
    kind: "commit-then-fail",
    status: 503,
  });
  const { id, outputs } = await create(ctx, { ...ci(), name: "flaky-bot", userGroupIds: undefined });
  expect(ctx.client.counters.recovered).toBe(1);
  expect(ctx.warnings.join("\n")).toMatch(/token was lost in transit; creating it again/);
  expect(outputs!.token).toBeTruthy();
  const all = (await clientFor(emu).users.listOrganization()).filter((u) => u.username === "flaky-bot");
  expect(all.map((u) => u.userId)).toEqual([id]);
  await remove(ctx, id!);
});

test("a create whose group step fails keeps the user with its token; the next run sets the groups", async () => {
  const ctx = contextFor(emu);
  const t = new Tracked(programmaticUser, ctx);
  const inputs = { ...ci(), name: "half-bot", userGroupIds: ["ugr-00000000"] };
  const e = await errorOf(t.converge(inputs));
  expectOutcome(e, "CreatedNotFinished");
  expect(e.id).toMatch(/^pu-/);
  expect(e.step).toBe("setting its groups");
  // The token Spot gave once travels with the outcome, so that the front-end keeps it.
  const token = e.outputs.token;
  expect(token).toMatch(/^[0-9a-f]{20,}$/);
  expectNoSecret(e.message, [token]);
  expect((await clientFor(emu).users.listOrganization()).filter((u) => u.username === "half-bot")).toHaveLength(1);

  const fixed = { ...inputs, userGroupIds: [grp1] };
  const p = await t.plan(fixed);
  expect(p).toMatchObject({ action: "update", id: e.id, problems: [] });
  expect(changedFields(p)).toEqual(["userGroupIds"]);
  const done = await t.execute(fixed, p);
  // Finished in place: the same user, the same token (no new one minted).
  expect(done.outputs).toMatchObject({ userId: e.id, userGroupIds: [grp1], token });
  ctx.client.clearCache();
  expectNoop(await t.plan(fixed));
  await t.converge(null);
});

test("a taken name is refused before anything is created, and the token cannot be recovered", async () => {
  const ctx = contextFor(emu);
  const inputs = { ...ci(), name: "dup-bot", userGroupIds: undefined };
  const { id, outputs } = await create(ctx, inputs);
  const posts = ctx.client.counters.requests["POST /setup/user/programmatic"];
  const e = await errorOf(create(ctx, inputs));
  expectOutcome(e, "AlreadyExists");
  expect(e.ids).toEqual([id]);
  expect(e.note).toMatch(/token cannot be recovered/);
  expectNoSecret(e.message, [outputs!.token]);
  expect(ctx.client.counters.requests["POST /setup/user/programmatic"]).toBe(posts);
  await remove(ctx, id!);
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
