/**
 * A minimal re-implementation of the Pulumi engine's deployment steps, so a Pulumi *program* can be run
 * in a test (no Pulumi CLI exists offline) with its dynamic resources really created through the real
 * provider host (test/support/pulumi-host.ts).
 *
 * How: `pulumi.runtime.setMocks` makes the program register resources with a mock monitor; our mock
 * `newResource` performs the engine's step for each dynamic resource against the host:
 *   Check → (in state? Diff : Create) → same | Update | Replace (delete-before or create-before) ,
 * then, after the program finishes, deletes what the program no longer declares (and the old halves of
 * create-before-delete replacements), in reverse dependency order. A partial create (the host's
 * ErrorResourceInitFailed) is recorded with what the provider reported and updated by the next `up`, as the
 * engine does. `refresh` reads every resource
 * (an empty id drops it), `destroy` deletes everything. One new host process per operation, configured
 * with the stack configuration, as the CLI does.
 *
 * State is a JSON file, persisted after every step. Values the program passed as secrets, outputs named
 * in `additionalSecretOutputs` and outputs whose same-named input was secret are stored encrypted
 * (AES-256-GCM, like a passphrase secrets provider), in the engine's `{"4dabf…": "1b47…", ciphertext}`
 * shape, so a test can search the file for plaintext secrets.
 *
 * Divergences from the real engine (documented, deliberate):
 * - no parents/components in URNs (type::name), no aliases, no protect, no import, no transforms;
 * - steps run in registration order as the program registers them (the engine parallelises);
 * - DIFF_UNKNOWN falls back to comparing old and new inputs (like the engine) but without its
 *   property-level ignoreChanges handling;
 * - preview runs Check and Diff (as `pulumi preview` does) and reports steps without calling
 *   Create/Update/Delete; created resources' outputs are unknown to the program.
 * - non-dynamic resources (e.g. a cloud provider's role in an example) are recorded with their inputs as
 *   outputs and a fake id; no provider runs for them.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { PulumiHost, type HostOptions, type HostError } from "./pulumi-host";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const DYNAMIC = /^pulumi-nodejs:dynamic(\/|:)/;

type Props = Record<string, any>;

export interface StateResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  custom: boolean;
  inputs: Props;
  outputs: Props;
  /** Top-level keys stored encrypted. */
  secretInputs: string[];
  secretOutputs: string[];
  dependencies: string[];
  deleteBeforeReplace?: boolean;
  /**
   * Set when the create failed after the object was made (a partial create, ErrorResourceInitFailed): the engine
   * keeps the object and updates it on the next `up` even when Diff finds nothing to change.
   */
  initErrors?: string[];
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "read" | "refresh" | "drop";
export interface Step {
  op: StepOp;
  urn: string;
  id?: string;
  /** For replace: true when the old one was deleted first. */
  deleteBeforeReplace?: boolean;
}

export interface RunResult {
  steps: Step[];
  /** The program's return value (its stack outputs), resolved, secrets unwrapped. */
  outputs: Props;
  state: StateResource[];
  /** Messages the providers logged through the engine (warnings, drift notes). */
  logs: { severity: string; message: string }[];
}

export interface EngineOptions {
  stateFile: string;
  project?: string;
  stack?: string;
  /** Stack configuration, e.g. `{"spot:token": "…", "spot:baseUrl": "…"}`. */
  config?: Record<string, string>;
  /** Keys of `config` that are secret (`pulumi config set --secret`). */
  secretConfig?: string[];
  /** Passphrase of the state's secrets provider. */
  passphrase?: string;
  /** How to start the provider host (cwd = program directory, env). */
  host?: HostOptions;
}

// ---------------------------------------------------------------------------------------------------
// State file with encrypted secrets

// One salt per state file and a cached key, as Pulumi's passphrase secrets provider does (scrypt per
// value would cost ~50 ms each, and state is re-written after every step).
const keys = new Map<string, Buffer>();
function keyFor(passphrase: string, salt: string): Buffer {
  const id = `${salt}:${passphrase}`;
  let key = keys.get(id);
  if (!key) {
    key = crypto.scryptSync(passphrase, Buffer.from(salt, "base64"), 32);
    keys.set(id, key);
  }
  return key;
}

interface Sealer {
  salt: string;
  passphrase: string;
}

