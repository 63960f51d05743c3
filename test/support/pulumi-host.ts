/**
 * Drives the real `@pulumi/pulumi` dynamic-provider host (cmd/dynamic-provider) over gRPC, the way the
 * Pulumi engine does, without the Pulumi CLI (which cannot be installed offline).
 *
 * - The host is spawned like the `pulumi-resource-pulumi-nodejs` launcher does: `node <host> <engine>`,
 *   cwd = the program directory, `PULUMI_NODEJS_PROJECT`/`PULUMI_NODEJS_STACK` set. It prints its port.
 * - `<engine>` is a fake Engine service started here, so what providers log through `Engine.Log` (the
 *   host itself never calls it) is captured in `engineLogs`.
 * - Providers are serialized exactly as `pulumi.dynamic.Resource` does (`serializeProvider` below), and
 *   every property bag carries that text as `__provider`.
 * - Message classes come from the same google-protobuf / @grpc/grpc-js copies @pulumi/pulumi resolves.
 * - The host loads the *built* runtime (dist/pulumi/runtime.js, see defaultRuntimeModule), not src/: `start`
 *   refuses to run when dist/ is missing or older than src/ (assertCurrentBuild), so a test can never pass or
 *   fail on yesterday's code. `npm test` builds first; after editing src/, run `npm run build`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const providerPb = require("@pulumi/pulumi/proto/provider_pb");
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const enginePb = require("@pulumi/pulumi/proto/engine_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const statusPb = require("@pulumi/pulumi/proto/status_pb");
const emptyPb = fromPulumi("google-protobuf/google/protobuf/empty_pb");

export const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";
export const PROVIDER_KEY = "__provider";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, any>;

const ROOT = path.join(__dirname, "..", "..");

/**
 * Why dist/ is not the build of the current src/, or undefined when it is: a source file (src/**\/*.ts) whose
 * compiled file is missing or older than it. tsc re-writes every output on each build, so an output older than
 * its source means the source changed after the last build. Costs a stat per source file (a few ms).
 */
export function staleBuild(root = ROOT): string | undefined {
  const src = path.join(root, "src");
  const dist = path.join(root, "dist");
  if (!fs.existsSync(path.join(dist, "pulumi", "runtime.js"))) return "dist/pulumi/runtime.js does not exist";
  const walk = (dir: string): string | undefined => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) {
        const r = walk(file);
        if (r) return r;
        continue;
      }
      if (!e.name.endsWith(".ts") || e.name.endsWith(".d.ts")) continue;
      const rel = path.relative(src, file);
      const out = path.join(dist, rel.replace(/\.ts$/, ".js"));
      const shown = (p: string) => path.relative(root, p);
      if (!fs.existsSync(out)) return `${shown(out)} does not exist (compiled from ${shown(file)})`;
      if (fs.statSync(file).mtimeMs > fs.statSync(out).mtimeMs) return `${shown(file)} is newer than ${shown(out)}`;
    }
    return undefined;
  };
  return walk(src);
}

let buildChecked = false;

/** Throws, saying what to do, when the host would run a build that is not the current source (see staleBuild). */
export function assertCurrentBuild(root = ROOT): void {
  if (buildChecked && root === ROOT) return;
  const problem = staleBuild(root);
  if (problem) {
    throw new Error(
      `The Pulumi provider host runs the built runtime (dist/), and dist/ is not the build of the current ` +
        `src/: ${problem}. Run \`npm run build\` (npm test builds first), then run the tests again.`,
    );
  }
  if (root === ROOT) buildChecked = true;
}

/** What `pulumi.dynamic.Resource` stores as `__provider`: `serializeFunction(() => provider, { allowSecrets })`. */
export async function serializeProvider(provider: object): Promise<{ text: string; containsSecrets: boolean }> {
  const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const sf = await sc.serializeFunction(() => provider, { allowSecrets: true });
  return { text: sf.text, containsSecrets: sf.containsSecrets };
}

export function urnOf(type: string, name: string, project = "proj", stack = "test"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  deleteBeforeReplace: boolean;
}
/** A gRPC error from the host; `initFailed` is set for a partial create (ErrorResourceInitFailed). */
export interface HostError extends Error {
  code: number;
  details: string;
  initFailed?: { id: string; properties: Props; reasons: string[] };
}

export interface HostOptions {
  /** The program directory (the host's cwd, where `__provider` module ids resolve). Default: repo root. */
  cwd?: string;
  project?: string;
  stack?: string;
  env?: Record<string, string | undefined>;
}

export interface EngineLog {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
}

function toStruct(props: Props): any {
  // The host crashes on undefined ("Unexpected struct type"); the engine never sends one.
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props ?? {})));
}

