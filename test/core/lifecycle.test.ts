/**
 * The lifecycle rules (src/core/lifecycle.ts) on an in-memory kind (./fixtures memoryKind), where each rule shows
 * without a real kind around it: plan actions and problems, planned outputs, drift, local-only changes, apply's
 * re-check against the plan, the irreversible-deletion guard, partial creates, secret memory, adopt, takeOver,
 * readLive.
 */
import {
  UNKNOWN,
  adopt,
  apply,
  managedFields,
  memoryOf,
  plan,
  priorForRead,
  readLive,
  takeOver,
  type Props,
  type ResourceContext,
} from "../../src/core";
import { hashOf } from "../support/secrets";
import { memoryKind, type MemoryKind } from "./fixtures";

const warnings: string[] = [];
const ctx: ResourceContext = {
  get client(): never {
    throw new Error("the in-memory kind needs no client");
  },
  warn: (m) => warnings.push(m),
};

async function errorOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

/** A memory kind holding one widget; returns it with its id and outputs. */
async function withWidget(opts: Parameters<typeof memoryKind>[0] = {}, inputs: Props = { name: "w", size: 1 }) {
  const m = memoryKind(opts);
  const a = await apply({ kind: m.kind, ctx, action: "create", desired: inputs });
  m.calls.create.length = 0;
  m.calls.read = 0;
  return { ...m, id: a.id!, outputs: a.outputs! };
}

const reset = (m: MemoryKind) => {
  m.calls.read = 0;
  m.calls.find = 0;
  m.calls.update.length = 0;
  m.calls.delete.length = 0;
  m.calls.create.length = 0;
};

