/**
 * The tfplugin6 RPC handlers over the resource engine. Every handler takes the request as a plain object
 * (protobuf field names, DynamicValues as `{msgpack}` bytes) and resolves to the response object, so tests
 * call them directly and server.ts only adds gRPC.
 *
 * Plan semantics: Terraform's prior state is the object ReadResource just read from Spot, so planning
 * diffs the configuration against the live object with the engine's `diffResource`; nothing else is
 * called during plan. Apply returns the planned state with its unknowns filled in, never a known planned
 * value changed (Terraform would call that an inconsistent result).
 */
import type { FieldChange, Lookup, Props, ResourceContext, ResourceKind } from "../resources/types";
import type { Field } from "../resources/schema";
import { isInput, snakeCase } from "../resources/schema";
import { checkInputs, diffResource, hashSecret, normalize, secretMatches } from "../resources/engine";
import { UNKNOWN, decodeDynamic, encodeDynamic, fromWire } from "./codec";
import type { DynamicValue } from "./codec";
import { createLogger } from "./log";
import type { Logger } from "./log";
import { DELETION_FIELD, PROVIDER_ADDRESS, SCHEMA_VERSION, SchemaError, blockToProto, buildSchemas } from "./schema";
import type { ProviderSchemas, TfAttr, TfDataSchema, TfResourceSchema } from "./schema";
import {
  emptyObject,
  fieldPathToSteps,
  fieldToTf,
  fillUnknowns,
  propsFromTf,
  propsToTf,
  unknownPaths,
  withoutUnknowns,
} from "./values";
import type { PathStep, TfObject } from "./values";
import { parsePublicKey, seal } from "./sealed";

export interface ProviderConfig {
  token?: string;
  baseUrl?: string;
  account?: string;
  terraformVersion?: string;
}

/** Builds the context resource operations run with, once per ConfigureProvider. */
export type ContextFactory = (config: ProviderConfig) => ResourceContext | Promise<ResourceContext>;

export interface ProviderOptions {
  /** Defaults to the registry in src/resources (loaded on first use). */
  kinds?: readonly ResourceKind[];
  lookups?: readonly Lookup[];
  /** Defaults to the real Spot client (`frontend: "terraform"`), loaded at ConfigureProvider. */
  contextFactory?: ContextFactory;
  logger?: Logger;
}

export const RPC_NAMES = [
  "GetMetadata",
  "GetProviderSchema",
  "ValidateProviderConfig",
  "ValidateResourceConfig",
  "ValidateDataResourceConfig",
  "UpgradeResourceState",
  "ConfigureProvider",
  "ReadResource",
  "PlanResourceChange",
  "ApplyResourceChange",
  "ImportResourceState",
  "ReadDataSource",
  "GetFunctions",
  "StopProvider",
] as const;
export type RpcName = (typeof RPC_NAMES)[number];
export type ProviderHandlers = Record<RpcName, (req: any) => Promise<any>>;

/** The real client, required only when Terraform configures the provider (keeps schema-only launches lean). */
export const defaultContextFactory: ContextFactory = (config) => {
  const api = require("../api") as { SpotClient: new (options: object) => ResourceContext["client"] };
  const client = new api.SpotClient({
    token: config.token,
    baseUrl: config.baseUrl,
    account: config.account,
    frontend: "terraform",
  });
  return { client, warn: () => undefined };
};

interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute: { steps: PathStep[] } | null;
}

interface PrivateState {
  /** Engine field → hashSecret(value last applied) for write-only secret inputs. */
  secrets: Record<string, string>;
}

function parsePrivate(bytes: Uint8Array | null | undefined): PrivateState {
  if (!bytes || bytes.length === 0) return { secrets: {} };
  try {
    const p = JSON.parse(Buffer.from(bytes).toString("utf8"));
    return { secrets: p && typeof p.secrets === "object" && p.secrets ? p.secrets : {} };
  } catch {
    return { secrets: {} };
  }
}

function encodePrivate(p: PrivateState): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, secrets: p.secrets }));
}

/** An error meant for the user as is (no "failed" wrapper). */
class UserError extends Error {
  constructor(
    readonly summary: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** Diagnostics of one RPC, with every known secret scrubbed from their text. */
class Scope {
  readonly diagnostics: Diagnostic[] = [];
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined>) {
    this.addSecrets(secrets);
  }

  addSecrets(values: Iterable<string | undefined>): void {
    for (const s of values) if (typeof s === "string" && s.length >= 4) this.secrets.add(s);
  }

  error(summary: string, detail: string, steps?: PathStep[]): void {
    this.push("ERROR", summary, detail, steps);
  }

  warn(summary: string, detail = "", steps?: PathStep[]): void {
    this.push("WARNING", summary, detail, steps);
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "ERROR");
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("(secret)");
    return out;
  }

