/**
 * The tfplugin6 provider: the provider-level RPCs here, one module per resource RPC in ./rpc. Every handler takes
 * the request as a plain object (protobuf field names, DynamicValues as `{msgpack}` bytes) and resolves to the
 * response object, so tests call them directly and server.ts only adds gRPC.
 *
 * Each resource RPC is decode → core → encode: the lifecycle (checks, diff, guards, apply's re-check, secret
 * memory) is the core's (src/core); this front-end maps Terraform's values, unknowns, private state and
 * diagnostics to it.
 */
import type { Lookup, ResourceContext, ResourceKind } from "../core";
import { connect, registry, withWarn } from "../core";
import { decodeDynamic } from "./codec";
import type { DynamicValue } from "./codec";
import { Scope, UserError, attrStep, oneLine } from "./diagnostics";
import { createLogger } from "./log";
import type { Logger } from "./log";
import * as rpc from "./rpc";
import { PROVIDER_ADDRESS, SCHEMA_VERSION, SchemaError, blockToProto, buildSchemas } from "./schema";
import type { ProviderSchemas, TfDataSchema, TfResourceSchema } from "./schema";
import type { TfObject } from "./values";

export interface ProviderConfig {
  token?: string;
  baseUrl?: string;
  account?: string;
  apiShare?: number;
  terraformVersion?: string;
}

/** Builds the context resource operations run with, once per ConfigureProvider. */
export type ContextFactory = (config: ProviderConfig) => ResourceContext | Promise<ResourceContext>;

export interface ProviderOptions {
  /** Defaults to the core's registry (loaded on first use). */
  kinds?: readonly ResourceKind[];
  lookups?: readonly Lookup[];
  /** Defaults to the core's client factory (`frontend: "terraform"`), used at ConfigureProvider. */
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

export const defaultContextFactory: ContextFactory = (config) => {
  const ctx = connect({
    token: config.token,
    baseUrl: config.baseUrl,
    account: config.account,
    apiShare: config.apiShare,
    frontend: "terraform",
  });
  // One ConfigureProvider starts one Terraform walk. The client is shared per configuration in the process and keeps
  // list answers for a while: a provider that serves several commands (--debug, TF_REATTACH_PROVIDERS) must not
  // answer one from what an earlier one listed, or a change made in Spot in between would go unseen (no drift, no
  // "changed since the plan"). So the first use in a configuration starts from an empty cache.
  let fresh = false;
  return {
    get client() {
      const c = ctx.client;
      if (!fresh) {
        fresh = true;
        c.clearCache();
      }
      return c;
    },
    warn: ctx.warn,
  };
};

/** What the resource RPCs (./rpc) need of the provider. */
export interface ProviderState {
  readonly schemas: ProviderSchemas;
  readonly log: Logger;
  readonly stopped: boolean;
  /** ConfigureProvider succeeded: context() has something to give. */
  readonly configured: boolean;
  resource(typeName: string): TfResourceSchema;
  dataSource(typeName: string): TfDataSchema;
  /** The configured context, with the kind's warnings turned into diagnostics of this RPC. */
  context(scope: Scope, label: string): ResourceContext;
}

export class TerraformProvider implements ProviderState {
  readonly log: Logger;
  private schemasCache?: ProviderSchemas;
  private schemaResponse?: Record<string, unknown>;
  private baseCtx?: ResourceContext;
  private config: ProviderConfig = {};
  stopped = false;

  get configured(): boolean {
    return this.baseCtx !== undefined;
  }

  constructor(private readonly options: ProviderOptions = {}) {
    this.log = options.logger ?? createLogger();
  }