function encrypt(value: unknown, s: Sealer): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv("aes-256-gcm", keyFor(s.passphrase, s.salt), iv);
  const body = Buffer.concat([c.update(JSON.stringify(value), "utf8"), c.final()]);
  return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

function decrypt(text: string, s: Sealer): unknown {
  const [, iv, tag, body] = text.split(":");
  const d = crypto.createDecipheriv("aes-256-gcm", keyFor(s.passphrase, s.salt), Buffer.from(iv, "base64"));
  d.setAuthTag(Buffer.from(tag, "base64"));
  return JSON.parse(Buffer.concat([d.update(Buffer.from(body, "base64")), d.final()]).toString("utf8"));
}

function sealProps(props: Props, secret: string[], s: Sealer): Props {
  const r: Props = {};
  for (const [k, v] of Object.entries(props))
    r[k] = secret.includes(k) ? { [SIG_KEY]: SECRET_SIG, ciphertext: encrypt(v, s) } : v;
  return r;
}

function openProps(props: Props, s: Sealer): Props {
  const r: Props = {};
  for (const [k, v] of Object.entries(props))
    r[k] = v && typeof v === "object" && v[SIG_KEY] === SECRET_SIG ? decrypt(v.ciphertext, s) : v;
  return r;
}

function sealerOf(file: string, passphrase: string): Sealer {
  if (fs.existsSync(file)) {
    const salt = JSON.parse(fs.readFileSync(file, "utf8")).secretsProvider?.salt;
    if (salt) return { salt, passphrase };
  }
  return { salt: crypto.randomBytes(16).toString("base64"), passphrase };
}

export function loadState(file: string, passphrase = "test-passphrase"): StateResource[] {
  if (!fs.existsSync(file)) return [];
  const raw = JSON.parse(fs.readFileSync(file, "utf8"));
  const s = sealerOf(file, passphrase);
  return (raw.resources as StateResource[]).map((r) => ({
    ...r,
    inputs: openProps(r.inputs, s),
    outputs: openProps(r.outputs, s),
  }));
}

function saveState(file: string, resources: StateResource[], passphrase: string): void {
  const s = sealerOf(file, passphrase);
  const sealed = resources.map((r) => ({
    ...r,
    inputs: sealProps(r.inputs, r.secretInputs, s),
    outputs: sealProps(r.outputs, r.secretOutputs, s),
  }));
  const doc = { version: 1, secretsProvider: { type: "passphrase", salt: s.salt }, resources: sealed };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
}

// ---------------------------------------------------------------------------------------------------
// Values between the SDK's mock monitor and the host

function isSecretSig(v: any): boolean {
  return !!v && typeof v === "object" && v[SIG_KEY] === SECRET_SIG;
}

/** Secret signature objects → plain values (the engine does this for providers that do not accept secrets). */
function unwrap(v: any): [any, boolean] {
  if (isSecretSig(v)) return [unwrap(v.value)[0], true];
  if (v === pulumi.unknown || (v && typeof v === "object" && v.constructor?.name === "Unknown"))
    return [UNKNOWN, false];
  if (Array.isArray(v)) {
    let s = false;
    const out = v.map((e) => {
      const [x, sec] = unwrap(e);
      s ||= sec;
      return x;
    });
    return [out, s];
  }
  if (v && typeof v === "object") {
    let s = false;
    const out: Props = {};
    for (const [k, e] of Object.entries(v)) {
      if (e === undefined) continue;
      const [x, sec] = unwrap(e);
      s ||= sec;
      out[k] = x;
    }
    return [out, s];
  }
  return [v, false];
}

function wrapSecrets(props: Props, secret: string[]): Props {
  const r: Props = {};
  for (const [k, v] of Object.entries(props)) r[k] = secret.includes(k) ? { [SIG_KEY]: SECRET_SIG, value: v } : v;
  return r;
}

/** Check failures, rendered like the engine's diagnostic. */
function checkError(type: string, name: string, failures: { property: string; reason: string }[]): Error {
  return new Error(
    failures.map((f) => `${type} resource '${name}': property ${f.property} has a problem: ${f.reason}`).join("\n"),
  );
}

