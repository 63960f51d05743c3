import { accessPolicy } from "../../src/resources/access-policy";
import { withEmulator } from "../support/emulator";
import {
  checked,
  contextFor,
  errorOf,
  expectRejectedBeforeApi,
  failuresOf,
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();

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
  for (let i = 0; i < 3; i++) {
    ids.push((await accessPolicy.create(ctx, checked(accessPolicy, { ...base, name: `bulk-${i}` }))).id);
  }
  const reader = contextFor(emu);
  await Promise.all(ids.map((id) => accessPolicy.read(reader, id)));
  await Promise.all(ids.map((id) => accessPolicy.read(reader, id)));
  expect(reader.client.counters.requests["GET /setup/organization/policy"]).toBe(1);
  for (const id of ids) await accessPolicy.delete(ctx, id, {} as any);
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

test("actions missing from Spot's catalogue are refused with a suggestion, before the policy is sent", async () => {
  const ctx = contextFor(emu);
  const inputs = checked(accessPolicy, {
    ...base,
    name: "typo",
    statements: [{ effect: "ALLOW", actions: ["ocean:updateClustr", "nosuch:*"], resources: ["*"] }],
  });
  const before = (await emu.control.stats()).requests["POST /setup/access/policy"] ?? 0;
  const e = await errorOf(accessPolicy.create(ctx, inputs));
  expect(e.message).toMatch(
    /statements\.0\.actions\.0: "ocean:updateClustr" is not an action .*did you mean "ocean:updateCluster"/,
  );
  expect(e.message).toMatch(/statements\.0\.actions\.1: "nosuch:\*" matches no action/);
  expect((await emu.control.stats()).requests["POST /setup/access/policy"] ?? 0).toBe(before);
  expect(await accessPolicy.find(ctx, inputs)).toBeUndefined();
});

test("a taken name points to adopt; find matches names without regard to case", async () => {
  const ctx = contextFor(emu);
  const first = await accessPolicy.create(ctx, checked(accessPolicy, { ...base, name: "Shared" }));
  const e = await errorOf(accessPolicy.create(ctx, checked(accessPolicy, { ...base, name: "shared" })));
  expect(e.message).toMatch(/already exists in Spot \(pol-.*adopt/);
  expect((await accessPolicy.find(ctx, checked(accessPolicy, { ...base, name: "SHARED" })))?.id).toBe(first.id);
  await accessPolicy.delete(ctx, first.id, first.outputs);
});

test("a create whose answer is lost is recovered without a duplicate policy", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/setup/access/policy",
    kind: "commit-then-fail",
    status: 503,
  });
  const { id, outputs } = await accessPolicy.create(ctx, checked(accessPolicy, { ...base, name: "flaky" }));
  expect(ctx.client.counters.recovered).toBe(1);
  expect(outputs.name).toBe("flaky");
  const same = (await contextFor(emu).client.access.policies.list()).filter((p) => p.name === "flaky");
  expect(same.map((p) => p.id)).toEqual([id]);
  await accessPolicy.delete(ctx, id, outputs);
});

test("deleted out of band: read reports gone", async () => {
  const ctx = contextFor(emu);
  const { id } = await accessPolicy.create(ctx, checked(accessPolicy, { ...base, name: "gone" }));
  await contextFor(emu).client.access.policies.delete(id);
  // A new run (process) does not share this one's cached list.
  ctx.client.clearCache();
  expect(await accessPolicy.read(ctx, id)).toBeUndefined();
  expect(await accessPolicy.find(ctx, checked(accessPolicy, { ...base, name: "gone" }))).toBeUndefined();
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(accessPolicy);
});
