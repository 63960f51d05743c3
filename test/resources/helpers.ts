/**
 * Shared helpers of the resource lifecycle tests (test/resources/*.test.ts). Each test file starts one emulator
 * with `withEmulator()` and drives a kind through the core lifecycle exactly as the front-ends do: `plan` (check,
 * locate or read, diff, guards), `apply` (re-read once, then create / update / delete), `adopt`, `readLive`, with a
 * context from `connect` and a secret memory kept across runs (`Tracked`, a stateful front-end in miniature).
 *
 *   const emu = withEmulator();
 *   test("lifecycle", async () => {
 *     const r = await runLifecycle({ emu, kind: user, inputs: {...}, outOfBand: {...}, update: {...} });
 *   });
 */
import { SpotClient, type ClientOptions } from "../../src/api";
import {
  UNKNOWN,
  adopt,
  apply,
  checkInputs,
  connect,
  formatFailures,
  isInput,
  isOutcome,
  memoryOf,
  plan,
  readLive,
  type Applied,
  type ChangePlan,
  type OutcomeName,
  type Props,
  type ResourceContext,
  type ResourceKind,
} from "../../src/core";
import type { EmulatorFixture } from "../support/emulator";

let seq = 0;

/** Short retries: a test never waits long on a fault it injected. */
const RETRY = { baseDelayMs: 5, maxDelayMs: 50, maxElapsedMs: 5_000, maxAttempts: 4 };

/** A client of the emulator's organization (changes "made in the console"), with short retries and its own run id. */
export function clientFor(emu: EmulatorFixture, extra: ClientOptions = {}): SpotClient {
  return new SpotClient({
    token: emu.token,
    baseUrl: emu.url,
    frontend: "sdk",
    runId: `resources-test-${process.pid}-${++seq}`,
    retry: RETRY,
    ...extra,
  });
}

export interface TestContext extends ResourceContext {
  warnings: string[];
}

/** A context as the front-ends get one (core `connect`), with its own client (run id) and collected warnings. */
export function contextFor(emu: EmulatorFixture, extra: ClientOptions = {}): TestContext {
  const warnings: string[] = [];
  const { token, ...client } = extra;
  const ctx = connect({
    token: token ?? emu.token,
    baseUrl: emu.url,
    frontend: "sdk",
    runId: `resources-test-${process.pid}-${++seq}`,
    client: { retry: RETRY, ...client },
    warn: (m) => warnings.push(m),
  });
  return Object.assign(ctx, { warnings });
}

/**
 * Inputs as the front-ends pass them: through checkInputs with the kind's cross-field check (defaults applied).
 * Throws on check failures. `I` types the result.
 */
export function checked<I extends Props = any>(kind: ResourceKind<any, any>, raw: Props): I {
  const { inputs, failures } = checkInputs(kind.fields, raw, { check: kind.check?.bind(kind) });
  if (failures.length) throw new Error(formatFailures(kind.name, "test", failures));
  return inputs as I;
}

/** field → message of the check failures (empty when the inputs pass). */
export function failuresOf(kind: ResourceKind<any, any>, raw: Props): Record<string, string> {
  const { failures } = checkInputs(kind.fields, raw, { check: kind.check?.bind(kind) });
  return Object.fromEntries(failures.map((f) => [f.field, f.message]));
}

export async function requestTotal(emu: EmulatorFixture): Promise<number> {
  return (await emu.control.stats()).total;
}

/** Requests that can change something in Spot (every method but GET), by route template. */
export async function mutations(emu: EmulatorFixture): Promise<number> {
  const { requests } = await emu.control.stats();
  return Object.entries(requests)
    .filter(([k]) => !k.startsWith("GET "))
    .reduce((n, [, v]) => n + v, 0);
}

/** Count of one route template ("POST /setup/account") in the emulator's request stats. */
export async function requests(emu: EmulatorFixture, key: string): Promise<number> {
  return (await emu.control.stats()).requests[key] ?? 0;
}

/**
 * Bad inputs are refused by the checks, with a message naming the field, and nothing reaches Spot: the plan
 * reports the failure as an `invalid` problem without reading or finding anything, and a create applied anyway
 * throws InvalidInputs before its first request.
 */
