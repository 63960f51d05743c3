/**
 * The one place a front-end gets what resource operations run with: a ResourceContext over a Spot client, and
 * the registry of kinds and lookups. Clients are shared per process and configuration, so front-ends that build
 * a context per operation (Pulumi's dynamic providers) still share the list cache, coalescing and rate budget.
 *
 * The client is required lazily: a schema-only Terraform launch, `spot-iac --help` and input checks must not
 * load it, and building one throws when no token can be found, which checks must not need.
 */
import { createHash } from "node:crypto";
import type { ClientOptions, Frontend, SpotClient } from "../api";
import type { Lookup, ResourceContext, ResourceKind } from "./kind";

export interface ConnectOptions {
  /** Spot API token; else SPOTINST_TOKEN, else the credentials file (resolved by the client). */
  token?: string;
  baseUrl?: string;
  account?: string;
  frontend: Frontend;
  /** The run's id (see api/run-id); the process's when absent. */
  runId?: string;
  /**
   * The share (0 < x ≤ 1) of each of Spot's rate budgets this process may use, for teams that share a token's
   * budget with other tools; SPOT_IAC_API_SHARE when absent (see docs/client.md).
   */
  apiShare?: number;
  /** Where kinds' warnings go. */
  warn?: (message: string) => void;
  /** Further client options (tests: cache, retries, timeouts). */
  client?: Partial<ClientOptions>;
}

/** Spot's public API, where a token goes when nothing says otherwise. */
export { DEFAULT_BASE_URL } from "../api/defaults";

const clients = new Map<string, SpotClient>();

function clientFor(o: ConnectOptions): SpotClient {
  // Keyed by a hash so the token is not kept twice in memory under a readable key.
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        o.token ?? null,
        o.baseUrl ?? null,
        o.account ?? null,
        o.frontend,
        o.runId ?? null,
        o.apiShare ?? null,
        o.client ?? null,
      ]),
    )
    .digest("hex");
  let c = clients.get(key);
  if (!c) {
    const api = require("../api") as typeof import("../api");
    c = new api.SpotClient({
      ...o.client,
      token: o.token,
      baseUrl: o.baseUrl,
      account: o.account,
      frontend: o.frontend,
      runId: o.runId,
      ...(o.apiShare !== undefined ? { apiShare: o.apiShare } : {}),
    });
    clients.set(key, c);
  }
  return c;
}

/** A context whose client is built (or reused) on first use. */
export function connect(o: ConnectOptions): ResourceContext {
  let client: SpotClient | undefined;
  return {
    get client() {
      client ??= clientFor(o);
      return client;
    },
    warn: o.warn ?? (() => undefined),
  };
}

/** The same context with warnings sent elsewhere (per resource, per change). */
export function withWarn(ctx: ResourceContext, warn: (message: string) => void): ResourceContext {
  return {
    get client() {
      return ctx.client;
    },
    warn,
  };
}

export interface Registry {
  kinds: readonly ResourceKind[];
  lookups: readonly Lookup[];
  kindByName(name: string): ResourceKind;
}

/** The registry of src/resources: every kind is a Pulumi class, a Terraform resource and a GitOps kind. */
export function registry(): Registry {
  return require("../resources") as Registry;
}
