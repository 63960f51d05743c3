/**
 * Account against the emulator, through the core lifecycle: create → no diff → out-of-band rename and channel
 * change detected → update → rename in place → adopt/import → delete refused by the core until allowDeletion
 * (a local change: no API call) → deleted → gone; duplicate names, ambiguous finds, the default account, a create
 * whose answer is lost, and bad inputs rejected before any API call.
 */
import { account } from "../../src/resources/account";
import { UNKNOWN, adopt, apply, managedFields, plan, readLive } from "../../src/core";
import type { SpotClient } from "../../src/api";
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
  expectSchemaConventions,
  type TestContext,
} from "./helpers";
import { rejectedBeforeApi, requests as count, unique } from "./accounts-helpers";

const emu = withEmulator();
let oob: SpotClient; // changes "made in the console": another client, its own cache
let ctx: TestContext;

const HOOK_A = "https://hooks.slack.com/services/T000/B000/aaaa";
const HOOK_B = "https://hooks.slack.com/services/T000/B000/bbbb";

beforeAll(() => {
  ctx = contextFor(emu);
  oob = clientFor(emu);
});

beforeEach(async () => {
  await emu.control.clearFaults();
});

afterEach(() => jest.restoreAllMocks());

const requests = (key: string) => count(emu, key);

async function create(inputs: Record<string, unknown>) {
  const a = await apply({ kind: account, ctx, action: "create", desired: inputs });
  return { id: a.id!, outputs: a.outputs! };
}

test("full lifecycle: create, no diff, drift detected, update, rename, adopt, delete, gone", async () => {
  const name = unique("acct");
  const t = new Tracked(account, ctx);
  const inputs = { name, slackNotificationChannels: [HOOK_A] };

  let p = await t.plan(inputs);
  expect(p.action).toBe("create");
  expect(p.inputs).toEqual({ ...inputs, allowDeletion: false });
  expect(p.planned).toMatchObject({ accountId: UNKNOWN, createdAt: UNKNOWN, allowDeletion: false });
  const created = await t.execute(inputs, p);
  const id = created.id!;
  expect(id).toMatch(/^act-/);
  expect(created.outputs).toMatchObject({
    accountId: id,
    name,
    organizationId: emu.organizationId,
    slackNotificationChannels: [HOOK_A],
    allowDeletion: false,
  });
  expect(created.outputs!.createdAt).toEqual(expect.any(String));

  // What Spot has matches the program.
  ctx.client.clearCache();
  expectNoop(await t.plan(inputs));

  // Renamed and re-channelled in the console: planned back in place, and reported as drift.
  await oob.accounts.update(id, { name: `${name}-console`, slackNotificationChannels: [HOOK_B] });
  ctx.client.clearCache();
  p = await t.plan(inputs);
  expect(p.live).toMatchObject({ name: `${name}-console`, slackNotificationChannels: [HOOK_B] });
  expect(p.action).toBe("update");
  expect(p.changes.map((c) => [c.field, c.mode])).toEqual([
    ["name", "update"],
    ["slackNotificationChannels", "update"],
  ]);
  expect(p.drift).toEqual([
    expect.objectContaining({ field: "name", before: name, after: `${name}-console` }),
    expect.objectContaining({ field: "slackNotificationChannels", before: [HOOK_A], after: [HOOK_B] }),
  ]);
  const fixed = await t.execute(inputs, p);
  expect(fixed.outputs).toMatchObject({ accountId: id, name, slackNotificationChannels: [HOOK_A] });
  oob.clearCache();
  const seen = await oob.accounts.get(id, { direct: true });
  expect(seen.name).toBe(name);
  expect((seen as any).slackNotificationChannels).toEqual([HOOK_A]);

  // A rename in the program is a real update (terraform-provider-spotinst's is a silent no-op); the stable
  // outputs are promised as they are, so nothing referencing the account is replaced.
  const renamed = { name: `${name}-v2`, slackNotificationChannels: [HOOK_A, HOOK_B] };
  p = await t.plan(renamed);
  expect(changedFields(p)).toEqual(["name", "slackNotificationChannels"]);
  expect(p.planned).toMatchObject({ accountId: id, organizationId: emu.organizationId, createdAt: t.state!.createdAt });
  const after = await t.execute(renamed, p);
  expect(after.outputs!.accountId).toBe(id);
  oob.clearCache();
  expect((await oob.accounts.get(id)).name).toBe(renamed.name);
  ctx.client.clearCache();
  expectNoop(await t.plan(renamed));

  // Leaving the channels out of the program leaves Spot's alone; an empty list clears them.
  expectNoop(await t.plan({ name: renamed.name }));
  const clear = { name: renamed.name, slackNotificationChannels: [] };
  p = await t.plan(clear);
  expect(changedFields(p)).toEqual(["slackNotificationChannels"]);
  expect((await t.execute(clear, p)).outputs!.slackNotificationChannels).toEqual([]);

  // Adopt by name and import by id find the same account, with nothing to change.
  const found = await adopt(account, ctx, { inputs: clear });
  expect(found.id).toBe(id);
  expectNoop(await plan({ kind: account, desired: clear, id, live: found.outputs }));
  const imported = await adopt(account, ctx, { id: ` ${id} ` });
  expect(imported).toMatchObject({ id, outputs: { name: clear.name, allowDeletion: false } });

  // Deleting is refused by the core until allowDeletion is set, and the refusal sends nothing.
  const deletes = await requests("DELETE /setup/account/{accountId}");
  p = await t.plan(null);
  expect(p.action).toBe("delete");
  expect(p.problems).toEqual([
    {
      type: "irreversible",
      action: "delete",
      fields: [],
      message: expect.stringMatching(/deleting an Account cannot be undone; allowDeletion must be true/),
    },
  ]);
  const refused = await errorOf(t.execute(null, p));
  expectOutcome(refused, "DeletionRefused");
  expect(refused).toMatchObject({ id, reason: "irreversible", action: "delete" });
  expect(await requests("DELETE /setup/account/{accountId}")).toBe(deletes);

  // Turning allowDeletion on is a local change: no API call, and the kind's update is not called.
  const allow = { ...clear, allowDeletion: true };
  p = await t.plan(allow);
  expect(p.changes.map((c) => c.field)).toEqual(["allowDeletion"]);
  expect(p.localOnly).toBe(true);
  expect(Object.values(p.planned)).not.toContain(UNKNOWN);
  const puts = await requests("PUT /setup/account/{accountId}");
  const update = jest.spyOn(account, "update");
  const allowed = await t.execute(allow, p);
  expect(update).not.toHaveBeenCalled();
  expect(allowed.outputs!.allowDeletion).toBe(true);
  expect(await requests("PUT /setup/account/{accountId}")).toBe(puts);

  // The recorded allowDeletion is carried by the read, so the delete goes ahead.
  ctx.client.clearCache();
  p = await t.plan(null);
  expect(p.problems).toEqual([]);
  expect(p.live?.allowDeletion).toBe(true);
  await t.execute(null, p);
  expect(await requests("DELETE /setup/account/{accountId}")).toBe(deletes + 1);

  ctx.client.clearCache();
  expect(await readLive({ kind: account, ctx, id, prior: allowed.outputs })).toBeUndefined();
  expectOutcome(await errorOf(adopt(account, ctx, { inputs: clear })), "NotFound");
  // Deleting what is already gone succeeds (a retried destroy).
  expect(await apply({ kind: account, ctx, action: "delete", id, prior: allowed.outputs })).toMatchObject({
    already: "gone",
  });
});