// The mock monitor does not pass additionalSecretOutputs, dependencies or deleteBeforeReplace to
// `newResource`: capture them from the RegisterResource request it receives.
interface RegistrationMeta {
  additionalSecretOutputs: string[];
  dependencies: string[];
  deleteBeforeReplace: boolean;
}
const pendingMeta = new Map<string, RegistrationMeta>();
let patched = false;
function patchMockMonitor(): void {
  if (patched) return;
  patched = true;
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, cb: any) {
    pendingMeta.set(`${req.getType()}::${req.getName()}`, {
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
    });
    return original.call(this, req, cb);
  };
}

// ---------------------------------------------------------------------------------------------------
// Operations

class Deployment {
  readonly steps: Step[] = [];
  readonly errors: Error[] = [];
  private readonly registered = new Set<string>();
  private readonly condemned: StateResource[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly project: string;
  private readonly stack: string;
  private readonly passphrase: string;

  constructor(
    readonly opts: EngineOptions,
    readonly host: PulumiHost,
    readonly state: StateResource[],
    readonly preview: boolean,
  ) {
    this.project = opts.project ?? "proj";
    this.stack = opts.stack ?? "test";
    this.passphrase = opts.passphrase ?? "test-passphrase";
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  persist(): void {
    if (!this.preview) saveState(this.opts.stateFile, this.state, this.passphrase);
  }

  private put(r: StateResource): void {
    const i = this.state.findIndex((x) => x.urn === r.urn);
    if (i >= 0) this.state[i] = r;
    else this.state.push(r);
    this.persist();
  }

  private remove(urn: string): void {
    const i = this.state.findIndex((x) => x.urn === urn);
    if (i >= 0) this.state.splice(i, 1);
    this.persist();
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** The mock monitor's newResource: one engine step for the resource. */
  async register(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string | undefined; state: Props }> {
    const type = args.type;
    const urn = this.urn(type, args.name);
    // After a failed step the engine starts no new step.
    if (this.errors.length) return { id: undefined, state: {} };
    const meta = pendingMeta.get(`${type}::${args.name}`) ?? {
      additionalSecretOutputs: [],
      dependencies: [],
      deleteBeforeReplace: false,
    };
    pendingMeta.delete(`${type}::${args.name}`);
    this.registered.add(urn);
    const secretInputs: string[] = [];
    const news: Props = {};
    for (const [k, v] of Object.entries(args.inputs ?? {})) {
      if (v === undefined) continue;
      const [plain, secret] = unwrap(v);
      news[k] = plain;
      if (secret) secretInputs.push(k);
    }
    const secretOutputsOf = (outs: Props) =>
      Object.keys(outs).filter((k) => secretInputs.includes(k) || meta.additionalSecretOutputs.includes(k));
    const old = this.state.find((r) => r.urn === urn);

    if (!args.custom || !DYNAMIC.test(type)) {
      const id = old?.id ?? `${args.name}-id`;
      const rec = {
        urn,
        type,
        name: args.name,
        id,
        custom: !!args.custom,
        inputs: news,
        outputs: news,
        secretInputs,
        secretOutputs: secretInputs,
        dependencies: meta.dependencies,
      };
      this.steps.push({ op: old ? "same" : "create", urn, id });
      if (!this.preview) this.put(rec);
      return { id, state: wrapSecrets(news, secretInputs) };
    }

    if (args.id) {
      // Resource.get(): read-only, never managed.
      const r = await this.host.read(urn, args.id, {}, news);
      if (!r.id) throw new Error(`${type} resource '${args.name}': ${args.id} does not exist`);
      this.steps.push({ op: "read", urn, id: r.id });
      return { id: r.id, state: wrapSecrets(r.properties, secretOutputsOf(r.properties)) };
    }

    const checked = await this.host.check(urn, old?.inputs ?? {}, news);
    if (checked.failures.length) throw checkError(type, args.name, checked.failures);
    const inputs = checked.inputs;
    const record = (id: string, outputs: Props): StateResource => ({
      urn,
      type,
      name: args.name,
      id,
      custom: true,
      inputs,
      outputs,
      secretInputs: Object.keys(inputs).filter((k) => secretInputs.includes(k)),
      secretOutputs: secretOutputsOf(outputs),
      dependencies: meta.dependencies,
      deleteBeforeReplace: meta.deleteBeforeReplace,
    });
    const result = (rec: StateResource) => ({ id: rec.id, state: wrapSecrets(rec.outputs, rec.secretOutputs) });

    const create = async (): Promise<StateResource> => {
      try {
        const made = await this.host.create(urn, inputs);
        return record(made.id, made.properties);
      } catch (e) {
        const he = e as HostError;
        // A partial create (ErrorResourceInitFailed): the engine records the object as the provider reported it
        // (the host adds nothing to those properties, not even __provider), then fails the run.
        if (he.initFailed)
          this.put({ ...record(he.initFailed.id, he.initFailed.properties), initErrors: he.initFailed.reasons });
        throw e;
      }
    };

    if (!old) {
      const step: Step = { op: "create", urn };
      this.steps.push(step);
      if (this.preview) return { id: undefined, state: {} };
      const rec = await create();
      step.id = rec.id;
      this.put(rec);
      return result(rec);
    }

    const d = await this.host.diff(urn, old.id, old.outputs, inputs);
    let changed = d.changes === "some";
    if (d.changes === "unknown") changed = JSON.stringify(old.inputs) !== JSON.stringify(inputs);
    // A partially created object is updated on the next run whatever Diff says, to finish it.
    if (old.initErrors?.length) changed = true;
    if (!changed) {
      this.steps.push({ op: "same", urn, id: old.id });
      const rec = { ...record(old.id, old.outputs), secretOutputs: old.secretOutputs };
      if (!this.preview) this.put(rec);
      return result(rec);
    }
    if (d.replaces.length === 0) {
      this.steps.push({ op: "update", urn, id: old.id });
      if (this.preview) return { id: old.id, state: wrapSecrets(old.outputs, old.secretOutputs) };
      const u = await this.host.update(urn, old.id, old.outputs, inputs);
      const rec = record(old.id, u.properties);
      this.put(rec);
      return result(rec);
    }
    const dbr = d.deleteBeforeReplace || meta.deleteBeforeReplace;
    this.steps.push({ op: "replace", urn, id: old.id, deleteBeforeReplace: dbr });
    if (this.preview) return { id: undefined, state: {} };
    if (dbr) {
      await this.host.delete(urn, old.id, old.outputs);
      this.remove(urn);
      const rec = await create();
      this.put(rec);
      return result(rec);
    }
    const rec = await create();
    this.condemned.push(old);
    this.put(rec);
    return result(rec);
  }

  /** After the program: delete the old halves of replacements and what the program no longer declares. */
  async deleteLeftovers(): Promise<void> {
    const gone = this.state.filter((r) => !this.registered.has(r.urn));
    for (const r of orderForDelete([...this.condemned, ...gone], this.state)) {
      this.steps.push({ op: "delete", urn: r.urn, id: r.id });
      if (this.preview) continue;
      if (r.custom && DYNAMIC.test(r.type)) await this.host.delete(r.urn, r.id, r.outputs);
      if (!this.condemned.includes(r)) this.remove(r.urn);
    }
  }
}

/** Dependents before their dependencies; otherwise newest first (the state is in creation order). */
function orderForDelete(list: StateResource[], state: StateResource[]): StateResource[] {
  const pos = (r: StateResource) => state.findIndex((x) => x.urn === r.urn);
  const sorted = [...list].sort((a, b) => pos(b) - pos(a));
  const out: StateResource[] = [];
  const visit = (r: StateResource, seen: Set<StateResource>) => {
    if (out.includes(r) || seen.has(r)) return;
    seen.add(r);
    for (const other of sorted) if (other.dependencies.includes(r.urn)) visit(other, seen);
    out.push(r);
  };
  for (const r of sorted) visit(r, new Set());
  return out;
}

async function resolveOutputs(v: any): Promise<any> {
  if (pulumi.Output.isInstance(v)) return resolveOutputs(await (v as any).promise());
  if (v && typeof v.then === "function") return resolveOutputs(await v);
  if (Array.isArray(v)) return Promise.all(v.map(resolveOutputs));
  if (v && typeof v === "object" && !(v instanceof pulumi.Resource)) {
    const r: Props = {};
    for (const [k, e] of Object.entries(v)) r[k] = await resolveOutputs(e);
    return r;
  }
  return v;
}

async function withHost<T>(
  opts: EngineOptions,
  fn: (host: PulumiHost) => Promise<T>,
): Promise<T & { logs: RunResult["logs"] }> {
  const host = await PulumiHost.start({ project: opts.project, stack: opts.stack, ...opts.host });
  try {
    await host.configure(opts.config ?? {});
    const r = await fn(host);
    return { ...r, logs: [...host.engineLogs] };
  } finally {
    await host.close();
  }
}

async function run(program: () => unknown, opts: EngineOptions, preview: boolean): Promise<RunResult> {
  patchMockMonitor();
  return runProgram(program, opts, preview);
}

async function runProgram(program: () => unknown, opts: EngineOptions, preview: boolean): Promise<RunResult> {
  return withHost(opts, async (host) => {
    const state = loadState(opts.stateFile, opts.passphrase);
    const dep = new Deployment(opts, host, state, preview);
    pulumi.runtime.setAllConfig(opts.config ?? {}, opts.secretConfig ?? []);
    await pulumi.runtime.setMocks(
      {
        // A failed step fails the run (reported once, at the end), as the engine does; throwing here
        // instead would reject every output promise of the resource, unhandled, in the program.
        newResource: (args) =>
          dep.track(
            dep.register(args).catch((e) => {
              dep.errors.push(e);
              return { id: undefined, state: {} };
            }),
          ),
        call: (args) => {
          throw new Error(`unexpected invoke ${args.token}: spot-iac lookups run in the program`);
        },
      },
      opts.project ?? "proj",
      opts.stack ?? "test",
      preview,
    );
    // setMocks resets the runtime options and loses the real default (PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS
    // unset = cache serialized providers per provider object); restore it so runs behave like `pulumi up`.
    require("@pulumi/pulumi/runtime/state").getStore().settings.options.cacheDynamicProviders = true;
    let outputs: Props = {};
    let programError: unknown;
    try {
      outputs = ((await program()) ?? {}) as Props;
      outputs = await resolveOutputs(outputs);
    } catch (e) {
      programError = e;
    }
    await dep.settle();
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    await dep.settle();
    if (dep.errors.length) throw dep.errors[0];
    if (programError) throw programError;
    await dep.deleteLeftovers();
    dep.persist();
    return { steps: dep.steps, outputs: unwrap(outputs)[0], state: dep.state };
  });
}

/** `pulumi up`: run the program and carry out its steps. */
export function up(program: () => unknown, opts: EngineOptions): Promise<RunResult> {
  return run(program, opts, false);
}

/** `pulumi preview`: run the program, Check and Diff every resource, change nothing. */
export function preview(program: () => unknown, opts: EngineOptions): Promise<RunResult> {
  return run(program, opts, true);
}

/** `pulumi refresh`: read every dynamic resource; an empty id drops it from state. */
export async function refresh(opts: EngineOptions): Promise<RunResult> {
  return withHost(opts, async (host) => {
    const state = loadState(opts.stateFile, opts.passphrase);
    const steps: Step[] = [];
    for (const r of [...state]) {
      if (!r.custom || !DYNAMIC.test(r.type)) continue;
      const got = await host.read(r.urn, r.id, r.outputs, r.inputs);
      if (!got.id) {
        steps.push({ op: "drop", urn: r.urn, id: r.id });
        state.splice(state.indexOf(r), 1);
      } else {
        steps.push({ op: "refresh", urn: r.urn, id: r.id });
        r.outputs = got.properties;
        r.secretOutputs = Object.keys(got.properties).filter(
          (k) => r.secretOutputs.includes(k) || r.secretInputs.includes(k),
        );
      }
    }
    saveState(opts.stateFile, state, opts.passphrase ?? "test-passphrase");
    return { steps, outputs: {}, state };
  });
}

/** `pulumi destroy`: delete everything in state, dependents first. */
export async function destroy(opts: EngineOptions): Promise<RunResult> {
  return withHost(opts, async (host) => {
    const state = loadState(opts.stateFile, opts.passphrase);
    const steps: Step[] = [];
    for (const r of orderForDelete(state, state)) {
      if (r.custom && DYNAMIC.test(r.type)) await host.delete(r.urn, r.id, r.outputs);
      steps.push({ op: "delete", urn: r.urn, id: r.id });
      state.splice(state.indexOf(r), 1);
      saveState(opts.stateFile, state, opts.passphrase ?? "test-passphrase");
    }
    return { steps, outputs: {}, state };
  });
}
