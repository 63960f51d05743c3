/**
 * Account against the emulator: create → no diff → out-of-band rename and channel change detected → update →
 * rename in place → adopt/import → refused and allowed delete → gone; duplicate names, ambiguous finds, the
 * default account, a create whose answer is lost, and bad inputs rejected before any API call.
 */
import { account, type AccountOutputs } from "../../src/resources/account";
import { diffResource } from "../../src/resources";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor, errorOf, expectRejectedBeforeApi, type TestContext } from "./helpers";
import { checkedFor, rejectedBeforeApi, requests as count, unique } from "./accounts-helpers";

const emu = withEmulator();
let client: SpotClient;
let oob: SpotClient; // changes "made in the console": another client, its own cache
let ctx: TestContext;

const HOOK_A = "https://hooks.slack.com/services/T000/B000/aaaa";
const HOOK_B = "https://hooks.slack.com/services/T000/B000/bbbb";

beforeAll(() => {
  ctx = contextFor(emu);
  client = ctx.client;
  oob = clientFor(emu);
});

beforeEach(async () => {
  await emu.control.clearFaults();
});

const requests = (key: string) => count(emu, key);

test("full lifecycle: create, no diff, drift detected, update, rename, adopt, delete, gone", async () => {
  const inputs = checkedFor(account, { name: unique("acct"), slackNotificationChannels: [HOOK_A] });
  expect(inputs.allowDeletion).toBe(false);

  const { id, outputs } = await account.create(ctx, inputs);
  expect(id).toMatch(/^act-/);
  expect(outputs).toMatchObject({
    accountId: id,
    name: inputs.name,
    organizationId: emu.organizationId,
    slackNotificationChannels: [HOOK_A],
    allowDeletion: false,
  });
  expect(outputs.createdAt).toEqual(expect.any(String));

  // What Spot has matches the program.
  client.clearCache();
  const live = await account.read(ctx, id, outputs);
  expect(diffResource(account, inputs, live!).changes).toEqual([]);

  // Renamed and re-channelled in the console.
  await oob.accounts.update(id, { name: `${inputs.name}-console`, slackNotificationChannels: [HOOK_B] });
  client.clearCache();
  const drifted = await account.read(ctx, id, live);
  expect(drifted).toMatchObject({ name: `${inputs.name}-console`, slackNotificationChannels: [HOOK_B] });
  const d = diffResource(account, inputs, drifted!);
  expect(d.changes.map((c) => [c.field, c.mode])).toEqual([
    ["name", "update"],
    ["slackNotificationChannels", "update"],
  ]);
  expect(d.replace).toBe(false);

  // Brought back in place.
  const fixed = await account.update(ctx, id, inputs, drifted!, d.changes);
  expect(fixed).toMatchObject({ accountId: id, name: inputs.name, slackNotificationChannels: [HOOK_A] });
  oob.clearCache();
  const seen = await oob.accounts.get(id, { direct: true });
  expect(seen.name).toBe(inputs.name);
  expect((seen as any).slackNotificationChannels).toEqual([HOOK_A]);

  // A rename in the program is a real update (terraform-provider-spotinst's is a silent no-op).
  const renamed = checkedFor(account, { name: `${inputs.name}-v2`, slackNotificationChannels: [HOOK_A, HOOK_B] });
  const rd = diffResource(account, renamed, fixed);
  expect(rd.changes.map((c) => c.field)).toEqual(["name", "slackNotificationChannels"]);
  const after = await account.update(ctx, id, renamed, fixed, rd.changes);
  expect(after.accountId).toBe(id);
  oob.clearCache();
  expect((await oob.accounts.get(id)).name).toBe(renamed.name);
  expect(diffResource(account, renamed, after).changes).toEqual([]);

  // Leaving the channels out of the program leaves Spot's alone; an empty list clears them.
  const noChannels = checkedFor(account, { name: renamed.name });
  expect(diffResource(account, noChannels, after).changes).toEqual([]);
  const clear = checkedFor(account, { name: renamed.name, slackNotificationChannels: [] });
  const cd = diffResource(account, clear, after);
  expect(cd.changes.map((c) => c.field)).toEqual(["slackNotificationChannels"]);
  const cleared = await account.update(ctx, id, clear, after, cd.changes);
  expect(cleared.slackNotificationChannels).toEqual([]);

  // Adopt by name and import by id find the same account, with nothing to change.
  const found = await account.find(ctx, clear);
  expect(found?.id).toBe(id);
  expect(diffResource(account, clear, found!.outputs).changes).toEqual([]);
  const imported = await account.importById!(ctx, id);
  expect(imported?.id).toBe(id);
  expect(imported?.outputs.name).toBe(clear.name);

  // Deleting is refused until allowDeletion is set, and the refusal sends nothing.
  const deletes = await requests("DELETE /setup/account/{accountId}");
  await expect(account.delete(ctx, id, cleared)).rejects.toThrow(/allowDeletion: true/);
  expect(await requests("DELETE /setup/account/{accountId}")).toBe(deletes);
  // Turning allowDeletion on is a local change (no API call needed).
  const allow = checkedFor(account, { ...clear, allowDeletion: true });
  const ad = diffResource(account, allow, cleared);
  expect(ad.changes.map((c) => c.field)).toEqual(["allowDeletion"]);
  const puts = await requests("PUT /setup/account/{accountId}");
  const allowed = await account.update(ctx, id, allow, cleared, ad.changes);
  expect(allowed.allowDeletion).toBe(true);
  expect(await requests("PUT /setup/account/{accountId}")).toBe(puts);

  // The prior's allowDeletion is carried by read, so delete sees it.
  client.clearCache();
  const beforeDelete = await account.read(ctx, id, allowed);
  expect(beforeDelete?.allowDeletion).toBe(true);
  await account.delete(ctx, id, beforeDelete!);
  expect(await requests("DELETE /setup/account/{accountId}")).toBe(deletes + 1);

  client.clearCache();
  expect(await account.read(ctx, id, beforeDelete)).toBeUndefined();
  expect(await account.read(ctx, id, outputs)).toBeUndefined();
  expect(await account.find(ctx, clear)).toBeUndefined();
  // Deleting what is already gone succeeds (a retried destroy).
  await account.delete(ctx, id, beforeDelete!);
});