describe("plan: actions", () => {
  test("a new object is a create: inputs checked with defaults, every output known after apply, no API call", async () => {
    const { kind, calls } = memoryKind();
    const p = await plan({ kind, desired: { name: "w" }, ctx });
    expect(p).toMatchObject({ action: "create", gone: false, problems: [], changes: [] });
    expect(p.id).toBeUndefined();
    expect(p.inputs).toEqual({ name: "w", allowDeletion: false });
    expect(p.planned).toEqual({
      name: "w",
      allowDeletion: false,
      color: UNKNOWN, // computed input left out: Spot decides
      thingId: UNKNOWN,
      revision: UNKNOWN,
    });
    expect(p.basis).toBeUndefined();
    expect(calls).toMatchObject({ read: 0, find: 0 });
  });

  test("located by natural key: an existing object is planned against, not created again", async () => {
    const m = await withWidget();
    const p = await plan({ kind: m.kind, desired: { name: "w", size: 1 }, ctx, locate: true });
    expect(p).toMatchObject({ action: "noop", id: m.id, changes: [] });
    expect(m.calls.find).toBe(1);
    // Nothing to locate by yet, or nothing valid: no lookup.
    reset(m);
    expect(await plan({ kind: m.kind, desired: { name: UNKNOWN }, ctx, locate: true })).toMatchObject({
      action: "create",
    });
    expect(await plan({ kind: m.kind, desired: { name: "w", size: "big" }, ctx, locate: true })).toMatchObject({
      action: "create",
      problems: [{ type: "invalid", field: "size" }],
    });
    expect(m.calls.find).toBe(0);
    expect((await plan({ kind: m.kind, desired: { name: "other" }, ctx, locate: true })).action).toBe("create");
    expect(m.calls.find).toBe(1);
  });

  test("a memory per object (a journal): asked for the id the plan knows or locates, never without one", async () => {
    const m = await withWidget({}, { name: "w", token: "t0ken-kept" });
    const journal = jest.fn((_id: string) => memoryOf({ token: m.outputs.token }));
    const desired = { name: "w", token: "t0ken-kept" };
    expect(await plan({ kind: m.kind, desired, ctx, locate: true, secrets: journal })).toMatchObject({
      action: "noop",
    });
    expect(journal.mock.calls).toEqual([[m.id]]);
    expect((await plan({ kind: m.kind, desired: { name: "new" }, ctx, secrets: journal })).action).toBe("create");
    expect(journal).toHaveBeenCalledTimes(1);
  });

  test("an id whose object is gone is a create, flagged gone", async () => {
    const m = await withWidget();
    m.store.delete(m.id);
    const p = await plan({ kind: m.kind, desired: { name: "w" }, id: m.id, ctx });
    expect(p).toMatchObject({ action: "create", gone: true });
    expect(p.id).toBeUndefined();
    // A caller that already knows it is gone (live: null) gets the same answer without a read.
    reset(m);
    expect(await plan({ kind: m.kind, desired: { name: "w" }, id: m.id, live: null, ctx })).toMatchObject({
      action: "create",
      gone: true,
    });
    expect(m.calls.read).toBe(0);
  });

  test("update, replace and noop, each with its changes and a basis", async () => {
    const m = await withWidget();
    const at = (desired: Props) => plan({ kind: m.kind, desired, id: m.id, ctx });
    const same = await at({ name: "w", size: 1 });
    expect(same).toMatchObject({ action: "noop", id: m.id, changes: [], replaceFields: [], localOnly: false });
    expect(same.basis).toEqual({ name: '"w"', size: "1", zone: "null" });
    const upd = await at({ name: "w", size: 2 });
    expect(upd).toMatchObject({ action: "update", changes: [{ field: "size", before: 1, after: 2, mode: "update" }] });
    const rep = await at({ name: "w", size: 2, zone: "eu" });
    expect(rep).toMatchObject({ action: "replace", replaceFields: ["zone"] });
    expect(rep.changes.map((c) => c.field)).toEqual(["size", "zone"]);
    // The live object the caller already has is used as is.
    reset(m);
    expect(await plan({ kind: m.kind, desired: { name: "w", size: 2 }, id: m.id, live: m.outputs })).toMatchObject({
      action: "update",
    });
    expect(m.calls.read).toBe(0);
  });

  test("UNKNOWN values: a change known after apply; an unknown replacing field plans a replacement", async () => {
    const m = await withWidget();
    const p = await plan({ kind: m.kind, desired: { name: "w", size: UNKNOWN }, id: m.id, ctx });
    expect(p.action).toBe("update");
    expect(p.changes).toEqual([{ field: "size", before: 1, after: UNKNOWN, mode: "update" }]);
    expect(p.inputs!.size).toBe(UNKNOWN);
    expect((await plan({ kind: m.kind, desired: { name: "w", zone: UNKNOWN }, id: m.id, ctx })).action).toBe("replace");
  });

  test("localOnly: every change is a setting of spot-iac", async () => {
    const m = await withWidget();
    const prior = m.outputs; // allowDeletion: false recorded
    const p = await plan({ kind: m.kind, desired: { name: "w", size: 1, allowDeletion: true }, id: m.id, prior, ctx });
    expect(p).toMatchObject({ action: "update", localOnly: true });
    expect(p.changes).toEqual([{ field: "allowDeletion", before: false, after: true, mode: "update" }]);
    const mixed = await plan({
      kind: m.kind,
      desired: { name: "w", size: 2, allowDeletion: true },
      id: m.id,
      prior,
      ctx,
    });
    expect(mixed.localOnly).toBe(false);
    // Stateless (no record of local settings): the declaration's are taken as in effect.
    expect(
      (await plan({ kind: m.kind, desired: { name: "w", size: 1, allowDeletion: true }, id: m.id, ctx })).action,
    ).toBe("noop");
  });
});

