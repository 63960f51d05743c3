/**
 * Shared helpers of the resource lifecycle tests (test/resources/*.test.ts). Each test file starts one emulator
 * with `withEmulator()` and drives a kind through the engine exactly as the front-ends do: checkInputs, then the
 * kind's create/read/update/find/delete, with `diffResource` deciding what changed.
 *
 *   const emu = withEmulator();
 *   test("lifecycle", async () => {
 *     const r = await runLifecycle({ emu, kind: user, inputs: {...}, outOfBand: {...}, update: {...} });
 *   });
 */
import { SpotClient, type ClientOptions } from "../../src/api";
import {
  checkInputs,
  diffResource,
  formatFailures,
  type DiffResult,
  type Props,
  type ResourceContext,
  type ResourceKind,
} from "../../src/resources";
import type { EmulatorFixture } from "../support/emulator";

let seq = 0;

/** A client of the emulator's organization, with short retries (tests) and its own run id. */
export function clientFor(emu: EmulatorFixture, extra: ClientOptions = {}): SpotClient {
  return new SpotClient({
    token: emu.token,
    baseUrl: emu.url,
    frontend: "sdk",
    runId: `resources-test-${process.pid}-${++seq}`,
    retry: { baseDelayMs: 5, maxDelayMs: 500, maxElapsedMs: 10_000, maxAttempts: 4 },
    ...extra,
  });
}

export interface TestContext extends ResourceContext {
  client: SpotClient;
  warnings: string[];
}

export function contextFor(emu: EmulatorFixture, extra: ClientOptions = {}): TestContext {
  const warnings: string[] = [];
  return { client: clientFor(emu, extra), warn: (m) => warnings.push(m), warnings };
}

/**
 * Inputs as the front-ends pass them: through checkInputs (defaults applied). Throws on check failures.
 * `I` types the result (untyped by default, so a kind's create accepts it).
 */
export function checked<I extends Props = any>(kind: ResourceKind<any, any>, raw: Props): I {
  const { inputs, failures } = checkInputs(kind, raw);
  if (failures.length) throw new Error(formatFailures(kind.name, "test", failures));
  return inputs as I;
}

/** field → message of the check failures (empty when the inputs pass). */
export function failuresOf(kind: ResourceKind<any, any>, raw: Props): Record<string, string> {
  return Object.fromEntries(checkInputs(kind, raw).failures.map((f) => [f.field, f.message]));
}

export async function requestTotal(emu: EmulatorFixture): Promise<number> {
  return (await emu.control.stats()).total;
}

/**
 * Bad inputs are refused by the checks, with a message naming the field, and nothing reaches Spot. When the checks
 * pass (rules only the kind's create can apply), create must fail before its first mutating request.
 */
export async function expectRejectedBeforeApi(
  emu: EmulatorFixture,
  kind: ResourceKind<any, any>,
  raw: Props,
  field: string,
  message?: RegExp,
): Promise<string> {
  const before = await requestTotal(emu);
  const { failures } = checkInputs(kind, raw);
  const text = formatFailures(kind.name, "bad", failures);
  const hit = failures.find((f) => f.field === field);
  if (!hit) throw new Error(`expected a check failure on ${field}; got: ${text || "(none)"}`);
  if (message && !message.test(hit.message))
    throw new Error(`${field}: message ${JSON.stringify(hit.message)} !~ ${message}`);
  expect(text).toContain(`${kind.name} "bad": ${field} `);
  // The stats call itself is counted by the control API only, never as a Spot request.
  expect(await requestTotal(emu)).toBe(before);
  return hit.message;
}

export function changedFields(d: DiffResult): string[] {
  return d.changes.map((c) => c.field).sort();
}

export function expectNoDiff(kind: ResourceKind<any, any>, desired: Props, live: Props | undefined): void {
  expect(live).toBeDefined();
  const d = diffResource(kind, desired, live!);
  if (d.changes.length) {
    throw new Error(`expected no diff, got ${JSON.stringify(d.changes)}\nlive: ${JSON.stringify(live)}`);
  }
}

/** Fails when any of `secrets` appears anywhere in `value` (outputs, errors, warnings, logs). */
export function expectNoSecret(value: unknown, secrets: (string | undefined)[]): void {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  for (const s of secrets) {
    if (s && text.includes(s)) throw new Error(`a secret appears in plain text in: ${text.slice(0, 300)}`);
  }
}

export async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

export interface LifecycleSpec {
  emu: EmulatorFixture;
  kind: ResourceKind<any, any>;
  /** Defaults to a fresh contextFor(emu). */
  ctx?: TestContext;
  /** Raw desired inputs (checked like a front-end does). */
  inputs: Props;
  /** A change made directly through the Spot API (a second client), and the fields the diff must then show. */
  outOfBand: { change: (spot: SpotClient, id: string, outputs: Props) => Promise<void>; fields: string[] };
  /** New inputs whose changes are all in place, and which fields they change. */
  update?: { inputs: Props; fields: string[] };
  /** New inputs that need a replacement (only planned, not carried out). */
  replace?: { inputs: Props; fields: string[] };
  /** New inputs that must be refused, and the fields named. */
  reject?: { inputs: Props; fields: string[] };
  /** The import id of the created object (default: its id). */
  importId?: (id: string, outputs: Props) => string;
  /** Strings that must never appear in outputs, reads or warnings. */
  secrets?: string[];
}