export async function expectRejectedBeforeApi(
  emu: EmulatorFixture,
  kind: ResourceKind<any, any>,
  raw: Props,
  field: string,
  message?: RegExp,
): Promise<string> {
  const ctx = contextFor(emu);
  const before = await requestTotal(emu);
  const { failures } = checkInputs(kind.fields, raw, { check: kind.check?.bind(kind) });
  const text = formatFailures(kind.name, "bad", failures);
  const hit = failures.find((f) => f.field === field);
  if (!hit) throw new Error(`expected a check failure on ${field}; got: ${text || "(none)"}`);
  if (message && !message.test(hit.message))
    throw new Error(`${field}: message ${JSON.stringify(hit.message)} !~ ${message}`);
  expect(text).toContain(`${kind.name} "bad": ${field} `);

  const p = await plan({ kind, desired: raw, ctx, locate: true });
  expect(p.problems).toContainEqual({ type: "invalid", field, message: hit.message });
  const e = await errorOf(apply({ kind, ctx, action: "create", desired: raw }));
  expectOutcome(e, "InvalidInputs");
  expect(e.failures).toContainEqual(hit);
  // The stats call itself is counted by the control API only, never as a Spot request.
  expect(await requestTotal(emu)).toBe(before);
  return hit.message;
}

/** Runs `fn`, which must fail, and asserts the emulator saw no Spot request meanwhile. Returns the error. */
export async function rejectedBeforeApi(emu: EmulatorFixture, fn: () => Promise<unknown>): Promise<any> {
  const before = await requestTotal(emu);
  const error = await errorOf(fn());
  expect(await requestTotal(emu)).toBe(before);
  return error;
}

export function changedFields(d: { changes: { field: string }[] }): string[] {
  return d.changes.map((c) => c.field).sort();
}

/** The plan of a declaration Spot already matches: nothing to do, nothing wrong. */
export function expectNoop(p: ChangePlan): void {
  if (p.action !== "noop" || p.problems.length) {
    throw new Error(
      `expected no change, got ${p.action}: ${JSON.stringify(p.changes)} ${JSON.stringify(p.problems)}\n` +
        `live: ${JSON.stringify(p.live)}`,
    );
  }
}

/** Plans `desired` against a live object without any API call (e.g. the outputs an apply returned). */
export async function planAgainst(
  kind: ResourceKind<any, any>,
  desired: Props,
  live: Props | undefined,
  prior?: Props,
): Promise<ChangePlan> {
  expect(live).toBeDefined();
  return plan({ kind, desired, id: "(given)", live: live!, prior });
}

/** `desired` planned against `live` shows no change. */
export async function expectNoDiff(kind: ResourceKind<any, any>, desired: Props, live: Props | undefined) {
  expectNoop(await planAgainst(kind, desired, live));
}

/** Fails when any of `secrets` appears anywhere in `value` (outputs, errors, warnings, logs). */
export function expectNoSecret(value: unknown, secrets: (string | undefined)[]): void {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  for (const s of secrets) {
    if (s && text.includes(s)) throw new Error(`a secret appears in plain text in: ${text.slice(0, 300)}`);
  }
}

export async function errorOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