describe("plan: problems", () => {
  test("invalid inputs are problems of the plan, with the field", async () => {
    const { kind } = memoryKind();
    const p = await plan({ kind, desired: { size: "big", bogus: 1 }, ctx });
    expect(p.action).toBe("create");
    expect(p.problems).toEqual([
      { type: "invalid", field: "bogus", message: expect.stringMatching(/not a known field/) },
      { type: "invalid", field: "name", message: expect.stringMatching(/is required/) },
      { type: "invalid", field: "size", message: 'must be a number, got "big"' },
    ]);
  });

  test("verify runs at plan time with a context once every value is known and valid", async () => {
    const verify = jest.fn((i: Props) => (i.name === "taken" ? ["is reserved"] : []));
    const m = await withWidget({ verify });
    expect((await plan({ kind: m.kind, desired: { name: "taken" }, ctx })).problems).toEqual([
      { type: "invalid", field: "name", message: "is reserved" },
    ]);
    expect((await plan({ kind: m.kind, desired: { name: "taken" }, id: m.id, ctx })).problems).toEqual([
      { type: "invalid", field: "name", message: "is reserved" },
    ]);
    verify.mockClear();
    await plan({ kind: m.kind, desired: { name: UNKNOWN }, ctx });
    await plan({ kind: m.kind, desired: { name: "taken", size: "x" }, ctx });
    await plan({ kind: m.kind, desired: { name: "taken" }, id: m.id, live: m.outputs }); // no context
    expect(verify).not.toHaveBeenCalled();
  });

  test("a change Spot cannot make is rejected with the field's hint; an unknown value is not (yet)", async () => {
    const m = await withWidget();
    const p = await plan({ kind: m.kind, desired: { name: "w", size: 1, color: "red" }, id: m.id, ctx });
    expect(p.problems).toEqual([
      {
        type: "rejected",
        field: "color",
        hint: "Paint it in the console.",
        message: 'color cannot be changed in Spot ("grey" → "red"). Paint it in the console.',
      },
    ]);
    const u = await plan({ kind: m.kind, desired: { name: "w", size: 1, color: UNKNOWN }, id: m.id, ctx });
    expect(u.problems).toEqual([]);
  });

  describe("irreversible deletion", () => {
    test("a replacement is refused unless allowDeletion is true in the declaration, the record or the request", async () => {
      const m = await withWidget({ irreversible: true });
      const desired = { name: "w", zone: "eu" };
      const p = await plan({ kind: m.kind, desired, id: m.id, ctx });
      expect(p.action).toBe("replace");
      expect(p.problems).toEqual([
        {
          type: "irreversible",
          action: "replace",
          fields: ["zone"],
          message: expect.stringMatching(/changing zone replaces it, which deletes it.*allowDeletion must be true/),
        },
      ]);
      const allowed = [
        plan({ kind: m.kind, desired: { ...desired, allowDeletion: true }, id: m.id, ctx }),
        plan({ kind: m.kind, desired, id: m.id, ctx, prior: { ...m.outputs, allowDeletion: true } }),
        plan({ kind: m.kind, desired, id: m.id, ctx, allowDeletion: true }),
      ];
      for (const q of await Promise.all(allowed)) expect(q.problems).toEqual([]);
      // A kind whose deletion can be undone is never guarded.
      const r = await withWidget();
      expect((await plan({ kind: r.kind, desired, id: r.id, ctx })).problems).toEqual([]);
    });

    test("a delete is refused unless allowDeletion was recorded (prior) or is stated for this run", async () => {
      const m = await withWidget({ irreversible: true });
      const p = await plan({ kind: m.kind, desired: null, id: m.id, prior: m.outputs, ctx });
      expect(p).toMatchObject({ action: "delete", id: m.id });
      expect(p.problems).toEqual([
        {
          type: "irreversible",
          action: "delete",
          fields: [],
          message: expect.stringMatching(/the change deletes it, and deleting a Widget cannot be undone/),
        },
      ]);
      const recorded = { ...m.outputs, allowDeletion: true };
      expect((await plan({ kind: m.kind, desired: null, id: m.id, prior: recorded, ctx })).problems).toEqual([]);
      expect((await plan({ kind: m.kind, desired: null, id: m.id, ctx, allowDeletion: true })).problems).toEqual([]);
      // Without a context, the record alone decides.
      expect((await plan({ kind: m.kind, desired: null, id: m.id, prior: recorded })).problems).toEqual([]);
      expect((await plan({ kind: m.kind, desired: null, id: m.id, prior: m.outputs })).problems).toHaveLength(1);
    });

    test("deleting what is already gone is nothing to do, and nothing to refuse", async () => {
      const m = await withWidget({ irreversible: true });
      m.store.delete(m.id);
      expect(await plan({ kind: m.kind, desired: null, id: m.id, prior: m.outputs, ctx })).toEqual(
        expect.objectContaining({ action: "noop", gone: true, problems: [] }),
      );
    });
  });
});

