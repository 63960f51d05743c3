/**
 * AccessPolicy against the emulator, through the core lifecycle: the full lifecycle, reads served by one list
 * call, actions verified against Spot's catalogue at plan time (and again before a create), taken names, a lost
 * create answer, a policy deleted out of band.
 */
import { accessPolicy } from "../../src/resources/access-policy";
import { adopt, apply, plan, readLive } from "../../src/core";
import { withEmulator } from "../support/emulator";
import {
  contextFor,
  errorOf,
  expectOutcome,
  expectRejectedBeforeApi,
  failuresOf,
  requests,
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();

const create = (ctx: ReturnType<typeof contextFor>, desired: Record<string, unknown>) =>
  apply({ kind: accessPolicy, ctx, action: "create", desired });
const remove = (ctx: ReturnType<typeof contextFor>, id: string) =>
  apply({ kind: accessPolicy, ctx, action: "delete", id });

const base = {
  name: "ops-read",
  description: "read clusters",
  statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }],
};

test("lifecycle: create, drift, update, adopt, delete", async () => {
  const r = await runLifecycle({
    emu,
    kind: accessPolicy,
    inputs: base,
    outOfBand: {
      change: (spot, id) =>
        spot.access.policies.update(id, {
          name: "ops-read",
          description: "changed by hand",
          policyContent: { statements: [{ effect: "DENY", actions: ["*"], resources: ["*"] }] },
        }),
      fields: ["description", "statements"],
    },
    update: {
      inputs: {
        name: "ops-write",
        statements: [
          { effect: "ALLOW", actions: ["ocean:updateCluster", "ocean:describe*"], resources: ["ocean:o-*"] },
          { effect: "DENY", actions: ["ocean:deleteCluster"], resources: ["*"] },
        ],
      },
      fields: ["description", "name", "statements"],
    },
  });
  expect(r.created.policyId).toBe(r.id);
  expect(r.created.policyType).toBe("ACCOUNT");
  expect(r.id).toMatch(/^pol-/);
});

test("reads of many policies cost one list call", async () => {
  const ctx = contextFor(emu);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await create(ctx, { ...base, name: `bulk-${i}` })).id!);
  const reader = contextFor(emu);
  const read = () => Promise.all(ids.map((id) => readLive({ kind: accessPolicy, ctx: reader, id })));
  expect((await read()).map((l) => l?.policyId)).toEqual(ids);
  await read();
  expect(reader.client.counters.requests["GET /setup/organization/policy"]).toBe(1);
  expect(reader.client.counters.requests["GET /setup/access/policy/{policyId}"]).toBeUndefined();
  for (const id of ids) await remove(ctx, id);
});

test("bad inputs are refused before any API call", async () => {
  await expectRejectedBeforeApi(emu, accessPolicy, { ...base, name: "a=b" }, "name", /\+ = @/);
  await expectRejectedBeforeApi(
    emu,
    accessPolicy,
    { ...base, statements: [{ effect: "PERMIT", actions: ["*"], resources: ["*"] }] },
    "statements.0.effect",
    /"ALLOW", "DENY"/,
  );
  await expectRejectedBeforeApi(
    emu,
    accessPolicy,
    { ...base, statements: [{ effect: "ALLOW", actions: ["update cluster"], resources: ["*"] }] },
    "statements.0.actions",
    /service:action/,
  );
  await expectRejectedBeforeApi(emu, accessPolicy, { ...base, statements: [] }, "statements", /at least one/);
  await expectRejectedBeforeApi(
    emu,
    accessPolicy,
    { ...base, statements: [{ effect: "ALLOW", actions: ["*", "ocean:updateCluster"], resources: ["*"] }] },
    "statements.0.actions",
    /every action/,
  );
  expect(failuresOf(accessPolicy, { ...base, bogus: 1 }).bogus).toMatch(/not a known field/);
});