/** Asserts a typed outcome of the given name (with a readable failure otherwise). */
export function expectOutcome(e: unknown, name: OutcomeName): void {
  if (!isOutcome(e, name)) throw new Error(`expected ${name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
}

/**
 * One object as a stateful front-end (Terraform, Pulumi) tracks it: its id, the outputs recorded by the last
 * apply or refresh, and the secret memory. Plans read live state through the core; applies hand over the plan's
 * basis, so a change made between plan and apply is refused.
 */
export class Tracked {
  id?: string;
  state?: Props;
  readonly memory = memoryOf();

  constructor(
    readonly kind: ResourceKind<any, any>,
    readonly ctx: ResourceContext,
    /** Without an id yet, look the object up by its natural key (false: a kind Spot cannot search). */
    readonly locate = true,
  ) {}

  /** Plan `desired` (null: delete). Without an id yet, the object is located by its natural key. */
  plan(desired: Props | null, extra: { allowDeletion?: boolean } = {}): Promise<ChangePlan> {
    return plan({
      kind: this.kind,
      desired,
      id: this.id,
      prior: this.state,
      ctx: this.ctx,
      locate: this.locate && !this.id,
      secrets: this.memory,
      ...extra,
    });
  }

  /** Apply a plan of `desired` and record the result. A located (or half-created) object is tracked from then on. */
  async execute(desired: Props | null, p: ChangePlan, extra: { allowDeletion?: boolean } = {}): Promise<Applied> {
    if (p.action === "noop") throw new Error("nothing to apply");
    let a: Applied;
    try {
      a = await apply({
        kind: this.kind,
        ctx: this.ctx,
        action: p.action,
        id: p.id ?? this.id,
        desired: desired ?? undefined,
        prior: this.state,
        secrets: this.memory,
        basis: p.basis,
        ...extra,
      });
    } catch (e) {
      // The object exists although its create failed half-way: tracked, as every front-end does, so that the
      // next run finishes it instead of creating another.
      if (isOutcome(e, "CreatedNotFinished")) {
        this.id = e.id;
        this.state = e.outputs;
      }
      throw e;
    }
    if (a.action === "delete") {
      this.id = undefined;
      this.state = undefined;
    } else {
      this.id = a.id;
      this.state = a.outputs;
    }
    return a;
  }

  /** Plan, refuse on problems, apply when there is something to do. */
  async converge(desired: Props | null): Promise<{ plan: ChangePlan; applied?: Applied }> {
    const p = await this.plan(desired);
    if (p.problems.length) throw new Error(`plan has problems: ${JSON.stringify(p.problems)}`);
    if (p.action === "noop") return { plan: p };
    return { plan: p, applied: await this.execute(desired, p) };
  }

  /** A refresh: what Spot has now, completed with the state and the memory; undefined when gone. */
  async refresh(): Promise<Props | undefined> {
    const live = await readLive({
      kind: this.kind,
      ctx: this.ctx,
      id: this.id!,
      prior: this.state,
      secrets: this.memory,
    });
    if (live) this.state = live;
    return live;
  }

  /** Take over the object by its id or natural key (import, adopt). */
  async adopt(by: { id: string } | { inputs: Props }) {
    const found = await adopt(this.kind, this.ctx, by);
    this.id = found.id;
    this.state = found.outputs;
    return found;
  }
}

export interface LifecycleSpec {
  emu: EmulatorFixture;
  kind: ResourceKind<any, any>;
  /** Defaults to a fresh contextFor(emu). */
  ctx?: TestContext;
  /** Raw desired inputs (checked by the core, as a front-end's are). */
  inputs: Props;
  /** A change made directly through the Spot API (a second client), and the fields the plan must then show. */
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
 * plan create → apply → plan shows nothing to do → out-of-band change detected (as a change and as drift) →
 * restored by an update → in-place update (stable outputs promised) → refused and replacing changes planned as
 * such → adopt (natural key, import id) → delete → gone (reads, plans and deletes agree).
 */
export async function runLifecycle(spec: LifecycleSpec): Promise<LifecycleResult> {
  const { kind, emu } = spec;
  const ctx = spec.ctx ?? contextFor(emu);
  const noSecret = (v: unknown) => expectNoSecret(v, spec.secrets ?? []);
  const t = new Tracked(kind, ctx);
  let desired = spec.inputs;

  // plan a create (nothing found by the natural key): every output is known after apply
  let p = await t.plan(desired);
  expect(p).toMatchObject({ action: "create", problems: [], gone: false });
  for (const [k, f] of Object.entries(kind.fields)) if (!isInput(f)) expect(p.planned[k]).toBe(UNKNOWN);
  const created = await t.execute(desired, p);
  expect(created.action).toBe("create");
  const id = created.id!;
  expect(typeof id).toBe("string");
  noSecret(created.outputs);
  const createdOutputs = created.outputs!;

  // planned again: nothing to change
  ctx.client.clearCache();
  p = await t.plan(desired);
  expectNoop(p);
  noSecret(p.live);

  // a change made outside spot-iac is seen (as a change and as drift), and an update brings Spot back in line
  await spec.outOfBand.change(clientFor(emu), id, t.state!);
  ctx.client.clearCache();
  p = await t.plan(desired);
  const oob = [...spec.outOfBand.fields].sort();
  expect(p.action).toBe("update");
  expect(changedFields(p)).toEqual(oob);
  expect(p.changes.every((c) => c.mode === "update")).toBe(true);
  expect(changedFields({ changes: p.drift })).toEqual(oob);
  await t.execute(desired, p);
  ctx.client.clearCache();
  expectNoop(await t.plan(desired));

  if (spec.update) {
    const next = spec.update.inputs;
    p = await t.plan(next);
    expect(p.action).toBe("update");
    expect(changedFields(p)).toEqual([...spec.update.fields].sort());
    expect(p.problems).toEqual([]);
    expect(p.localOnly).toBe(false);
    // What references the object keeps its value through an in-place update.
    for (const [k, f] of Object.entries(kind.fields))
      if (!isInput(f) && f.stable && t.state![k] !== undefined) expect(p.planned[k]).toEqual(t.state![k]);
    const a = await t.execute(next, p);
    expect(changedFields(a)).toEqual([...spec.update.fields].sort());
    await expectNoDiff(kind, next, a.outputs);
    ctx.client.clearCache();
    p = await t.plan(next);
    expectNoop(p);
    noSecret(p.live);
    desired = next;
  }

  if (spec.reject) {
    p = await t.plan(spec.reject.inputs);
    const rejected = p.problems.filter((x) => x.type === "rejected");
    expect(rejected.map((r) => r.field).sort()).toEqual([...spec.reject.fields].sort());
    for (const r of rejected) {
      const hint = kind.fields[r.field].rejectHint;
      expect(hint).toBeTruthy();
      expect(r.message).toContain(hint!);
      expect(r).toMatchObject({ hint });
    }
    noSecret(p.problems);
    // Applied anyway, the change is refused before anything is sent.
    const before = await mutations(emu);
    const e = await errorOf(t.execute(spec.reject.inputs, p));
    expectOutcome(e, "ChangeRejected");
    expect(spec.reject.fields).toContain(e.field);
    noSecret(e.message);
    expect(await mutations(emu)).toBe(before);
  }

  if (spec.replace) {
    p = await t.plan(spec.replace.inputs);
    expect(p.action).toBe("replace");
    expect([...p.replaceFields].sort()).toEqual([...spec.replace.fields].sort());
  }

  // adopt: by natural key and by import id, the same object, with nothing to change
  const found = await adopt(kind, ctx, { inputs: desired });
  expect(found.id).toBe(id);
  expectNoop(await plan({ kind, desired, id, live: found.outputs }));
  const importId = spec.importId ? spec.importId(id, t.state!) : id;
  expect((await adopt(kind, ctx, { id: importId })).id).toBe(id);

  // delete, then gone: read, plan and a repeated delete agree, and adopting finds nothing
  const last = t.state!;
  p = await t.plan(null);
  expect(p).toMatchObject({ action: "delete", id, problems: [] });
  await t.execute(null, p);
  ctx.client.clearCache();
  expect(await readLive({ kind, ctx, id, prior: last })).toBeUndefined();
  expect(await plan({ kind, desired: null, id, prior: last, ctx })).toMatchObject({ action: "noop", gone: true });
  expect(await apply({ kind, ctx, action: "delete", id, prior: last })).toMatchObject({ already: "gone" });
  expectOutcome(await errorOf(adopt(kind, ctx, { inputs: desired })), "NotFound");
  // Known by id but gone: planned as a create again.
  expect(await plan({ kind, desired, id, prior: last, ctx })).toMatchObject({ action: "create", gone: true });
  noSecret(ctx.warnings);
  return { id, created: createdOutputs, live: last, ctx };
}

/**
 * The schema rules every kind follows: documented fields, refused changes explained, secrets never in sets or
 * objects, account ids referenced as such, import format documented, irreversible kinds with a local
 * allowDeletion.
 */
export function expectSchemaConventions(kind: ResourceKind<any, any>): void {
  expect(kind.description.length).toBeGreaterThan(20);
  expect(kind.importId.format).toBeTruthy();
  expect(kind.importId.example).toBeTruthy();
  for (const k of kind.naturalKey) expect(kind.fields[k]).toBeDefined();
  if (kind.irreversibleDelete) expect(kind.fields.allowDeletion).toMatchObject({ type: "bool", local: true });
  const walk = (fields: Record<string, any>, path: string) => {
    for (const [key, f] of Object.entries(fields)) {
      const where = `${kind.name}.${path}${key}`;
      if (!f.description || f.description.length < 8) throw new Error(`${where}: no real description`);
      if (f.onChange === "reject" && !f.rejectHint) throw new Error(`${where}: refused without a rejectHint`);
      // An input naming accounts references them (the id output of an Account is its own id).
      if (isInput(f) && /^accountIds?$/.test(key) && f.ref !== "Account")
        throw new Error(`${where}: must have ref "Account"`);
      if (f.secret && path) throw new Error(`${where}: secrets must be top-level fields`);
      const t = f.type;
      const inner = typeof t === "object" ? (t.object ?? t.list?.object ?? t.set?.object) : undefined;
      if (inner) walk(inner, `${path}${key}.`);
    }
  };
  walk(kind.fields, "");
}