  get schemas(): ProviderSchemas {
    if (!this.schemasCache) {
      const reg = this.options.kinds && this.options.lookups ? undefined : registry();
      this.schemasCache = buildSchemas(this.options.kinds ?? reg!.kinds, this.options.lookups ?? reg!.lookups);
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
          const res = await this.dispatch(name, req ?? {}, scope);
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

  private dispatch(name: RpcName, req: any, scope: Scope): Promise<object> {
    switch (name) {
      case "GetMetadata":
        return this.getMetadata();
      case "GetProviderSchema":
        return this.getProviderSchema();
      case "GetFunctions":
        return Promise.resolve({ functions: {} });
      case "StopProvider":
        // Requests run to completion (an interrupted Spot call could leave an object untracked); new ones are refused.
        this.stopped = true;
        return Promise.resolve({ Error: "" });
      case "ValidateProviderConfig":
        return this.validateProviderConfig(req, scope);
      case "ConfigureProvider":
        return this.configureProvider(req, scope);
      case "ValidateResourceConfig":
        return rpc.validateResourceConfig(this, req, scope);
      case "ValidateDataResourceConfig":
        return rpc.validateDataResourceConfig(this, req, scope);
      case "UpgradeResourceState":
        return rpc.upgradeResourceState(this, req, scope);
      case "ReadResource":
        return rpc.readResource(this, req, scope);
      case "PlanResourceChange":
        return rpc.planResourceChange(this, req, scope);
      case "ApplyResourceChange":
        return rpc.applyResourceChange(this, req, scope);
      case "ImportResourceState":
        return rpc.importResourceState(this, req, scope);
      case "ReadDataSource":
        return rpc.readDataSource(this, req, scope);
    }
  }

  /** On failure an update keeps the prior object in state; everything else answers diagnostics only. */
  private failureResponse(name: RpcName, req: any, scope: Scope): Record<string, unknown> {
    if (name === "ApplyResourceChange" && req.prior_state?.msgpack?.length && req.planned_state?.msgpack?.length)
      return { new_state: req.prior_state, private: req.planned_private, diagnostics: scope.diagnostics };
    if (name === "ReadResource")
      return { new_state: req.current_state, private: req.private, diagnostics: scope.diagnostics };
    return { diagnostics: scope.diagnostics };
  }

  resource(typeName: string): TfResourceSchema {
    const rs = this.schemas.resources.get(typeName);
    if (!rs)
      throw new UserError(
        "Unknown resource type",
        `The spot provider has no resource type "${typeName}"; known: ${[...this.schemas.resources.keys()].join(", ") || "(none)"}.`,
      );
    return rs;
  }

  dataSource(typeName: string): TfDataSchema {
    const ds = this.schemas.dataSources.get(typeName);
    if (!ds)
      throw new UserError(
        "Unknown data source",
        `The spot provider has no data source "${typeName}"; known: ${[...this.schemas.dataSources.keys()].join(", ") || "(none)"}.`,
      );
    return ds;
  }

  context(scope: Scope, label: string): ResourceContext {
    if (!this.baseCtx)
      throw new UserError(
        "Provider not configured",
        `${label}: the spot provider was not configured (ConfigureProvider failed or was not called).`,
      );
    return withWarn(this.baseCtx, (m: string) => scope.warn(label, m));
  }

  private capabilities(): object {
    return { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false };
  }

  private async getMetadata(): Promise<object> {
    return {
      server_capabilities: this.capabilities(),
      resources: [...this.schemas.resources.keys()].map((type_name) => ({ type_name })),
      data_sources: [...this.schemas.dataSources.keys()].map((type_name) => ({ type_name })),
    };
  }

  private async getProviderSchema(): Promise<object> {
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

  private async validateProviderConfig(req: { config?: DynamicValue }, scope: Scope): Promise<object> {
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

  private async configureProvider(
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
      apiShare: cfg.api_share === null || cfg.api_share === undefined ? undefined : Number(cfg.api_share),
      terraformVersion: req.terraform_version,
    };
    scope.addSecrets([this.config.token]);
    const factory = this.options.contextFactory ?? defaultContextFactory;
    try {
      const ctx = await factory(this.config);
      // The core builds its client lazily; build it now, so that a configuration without a usable token fails here,
      // once, rather than in every resource operation that follows.
      void ctx.client;
      this.baseCtx = ctx;
    } catch (err) {
      scope.error("Invalid spot provider configuration", oneLine(err));
    }
    return {};
  }
}

export { PROVIDER_ADDRESS };

/** A provider over the given registry and context; the gRPC server (server.ts) and tests build on this. */
export function createProvider(options: ProviderOptions = {}): TerraformProvider {
  return new TerraformProvider(options);
}
