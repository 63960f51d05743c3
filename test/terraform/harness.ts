/**
 * The provider over the REAL registry (src/resources) and the real Spot client, against the emulator of the test
 * file (test/support/emulator.ts): a protocol-level driver that calls the tfplugin6 handlers the way Terraform
 * does, and the context the in-process server (TF_REATTACH_PROVIDERS) runs with under the real `terraform` binary.
 *
 * Every answer the driver gets is checked for the protocol invariants, so each test asserts them without saying so:
 * - apply returns the planned state with only its unknowns filled: a known planned value is never changed (what
 *   Terraform would report as "Provider produced inconsistent result after apply"), and nothing stays unknown;
 * - write-only attributes are null in every planned and new state;
 * - no secret the test handed over (or Spot handed back) appears in any answer: state, private state, diagnostics.
 */
import type { ResourceContext } from "../../src/core";
import { connect, newRunId, secretMatches } from "../../src/core";
import { UNKNOWN, decodeDynamic, encodeDynamic } from "../../src/terraform/codec";
import type { TfType } from "../../src/terraform/codec";
import type {
  ContextFactory,
  ProviderConfig,
  ProviderHandlers,
  ProviderOptions,
  TerraformProvider,
} from "../../src/terraform/provider";
import { createProvider } from "../../src/terraform/provider";
import type { TfResourceSchema } from "../../src/terraform/schema";
import type { RunningServer } from "../../src/terraform/server";
import { startInProcess } from "./support";

export { UNKNOWN };

export const CAPS = { write_only_attributes_allowed: true };
export const PROVIDER_TYPE: TfType = ["object", { token: "string", base_url: "string", account: "string" }];

/**
 * The core's own client factory, with two test settings: a run (and so a client, with its own list cache) per
 * ConfigureProvider, as one Terraform command per process would have; and retries without waits, so that a fault
 * the test injects fails the same way as in production, minus the backoff sleeps.
 */
export const testContextFactory: ContextFactory = (config: ProviderConfig): ResourceContext =>
  connect({
    token: config.token,
    baseUrl: config.baseUrl,
    account: config.account,
    frontend: "terraform",
    runId: newRunId(),
    client: { retry: { baseDelayMs: 0, maxDelayMs: 0 } },
  });

/** The in-process provider (real registry, test context) that `terraform` reaches through TF_REATTACH_PROVIDERS. */
export function startRealProvider(options: Partial<ProviderOptions> = {}): Promise<RunningServer> {
  return startInProcess({ contextFactory: testContextFactory, ...options });
}

/** Asymmetric matcher: a salted secret hash made from `value` (salted hashes differ every time). */
export function hashOf(value: string): any {
  return {
    $$typeof: Symbol.for("jest.asymmetricMatcher"),
    asymmetricMatch: (actual: unknown) => typeof actual === "string" && secretMatches(value, actual),
    toAsymmetricMatcher: () => "hashOf(<secret>)",
  };
}

/** Every string inside a value, bytes (msgpack, private state) decoded as latin1 so embedded strings show. */
export function textOf(v: unknown): string {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (x === null || x === undefined) return;
    if (typeof x === "string") out.push(x);
    else if (Buffer.isBuffer(x) || x instanceof Uint8Array) out.push(Buffer.from(x).toString("latin1"));
    else if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === "object") Object.values(x).forEach(walk);
    else out.push(String(x));
  };
  walk(v);
  return out.join("\n");
}

/** A secret found in `text`, shortened so the failure message does not print it whole. */
export function leakedSecret(text: string, secrets: Iterable<string>): string | undefined {
  for (const s of secrets) if (s && text.includes(s)) return `${s.slice(0, 4)}… (${s.length} characters)`;
  return undefined;
}

export const attrPath = (d: any): (string | number)[] =>
  (d.attribute?.steps ?? []).map((s: any) => s.attribute_name ?? s.element_key_int ?? s.element_key_string);

export const errorsOf = (r: any): any[] => (r.diagnostics ?? []).filter((d: any) => d.severity === "ERROR");

/** The known parts of `planned` must be in `actual` unchanged; the unknown ones must be known there. */
export function expectConsistent(planned: unknown, actual: unknown, path = "$"): void {
  if (planned === UNKNOWN) {
    if (actual === UNKNOWN) throw new Error(`${path}: still unknown after apply`);
    return;
  }
  if (Array.isArray(planned)) {
    if (!Array.isArray(actual) || actual.length !== planned.length)
      throw new Error(`${path}: planned ${JSON.stringify(planned)}, applied ${JSON.stringify(actual)}`);
    planned.forEach((e, i) => expectConsistent(e, actual[i], `${path}[${i}]`));
    return;
  }
  if (planned && typeof planned === "object") {
    if (!actual || typeof actual !== "object")
      throw new Error(`${path}: planned an object, applied ${JSON.stringify(actual)}`);
    for (const k of Object.keys(planned)) expectConsistent((planned as any)[k], (actual as any)[k], `${path}.${k}`);
    return;
  }
  if (planned !== actual)
    throw new Error(
      `${path}: planned ${JSON.stringify(planned)}, applied ${JSON.stringify(actual)} (inconsistent result)`,
    );
}