describe("plan: planned outputs and drift", () => {
  test("an in-place update keeps stable outputs; the others are known after apply", async () => {
    const m = await withWidget();
    const p = await plan({ kind: m.kind, desired: { name: "w", size: 5 }, id: m.id, ctx });
    expect(p.planned).toEqual({
      name: "w",
      size: 5,
      allowDeletion: false,
      color: "grey", // computed input left out: as Spot has it
      thingId: m.id, // stable: what references it is not replaced
      revision: UNKNOWN, // Spot changes it with the update
    });
  });

  test("a local-only change calls no API, so every output keeps its value", async () => {
    const m = await withWidget();
    const desired = { name: "w", size: 1, allowDeletion: true };
    const p = await plan({ kind: m.kind, desired, id: m.id, prior: m.outputs, ctx });
    expect(p.localOnly).toBe(true);
    expect(p.planned).toMatchObject({ allowDeletion: true, thingId: m.id, revision: 1 });
  });

  test("a replacement is a new object: every output is known after apply", async () => {
    const m = await withWidget();
    const p = await plan({ kind: m.kind, desired: { name: "w", zone: "eu" }, id: m.id, ctx });
    expect(p.planned).toMatchObject({ thingId: UNKNOWN, revision: UNKNOWN, color: UNKNOWN, zone: "eu" });
  });

  test("drift: what changed in Spot since the last recorded state, for the fields the plan changes", async () => {
    const m = await withWidget({}, { name: "w", size: 1, zone: "eu" });
    m.store.set(m.id, { ...m.store.get(m.id)!, size: 3 });
    const p = await plan({
      kind: m.kind,
      desired: { name: "w", size: 1, zone: "eu" },
      id: m.id,
      prior: m.outputs,
      ctx,
    });
    expect(p.changes).toEqual([{ field: "size", before: 3, after: 1, mode: "update" }]);
    expect(p.drift).toEqual([{ field: "size", before: 1, after: 3, mode: "update" }]);
    // The declaration now asks for what Spot has: no change, so no drift to report.
    const q = await plan({
      kind: m.kind,
      desired: { name: "w", size: 3, zone: "eu" },
      id: m.id,
      prior: m.outputs,
      ctx,
    });
    expect(q).toMatchObject({ action: "noop", drift: [] });
    // Stateless (no prior): no drift, only changes.
    expect((await plan({ kind: m.kind, desired: { name: "w", size: 1, zone: "eu" }, id: m.id, ctx })).drift).toEqual(
      [],
    );
  });
});