test("an account deleted in the console reads as gone", async () => {
  const inputs = checkedFor(account, { name: unique("gone") });
  const { id, outputs } = await account.create(ctx, inputs);
  await oob.accounts.delete(id);
  client.clearCache();
  expect(await account.read(ctx, id, outputs)).toBeUndefined();
});

test("accounts without managed channels are read from one shared list call", async () => {
  const made: Awaited<ReturnType<typeof account.create>>[] = [];
  for (let i = 0; i < 3; i++) made.push(await account.create(ctx, checkedFor(account, { name: unique("listed") })));
  // State recorded without channels: the program does not manage them.
  for (const m of made) expect(m.outputs.slackNotificationChannels).toBeUndefined();
  client.clearCache();
  const list0 = await requests("GET /setup/account");
  const one0 = await requests("GET /setup/account/{accountId}");
  const reads = await Promise.all(made.map((m) => account.read(ctx, m.id, m.outputs)));
  expect(reads.map((r) => r?.accountId)).toEqual(made.map((m) => m.id));
  expect((await requests("GET /setup/account")) - list0).toBe(1);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0);

  // Adopting by name without declared channels costs no per-account call either.
  const found = await account.find(ctx, checkedFor(account, { name: made[0].outputs.name }));
  expect(found?.id).toBe(made[0].id);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0);

  // GitOps reads with the declared inputs as prior (no accountId): without channels, still the shared list.
  const declared = { name: made[2].outputs.name, allowDeletion: false } as Partial<AccountOutputs>;
  const gitops = await account.read(ctx, made[2].id, declared as AccountOutputs);
  expect(gitops?.name).toBe(made[2].outputs.name);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0);
  // Nothing to go on (an import with an empty prior): the direct read, which also returns the channels.
  expect((await account.read(ctx, made[2].id, {} as AccountOutputs))?.slackNotificationChannels).toEqual([]);
  expect(await requests("GET /setup/account/{accountId}")).toBe(one0 + 1);

  // GitOps prune and reference names list every account in one call.
  const listed = await account.list!(ctx);
  expect(listed.map((x) => x.id)).toEqual(expect.arrayContaining([emu.accountId, ...made.map((m) => m.id)]));
  expect(listed.find((x) => x.id === made[1].id)?.outputs).toMatchObject({ name: made[1].outputs.name });
});

test("a second account with the same name is refused before posting, with the way to adopt it", async () => {
  const name = unique("dup");
  const first = await account.create(ctx, checkedFor(account, { name }));
  const posts = await requests("POST /setup/account");
  await expect(account.create(ctx, checkedFor(account, { name }))).rejects.toThrow(
    new RegExp(`already exists \\(${first.id}\\).*adopt: true`),
  );
  expect(await requests("POST /setup/account")).toBe(posts);
});

test("find refuses to guess between accounts that share a name", async () => {
  const name = unique("twin");
  const a = await oob.accounts.create({ name });
  const b = await oob.accounts.create({ name });
  client.clearCache();
  const err = await errorOf(account.find(ctx, checkedFor(account, { name })));
  expect(err.message).toContain(a.accountId);
  expect(err.message).toContain(b.accountId);
  expect(err.message).toMatch(/by id/);
});

test("a create whose answer is lost is recovered, not duplicated", async () => {
  const name = unique("lost");
  await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", status: 503 });
  const recovered = client.counters.recovered;
  const posts = await requests("POST /setup/account");
  const { id } = await account.create(ctx, checkedFor(account, { name }));
  expect(client.counters.recovered).toBe(recovered + 1);
  expect(await requests("POST /setup/account")).toBe(posts + 1);
  oob.clearCache();
  const same = await oob.accounts.findByName(name);
  expect(same.map((a) => a.accountId)).toEqual([id]);
});

test("the default account: Spot's refusal is explained", async () => {
  client.clearCache();
  const live = await account.read(ctx, emu.accountId);
  expect(live).toBeDefined();
  const err = await errorOf(account.delete(ctx, emu.accountId, { ...live!, allowDeletion: true }));
  expect(err.message).toMatch(/default \(oldest\) account/);
  expect(err.message).toMatch(/retainOnDelete|state rm/);
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
    ];
    for (const [raw, field, message] of cases) await expectRejectedBeforeApi(emu, account, raw, field, message);
  });

  test("import ids", async () => {
    const err = await rejectedBeforeApi(emu, () => account.importById!(ctx, "prod"));
    expect(err.message).toMatch(/act-12ab34cd.*not its name/);
  });
});
