/**
 * How the Pulumi front-end reaches Spot, for the dynamic providers (host process) and the lookups (program
 * process) alike: the registry to use and the context of one connection. Clients come from the core's factory,
 * which shares them per configuration within the process.
 */
import * as path from "node:path";
import type { Registry, ResourceContext } from "../core";
import { connect, processRunId, registry as coreRegistry } from "../core";

export interface ConnectionSettings {
  token?: string;
  baseUrl?: string;
  account?: string;
}

/** Stack configuration, however the process reads it (the host gets it from configure, a program from its runtime). */
export type ConfigLookup = (key: string) => string | undefined;

const registries = new Map<string, Registry>();

/**
 * The kind registry: the core's, or (tests, extensions) a module id resolved from the host's cwd — the program
 * directory, like the runtime module itself.
 */
export function loadRegistry(id: string | undefined): Registry {
  const key = id ?? "";
  let reg = registries.get(key);
  if (!reg) {
    reg = key
      ? (require(require.resolve(key, { paths: [process.cwd(), path.join(__dirname, "..")] })) as Registry)
      : coreRegistry();
    registries.set(key, reg);
  }
  return reg;
}

/** The run id every client of this process sends: `spot:runId`, else the process's (SPOT_IAC_RUN_ID or generated). */
export function runIdOf(config: ConfigLookup): string {
  return config("spot:runId") ?? processRunId();
}

/** `spot:apiShare` ("0.5" or "50%"); an unusable value is left to the client, which names it in its error. */
function shareOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = v.trim().endsWith("%") ? Number(v.trim().slice(0, -1)) / 100 : Number(v);
  return Number.isFinite(n) ? n : NaN;
}

/**
 * A context for one connection: its own settings first, then the stack's `spot:*` configuration; what is still
 * missing the client resolves itself (SPOTINST_TOKEN, ~/.spotinst/credentials …). The client is built on first
 * use: checks must not need a token.
 */
export function contextFor(
  conn: ConnectionSettings | undefined,
  config: ConfigLookup,
  warn: (message: string) => void,
): ResourceContext {
  return connect({
    token: conn?.token ?? config("spot:token"),
    baseUrl: conn?.baseUrl ?? config("spot:baseUrl"),
    account: conn?.account ?? config("spot:account"),
    frontend: "pulumi",
    runId: runIdOf(config),
    apiShare: shareOf(config("spot:apiShare")),
    warn,
  });
}