describe("apply", () => {
  test("create: strictly checked (no UNKNOWN), verified, then created with its local settings", async () => {
    const verify = jest.fn(() => [] as string[]);
    const { kind, calls } = memoryKind({ verify });
    const e = await errorOf(apply({ kind, ctx, action: "create", desired: { name: UNKNOWN } }));
    expect(e).toMatchObject({ outcome: "InvalidInputs", failures: [{ field: "name" }] });
    expect(calls.create).toEqual([]);
    verify.mockReturnValueOnce(["is reserved"]);
    const v = await errorOf(apply({ kind, ctx, action: "create", desired: { name: "w" } }));
    expect(v).toMatchObject({ outcome: "InvalidInputs", failures: [{ field: "name", message: "is reserved" }] });
    expect(calls.create).toEqual([]);
    const a = await apply({ kind, ctx, action: "create", desired: { name: "w", size: 2 } });
    expect(a).toMatchObject({ action: "create", id: "w-1", changes: [] });
    expect(a.outputs).toEqual({ thingId: "w-1", name: "w", size: 2, color: "grey", revision: 1, allowDeletion: false });
  });

  test("create: the secrets sent are remembered as hashes, and outputs hold no plaintext", async () => {
    const { kind } = memoryKind();
    const memory = memoryOf();
    const a = await apply({
      kind,
      ctx,
      action: "create",
      desired: { name: "w", token: "t0ken-secret" },
      secrets: memory,
    });
    expect(memory.record).toEqual({ token: hashOf("t0ken-secret") });
    expect(JSON.stringify(a.outputs)).not.toContain("t0ken-secret");
  });

  test("a create that Spot finished only in part propagates CreatedNotFinished, with its secrets remembered", async () => {
    const m = memoryKind();
    const memory = memoryOf();
    m.failNext.create = new Error("sizing failed");
    const e = await errorOf(
      apply({
        kind: m.kind,
        ctx,
        action: "create",
        desired: { name: "w", size: 9, token: "t0ken-secret" },
        secrets: memory,
      }),
    );
    expect(e).toMatchObject({
      outcome: "CreatedNotFinished",
      id: "w-1",
      step: "sizing it",
      outputs: { thingId: "w-1" },
    });
    expect(e.cause.message).toBe("sizing failed");
    expect(m.store.has("w-1")).toBe(true);
    // The token went with the create: remembered for the object that now exists, so the next plan compares it.
    expect(memory.record).toEqual({ token: hashOf("t0ken-secret") });
    const next = await plan({
      kind: m.kind,
      desired: { name: "w", size: 9, token: "t0ken-secret" },
      id: e.id,
      ctx,
      secrets: memory,
    });
    expect(next.changes).toEqual([]);
  });

  test("a local-only change calls no API: the kind's update is not called", async () => {
    const m = await withWidget();
    const desired = { name: "w", size: 1, allowDeletion: true };
    const p = await plan({ kind: m.kind, desired, id: m.id, prior: m.outputs, ctx });
    expect(p.localOnly).toBe(true);
    const update = jest.spyOn(m.kind, "update");
    const a = await apply({ kind: m.kind, ctx, action: "update", id: m.id, desired, prior: m.outputs, basis: p.basis });
    expect(update).not.toHaveBeenCalled();
    expect(a.outputs).toMatchObject({ allowDeletion: true, revision: 1 });
    expect(a.changes.map((c) => c.field)).toEqual(["allowDeletion"]);
  });

  test("an update hands the kind only the changes that touch Spot", async () => {
    const m = await withWidget();
    const a = await apply({
      kind: m.kind,
      ctx,
      action: "update",
      id: m.id,
      desired: { name: "w", size: 2, allowDeletion: true },
      prior: m.outputs,
    });
    expect(m.calls.update).toEqual([{ id: m.id, fields: ["size"] }]);
    expect(a.outputs).toMatchObject({ size: 2, revision: 2, allowDeletion: true });
    expect(a.changes.map((c) => c.field)).toEqual(["size", "allowDeletion"]);
  });

  test("refuses with ChangedSincePlan when the object moved since the plan's basis", async () => {
    const m = await withWidget();
    const desired = { name: "w", size: 2 };
    const p = await plan({ kind: m.kind, desired, id: m.id, ctx });
    // Someone changes it between plan and apply, even a field the plan does not touch.
    m.store.set(m.id, { ...m.store.get(m.id)!, zone: "us" });
    const e = await errorOf(apply({ kind: m.kind, ctx, action: "update", id: m.id, desired, basis: p.basis }));
    expect(e).toMatchObject({ outcome: "ChangedSincePlan", id: m.id, fields: ["zone"], gone: false });
    expect(e.message).toMatch(/changed in Spot since the plan \(zone\)/);
    // The same from the live object the plan was made from (Terraform keeps that, not the basis).
    const f = await errorOf(apply({ kind: m.kind, ctx, action: "update", id: m.id, desired, plannedFrom: p.live }));
    expect(f).toMatchObject({ outcome: "ChangedSincePlan", fields: ["zone"] });
    expect(m.calls.update).toEqual([]);
    // A field planned as UNKNOWN is set whatever Spot has now: not held against the plan.
    const n = await withWidget();
    const u = await plan({ kind: n.kind, desired: { name: "w", size: UNKNOWN }, id: n.id, ctx });
    n.store.set(n.id, { ...n.store.get(n.id)!, size: 7 });
    await apply({ kind: n.kind, ctx, action: "update", id: n.id, desired: { name: "w", size: 8 }, basis: u.basis });
    expect(n.store.get(n.id)!.size).toBe(8);
  });

  test("refuses with ChangedSincePlan (gone) when the object vanished since the plan", async () => {
    const m = await withWidget();
    const p = await plan({ kind: m.kind, desired: { name: "w", size: 2 }, id: m.id, ctx });
    m.store.delete(m.id);
    const e = await errorOf(
      apply({ kind: m.kind, ctx, action: "update", id: m.id, desired: { name: "w", size: 2 }, basis: p.basis }),
    );
    expect(e).toMatchObject({ outcome: "ChangedSincePlan", id: m.id, gone: true });
    expect(e.message).toMatch(/no longer exists in Spot/);
  });

  test("without a basis: already as desired is done; a refusal or a replacement found at apply is refused", async () => {
    const m = await withWidget();
    m.store.set(m.id, { ...m.store.get(m.id)!, size: 2 });
    expect(
      await apply({ kind: m.kind, ctx, action: "update", id: m.id, desired: { name: "w", size: 2 } }),
    ).toMatchObject({
      already: "done",
      changes: [],
    });
    const r = await errorOf(
      apply({ kind: m.kind, ctx, action: "update", id: m.id, desired: { name: "w", color: "red" } }),
    );
    expect(r).toMatchObject({ outcome: "ChangeRejected", field: "color", hint: "Paint it in the console." });
    const z = await errorOf(
      apply({ kind: m.kind, ctx, action: "update", id: m.id, desired: { name: "w", zone: "eu" } }),
    );
    expect(z).toMatchObject({ outcome: "ChangedSincePlan", fields: ["zone"] });
    expect(m.calls.update).toEqual([]);
  });

  test("delete: the core refuses an irreversible one without allowDeletion; gone is already done", async () => {
    const m = await withWidget({ irreversible: true });
    const e = await errorOf(apply({ kind: m.kind, ctx, action: "delete", id: m.id, prior: m.outputs }));
    expect(e).toMatchObject({ outcome: "DeletionRefused", id: m.id, reason: "irreversible", action: "delete" });
    expect(m.calls.delete).toEqual([]);
    await apply({ kind: m.kind, ctx, action: "delete", id: m.id, prior: { ...m.outputs, allowDeletion: true } });
    expect(m.calls.delete).toEqual([m.id]);
    expect(await apply({ kind: m.kind, ctx, action: "delete", id: m.id, prior: m.outputs })).toMatchObject({
      already: "gone",
    });
    expect(m.calls.delete).toEqual([m.id]);
    // Stated for this run (a GitOps prune section named explicitly).
    const n = await withWidget({ irreversible: true });
    await apply({ kind: n.kind, ctx, action: "delete", id: n.id, allowDeletion: true });
    expect(n.store.size).toBe(0);
  });

  test("replace: refused when irreversible unless allowed; otherwise delete, then create", async () => {
    const m = await withWidget({ irreversible: true });
    const e = await errorOf(
      apply({ kind: m.kind, ctx, action: "replace", id: m.id, desired: { name: "w", zone: "eu" } }),
    );
    expect(e).toMatchObject({ outcome: "DeletionRefused", reason: "irreversible", action: "replace" });
    expect(e.message).toBe(
      "Widget w-1: changing zone replaces it, which deletes it, and deleting a Widget cannot be undone; " +
        "allowDeletion must be true for it to go ahead (for a deletion, recorded by an earlier change; for a " +
        "replacement, declared with it)",
    );
    expect(m.calls).toMatchObject({ delete: [], create: [] });
    const a = await apply({
      kind: m.kind,
      ctx,
      action: "replace",
      id: m.id,
      desired: { name: "w", zone: "eu", allowDeletion: true },
    });
    expect(m.calls.delete).toEqual([m.id]);
    expect(a).toMatchObject({ action: "replace", id: "w-2", outputs: { zone: "eu", allowDeletion: true } });
  });

  test("secrets: an unchanged one keeps its recorded hash through an update; a changed one is re-hashed", async () => {
    const { kind } = memoryKind();
    const memory = memoryOf();
    const c = await apply({ kind, ctx, action: "create", desired: { name: "w", token: "t0ken-one" }, secrets: memory });
    const h = memory.record.token;
    await apply({
      kind,
      ctx,
      action: "update",
      id: c.id,
      desired: { name: "w", size: 3, token: "t0ken-one" },
      secrets: memory,
    });
    expect(memory.record.token).toBe(h);
    const p = await plan({ kind, desired: { name: "w", size: 3, token: "t0ken-two" }, id: c.id, ctx, secrets: memory });
    expect(p.changes).toEqual([
      { field: "token", before: "(secret)", after: "(secret)", mode: "update", secret: true },
    ]);
    await apply({
      kind,
      ctx,
      action: "update",
      id: c.id,
      desired: { name: "w", size: 3, token: "t0ken-two" },
      secrets: memory,
    });
    expect(memory.record.token).toEqual(hashOf("t0ken-two"));
  });

  test("secrets: an unverified one (nothing recorded) is sent once, remembered, then compared", async () => {
    const m = await withWidget({}, { name: "w" });
    const memory = memoryOf(); // e.g. after an import
    const desired = { name: "w", token: "t0ken-declared" };
    const p = await plan({ kind: m.kind, desired, id: m.id, ctx, secrets: memory });
    expect(p.changes).toEqual([
      { field: "token", before: "(secret)", after: "(secret)", mode: "update", secret: true, unverified: true },
    ]);
    await apply({ kind: m.kind, ctx, action: "update", id: m.id, desired, secrets: memory, basis: p.basis });
    expect(m.calls.update).toEqual([{ id: m.id, fields: ["token"] }]);
    expect(memory.record).toEqual({ token: hashOf("t0ken-declared") });
    expect((await plan({ kind: m.kind, desired, id: m.id, ctx, secrets: memory })).action).toBe("noop");
  });
});