export type State = Record<string, any>;

/** A value in a canonical form: set elements sorted (Terraform compares sets by value, not by order). */
export function canonical(t: TfType, v: unknown): unknown {
  if (v === null || v === undefined || v === UNKNOWN || typeof t === "string") return v;
  const [k, inner] = t;
  const key = (x: unknown) => JSON.stringify(x, (_k, y) => (y === UNKNOWN ? "<unknown>" : y));
  if (k === "set")
    return (v as unknown[])
      .map((e) => canonical(inner as TfType, e))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (k === "list") return (v as unknown[]).map((e) => canonical(inner as TfType, e));
  if (k === "tuple") return (v as unknown[]).map((e, i) => canonical((inner as TfType[])[i], e));
  const out: State = {};
  for (const [name, e] of Object.entries(v as State))
    out[name] = canonical(k === "map" ? (inner as TfType) : (inner as Record<string, TfType>)[name], e);
  return out;
}

export interface Created {
  planned: State;
  state: State;
  priv: Buffer;
  plan: any;
  apply: any;
}

/**
 * Calls the handlers the way Terraform does, for any resource type of the provider, and checks every answer for
 * the invariants above. `secrets` collects what must never come back.
 */
export class Driver {
  readonly h: ProviderHandlers;
  readonly secrets = new Set<string>();
  private readonly provider: TerraformProvider;
  private url?: string;
  private token?: string;

  constructor(options: ProviderOptions = {}) {
    this.provider = createProvider({ contextFactory: testContextFactory, ...options });
    this.h = this.provider.handlers();
  }

  /** A driver whose provider is configured with `token` against the emulator at `url`. */
  static async configured(url: string, token: string, options: ProviderOptions = {}): Promise<Driver> {
    const d = new Driver(options);
    d.secrets.add(token);
    d.url = url;
    d.token = token;
    await d.nextRun();
    return d;
  }

  /**
   * The next Terraform command (or walk): ConfigureProvider again, which starts a new run with its own client, so
   * nothing is answered from what an earlier command listed.
   */
  async nextRun(): Promise<void> {
    const r = await this.call("ConfigureProvider", {
      terraform_version: "1.11.4",
      config: encodeDynamic({ token: this.token, base_url: this.url, account: null }, PROVIDER_TYPE),
    });
    expect(r.diagnostics).toEqual([]);
  }

  /** Two values of the type are the same for Terraform (sets compared by value). */
  expectSame(type: string, a: unknown, b: unknown): void {
    expect(canonical(this.rs(type).type, a)).toEqual(canonical(this.rs(type).type, b));
  }