test("an account deleted in the console reads as gone, and is planned as a create again", async () => {
  const { id, outputs } = await create({ name: unique("gone") });
  await oob.accounts.delete(id);
  ctx.client.clearCache();
  expect(await readLive({ kind: account, ctx, id, prior: outputs })).toBeUndefined();
  const p = await plan({ kind: account, desired: { name: outputs.name }, id, prior: outputs, ctx });
  expect(p).toMatchObject({ action: "create", gone: true });
  // Updating it instead would write to nothing: apply refuses.
  const e = await errorOf(apply({ kind: account, ctx, action: "update", id, desired: { name: "x" }, prior: outputs }));
  expectOutcome(e, "ChangedSincePlan");
  expect(e.gone).toBe(true);
});

test("accounts without managed channels are read from one shared list call", async () => {
  const made: { id: string; outputs: Record<string, any> }[] = [];
  for (let i = 0; i < 3; i++) made.push(await create({ name: unique("listed") }));
  // State recorded without channels: the program does not manage them.
  for (const m of made) expect(m.outputs.slackNotificationChannels).toBeUndefined();
  ctx.client.clearCache();
  const list0 = await requests("GET /setup/account");
  const one0 = await requests("GET /setup/account/{accountId}");
  // A refresh of each (what the state holds is what is managed), all at once.
  const reads = await Promise.all(
    made.map((m) =>
      readLive({ kind: account, ctx, id: m.id, prior: m.outputs, manage: managedFields(account, m.outputs) }),
    ),
  );
  expect(reads.map((r) => r?.accountId)).toEqual(made.map((m) => m.id));
  expect((await requests("GET /setup/account")) - list0).toBe(1);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0);

  // Adopting by name without declared channels costs no per-account call either.
  const located = await plan({ kind: account, desired: { name: made[0].outputs.name }, ctx, locate: true });
  expect(located).toMatchObject({ action: "noop", id: made[0].id });
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0);

  // GitOps plans with the declaration only (no state): without channels, still the shared list.
  const gitops = await plan({ kind: account, desired: { name: made[2].outputs.name }, id: made[2].id, ctx });
  expectNoop(gitops);
  expect(gitops.live?.name).toBe(made[2].outputs.name);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0);
  // Nothing to go on (an import): the whole object, read directly, channels included.
  const imported = await adopt(account, ctx, { id: made[2].id });
  expect(imported.outputs.slackNotificationChannels).toEqual([]);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0 + 1);

  // GitOps prune and reference names list every account in one call.
  const lists = await requests("GET /setup/account");
  ctx.client.clearCache();
  const listed = await account.list!({ ctx });
  expect(listed.map((x) => x.id)).toEqual(expect.arrayContaining([emu.accountId, ...made.map((m) => m.id)]));
  expect(listed.find((x) => x.id === made[1].id)?.outputs).toMatchObject({ name: made[1].outputs.name });
  expect((await requests("GET /setup/account")) - lists).toBe(1);
});