  private push(severity: Diagnostic["severity"], summary: string, detail: string, steps?: PathStep[]): void {
    this.diagnostics.push({
      severity,
      summary: this.scrub(summary),
      detail: this.scrub(detail),
      attribute: steps && steps.length ? { steps } : null,
    });
  }
}

function oneLine(err: unknown): string {
  const e = err as Error;
  const msg = e && typeof e.message === "string" && e.message ? e.message : String(err);
  return msg.replace(/\s*\n\s*/g, " ").trim();
}

function same(t: Field["type"], a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(t, a)) === JSON.stringify(normalize(t, b));
}

function attrStep(name: string): PathStep[] {
  return [{ attribute_name: name }];
}

function snakePath(field: string): string {
  return field
    .split(".")
    .map((p) => (/^\d+$/.test(p) ? p : snakeCase(p)))
    .join(".");
}

export class TerraformProvider {
  private readonly log: Logger;
  private schemasCache?: ProviderSchemas;
  private schemaResponse?: Record<string, unknown>;
  private baseCtx?: ResourceContext;
  private config: ProviderConfig = {};
  private stopped = false;

  constructor(private readonly options: ProviderOptions = {}) {
    this.log = options.logger ?? createLogger();
  }

  get schemas(): ProviderSchemas {
    if (!this.schemasCache) {
      let { kinds, lookups } = this.options;
      if (!kinds || !lookups) {
        const registry = require("../resources") as { kinds: ResourceKind[]; lookups: Lookup[] };
        kinds = kinds ?? registry.kinds;
        lookups = lookups ?? registry.lookups;
      }
      this.schemasCache = buildSchemas(kinds, lookups);
    }
    return this.schemasCache;
  }

  /** The handlers, each wrapped so an exception becomes an error diagnostic instead of a gRPC failure. */
  handlers(): ProviderHandlers {
    const h = {} as ProviderHandlers;
    for (const name of RPC_NAMES) {
      h[name] = async (req: any) => {
        const scope = new Scope([this.config.token]);
        const started = Date.now();
        try {
          const res = await (this as any)[`rpc${name}`](req ?? {}, scope);
          return { ...res, diagnostics: scope.diagnostics };
        } catch (err) {
          if (err instanceof UserError) scope.error(err.summary, err.message);
          else if (err instanceof SchemaError) scope.error("Invalid spot-iac schema", err.message);
          else {
            scope.error(`${name} failed`, oneLine(err));
            if (this.log.enabled("debug") && (err as Error)?.stack)
              this.log.debug(scope.scrub(String((err as Error).stack)));
          }
          return this.failureResponse(name, req ?? {}, scope);
        } finally {
          this.log.debug(`${name}${req?.type_name ? " " + req.type_name : ""} ${Date.now() - started}ms`);
        }
      };
    }
    return h;
  }

  /** On failure an update keeps the prior object in state; everything else answers diagnostics only. */
  private failureResponse(name: RpcName, req: any, scope: Scope): Record<string, unknown> {
    if (name === "ApplyResourceChange" && req.prior_state?.msgpack?.length && req.planned_state?.msgpack?.length)
      return { new_state: req.prior_state, private: req.planned_private, diagnostics: scope.diagnostics };
    if (name === "ReadResource")
      return { new_state: req.current_state, private: req.private, diagnostics: scope.diagnostics };
    return { diagnostics: scope.diagnostics };
  }

  private resource(typeName: string): TfResourceSchema {
    const rs = this.schemas.resources.get(typeName);
    if (!rs)
      throw new UserError(
        "Unknown resource type",
        `The spot provider has no resource type "${typeName}"; known: ${[...this.schemas.resources.keys()].join(", ") || "(none)"}.`,
      );
    return rs;
  }

  private dataSource(typeName: string): TfDataSchema {
    const ds = this.schemas.dataSources.get(typeName);
    if (!ds)
      throw new UserError(
        "Unknown data source",
        `The spot provider has no data source "${typeName}"; known: ${[...this.schemas.dataSources.keys()].join(", ") || "(none)"}.`,
      );
    return ds;
  }

  private context(scope: Scope, label: string): ResourceContext {
    if (!this.baseCtx)
      throw new UserError(
        "Provider not configured",
        `${label}: the spot provider was not configured (ConfigureProvider failed or was not called).`,
      );
    return { ...this.baseCtx, warn: (m: string) => scope.warn(label, m) };
  }

  // ---------------------------------------------------------------------------------------------------
  // Provider-level RPCs

