/**
 * Lifecycle rules with real kinds against the emulator: a create Spot finishes only in part (Account: the POST
 * succeeds, the PUT of its Slack channels fails) is CreatedNotFinished and the next run converges on the same
 * account, by id or by name; apply refuses when the account moved or vanished between plan and apply; a take-over
 * whose update fails is CreatedNotFinished.
 */
import { account } from "../../src/resources/account";
import { userGroup } from "../../src/resources/user-group";
import { adopt, apply, plan, readLive, takeOver, type Props } from "../../src/core";
import { withEmulator } from "../support/emulator";
import {
  clientFor,
  contextFor,
  errorOf,
  expectNoop,
  expectOutcome,
  requests,
  type TestContext,
} from "../resources/helpers";
import { unique } from "../resources/accounts-helpers";

const emu = withEmulator();
let ctx: TestContext;

const HOOK = "https://hooks.slack.com/services/T000/B000/cccc";

beforeAll(() => {
  ctx = contextFor(emu);
});

afterEach(async () => {
  await emu.control.clearFaults();
});

/** Every retry of the channels PUT fails, until the faults are cleared. */
const failChannels = () =>
  emu.control.injectFault({ method: "PUT", path: "/setup/account/{accountId}", kind: "status", status: 500, times: 0 });

async function accountsNamed(name: string): Promise<string[]> {
  return (await clientFor(emu).accounts.findByName(name)).map((a) => a.accountId);
}

/** A create of an account with channels whose channels step fails: the outcome, and what the front-end records. */
async function halfCreated(name: string): Promise<{ id: string; outputs: Props; desired: Props }> {
  const desired = { name, slackNotificationChannels: [HOOK] };
  await failChannels();
  const posts = await requests(emu, "POST /setup/account");
  const e = await errorOf(apply({ kind: account, ctx, action: "create", desired }));
  expectOutcome(e, "CreatedNotFinished");
  expect(e.id).toMatch(/^act-/);
  expect(e).toMatchObject({ kind: "Account", step: "setting its Slack channels", outputs: { accountId: e.id, name } });
  expect(e.message).toContain(`Account ${e.id} was created, but setting its Slack channels failed`);
  expect(await requests(emu, "POST /setup/account")).toBe(posts + 1);
  // Exactly one account exists, without its channels.
  expect(await accountsNamed(name)).toEqual([e.id]);
  const seen = await clientFor(emu).accounts.get(e.id, { direct: true });
  expect((seen as Props).slackNotificationChannels ?? []).toEqual([]);
  await emu.control.clearFaults();
  return { id: e.id, outputs: e.outputs, desired };
}

describe("a create finished only in part", () => {
  test("is CreatedNotFinished with the id; the next plan and apply by id finish that account", async () => {
    const name = unique("partial");
    const half = await halfCreated(name);
    // A stateful front-end recorded the id and the outputs; its next run plans an update of that same account.
    ctx.client.clearCache();
    const p = await plan({ kind: account, desired: half.desired, id: half.id, prior: half.outputs, ctx });
    expect(p).toMatchObject({ action: "update", id: half.id, problems: [] });
    expect(p.changes.map((c) => c.field)).toEqual(["slackNotificationChannels"]);
    const posts = await requests(emu, "POST /setup/account");
    const a = await apply({
      kind: account,
      ctx,
      action: p.action as "update",
      id: half.id,
      desired: half.desired,
      prior: half.outputs,
      basis: p.basis,
    });
    expect(a.outputs).toMatchObject({ accountId: half.id, slackNotificationChannels: [HOOK] });
    expect(await requests(emu, "POST /setup/account")).toBe(posts);
    ctx.client.clearCache();
    expectNoop(await plan({ kind: account, desired: half.desired, id: half.id, prior: a.outputs, ctx }));
    expect(await accountsNamed(name)).toEqual([half.id]);
  });

  test("a stateless run (GitOps without a journal) finds it by name and finishes it", async () => {
    const name = unique("partial");
    const half = await halfCreated(name);
    ctx.client.clearCache();
    const p = await plan({ kind: account, desired: half.desired, ctx, locate: true });
    expect(p).toMatchObject({ action: "update", id: half.id });
    await apply({ kind: account, ctx, action: "update", id: p.id, desired: half.desired, basis: p.basis });
    ctx.client.clearCache();
    expectNoop(await plan({ kind: account, desired: half.desired, ctx, locate: true }));
    expect(await accountsNamed(name)).toEqual([half.id]);
    const live = await readLive({ kind: account, ctx, id: half.id });
    expect(live?.slackNotificationChannels).toEqual([HOOK]);
  });
});