describe("readLive", () => {
  test("completes the read with what Spot never returns: local settings and remembered secret hashes", async () => {
    const m = await withWidget();
    const memory = memoryOf({ token: "scrypt:a:b" });
    const live = await readLive({ kind: m.kind, ctx, id: m.id, prior: { allowDeletion: true }, secrets: memory });
    expect(live).toMatchObject({ thingId: m.id, allowDeletion: true, token: "scrypt:a:b" });
    // Nothing recorded: the local default.
    expect((await readLive({ kind: m.kind, ctx, id: m.id }))!.allowDeletion).toBe(false);
    m.store.delete(m.id);
    expect(await readLive({ kind: m.kind, ctx, id: m.id })).toBeUndefined();
  });

  test("passes what the caller manages and, without state, the declaration's known values as prior", async () => {
    const m = memoryKind();
    const read = jest.spyOn(m.kind, "read");
    const desired = { name: "w", size: UNKNOWN, token: "plain", allowDeletion: true };
    await readLive({ kind: m.kind, ctx, id: "w-9", desired, manage: managedFields(m.kind, desired) });
    expect(read).toHaveBeenCalledWith({
      ctx,
      id: "w-9",
      // The plaintext secret is never a prior; an UNKNOWN is not a value.
      prior: { name: "w", allowDeletion: true },
      manage: new Set(["name", "size", "token", "allowDeletion"]),
    });
    // State, when there is one, wins over the declaration.
    expect(priorForRead(m.kind, { name: "recorded" }, desired, memoryOf({ token: "scrypt:x:y" }))).toEqual({
      name: "recorded",
      token: "scrypt:x:y",
    });
  });
});