  async rpcGetMetadata(): Promise<object> {
    return {
      server_capabilities: this.capabilities(),
      resources: [...this.schemas.resources.keys()].map((type_name) => ({ type_name })),
      data_sources: [...this.schemas.dataSources.keys()].map((type_name) => ({ type_name })),
    };
  }

  private capabilities(): object {
    return { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false };
  }

  async rpcGetProviderSchema(): Promise<object> {
    if (!this.schemaResponse) {
      const s = this.schemas;
      const resource_schemas: Record<string, unknown> = {};
      for (const [name, r] of s.resources) resource_schemas[name] = blockToProto(r, SCHEMA_VERSION);
      const data_source_schemas: Record<string, unknown> = {};
      for (const [name, d] of s.dataSources) data_source_schemas[name] = blockToProto(d);
      this.schemaResponse = {
        provider: blockToProto(s.provider),
        resource_schemas,
        data_source_schemas,
        functions: {},
        server_capabilities: this.capabilities(),
      };
    }
    return this.schemaResponse;
  }

  async rpcGetFunctions(): Promise<object> {
    return { functions: {} };
  }

  async rpcStopProvider(): Promise<object> {
    // Requests run to completion (an interrupted Spot call could leave an object untracked); new ones are refused.
    this.stopped = true;
    return { Error: "" };
  }

