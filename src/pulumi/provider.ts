/**
 * The dynamic provider objects that `pulumi.dynamic.Resource` serializes into each resource's `__provider`.
 *
 * The serialized text is deliberately tiny and stable: a module id, a registry module id and a kind name,
 * and one-line methods that `require()` the real implementation (src/pulumi/runtime.ts) inside the host.
 * Pulumi runs `delete` and refresh with the *old* serialized text from state (provider code changes are
 * not detected), so the text must not embed behaviour: it only names where the current behaviour lives.
 * Nothing is captured but strings: no clients, no `#private`, no native state, no secrets.
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

export interface ProviderModules {
  /** Module id of the host-side runtime, resolvable from the Pulumi program's directory (the host's cwd). */
  runtime: string;
  /** Module id of an alternative kind registry (tests); "" = the runtime's own `../resources`. */
  registry: string;
}

/**
 * Where the host finds the runtime. An installed package is named by its package path, which resolves from
 * the program directory on any machine (an absolute path would break `pulumi destroy` run from another
 * checkout, since delete runs the text stored in state). A development checkout (npm link, this repo's
 * tests, running from `src/` through ts-jest) uses the absolute path of its built `dist/`.
 */
export function defaultRuntimeModule(): string {
  const override = process.env.SPOT_IAC_PULUMI_RUNTIME;
  if (override) return override;
  const pkgRoot = path.resolve(__dirname, "..", "..");
  if (path.basename(pkgRoot) === "spot-iac" && path.basename(path.dirname(pkgRoot)) === "node_modules") {
    return "spot-iac/dist/pulumi/runtime";
  }
  return path.join(pkgRoot, "dist", "pulumi", "runtime.js");
}

const cache = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * One provider object per (runtime, registry, kind). Reusing the object lets `dynamic.Resource` cache its
 * serialization (it keys a WeakMap by provider object), so N accounts cost one serialization, and it gives
 * every resource of a kind the same `__provider` string, so the host configures it once.
 */
export function providerFor(kind: string, modules: ProviderModules): pulumi.dynamic.ResourceProvider {
  const key = JSON.stringify([modules.runtime, modules.registry, kind]);
  let provider = cache.get(key);
  if (!provider) {
    provider = makeProvider(modules.runtime, modules.registry, kind);
    cache.set(key, provider);
  }
  return provider;
}

// Each method body is serialized verbatim by pulumi's closure serializer: keep them one plain expression,
// free of comments, helpers and TypeScript-emitted helpers (no `import()`, no spread of captured objects).
function makeProvider(m: string, r: string, k: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => require(m).configure(req),
    check: (olds, news) => require(m).check(r, k, olds, news),
    diff: (id, olds, news) => require(m).diff(r, k, id, olds, news),
    create: (inputs) => require(m).create(r, k, inputs),
    read: (id, props) => require(m).read(r, k, id, props),
    update: (id, olds, news) => require(m).update(r, k, id, olds, news),
    delete: (id, props) => require(m).remove(r, k, id, props),
  };
}