test("a second account with the same name is refused before posting; planned by name, it is found", async () => {
  const name = unique("dup");
  const first = await create({ name });
  const posts = await requests("POST /setup/account");
  const e = await errorOf(create({ name }));
  expectOutcome(e, "AlreadyExists");
  expect(e).toMatchObject({ kind: "Account", ids: [first.id], what: `named "${name}"` });
  expect(e.message).toContain(`already exists (${first.id})`);
  expect(await requests("POST /setup/account")).toBe(posts);
  // The way out a front-end offers: locate (adopt) it instead.
  expect(await plan({ kind: account, desired: { name }, ctx, locate: true })).toMatchObject({
    action: "noop",
    id: first.id,
  });
});

test("locating refuses to guess between accounts that share a name", async () => {
  const name = unique("twin");
  const a = await oob.accounts.create({ name });
  const b = await oob.accounts.create({ name });
  ctx.client.clearCache();
  const e = await errorOf(adopt(account, ctx, { inputs: { name } }));
  expectOutcome(e, "Ambiguous");
  expect([...e.ids].sort()).toEqual([a.accountId, b.accountId].sort());
  expect(e.message).toContain(a.accountId);
  expect(e.message).toContain(b.accountId);
  expectOutcome(await errorOf(plan({ kind: account, desired: { name }, ctx, locate: true })), "Ambiguous");
});

test("a create whose answer is lost is recovered, not duplicated", async () => {
  const name = unique("lost");
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", status: 503 });
  const recovered = ctx.client.counters.recovered;
  const posts = await requests("POST /setup/account");
  const { id } = await create({ name });
  expect(ctx.client.counters.recovered).toBe(recovered + 1);
  expect(await requests("POST /setup/account")).toBe(posts + 1);
  oob.clearCache();
  const same = await oob.accounts.findByName(name);
  expect(same.map((a) => a.accountId)).toEqual([id]);
});

test("the default account: Spot's refusal is a protected DeletionRefused, even with allowDeletion", async () => {
  ctx.client.clearCache();
  const found = await adopt(account, ctx, { id: emu.accountId });
  const e = await errorOf(
    apply({ kind: account, ctx, action: "delete", id: emu.accountId, prior: found.outputs, allowDeletion: true }),
  );
  expectOutcome(e, "DeletionRefused");
  expect(e).toMatchObject({ id: emu.accountId, reason: "protected", action: "delete" });
  expect(e.message).toMatch(/default \(oldest\) account/);
  oob.clearCache();
  expect((await oob.accounts.get(emu.accountId)).accountId).toBe(emu.accountId);
});

describe("bad inputs are rejected before any API call", () => {
  test("names, channels and unknown fields", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: "1234" }, "name", /at least one letter/],
      [{ name: "  " }, "name", /must not be empty/],
      [{}, "name", /is required/],
      [
        { name: "ok", slackNotificationChannels: ["http://hooks.slack.com/x"] },
        "slackNotificationChannels",
        /https:\/\//,
      ],
      [{ name: "ok", slackNotificationChannels: ["not a url"] }, "slackNotificationChannels", /element 0/],
      [{ name: "ok", nmae: "x" }, "nmae", /not a known field/],
      [{ name: "ok", accountId: "act-1" }, "accountId", /output set by Spot/],
      [{ name: "ok", allowDeletion: "yes" }, "allowDeletion", /must be a boolean/],
    ];
    for (const [raw, field, message] of cases) await expectRejectedBeforeApi(emu, account, raw, field, message);
  });

  test("import ids", async () => {
    const e = await rejectedBeforeApi(emu, () => adopt(account, ctx, { id: "prod" }));
    expectOutcome(e, "InvalidImportId");
    expect(e.message).toMatch(/act-12ab34cd.*not its name/);
  });
});

test("the schema follows the conventions (documented, irreversible with allowDeletion)", () => {
  expectSchemaConventions(account);
});