describe("apply re-checks the object against the plan", () => {
  test("renamed in the console between plan and apply: ChangedSincePlan, and nothing sent", async () => {
    const name = unique("moved");
    const c = await apply({ kind: account, ctx, action: "create", desired: { name } });
    const desired = { name, slackNotificationChannels: [HOOK] };
    const p = await plan({ kind: account, desired, id: c.id, prior: c.outputs, ctx });
    expect(p.action).toBe("update");
    await clientFor(emu).accounts.update(c.id!, { name: `${name}-console` });
    ctx.client.clearCache();
    const puts = await requests(emu, "PUT /setup/account/{accountId}");
    const e = await errorOf(
      apply({ kind: account, ctx, action: "update", id: c.id, desired, prior: c.outputs, basis: p.basis }),
    );
    expectOutcome(e, "ChangedSincePlan");
    expect(e).toMatchObject({ id: c.id, fields: ["name"], gone: false });
    // The same refusal from the live object the plan was made from (how Terraform applies).
    const f = await errorOf(
      apply({ kind: account, ctx, action: "update", id: c.id, desired, prior: c.outputs, plannedFrom: p.live }),
    );
    expectOutcome(f, "ChangedSincePlan");
    expect(await requests(emu, "PUT /setup/account/{accountId}")).toBe(puts);
    expect((await clientFor(emu).accounts.get(c.id!)).name).toBe(`${name}-console`);
  });

  test("deleted in the console between plan and apply: ChangedSincePlan (gone)", async () => {
    const name = unique("vanished");
    const c = await apply({ kind: account, ctx, action: "create", desired: { name } });
    const desired = { name: `${name}-v2` };
    const p = await plan({ kind: account, desired, id: c.id, prior: c.outputs, ctx });
    await clientFor(emu).accounts.delete(c.id!);
    ctx.client.clearCache();
    const e = await errorOf(
      apply({ kind: account, ctx, action: "update", id: c.id, desired, prior: c.outputs, basis: p.basis }),
    );
    expectOutcome(e, "ChangedSincePlan");
    expect(e).toMatchObject({ id: c.id, gone: true });
    expect(await accountsNamed(`${name}-v2`)).toEqual([]);
  });
});

test("a take-over whose update fails is CreatedNotFinished with the adopted id; a retry finishes it", async () => {
  const spot = clientFor(emu);
  const name = unique("adopted");
  const g = await spot.access.userGroups.create({ name, description: "set in the console" });
  const desired = { name, description: "managed here" };
  await emu.control.injectFault({
    method: "PUT",
    path: "/setup/access/userGroup/{userGroupId}",
    kind: "status",
    status: 400,
  });
  const e = await errorOf(takeOver({ kind: userGroup, ctx, desired, by: { inputs: desired } }));
  expectOutcome(e, "CreatedNotFinished");
  expect(e).toMatchObject({ id: g.id, step: "bringing it in line with the declaration" });
  expect((await adopt(userGroup, ctx, { id: g.id })).outputs.description).toBe("set in the console");
  // The front-end now tracks g.id: the next run updates it in place.
  ctx.client.clearCache();
  const p = await plan({ kind: userGroup, desired, id: g.id, prior: e.outputs, ctx });
  expect(p.changes.map((c) => c.field)).toEqual(["description"]);
  await apply({ kind: userGroup, ctx, action: "update", id: g.id, desired, prior: e.outputs, basis: p.basis });
  ctx.client.clearCache();
  expect((await readLive({ kind: userGroup, ctx, id: g.id }))?.description).toBe("managed here");
});
