/**
 * The real `@pulumi/pulumi` dynamic-provider host, driven over gRPC the way the Pulumi engine drives it (there
 * is no Pulumi CLI offline). Spawned as `pulumi-resource-pulumi-nodejs` does: `node <host> <engine address>`,
 * cwd = the program directory (here the repository, whose dist/ the serialized providers name), project and
 * stack in the environment; it prints its port. A minimal Engine service receives what providers log.
 * Plain JS so that benchmarks need no TypeScript; the test suite's harness is test/support/pulumi-host.ts.
 */
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");
const readline = require("node:readline");
const { ROOT } = require("./common");

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
const fromPulumi = (id) => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const emptyPb = fromPulumi("google-protobuf/google/protobuf/empty_pb");
const providerPb = fromPulumi("@pulumi/pulumi/proto/provider_pb");
const providerRpc = fromPulumi("@pulumi/pulumi/proto/provider_grpc_pb");
const engineRpc = fromPulumi("@pulumi/pulumi/proto/engine_grpc_pb");

/** `__provider` as `pulumi.dynamic.Resource` stores it: the serialized closure returning the provider object. */
async function serializeProvider(provider) {
  const sc = fromPulumi("@pulumi/pulumi/runtime/closure/serializeClosure");
  return (await sc.serializeFunction(() => provider, { allowSecrets: true })).text;
}

// The host rejects undefined inside a Struct; the engine never sends one.
const toStruct = (props) => Struct.fromJavaScript(JSON.parse(JSON.stringify(props ?? {})));

class PulumiHost {
  static async start({ cwd = ROOT, env = {}, project = "bench", stack = "bench" } = {}) {
    const logs = [];
    const engine = new grpc.Server();
    engine.addService(engineRpc.EngineService, {
      log: (call, cb) => {
        logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
        cb(null, new emptyPb.Empty());
      },
    });
    const enginePort = await new Promise((resolve, reject) =>
      engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [ROOT] });
    const proc = spawn(process.execPath, [script, `127.0.0.1:${enginePort}`], {
      cwd,
      env: { ...process.env, ...env, PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stack },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d) => (stderr += d));
    const lines = readline.createInterface({ input: proc.stdout });
    const port = await new Promise((resolve, reject) => {
      lines.once("line", (l) => resolve(l.trim()));
      proc.once("exit", (code) => reject(new Error(`provider host exited (${code}) before its port: ${stderr}`)));
    });
    const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new PulumiHost(proc, client, engine, project, stack, logs);
    host.stderrText = () => stderr;
    return host;
  }

  constructor(proc, client, engine, project, stack, logs) {
    this.proc = proc;
    this.client = client;
    this.engine = engine;
    this.project = project;
    this.stack = stack;
    this.logs = logs;
    this.exited = false;
    proc.on("exit", () => (this.exited = true));
  }

  urn(type, name) {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  call(method, req) {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`provider host has exited: ${this.stderrText()}`));
      this.client[method](req, (err, resp) =>
        err ? reject(new Error(`${method}: ${err.details ?? err.message}`)) : resolve(resp),
      );
    });
  }

  async configure(config) {
    const req = new providerPb.ConfigureRequest();
    req.setArgs(toStruct(config));
    for (const [k, v] of Object.entries(config)) req.getVariablesMap().set(k, v);
    await this.call("configure", req);
  }

  async check(urn, olds, news) {
    const req = new providerPb.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.call("check", req);
    const failures = resp.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
    if (failures.length) throw new Error(`check ${urn}: ${failures.join("; ")}`);
    return resp.getInputs()?.toJavaScript() ?? {};
  }

  async create(urn, props) {
    const req = new providerPb.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const resp = await this.call("create", req);
    return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async diff(urn, id, olds, news) {
    const req = new providerPb.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.call("diff", req);
    return { changes: ["unknown", "none", "some"][resp.getChanges()], replaces: resp.getReplacesList() };
  }

  async read(urn, id, props) {
    const req = new providerPb.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    const resp = await this.call("read", req);
    return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async close() {
    this.client.close();
    if (!this.exited) {
      const gone = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill();
      await gone;
    }
    await new Promise((r) => this.engine.tryShutdown(() => r()));
  }
}

module.exports = { PulumiHost, serializeProvider };