function hostError(err: any): HostError {
  const e = new Error(`${err.details ?? err.message}`) as HostError;
  e.code = err.code;
  e.details = err.details;
  const bin = err.metadata?.get?.("grpc-status-details-bin")?.[0];
  if (bin) {
    const status = statusPb.Status.deserializeBinary(new Uint8Array(bin));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
        const d = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        e.initFailed = {
          id: d.getId(),
          properties: d.getProperties()?.toJavaScript() ?? {},
          reasons: d.getReasonsList(),
        };
      }
    }
  }
  return e;
}

export class PulumiHost {
  readonly engineLogs: EngineLog[] = [];
  /** Everything the host wrote after its port line (provider console output, host error traces). */
  stdout = "";
  stderr = "";
  private exited = false;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly client: any,
    private readonly engine: any,
    readonly project: string,
    readonly stack: string,
  ) {
    proc.on("exit", () => (this.exited = true));
  }

  static async start(opts: HostOptions = {}): Promise<PulumiHost> {
    assertCurrentBuild();
    const project = opts.project ?? "proj";
    const stack = opts.stack ?? "test";
    const logs: EngineLog[] = [];
    const engine = new grpc.Server();
    const names = ["debug", "info", "warning", "error"] as const;
    engine.addService(engineRpc.EngineService, {
      log: (call: any, cb: any) => {
        logs.push({ severity: names[call.request.getSeverity()] ?? "info", message: call.request.getMessage() });
        cb(null, new emptyPb.Empty());
      },
    });
    const enginePort: number = await new Promise((resolve, reject) =>
      engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, port: number) =>
        err ? reject(err) : resolve(port),
      ),
    );
    const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const proc = spawn(process.execPath, [script, `127.0.0.1:${enginePort}`], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env, PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stack },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr!.on("data", (d) => (stderr += d.toString()));
    const lines = readline.createInterface({ input: proc.stdout! });
    const port: string = await new Promise((resolve, reject) => {
      lines.once("line", (l) => resolve(l.trim()));
      proc.once("exit", (code) =>
        reject(new Error(`provider host exited (${code}) before printing its port: ${stderr}`)),
      );
    });
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new PulumiHost(proc, client, engine, project, stack);
    (host as any).engineLogs = logs;
    lines.on("line", (l) => (host.stdout += l + "\n"));
    proc.stderr!.removeAllListeners("data");
    host.stderr = stderr;
    proc.stderr!.on("data", (d) => (host.stderr += d.toString()));
    return host;
  }

  private call<T>(method: string, req: any): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`provider host has exited: ${this.stderr}`));
      this.client[method](req, (err: any, resp: T) => (err ? reject(hostError(err)) : resolve(resp)));
    });
  }

  urn(name: string, type = DYNAMIC_TYPE): string {
    return urnOf(type, name, this.project, this.stack);
  }

  async getPluginInfo(): Promise<string> {
    const resp: any = await this.call("getPluginInfo", new emptyPb.Empty());
    return resp.getVersion();
  }

  /** Configure with stack configuration (`{"spot:token": "…"}`); secrets arrive unwrapped, as the engine sends them. */
  async configure(config: Record<string, string>): Promise<{ acceptSecrets: boolean }> {
    const req = new providerPb.ConfigureRequest();
    req.setArgs(toStruct(config));
    for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
    const resp: any = await this.call("configure", req);
    return { acceptSecrets: resp.getAcceptsecrets() };
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
    const req = new providerPb.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp: any = await this.call("check", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffResult> {
    const req = new providerPb.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp: any = await this.call("diff", req);
    const changes = (["unknown", "none", "some"] as const)[resp.getChanges()];
    return { changes, replaces: resp.getReplacesList(), deleteBeforeReplace: resp.getDeletebeforereplace() };
  }

  async create(urn: string, props: Props): Promise<{ id: string; properties: Props }> {
    const req = new providerPb.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const resp: any = await this.call("create", req);
    return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
  }

  /** Refresh passes prior outputs as `properties`; a `Resource.get`-style read passes only `inputs`. */
  async read(
    urn: string,
    id: string,
    props: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const req = new providerPb.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    if (inputs) req.setInputs(toStruct(inputs));
    const resp: any = await this.call("read", req);
    return {
      id: resp.getId(),
      properties: resp.getProperties()?.toJavaScript() ?? {},
      inputs: resp.getInputs()?.toJavaScript(),
    };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }> {
    const req = new providerPb.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp: any = await this.call("update", req);
    return { properties: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    const req = new providerPb.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    await this.call("delete", req);
  }

  async close(): Promise<void> {
    this.client.close();
    if (!this.exited) {
      const gone = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill();
      await gone;
    }
    await new Promise<void>((r) => this.engine.tryShutdown(() => r()));
  }
}

/** The LogSeverity numbers of engine.proto, for tests that assert on them. */
export const LOG_SEVERITY = enginePb.LogSeverity as Record<string, number>;