  async rpcValidateProviderConfig(req: { config?: DynamicValue }, scope: Scope): Promise<object> {
    const cfg = (decodeDynamic(req.config, this.schemas.provider.type) ?? {}) as TfObject;
    const url = cfg.base_url;
    if (typeof url === "string") {
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(url).protocol);
      } catch {
        ok = false;
      }
      if (!ok)
        scope.error(
          "Invalid base_url",
          `spot provider: base_url ${JSON.stringify(url)} is not an http(s) URL; use e.g. https://api.spotinst.io or http://127.0.0.1:8787 for the emulator.`,
          attrStep("base_url"),
        );
    }
    return {};
  }

  async rpcConfigureProvider(
    req: { terraform_version?: string; config?: DynamicValue },
    scope: Scope,
  ): Promise<object> {
    const cfg = (decodeDynamic(req.config, this.schemas.provider.type) ?? {}) as TfObject;
    const pick = (k: string): string | undefined =>
      typeof cfg[k] === "string" && cfg[k] !== "" ? (cfg[k] as string) : undefined;
    this.config = {
      token: pick("token"),
      baseUrl: pick("base_url"),
      account: pick("account"),
      terraformVersion: req.terraform_version,
    };
    scope.addSecrets([this.config.token]);
    const factory = this.options.contextFactory ?? defaultContextFactory;
    try {
      this.baseCtx = await factory(this.config);
    } catch (err) {
      scope.error("Invalid spot provider configuration", oneLine(err));
    }
    return {};
  }

  // ---------------------------------------------------------------------------------------------------
  // Validation

  /** Schema-driven and kind checks of a configuration; failures involving unknown values are skipped. */
  private checkConfig(rs: TfResourceSchema, cfg: TfObject, scope: Scope): Props {
    const raw = propsFromTf(rs.attrs, cfg);
    const unknown = unknownPaths(raw);
    const related = (field: string): boolean =>
      unknown.some((u) => u === field || u.startsWith(field + ".") || field.startsWith(u + "."));
    const { inputs, failures } = checkInputs({ ...rs.kind, check: undefined } as ResourceKind, withoutUnknowns(raw));
    const relevant = failures.filter((f) => !related(f.field));
    if (failures.length === 0 && unknown.length === 0 && rs.kind.check) relevant.push(...rs.kind.check(inputs));
    for (const f of relevant) {
      const p = snakePath(f.field);
      scope.error(
        `Invalid ${p}`,
        `${rs.kind.name} (${rs.typeName}): ${p} ${f.message}`,
        fieldPathToSteps(rs.kind.fields, f.field),
      );
    }
    return inputs;
  }

  private secretsOf(rs: TfResourceSchema, cfg: TfObject | null): string[] {
    if (!cfg) return [];
    return rs.attrs.filter((a) => a.writeOnly && typeof cfg[a.name] === "string").map((a) => cfg[a.name] as string);
  }

  async rpcValidateResourceConfig(
    req: {
      type_name: string;
      config?: DynamicValue;
      client_capabilities?: { write_only_attributes_allowed?: boolean };
    },
    scope: Scope,
  ): Promise<object> {
    const rs = this.resource(req.type_name);
    const cfg = (decodeDynamic(req.config, rs.type) ?? {}) as TfObject;
    scope.addSecrets(this.secretsOf(rs, cfg));
    const writeOnlyOk = !!req.client_capabilities?.write_only_attributes_allowed;
    for (const a of rs.attrs) {
      if (a.writeOnly && cfg[a.name] !== null && !writeOnlyOk)
        scope.error(
          "Terraform 1.11 or later required",
          `${rs.kind.name} (${rs.typeName}): ${a.name} is a write-only attribute so that the secret never lands in ` +
            `plan or state; this Terraform does not support write-only attributes. Upgrade to Terraform 1.11+.`,
          attrStep(a.name),
        );
      if (a.role === "publicKey" && typeof cfg[a.name] === "string") {
        try {
          parsePublicKey(cfg[a.name] as string);
        } catch (err) {
          scope.error(
            `Invalid ${a.name}`,
            `${rs.kind.name} (${rs.typeName}): ${a.name} ${oneLine(err)}`,
            attrStep(a.name),
          );
        }
      }
    }
    this.checkConfig(rs, cfg, scope);
    return {};
  }

  async rpcValidateDataResourceConfig(
    req: { type_name: string; config?: DynamicValue },
    scope: Scope,
  ): Promise<object> {
    const ds = this.dataSource(req.type_name);
    const cfg = (decodeDynamic(req.config, ds.type) ?? {}) as TfObject;
    this.checkLookupArgs(ds, cfg, scope);
    return {};
  }

  private checkLookupArgs(ds: TfDataSchema, cfg: TfObject, scope: Scope): Props {
    const argAttrs = ds.attrs.filter((a) => a.field && ds.lookup.args[a.field]);
    const raw = propsFromTf(argAttrs, cfg);
    const unknown = unknownPaths(raw);
    const pseudo = { name: ds.lookup.name, fields: ds.lookup.args } as unknown as ResourceKind;
    const { inputs, failures } = checkInputs(pseudo, withoutUnknowns(raw));
    for (const f of failures) {
      if (unknown.some((u) => u === f.field || u.startsWith(f.field + ".") || f.field.startsWith(u + "."))) continue;
      const p = snakePath(f.field);
      scope.error(`Invalid ${p}`, `${ds.typeName}: ${p} ${f.message}`, fieldPathToSteps(ds.lookup.args, f.field));
    }
    return inputs;
  }

  // ---------------------------------------------------------------------------------------------------
  // Managed resources

  /** What the engine knows of the object: state attributes plus the secret hashes kept in private state. */
  private liveFromState(rs: TfResourceSchema, state: TfObject, priv: PrivateState): Props {
    const props = propsFromTf(rs.attrs, state);
    for (const key of rs.secretInputs) {
      if (priv.secrets[key]) props[key] = priv.secrets[key];
      else delete props[key];
    }
    const del = rs.byName.get(snakeCase(DELETION_FIELD));
    if (del?.role === "deletion" && state[del.name] === true) props[DELETION_FIELD] = true;
    return props;
  }

  private deletionAllowed(rs: TfResourceSchema, ...objs: (TfObject | null)[]): boolean {
    const name = snakeCase(DELETION_FIELD);
    return objs.some((o) => o && o[name] === true);
  }

  private refuseIrreversible(
    rs: TfResourceSchema,
    prior: TfObject,
    scope: Scope,
    what: string,
    extra?: TfObject,
  ): void {
    if (!rs.kind.irreversibleDelete || this.deletionAllowed(rs, prior, extra ?? null)) return;
    scope.error(
      `Refusing to delete ${rs.kind.name} ${prior.id}`,
      `${rs.kind.name} (${rs.typeName}) ${prior.id}: ${what} would delete it, and deleting a ${rs.kind.name} cannot be undone. ` +
        `Set allow_deletion = true and apply first, then ${what === "destroy" ? "destroy" : "apply again"}.`,
      attrStep(snakeCase(DELETION_FIELD)),
    );
  }

  /** Computed attributes inside nested objects the user gave: default, else unknown until apply. */
  private markNestedComputed(a: TfAttr, v: unknown): unknown {
    if (!a.nested || v === null || v === UNKNOWN) return v;
    const fix = (obj: unknown): unknown => {
      if (!obj || obj === UNKNOWN || typeof obj !== "object") return obj;
      const r: TfObject = { ...(obj as TfObject) };
      for (const inner of a.nested!.attrs) {
        if (inner.computed && !inner.required && r[inner.name] === null) {
          r[inner.name] = inner.def?.default !== undefined ? fieldToTf(inner.def.type, inner.def.default) : UNKNOWN;
        } else r[inner.name] = this.markNestedComputed(inner, r[inner.name]);
      }
      return r;
    };
    if (a.nested.nesting === "single") return fix(v);
    if (a.nested.nesting === "map") {
      const r: TfObject = {};
      for (const [k, e] of Object.entries(v as TfObject)) r[k] = fix(e);
      return r;
    }
    return (v as unknown[]).map(fix);
  }

  async rpcPlanResourceChange(
    req: {
      type_name: string;
      prior_state?: DynamicValue;
      proposed_new_state?: DynamicValue;
      config?: DynamicValue;
      prior_private?: Uint8Array;
    },
    scope: Scope,
  ): Promise<object> {
    const rs = this.resource(req.type_name);
    const prior = decodeDynamic(req.prior_state, rs.type) as TfObject | null;
    const proposed = decodeDynamic(req.proposed_new_state, rs.type) as TfObject | null;
    const config = decodeDynamic(req.config, rs.type) as TfObject | null;
    const priv = parsePrivate(req.prior_private);
    scope.addSecrets(this.secretsOf(rs, config));

    if (!proposed) {
      if (prior) this.refuseIrreversible(rs, prior, scope, "destroy");
      return { planned_state: encodeDynamic(null), planned_private: req.prior_private };
    }
    const cfg = config ?? proposed;
    const inputs = this.checkConfig(rs, cfg, scope);
    const raw = propsFromTf(rs.attrs, cfg);
    const unknownFields = new Set(unknownPaths(raw).map((p) => p.split(".")[0]));
    const planned: TfObject = { ...proposed };
    const requiresReplace: { steps: PathStep[] }[] = [];

    const defaultOf = (a: TfAttr): unknown =>
      a.def?.default !== undefined ? fieldToTf(a.def.type, a.def.default) : a.role === "deletion" ? false : undefined;

    if (!prior) {
      for (const a of rs.attrs) {
        const c = cfg[a.name];
        switch (a.role) {
          case "id":
            planned[a.name] = UNKNOWN;
            break;
          case "field":
            if (a.writeOnly) planned[a.name] = null;
            else if (!isInput(a.def!)) planned[a.name] = UNKNOWN;
            else if (c !== null) planned[a.name] = this.markNestedComputed(a, proposed[a.name]);
            else if (defaultOf(a) !== undefined) planned[a.name] = defaultOf(a);
            else planned[a.name] = a.computed ? UNKNOWN : null;
            break;
          case "secretVersion":
            planned[a.name] = cfg[snakeCase(a.field!)] !== null ? 1 : null;
            break;
          case "sealed":
            planned[a.name] = cfg[`${snakeCase(a.field!)}_public_key`] !== null ? UNKNOWN : null;
            break;
          case "deletion":
            planned[a.name] = c ?? false;
            break;
          default:
            planned[a.name] = c;
        }
      }
      return {
        planned_state: encodeDynamic(planned, rs.type),
        planned_private: req.prior_private,
        requires_replace: [],
      };
    }

    // Update: configuration against the live object (the refreshed prior state).
    const live = this.liveFromState(rs, prior, priv);
    const diff = diffResource(rs.kind, inputs, live);
    const changes: FieldChange[] = diff.changes.filter((c) => !unknownFields.has(c.field));
    for (const field of unknownFields) {
      const f = rs.kind.fields[field];
      if (f)
        changes.push({ field, before: live[field], after: UNKNOWN, mode: f.onChange ?? "update", secret: f.secret });
    }
    for (const r of diff.rejected) {
      if (unknownFields.has(r.field)) continue;
      const p = snakeCase(r.field);
      scope.error(
        `Cannot change ${p}`,
        `${rs.kind.name} (${rs.typeName}) ${prior.id}: ${p} ${r.message.replace(/^\S+ /, "")}`,
        attrStep(p),
      );
    }

    // Write-only secrets: compare the configured value's hash with the one recorded at the last apply.
    const versions: Record<string, unknown> = {};
    for (const key of rs.secretInputs) {
      const name = snakeCase(key);
      const vName = `${name}_version`;
      const v = cfg[name];
      const priorVersion = typeof prior[vName] === "number" ? (prior[vName] as number) : null;
      versions[vName] = priorVersion;
      if (v === null) continue;
      if (v === UNKNOWN) {
        versions[vName] = UNKNOWN;
        continue;
      }
      const known = priv.secrets[key];
      if (known !== undefined && secretMatches(String(v), known)) continue;
      versions[vName] = (priorVersion ?? 0) + 1;
      const mode = rs.kind.fields[key].onChange ?? "update";
      // No hash yet (imported, or set up outside Terraform): an update-mode secret is sent, others recorded.
      if (known === undefined && mode === "update" && !changes.some((c) => c.field === key))
        changes.push({ field: key, before: "(secret)", after: "(secret)", mode, secret: true });
    }

    for (const c of changes) {
      if (c.mode !== "replace") continue;
      const f = rs.kind.fields[c.field];
      requiresReplace.push({ steps: attrStep(f?.secret ? `${snakeCase(c.field)}_version` : snakeCase(c.field)) });
    }
    if (requiresReplace.length) this.refuseIrreversible(rs, prior, scope, "replacing it", cfg);
    const remoteChange = changes.some((c) => !rs.kind.fields[c.field]?.local);

    for (const a of rs.attrs) {
      const c = cfg[a.name];
      switch (a.role) {
        case "id":
          planned[a.name] = prior[a.name];
          break;
        case "field":
          if (a.writeOnly) planned[a.name] = null;
          else if (!isInput(a.def!)) planned[a.name] = remoteChange && !a.def!.stable ? UNKNOWN : prior[a.name];
          else if (c === null && defaultOf(a) !== undefined) planned[a.name] = defaultOf(a);
          else planned[a.name] = this.markNestedComputed(a, proposed[a.name]);
          break;
        case "secretVersion":
          planned[a.name] = versions[a.name] ?? null;
          break;
        case "sealed":
          planned[a.name] = prior[a.name];
          break;
        case "publicKey":
          planned[a.name] = c;
          if (c !== UNKNOWN && c !== prior[a.name])
            scope.warn(
              `${a.name} changed after creation`,
              `${rs.kind.name} ${prior.id}: Spot returns ${snakeCase(a.field!)} only at creation, so encrypted_${snakeCase(a.field!)} ` +
                `keeps its current value. To get a new one sealed to this key, replace the resource (terraform apply -replace=<address>).`,
              attrStep(a.name),
            );
          break;
        case "deletion":
          planned[a.name] = c ?? false;
          break;
        default:
          planned[a.name] = c;
      }
    }
    return {
      planned_state: encodeDynamic(planned, rs.type),
      planned_private: req.prior_private,
      requires_replace: requiresReplace,
    };
  }

  async rpcApplyResourceChange(
    req: {
      type_name: string;
      prior_state?: DynamicValue;
      planned_state?: DynamicValue;
      config?: DynamicValue;
      planned_private?: Uint8Array;
    },
    scope: Scope,
  ): Promise<object> {
    if (this.stopped)
      throw new UserError(
        "Provider stopping",
        "Terraform asked the spot provider to stop; the change was not started.",
      );
    const rs = this.resource(req.type_name);
    const prior = decodeDynamic(req.prior_state, rs.type) as TfObject | null;
    const planned = decodeDynamic(req.planned_state, rs.type) as TfObject | null;
    const config = decodeDynamic(req.config, rs.type) as TfObject | null;
    const priv = parsePrivate(req.planned_private);
    scope.addSecrets(this.secretsOf(rs, config));
    const label = `${rs.kind.name} ${prior?.id ?? "(new)"}`;
    const ctx = this.context(scope, label);

    if (!planned) {
      if (!prior) return { new_state: encodeDynamic(null) };
      this.refuseIrreversible(rs, prior, scope, "destroy");
      if (scope.hasErrors) return { new_state: req.prior_state, private: req.planned_private };
      await this.guard(scope, `${label}: delete failed`, () =>
        rs.kind.delete(ctx, String(prior.id), this.liveFromState(rs, prior, priv)),
      );
      if (scope.hasErrors) return { new_state: req.prior_state, private: req.planned_private };
      return { new_state: encodeDynamic(null) };
    }

    const cfg = config ?? planned;
    const { inputs, failures } = checkInputs(rs.kind, withoutUnknowns(propsFromTf(rs.attrs, cfg)));
    for (const f of failures) {
      const p = snakePath(f.field);
      scope.error(
        `Invalid ${p}`,
        `${rs.kind.name} (${rs.typeName}): ${p} ${f.message}`,
        fieldPathToSteps(rs.kind.fields, f.field),
      );
    }
    if (scope.hasErrors) return prior ? { new_state: req.prior_state, private: req.planned_private } : {};

    let id: string;
    let outputs: Props;
    if (!prior) {
      const created = await this.guard(scope, `${rs.kind.name}: create failed`, () => rs.kind.create(ctx, inputs));
      if (!created) return {};
      id = created.id;
      outputs = created.outputs;
    } else {
      id = String(prior.id);
      const live = this.liveFromState(rs, prior, priv);
      const diff = diffResource(rs.kind, inputs, live);
      for (const r of diff.rejected)
        scope.error(`Cannot change ${snakeCase(r.field)}`, `${label}: ${r.message}`, attrStep(snakeCase(r.field)));
      if (diff.replace)
        scope.error(
          `${label}: replacement needed`,
          `${diff.changes
            .filter((c) => c.mode === "replace")
            .map((c) => snakeCase(c.field))
            .join(", ")} changed since the plan; run terraform apply again.`,
        );
      if (scope.hasErrors) return { new_state: req.prior_state, private: req.planned_private };
      const changes = diff.changes.filter((c) => c.mode === "update");
      for (const key of rs.secretInputs) {
        const mode = rs.kind.fields[key].onChange ?? "update";
        if (
          inputs[key] !== undefined &&
          priv.secrets[key] === undefined &&
          mode === "update" &&
          !changes.some((c) => c.field === key)
        )
          changes.push({ field: key, before: "(secret)", after: "(secret)", mode, secret: true });
      }
      if (changes.some((c) => !rs.kind.fields[c.field]?.local)) {
        const updated = await this.guard(scope, `${label}: update failed`, () =>
          rs.kind.update(ctx, id, inputs, live, changes),
        );
        if (!updated) return { new_state: req.prior_state, private: req.planned_private };
        outputs = updated;
      } else outputs = { ...live, ...inputs };
    }

    const newPriv: PrivateState = { secrets: { ...priv.secrets } };
    for (const key of rs.secretInputs)
      if (typeof inputs[key] === "string") {
        // Keep the recorded hash while the secret is unchanged: a fresh salted hash would bump `_version`.
        const known = priv.secrets[key];
        newPriv.secrets[key] = known && secretMatches(inputs[key], known) ? known : hashSecret(inputs[key]);
      }

    const actual = propsToTf(rs.attrs, outputs, emptyObject(rs.attrs));
    actual.id = id;
    for (const a of rs.attrs) {
      if (a.role === "secretVersion") {
        const hash = newPriv.secrets[a.field!];
        const before = typeof prior?.[a.name] === "number" ? (prior[a.name] as number) : 0;
        if (!prior) actual[a.name] = hash ? 1 : null;
        else actual[a.name] = hash !== priv.secrets[a.field!] ? before + 1 : prior[a.name];
      } else if (a.role === "sealed") {
        actual[a.name] = prior ? prior[a.name] : this.sealOutput(rs, a, outputs[a.field!], cfg, scope);
      } else if (a.role === "publicKey" || a.role === "deletion") actual[a.name] = planned[a.name];
    }
    const state = fillUnknowns(planned, actual) as TfObject;
    for (const a of rs.attrs) if (a.writeOnly) state[a.name] = null;
    return { new_state: encodeDynamic(state, rs.type), private: encodePrivate(newPriv) };
  }

  private sealOutput(rs: TfResourceSchema, a: TfAttr, plaintext: unknown, cfg: TfObject, scope: Scope): string | null {
    if (typeof plaintext !== "string" || plaintext === "") return null;
    scope.addSecrets([plaintext]);
    const name = snakeCase(a.field!);
    const key = cfg[`${name}_public_key`];
    if (typeof key === "string") return seal(plaintext, key);
    scope.warn(
      `${name} discarded`,
      `${rs.kind.name}: Spot returned ${name} once, at creation; it was not stored because ${name}_public_key is not set ` +
        `(the provider never keeps it in plain text). Set ${name}_public_key and replace the resource to receive it.`,
    );
    return null;
  }

  /** Run a Spot operation; an error becomes one readable diagnostic line. */
  private async guard<T>(scope: Scope, summary: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      scope.error(summary, oneLine(err));
      if (this.log.enabled("debug") && (err as Error)?.stack) this.log.debug(scope.scrub(String((err as Error).stack)));
      return undefined;
    }
  }

  async rpcReadResource(
    req: { type_name: string; current_state?: DynamicValue; private?: Uint8Array },
    scope: Scope,
  ): Promise<object> {
    const rs = this.resource(req.type_name);
    const cur = decodeDynamic(req.current_state, rs.type) as TfObject | null;
    if (!cur) return { new_state: encodeDynamic(null) };
    const priv = parsePrivate(req.private);
    const label = `${rs.kind.name} ${cur.id}`;
    const prior = this.liveFromState(rs, cur, priv);
    const found = await this.guard(scope, `${label}: read failed`, () =>
      rs.kind.read(this.context(scope, label), String(cur.id), prior),
    );
    if (scope.hasErrors) return { new_state: req.current_state, private: req.private };
    if (!found) return { new_state: encodeDynamic(null), private: req.private };

    const priorInputs: Props = {};
    for (const [k, f] of Object.entries(rs.kind.fields))
      if (isInput(f) && prior[k] !== undefined) priorInputs[k] = prior[k];
    const live = rs.kind.normalizeLive ? rs.kind.normalizeLive(found, priorInputs) : found;
    const state: TfObject = { ...cur };
    for (const a of rs.attrs) {
      if (a.role !== "field" || !a.def) continue;
      if (a.writeOnly) {
        state[a.name] = null;
        continue;
      }
      let v = live[a.field!];
      if (v === undefined && a.def.local) v = prior[a.field!];
      // Semantically equal (set order, empty vs absent): keep the user's form so Terraform sees no change.
      state[a.name] = same(a.def.type, v, prior[a.field!]) ? cur[a.name] : fieldToTf(a.def.type, v);
    }
    return { new_state: encodeDynamic(state, rs.type), private: req.private };
  }

  async rpcImportResourceState(req: { type_name: string; id: string }, scope: Scope): Promise<object> {
    const rs = this.resource(req.type_name);
    const kind = rs.kind;
    const label = `${kind.name} import`;
    const ctx = this.context(scope, label);
    const id = String(req.id ?? "").trim();
    const fmt = `Import ids for ${rs.typeName} have the form ${kind.importId.format}, e.g. ${kind.importId.example}.`;
    if (!id) throw new UserError("Invalid import id", `${rs.typeName}: the import id is empty. ${fmt}`);
    const found = await this.guard(scope, `${label} of "${id}" failed`, async () => {
      if (kind.importById) return kind.importById(ctx, id);
      const outputs = await kind.read(ctx, id);
      return outputs ? { id, outputs } : undefined;
    });
    if (scope.hasErrors) {
      scope.diagnostics[scope.diagnostics.length - 1].detail += ` ${fmt}`;
      return {};
    }
    if (!found)
      throw new UserError(
        "Cannot import: not found",
        `${rs.typeName}: no ${kind.name} with id "${id}" exists in Spot. ${fmt}`,
      );
    const state = propsToTf(rs.attrs, found.outputs, emptyObject(rs.attrs));
    state.id = found.id;
    for (const a of rs.attrs) {
      if (a.role === "deletion") state[a.name] = false;
      else if (a.role === "field" && a.def?.local && state[a.name] === null && a.def.default !== undefined)
        state[a.name] = fieldToTf(a.def.type, a.def.default);
    }
    return {
      imported_resources: [
        { type_name: rs.typeName, state: encodeDynamic(state, rs.type), private: encodePrivate({ secrets: {} }) },
      ],
    };
  }

  async rpcUpgradeResourceState(
    req: { type_name: string; version?: number; raw_state?: { json?: Uint8Array; flatmap?: Record<string, string> } },
    scope: Scope,
  ): Promise<object> {
    const rs = this.resource(req.type_name);
    const version = Number(req.version ?? 0);
    if (version > SCHEMA_VERSION)
      throw new UserError(
        "State from a newer provider",
        `${rs.typeName}: the state was written with schema version ${version} by a newer spot provider (this one has ${SCHEMA_VERSION}); upgrade the provider.`,
      );
    const json = req.raw_state?.json;
    if (!json || json.length === 0) {
      if (req.raw_state?.flatmap && Object.keys(req.raw_state.flatmap).length)
        throw new UserError(
          "Unsupported state format",
          `${rs.typeName}: legacy flatmap state is not supported; re-import the resource.`,
        );
      return { upgraded_state: encodeDynamic(null) };
    }
    const raw = JSON.parse(Buffer.from(json).toString("utf8")) as TfObject;
    const state: TfObject = {};
    for (const a of rs.attrs) {
      try {
        state[a.name] = a.writeOnly ? null : fromWire(a.type, raw[a.name] ?? null);
      } catch (err) {
        scope.error(
          "Cannot upgrade state",
          `${rs.typeName}: attribute ${a.name}: ${oneLine(err)}; re-import the resource.`,
          attrStep(a.name),
        );
      }
    }
    if (scope.hasErrors) return {};
    return { upgraded_state: encodeDynamic(state, rs.type) };
  }

  // ---------------------------------------------------------------------------------------------------
  // Data sources

  async rpcReadDataSource(req: { type_name: string; config?: DynamicValue }, scope: Scope): Promise<object> {
    const ds = this.dataSource(req.type_name);
    const cfg = (decodeDynamic(req.config, ds.type) ?? {}) as TfObject;
    const args = this.checkLookupArgs(ds, cfg, scope);
    if (scope.hasErrors) return {};
    const label = `${ds.lookup.name} lookup`;
    const result = await this.guard(scope, `${label} failed`, () => ds.lookup.run(this.context(scope, label), args));
    if (!result) return {};
    const state: TfObject = {};
    for (const a of ds.attrs) {
      const rf = a.field ? ds.lookup.result[a.field] : undefined;
      const v = rf && result[a.field!] !== undefined ? fieldToTf(rf.type, result[a.field!]) : cfg[a.name];
      state[a.name] = v === undefined || v === UNKNOWN ? null : v;
    }
    return { state: encodeDynamic(state, ds.type) };
  }
}

export { PROVIDER_ADDRESS };

/** A provider over the given registry and context; the gRPC server (server.ts) and tests build on this. */
export function createProvider(options: ProviderOptions = {}): TerraformProvider {
  return new TerraformProvider(options);
}