describe("adopt", () => {
  test("by natural key: strictly checked inputs, then found; NotFound says by what", async () => {
    const m = await withWidget();
    expect(await adopt(m.kind, ctx, { inputs: { name: "w" } })).toEqual({
      id: m.id,
      outputs: { thingId: m.id, name: "w", size: 1, color: "grey", revision: 1, allowDeletion: false },
    });
    const bad = await errorOf(adopt(m.kind, ctx, { inputs: { name: UNKNOWN } }));
    expect(bad).toMatchObject({ outcome: "InvalidInputs" });
    const e = await errorOf(adopt(m.kind, ctx, { inputs: { name: "nope" } }));
    expect(e).toMatchObject({ outcome: "NotFound", by: { key: 'name="nope"' } });
  });

  test("by id: the kind's importById when it has one, else its read; the id trimmed; NotFound by id", async () => {
    const m = await withWidget();
    expect((await adopt(m.kind, ctx, { id: `  ${m.id} ` })).id).toBe(m.id);
    expect(await errorOf(adopt(m.kind, ctx, { id: "w-404" }))).toMatchObject({
      outcome: "NotFound",
      by: { id: "w-404" },
      message: 'no Widget with id "w-404" exists in Spot',
    });
    const byName = { ...m.kind, importById: jest.fn(async () => ({ id: m.id, outputs: { name: "w" } })) };
    expect(await adopt(byName, ctx, { id: "w" })).toEqual({ id: m.id, outputs: { name: "w", allowDeletion: false } });
    expect(byName.importById).toHaveBeenCalledWith({ ctx, importId: "w" });
  });
});

