/**
 * Lookups (`spot.getAccounts()` …) run the engine's `Lookup.run` in the program process: they only read,
 * so they need no provider host, and Pulumi dynamic providers cannot serve invokes anyway (the host
 * answers Invoke with "unknown function").
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { checkInputs, formatFailures, stripUndefined } from "../resources/engine";
import type { Lookup, Props, ResourceContext, ResourceKind } from "../resources/types";
import { Connection } from "./resource";

export interface LookupOptions {
  /** The organization to query; default: the stack's `spot:token`, `spot:baseUrl`, `spot:account`. */
  connection?: Connection;
  /**
   * Resources to wait for before looking up (Output form only): lookups otherwise run as soon as their
   * arguments are known, possibly before resources declared earlier in the program exist.
   */
  dependsOn?: pulumi.Resource[];
  /** Advanced (tests): module id of an alternative registry (see SpotResourceOptions.registry). */
  registry?: string;
}

interface Registry {
  lookups: Lookup[];
  createClient?(options: Props): unknown;
}

const registries = new Map<string, Registry>();
const clients = new Map<string, unknown>();

function loadRegistry(registry: string | undefined): Registry {
  const key = registry ?? "";
  let reg = registries.get(key);
  if (!reg) {
    reg = (
      registry ? require(require.resolve(registry, { paths: [process.cwd()] })) : require("../resources")
    ) as Registry;
    registries.set(key, reg);
  }
  return reg;
}

function findLookup(reg: Registry, name: string): Lookup {
  const l = reg.lookups.find((x) => x.name === name);
  if (!l) throw new Error(`unknown lookup "get${name}"; known: ${reg.lookups.map((x) => "get" + x.name).join(", ")}`);
  return l;
}

function config(key: string): string | undefined {
  const v = pulumi.runtime.getConfig(key);
  return v === undefined || v === "" ? undefined : v;
}

function clientFor(
  reg: Registry,
  registry: string | undefined,
  conn: { token?: string; baseUrl?: string; account?: string },
) {
  const opts: Props = { frontend: "pulumi" };
  const token = conn.token ?? config("spot:token");
  const baseUrl = conn.baseUrl ?? config("spot:baseUrl");
  const account = conn.account ?? config("spot:account");
  const runId = config("spot:runId") ?? process.env.SPOT_IAC_RUN_ID;
  if (token !== undefined) opts.token = token;
  if (baseUrl !== undefined) opts.baseUrl = baseUrl;
  if (account !== undefined) opts.account = account;
  if (runId !== undefined) opts.runId = runId;
  const key = createHash("sha256")
    .update(JSON.stringify([registry ?? "", opts.token ?? null, opts.baseUrl ?? null, opts.account ?? null]))
    .digest("hex");
  let client = clients.get(key);
  if (!client) {
    client = reg.createClient ? reg.createClient(opts) : new (require("../api").SpotClient)(opts);
    clients.set(key, client);
  }
  return client as ResourceContext["client"];
}

async function run(
  name: string,
  args: Props,
  conn: { token?: string; baseUrl?: string; account?: string },
  registry: string | undefined,
): Promise<Props> {
  const reg = loadRegistry(registry);
  const lookup = findLookup(reg, name);
  // The schema checker only needs `fields`; lookups have no cross-field check.
  const { inputs, failures } = checkInputs({ fields: lookup.args } as ResourceKind, args ?? {});
  if (failures.length) throw new Error(formatFailures(`get${name}`, "args", failures));
  const ctx: ResourceContext = {
    get client() {
      return clientFor(reg, registry, conn);
    },
    warn: (message: string) => pulumi.log.warn(`get${name}: ${message}`),
  };
  return stripUndefined(await lookup.run(ctx, inputs));
}

function resolvedLookup(
  name: string,
  args: pulumi.Inputs | undefined,
  opts: LookupOptions | undefined,
): pulumi.Output<Props> {
  const c = opts?.connection;
  const reg = loadRegistry(opts?.registry);
  const lookup = findLookup(reg, name);
  // A custom resource exists once its id is known; a component once its urn is.
  const ready = (opts?.dependsOn ?? []).map((r) => (pulumi.CustomResource.isInstance(r) ? r.id : r.urn));
  const out = pulumi
    .all([args ?? {}, c?.token, c?.baseUrl, c?.account, pulumi.all(ready)])
    .apply(([a, token, baseUrl, account]) => run(name, a as Props, { token, baseUrl, account }, opts?.registry));
  // The token made everything derived from it secret; the result holds no token, so only results with
  // secret fields stay secret.
  const hasSecrets = Object.values(lookup.result).some((f) => f.secret);
  return hasSecrets ? pulumi.secret(out) : pulumi.unsecret(out);
}

/** Runs a lookup and returns an Output (accepts Outputs as arguments; unknown in previews until they are known). */
export function invokeLookupOutput<R>(name: string, args?: pulumi.Inputs, opts?: LookupOptions): pulumi.Output<R> {
  return resolvedLookup(name, args, opts) as pulumi.Output<R>;
}

/** Runs a lookup and returns a Promise of its plain result. */
export async function invokeLookup<R>(name: string, args?: Props, opts?: LookupOptions): Promise<R> {
  const c = opts?.connection;
  if (!c && !opts?.dependsOn?.length) return (await run(name, args ?? {}, {}, opts?.registry)) as R;
  // A Connection's token is an Output; the SDK's Output keeps its value behind an internal promise().
  const out = resolvedLookup(name, args, opts) as unknown as { promise(): Promise<R> };
  return out.promise();
}