  /** The configuration plans no change against the state: no diagnostic, nothing replaced, the state as planned. */
  async expectNoChange(type: string, state: State, priv: Buffer | undefined, cfg: State): Promise<void> {
    const plan = await this.plan(type, state, priv, cfg);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.requires_replace).toEqual([]);
    this.expectSame(type, plan.planned, state);
  }

  rs(type: string): TfResourceSchema {
    const rs = this.provider.schemas.resources.get(type);
    if (!rs) throw new Error(`no resource type ${type}`);
    return rs;
  }

  /** A whole object of the type: every attribute present, null unless given. */
  obj(type: string, v: State): State {
    const o: State = {};
    for (const a of this.rs(type).attrs) o[a.name] = null;
    for (const k of Object.keys(v)) if (!(k in o)) throw new Error(`${type} has no attribute ${k}`);
    return { ...o, ...v };
  }

  enc(type: string, v: unknown): { msgpack: Buffer } {
    return encodeDynamic(v, this.rs(type).type);
  }

  dec(type: string, d: unknown): any {
    return decodeDynamic(d as any, this.rs(type).type);
  }

  /** One RPC; its answer is checked for secrets. */
  async call(name: keyof ProviderHandlers, req: unknown): Promise<any> {
    const r = await this.h[name](req);
    const leak = leakedSecret(textOf(r), this.secrets);
    if (leak) throw new Error(`${name} answered with a secret: ${leak}`);
    return r;
  }

  /** Terraform's proposed new state: the configuration, with computed attributes it leaves null taken from prior. */
  proposed(type: string, prior: State | null, config: State): State {
    const out: State = {};
    for (const a of this.rs(type).attrs) {
      const c = config[a.name];
      if (a.writeOnly) out[a.name] = null;
      else if (c === null && a.computed) out[a.name] = prior ? prior[a.name] : null;
      else if (a.nested?.nesting === "single" && c && c !== UNKNOWN && prior?.[a.name]) {
        const inner: State = { ...c };
        for (const i of a.nested.attrs) if (i.computed && inner[i.name] === null) inner[i.name] = prior[a.name][i.name];
        out[a.name] = inner;
      } else out[a.name] = c;
    }
    return out;
  }

  async validate(type: string, cfg: State, caps: object = CAPS): Promise<any> {
    return this.call("ValidateResourceConfig", {
      type_name: type,
      config: this.enc(type, this.obj(type, cfg)),
      client_capabilities: caps,
    });
  }

  /** PlanResourceChange; `cfg` null plans a destroy. Returns the answer with `planned` decoded. */
  async plan(type: string, prior: State | null, priv: Buffer | undefined, cfg: State | null): Promise<any> {
    const config = cfg && this.obj(type, cfg);
    const r = await this.call("PlanResourceChange", {
      type_name: type,
      prior_state: this.enc(type, prior),
      proposed_new_state: this.enc(type, config && this.proposed(type, prior, config)),
      config: this.enc(type, config),
      prior_private: priv,
      client_capabilities: CAPS,
    });
    r.planned = r.planned_state ? this.dec(type, r.planned_state) : undefined;
    if (r.planned) for (const a of this.rs(type).attrs) if (a.writeOnly) expect(r.planned[a.name]).toBeNull();
    return r;
  }

  /** ApplyResourceChange of a plan; checks the new state against the planned one. Returns `state` decoded. */
  async apply(type: string, prior: State | null, plan: any, cfg: State | null): Promise<any> {
    const config = cfg && this.obj(type, cfg);
    const r = await this.call("ApplyResourceChange", {
      type_name: type,
      prior_state: this.enc(type, prior),
      planned_state: plan.planned_state ?? this.enc(type, null),
      config: this.enc(type, config),
      planned_private: plan.planned_private,
    });
    r.state = r.new_state ? this.dec(type, r.new_state) : undefined;
    if (r.state) for (const a of this.rs(type).attrs) if (a.writeOnly) expect(r.state[a.name]).toBeNull();
    if (!errorsOf(r).length && plan.planned) expectConsistent(plan.planned, r.state);
    return r;
  }

  /** Plan and apply a create that must succeed. */
  async create(type: string, cfg: State): Promise<Created> {
    const plan = await this.plan(type, null, undefined, cfg);
    expect(errorsOf(plan)).toEqual([]);
    const apply = await this.apply(type, null, plan, cfg);
    expect(errorsOf(apply)).toEqual([]);
    return { planned: plan.planned, state: apply.state, priv: apply.private as Buffer, plan, apply };
  }

  /** Plan and apply an in-place update (or no-op) that must succeed. */
  async update(type: string, prior: State, priv: Buffer, cfg: State): Promise<Created> {
    const plan = await this.plan(type, prior, priv, cfg);
    expect(errorsOf(plan)).toEqual([]);
    expect(plan.requires_replace).toEqual([]);
    const apply = await this.apply(type, prior, plan, cfg);
    expect(errorsOf(apply)).toEqual([]);
    return { planned: plan.planned, state: apply.state, priv: apply.private as Buffer, plan, apply };
  }

  /** ReadResource (refresh). */
  async read(type: string, state: State, priv: Buffer | undefined): Promise<any> {
    const r = await this.call("ReadResource", {
      type_name: type,
      current_state: this.enc(type, state),
      private: priv,
    });
    r.state = this.dec(type, r.new_state);
    return r;
  }

  /** Plan and apply a destroy; returns the apply's answer (the plan's is `r.plan`). */
  async destroy(type: string, state: State, priv: Buffer | undefined): Promise<any> {
    const plan = await this.plan(type, state, priv, null);
    const apply = await this.apply(type, state, plan, null);
    apply.plan = plan;
    return apply;
  }

  async importById(type: string, id: string): Promise<any> {
    const r = await this.call("ImportResourceState", { type_name: type, id });
    const imp = r.imported_resources?.[0];
    if (imp) {
      r.state = this.dec(type, imp.state);
      r.priv = imp.private;
    }
    return r;
  }

  async readData(type: string, args: State): Promise<any> {
    const ds = this.provider.schemas.dataSources.get(type);
    if (!ds) throw new Error(`no data source ${type}`);
    const cfg: State = {};
    for (const a of ds.attrs) cfg[a.name] = null;
    const r = await this.call("ReadDataSource", {
      type_name: type,
      config: encodeDynamic({ ...cfg, ...args }, ds.type),
    });
    r.result = r.state ? decodeDynamic(r.state, ds.type) : undefined;
    return r;
  }

  async validateData(type: string, args: State): Promise<any> {
    const ds = this.provider.schemas.dataSources.get(type)!;
    const cfg: State = {};
    for (const a of ds.attrs) cfg[a.name] = null;
    return this.call("ValidateDataResourceConfig", {
      type_name: type,
      config: encodeDynamic({ ...cfg, ...args }, ds.type),
    });
  }
}