test("actions missing from Spot's catalogue fail the plan, with a suggestion, and are never sent", async () => {
  const ctx = contextFor(emu);
  const inputs = {
    ...base,
    name: "typo",
    statements: [{ effect: "ALLOW", actions: ["ocean:updateClustr", "nosuch:*"], resources: ["*"] }],
  };
  const posts = await requests(emu, "POST /setup/access/policy");
  const p = await plan({ kind: accessPolicy, desired: inputs, ctx, locate: true });
  expect(p.action).toBe("create");
  expect(p.problems).toEqual([
    {
      type: "invalid",
      field: "statements.0.actions.0",
      message: expect.stringMatching(/"ocean:updateClustr" is not an action .*did you mean "ocean:updateCluster"/),
    },
    {
      type: "invalid",
      field: "statements.0.actions.1",
      message: expect.stringMatching(/"nosuch:\*" matches no action/),
    },
  ]);
  // Applied anyway, the create verifies again and sends nothing.
  const e = await errorOf(create(ctx, inputs));
  expectOutcome(e, "InvalidInputs");
  expect(e.failures.map((f: { field: string }) => f.field)).toEqual([
    "statements.0.actions.0",
    "statements.0.actions.1",
  ]);
  expect(await requests(emu, "POST /setup/access/policy")).toBe(posts);
  expectOutcome(await errorOf(adopt(accessPolicy, ctx, { inputs })), "NotFound");

  // An update to a typo is caught the same way, before any PUT.
  const ok = await create(ctx, { ...base, name: "typo-later" });
  const q = await plan({ kind: accessPolicy, desired: { ...inputs, name: "typo-later" }, id: ok.id, ctx });
  expect(q.action).toBe("update");
  expect(q.problems.map((x) => (x.type === "invalid" ? x.field : x.type))).toEqual([
    "statements.0.actions.0",
    "statements.0.actions.1",
  ]);
  const puts = await requests(emu, "PUT /setup/access/policy/{policyId}");
  const u = await errorOf(
    apply({ kind: accessPolicy, ctx, action: "update", id: ok.id, desired: { ...inputs, name: "typo-later" } }),
  );
  expectOutcome(u, "InvalidInputs");
  expect(await requests(emu, "PUT /setup/access/policy/{policyId}")).toBe(puts);
  await remove(ctx, ok.id!);
});

test("a taken name is AlreadyExists; adopting matches names without regard to case", async () => {
  const ctx = contextFor(emu);
  const first = await create(ctx, { ...base, name: "Shared" });
  const e = await errorOf(create(ctx, { ...base, name: "shared" }));
  expectOutcome(e, "AlreadyExists");
  expect(e.ids).toEqual([first.id]);
  expect((await adopt(accessPolicy, ctx, { inputs: { ...base, name: "SHARED" } })).id).toBe(first.id);
  await remove(ctx, first.id!);
});

test("a create whose answer is lost is recovered without a duplicate policy", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/access/policy",
    kind: "commit-then-fail",
    status: 503,
  });
  const { id, outputs } = await create(ctx, { ...base, name: "flaky" });
  expect(ctx.client.counters.recovered).toBe(1);
  expect(outputs!.name).toBe("flaky");
  const same = (await contextFor(emu).client.access.policies.list()).filter((p) => p.name === "flaky");
  expect(same.map((p) => p.id)).toEqual([id]);
  await remove(ctx, id!);
});

test("deleted out of band: read reports gone, a plan re-creates it", async () => {
  const ctx = contextFor(emu);
  const desired = { ...base, name: "gone" };
  const { id } = await create(ctx, desired);
  await contextFor(emu).client.access.policies.delete(id!);
  // A new run (process) does not share this one's cached list.
  ctx.client.clearCache();
  expect(await readLive({ kind: accessPolicy, ctx, id: id! })).toBeUndefined();
  expect(await plan({ kind: accessPolicy, desired, id, ctx })).toMatchObject({ action: "create", gone: true });
  expectOutcome(await errorOf(adopt(accessPolicy, ctx, { inputs: desired })), "NotFound");
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(accessPolicy);
});