export interface LifecycleResult {
  id: string;
  created: Props;
  /** The last live object before deletion. */
  live: Props;
  ctx: TestContext;
}

/**
 * create → read shows no diff → out-of-band change detected → restored by update → in-place update → refused and
 * replacing changes are planned as such → adopt (find, importById) → delete → read reports gone.
 */
export async function runLifecycle(spec: LifecycleSpec): Promise<LifecycleResult> {
  const { kind, emu } = spec;
  const ctx = spec.ctx ?? contextFor(emu);
  const noSecret = (v: unknown) => expectNoSecret(v, spec.secrets ?? []);
  let desired = checked(kind, spec.inputs);

  // create, then read: nothing to change
  const { id, outputs: created } = await kind.create(ctx, desired);
  expect(typeof id).toBe("string");
  noSecret(created);
  let prior: Props = created;
  let live = await kind.read(ctx, id, prior);
  expectNoDiff(kind, desired, live);
  noSecret(live);
  prior = live!;

  // a change made outside spot-iac is seen, and an update brings Spot back in line
  const other = clientFor(emu);
  await spec.outOfBand.change(other, id, prior);
  ctx.client.clearCache();
  live = await kind.read(ctx, id, prior);
  const drift = diffResource(kind, desired, live!);
  expect(changedFields(drift)).toEqual([...spec.outOfBand.fields].sort());
  expect(drift.changes.every((c) => c.mode === "update")).toBe(true);
  prior = await kind.update(ctx, id, desired, live!, drift.changes);
  ctx.client.clearCache();
  live = await kind.read(ctx, id, prior);
  expectNoDiff(kind, desired, live);
  prior = live!;

  if (spec.update) {
    const next = checked(kind, spec.update.inputs);
    const d = diffResource(kind, next, prior);
    expect(changedFields(d)).toEqual([...spec.update.fields].sort());
    expect(d.replace).toBe(false);
    expect(d.rejected).toEqual([]);
    const updated = await kind.update(ctx, id, next, prior, d.changes);
    expectNoDiff(kind, next, updated);
    ctx.client.clearCache();
    live = await kind.read(ctx, id, updated);
    expectNoDiff(kind, next, live);
    noSecret(live);
    desired = next;
    prior = live!;
  }

  if (spec.reject) {
    const d = diffResource(kind, checked(kind, spec.reject.inputs), prior);
    expect(d.rejected.map((r) => r.field).sort()).toEqual([...spec.reject.fields].sort());
    for (const r of d.rejected) {
      const hint = kind.fields[r.field].rejectHint;
      expect(hint).toBeTruthy();
      expect(r.message).toContain(hint!);
    }
    noSecret(d);
  }

  if (spec.replace) {
    const d = diffResource(kind, checked(kind, spec.replace.inputs), prior);
    expect(d.replace).toBe(true);
    expect(
      d.changes
        .filter((c) => c.mode === "replace")
        .map((c) => c.field)
        .sort(),
    ).toEqual([...spec.replace.fields].sort());
  }

  // adopt: by natural key and by import id, the same object, and nothing to change
  const found = await kind.find(ctx, desired);
  expect(found?.id).toBe(id);
  expectNoDiff(kind, desired, found!.outputs);
  const importId = spec.importId ? spec.importId(id, prior) : id;
  const imported = kind.importById
    ? await kind.importById(ctx, importId)
    : { id, outputs: await kind.read(ctx, importId) };
  expect(imported?.id).toBe(id);

  // delete, then gone (and deleting again is harmless)
  await kind.delete(ctx, id, prior);
  ctx.client.clearCache();
  expect(await kind.read(ctx, id, prior)).toBeUndefined();
  await kind.delete(ctx, id, prior);
  expect(await kind.find(ctx, desired)).toBeUndefined();
  noSecret(ctx.warnings);
  return { id, created, live: prior, ctx };
}

/**
 * The schema rules every kind follows: documented fields, refused changes explained, secrets never in sets or
 * objects, account ids referenced as such, names unique, import format documented.
 */
export function expectSchemaConventions(kind: ResourceKind<any, any>): void {
  expect(kind.description.length).toBeGreaterThan(20);
  expect(kind.importId.format).toBeTruthy();
  expect(kind.importId.example).toBeTruthy();
  for (const k of kind.naturalKey) expect(kind.fields[k]).toBeDefined();
  const walk = (fields: Record<string, any>, path: string) => {
    for (const [key, f] of Object.entries(fields)) {
      const where = `${kind.name}.${path}${key}`;
      if (!f.description || f.description.length < 8) throw new Error(`${where}: no real description`);
      if (f.onChange === "reject" && !f.rejectHint) throw new Error(`${where}: refused without a rejectHint`);
      if (/^accountIds?$/.test(key) && f.ref !== "Account") throw new Error(`${where}: must have ref "Account"`);
      if (f.secret && path) throw new Error(`${where}: secrets must be top-level fields`);
      const t = f.type;
      const inner = typeof t === "object" ? (t.object ?? t.list?.object ?? t.set?.object) : undefined;
      if (inner) walk(inner, `${path}${key}.`);
    }
  };
  walk(kind.fields, "");
}