describe("takeOver", () => {
  test("adopts, then updates what differs in place; nothing to do is no update", async () => {
    const m = await withWidget();
    expect((await takeOver({ kind: m.kind, ctx, desired: { name: "w", size: 1 }, by: { id: m.id } })).id).toBe(m.id);
    expect(m.calls.update).toEqual([]);
    const t = await takeOver({ kind: m.kind, ctx, desired: { name: "w", size: 4 }, by: { inputs: { name: "w" } } });
    expect(t).toMatchObject({ id: m.id, outputs: { size: 4, revision: 2 } });
    expect(m.calls.update).toEqual([{ id: m.id, fields: ["size"] }]);
  });

  test("refuses a declaration that needs a replacement or a change Spot cannot make, before changing anything", async () => {
    const m = await withWidget();
    for (const desired of [
      { name: "w", size: 4, zone: "eu" },
      { name: "w", size: 4, color: "red" },
    ]) {
      const e = await errorOf(takeOver({ kind: m.kind, ctx, desired, by: { id: m.id } }));
      expect(e).toMatchObject({ outcome: "ChangeRejected" });
      expect(e.message).toMatch(/cannot be adopted as declared: (zone|color) differ/);
    }
    expect(
      await errorOf(takeOver({ kind: m.kind, ctx, desired: { name: "w", size: "x" }, by: { id: m.id } })),
    ).toMatchObject({
      outcome: "InvalidInputs",
    });
    expect(m.calls.update).toEqual([]);
    expect(m.store.get(m.id)!.size).toBe(1);
  });

  test("a failed update after the take-over is CreatedNotFinished, so the front-end tracks the object", async () => {
    const m = await withWidget();
    m.failNext.update = new Error("Spot said no");
    const e = await errorOf(takeOver({ kind: m.kind, ctx, desired: { name: "w", size: 4 }, by: { id: m.id } }));
    expect(e).toMatchObject({
      outcome: "CreatedNotFinished",
      id: m.id,
      step: "bringing it in line with the declaration",
      outputs: { thingId: m.id, size: 1 },
    });
    expect(e.cause.message).toBe("Spot said no");
    expect(
      await errorOf(takeOver({ kind: m.kind, ctx, desired: { name: "x" }, by: { inputs: { name: "x" } } })),
    ).toMatchObject({
      outcome: "NotFound",
    });
  });
});
