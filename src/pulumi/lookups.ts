/**
 * Lookups (`spot.getAccounts()` …) run the engine's `Lookup.run` in the program process: they only read,
 * so they need no provider host, and Pulumi dynamic providers cannot serve invokes anyway (the host
 * answers Invoke with "unknown function").
 */
import * as pulumi from "@pulumi/pulumi";
import type { Lookup, Props, Registry } from "../core";
import { checkInputs, formatFailures, stripUndefined } from "../core";
import { contextFor, loadRegistry } from "./host-client";
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

function findLookup(reg: Registry, name: string): Lookup {
  const l = reg.lookups.find((x) => x.name === name);
  if (!l) throw new Error(`unknown lookup "get${name}"; known: ${reg.lookups.map((x) => "get" + x.name).join(", ")}`);
  return l;
}

function config(key: string): string | undefined {
  const v = pulumi.runtime.getConfig(key);
  return v === undefined || v === "" ? undefined : v;
}

async function run(
  name: string,
  args: Props,
  conn: { token?: string; baseUrl?: string; account?: string },
  registry: string | undefined,
): Promise<Props> {
  const lookup = findLookup(loadRegistry(registry), name);
  const { inputs, failures } = checkInputs(lookup.args, args ?? {});
  if (failures.length) throw new Error(formatFailures(`get${name}`, "args", failures));
  const ctx = contextFor(conn, config, (message: string) => pulumi.log.warn(`get${name}: ${message}`));
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
