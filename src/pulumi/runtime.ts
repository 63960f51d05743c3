/**
 * The dynamic provider's implementation, loaded inside Pulumi's dynamic-provider host by the one-line
 * methods of src/pulumi/provider.ts. It adapts Pulumi's provider calls to the resource engine
 * (src/resources): schema checks, a diff against the *live* object, create/adopt, read, update, delete.
 *
 * Everything here runs in the host process, never in the program, so module-level state is fine: the
 * stack configuration from `configure`, one API client per connection (reads are coalesced per client),
 * and a lazily opened channel to the engine's log service.
 *
 * Property bags carry three control keys besides the kind's fields:
 * - `__provider`: the serialized provider (added and re-added by the host);
 * - `__connection`: `{ token?, baseUrl?, account? }` of a `spot.Connection` (a secret input and a secret
 *   output, so state holds it encrypted; delete and refresh only get outputs, so it must be an output);
 * - `__adopt`: `true` (find by natural key) or an id: create takes that object over instead of creating.
 */
import { createHash, randomBytes } from "node:crypto";
import * as path from "node:path";
import { redact, registerSecret } from "../api/redact";
import { checkInputs, diffResource, stripUndefined } from "../resources/engine";
import type { CheckFailure, FieldChange, Props, ResourceContext, ResourceKind } from "../resources/types";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";
export const CONNECTION_KEY = "__connection";
export const ADOPT_KEY = "__adopt";

export interface ConnectionSettings {
  token?: string;
  baseUrl?: string;
  account?: string;
}

interface Registry {
  kindByName(name: string): ResourceKind;
  /** Optional seam for registries whose kinds do not talk to Spot (test fixtures). */
  createClient?(options: Props): unknown;
}

interface ConfigReader {
  get(key: string): string | undefined;
}

// ---------------------------------------------------------------------------------------------------
// Host-process state

let stackConfig: ConfigReader | undefined;
const clients = new Map<string, unknown>();

function loadRegistry(registry: string): Registry {
  // Like the runtime itself (require-from-string), a registry id resolves from the host's cwd: the program directory.
  return require(
    registry ? require.resolve(registry, { paths: [process.cwd()] }) : path.join(__dirname, "..", "resources"),
  );
}

/** Called by the host once per distinct `__provider` with the whole stack configuration (namespaced keys). */
export async function configure(req: { config: ConfigReader }): Promise<void> {
  stackConfig = req.config;
}

function configValue(key: string): string | undefined {
  const v = stackConfig?.get(key);
  return v === undefined || v === "" ? undefined : v;
}

/**
 * Client options for a resource: its own connection first, then the stack's `spot:*` configuration; what
 * is still missing the client resolves itself (SPOTINST_TOKEN, ~/.spotinst/credentials …).
 */
function clientOptions(conn: ConnectionSettings | undefined): Props {
  const opts: Props = { frontend: "pulumi" };
  const token = conn?.token ?? configValue("spot:token");
  const baseUrl = conn?.baseUrl ?? configValue("spot:baseUrl");
  const account = conn?.account ?? configValue("spot:account");
  if (token !== undefined) opts.token = token;
  if (baseUrl !== undefined) opts.baseUrl = baseUrl;
  if (account !== undefined) opts.account = account;
  opts.runId = currentRunId();
  return opts;
}

let runId: string | undefined;
let runAnnounced = false;

/**
 * One run id per host process, i.e. per `pulumi up`/`preview`/`destroy` (the CLI starts a host for each),
 * unless the stack sets `spot:runId` or the environment SPOT_IAC_RUN_ID. Every client of the process sends
 * it in its User-Agent, so Spot's audit log attributes each change to the run.
 */
function currentRunId(): string {
  runId ??=
    configValue("spot:runId") ??
    process.env.SPOT_IAC_RUN_ID ??
    `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomBytes(4).toString("hex")}`;
  return runId;
}

/** Before the first change of the process: tell the user which run id Spot's audit log will show. */
async function announceRun(): Promise<void> {
  if (runAnnounced) return;
  runAnnounced = true;
  await engineLog(
    "info",
    `spot-iac run ${currentRunId()}: Spot's audit log attributes this run's changes to it (User-Agent "… run=${currentRunId()}")`,
  );
}

function clientFor(registry: string, reg: Registry, conn: ConnectionSettings | undefined): unknown {
  const opts = clientOptions(conn);
  // Keyed by a hash so the token is not kept twice in memory under a readable key.
  const key = createHash("sha256")
    .update(JSON.stringify([registry, opts.token ?? null, opts.baseUrl ?? null, opts.account ?? null]))
    .digest("hex");
  let client = clients.get(key);
  if (!client) {
    if (reg.createClient) client = reg.createClient(opts);
    else {
      const api = require("../api");
      client = new api.SpotClient(opts);
    }
    clients.set(key, client);
  }
  return client;
}

function contextFor(
  registry: string,
  reg: Registry,
  conn: ConnectionSettings | undefined,
  label: string,
): ResourceContext {
  let client: unknown;
  return {
    // Lazy: building a client throws when no token can be found, and checks must not need one.
    get client() {
      client ??= clientFor(registry, reg, conn);
      return client as ResourceContext["client"];
    },
    // Kinds call warn() without awaiting: the log is awaited before the provider call returns (named()).
    warn: (message: string) => {
      const p = engineLog("warning", `${label}: ${message}`);
      pendingLogs.add(p);
      void p.finally(() => pendingLogs.delete(p));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Engine log: the host gets the engine's address as its first argument (and never uses it); logging
// through it is the only way a warning ("connection forgotten, not deleted") reaches `pulumi up`'s output.

const SEVERITY = { debug: 0, info: 1, warning: 2, error: 3 } as const;
let engineClient: any;
const pendingLogs = new Set<Promise<void>>();

function engineAddress(): string | undefined {
  const addr = process.argv[2];
  return addr && /^[\w.-]+:\d+$/.test(addr) && /dynamic-provider/.test(process.argv[1] ?? "") ? addr : undefined;
}

export function engineLog(severity: keyof typeof SEVERITY, message: string): Promise<void> {
  message = redact(message);
  const addr = engineAddress();
  const fallback = () => process.stderr.write(`${severity}: ${message}\n`);
  if (!addr) {
    fallback();
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    try {
      const grpc = require("@grpc/grpc-js");
      const enginePb = require("@pulumi/pulumi/proto/engine_pb");
      const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
      engineClient ??= new engineRpc.EngineClient(addr, grpc.credentials.createInsecure());
      const req = new enginePb.LogRequest();
      req.setSeverity(SEVERITY[severity]);
      req.setMessage(message);
      engineClient.log(req, { deadline: Date.now() + 5000 }, (err: unknown) => {
        if (err) fallback();
        resolve();
      });
    } catch {
      fallback();
      resolve();
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Helpers

function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

function valueAt(obj: Props, dotted: string): unknown {
  let v: any = obj;
  for (const part of dotted.split(".")) {
    if (v === UNKNOWN) return UNKNOWN;
    if (v === undefined || v === null || typeof v !== "object") return undefined;
    v = v[part];
  }
  return v;
}

function split(props: Props | undefined): { fields: Props; connection?: ConnectionSettings; adopt?: unknown } {
  const fields: Props = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k !== PROVIDER_KEY && k !== CONNECTION_KEY && k !== ADOPT_KEY) fields[k] = v;
  }
  const connection = props?.[CONNECTION_KEY] ?? undefined;
  return { fields, connection, adopt: props?.[ADOPT_KEY] ?? undefined };
}

/**
 * The engine hands secrets to the provider in plain text (the host does not accept secrets). Register them
 * with the client's redaction, so no log line or error message of this process can carry one.
 */
function registerSecrets(kind: ResourceKind, ...bags: Props[]): void {
  const walk = (fields: ResourceKind["fields"], v: Props | undefined) => {
    if (!v || typeof v !== "object") return;
    for (const [key, f] of Object.entries(fields)) {
      const value = v[key];
      if (f.secret && typeof value === "string") registerSecret(value);
      else if (typeof f.type === "object" && "object" in f.type) {
        for (const item of Array.isArray(value) ? value : [value]) walk(f.type.object, item);
      }
    }
  };
  for (const bag of bags) {
    walk(kind.fields, bag);
    const token = bag?.[CONNECTION_KEY]?.token;
    if (typeof token === "string") registerSecret(token);
  }
  const token = configValue("spot:token");
  if (token) registerSecret(token);
}

/** Outputs as Pulumi stores them: the kind's outputs, local settings as the program gave them, the connection. */
function outputsOf(
  kind: ResourceKind,
  outputs: Props,
  desired: Props | undefined,
  conn: ConnectionSettings | undefined,
): Props {
  const outs: Props = { ...outputs };
  // `id`/`urn` are the resource's own properties in Pulumi: a same-named output would shadow them.
  delete outs.id;
  delete outs.urn;
  if (desired) {
    for (const [key, f] of Object.entries(kind.fields))
      if (f.local && desired[key] !== undefined) outs[key] = desired[key];
  }
  if (conn) outs[CONNECTION_KEY] = conn;
  return stripUndefined(outs);
}

function show(v: unknown): string {
  return v === undefined ? "(unset)" : JSON.stringify(v);
}

function describeChanges(changes: FieldChange[]): string {
  return changes
    .map((c) => (c.secret ? `${c.field} (secret)` : `${c.field}: ${show(c.before)} → ${show(c.after)}`))
    .join("; ");
}

function sameConnection(a: ConnectionSettings | undefined, b: ConnectionSettings | undefined): boolean {
  const norm = (c: ConnectionSettings | undefined) =>
    JSON.stringify([c?.token ?? null, c?.baseUrl ?? null, c?.account ?? null]);
  return norm(a) === norm(b);
}

/** "an Account", "a User". */
function article(name: string): string {
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

function labelOf(kind: ResourceKind, id: string | undefined): string {
  return id ? `${kind.name} ${id}` : kind.name;
}

/** Errors from the engine or the client get the resource named in front, once. */
function named<T>(label: string, run: () => Promise<T>): Promise<T> {
  return run()
    .catch((e: any) => {
      if (e && typeof e.message === "string") {
        e.message = redact(e.message.startsWith(label) ? e.message : `${label}: ${e.message}`);
        // The host prints `${e}: ${e.stack}` for failed diff/read/delete calls.
        if (typeof e.stack === "string") e.stack = redact(e.stack);
      }
      throw e;
    })
    .finally(() => Promise.all([...pendingLogs]));
}

function naturalKeyText(kind: ResourceKind, fields: Props): string {
  return kind.naturalKey.map((k) => `${k}=${show(fields[k])}`).join(", ");
}

// ---------------------------------------------------------------------------------------------------
// Provider methods (see ResourceProvider in @pulumi/pulumi/dynamic)

function checkConnection(v: unknown, failures: { property: string; reason: string }[]): void {
  if (v === undefined || v === UNKNOWN) return;
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    failures.push({ property: "connection", reason: "connection must be a spot.Connection" });
    return;
  }
  for (const [k, e] of Object.entries(v)) {
    if (!["token", "baseUrl", "account"].includes(k)) {
      failures.push({
        property: "connection",
        reason: `connection.${k} is not a connection setting; use token, baseUrl, account`,
      });
    } else if (e !== undefined && e !== null && e !== UNKNOWN && typeof e !== "string") {
      failures.push({ property: "connection", reason: `connection.${k} must be a string` });
    }
  }
  const baseUrl = (v as Props).baseUrl;
  if (typeof baseUrl === "string" && baseUrl !== UNKNOWN && !/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    failures.push({
      property: "connection",
      reason: `connection.baseUrl must be an http(s) URL such as https://api.spotinst.io`,
    });
  }
}

export async function check(registry: string, kindName: string, _olds: Props, news: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  registerSecrets(kind, news);
  const { fields, connection, adopt } = split(news);
  const failures: { property: string; reason: string }[] = [];
  const add = (f: CheckFailure) => failures.push({ property: f.field, reason: `${f.field} ${f.message}` });

  // Schema checks first; the kind's cross-field check only once every value is known (in a preview,
  // values computed by other resources are the unknown sentinel and would fail e.g. an ARN pattern).
  const schemaOnly = { ...kind, check: undefined };
  const result = checkInputs(schemaOnly, fields);
  const real = result.failures.filter((f) => !containsUnknown(valueAt(fields, f.field)));
  real.forEach(add);
  if (result.failures.length === 0 && kind.check && !containsUnknown(result.inputs))
    kind.check(result.inputs).forEach(add);

  if (
    adopt !== undefined &&
    adopt !== UNKNOWN &&
    typeof adopt !== "boolean" &&
    (typeof adopt !== "string" || adopt === "")
  ) {
    failures.push({
      property: "adopt",
      reason: `adopt must be true (find the existing ${kind.name} by ${kind.naturalKey.join(", ")}) or its id (${kind.importId.format}, e.g. "${kind.importId.example}")`,
    });
  }
  checkConnection(connection, failures);

  const inputs: Props = { ...result.inputs };
  if (connection !== undefined) inputs[CONNECTION_KEY] = connection;
  if (adopt !== undefined) inputs[ADOPT_KEY] = adopt;
  return { inputs: stripUndefined(inputs), failures };
}

export async function diff(registry: string, kindName: string, id: string, olds: Props, news: Props) {
  const reg = loadRegistry(registry);
  const kind = reg.kindByName(kindName);
  const label = labelOf(kind, id);
  registerSecrets(kind, olds, news);
  return named(label, async () => {
    const o = split(olds);
    const n = split(news);
    // Read with the connection the program wants now: a rotated token must work before the update runs.
    const ctx = contextFor(registry, reg, n.connection ?? o.connection, label);
    const live = await kind.read(ctx, id, o.fields);
    if (!live) {
      // Deleted outside Pulumi: plan a re-create. Delete first (deleting a gone object is a no-op).
      await engineLog("info", `${label} no longer exists in Spot (deleted outside Pulumi); it will be created again`);
      const keys = kind.naturalKey.length ? [...kind.naturalKey] : Object.keys(n.fields).slice(0, 1);
      return { changes: true, replaces: keys, deleteBeforeReplace: true };
    }
    const d = diffResource(kind, n.fields, live);
    const rejected = d.rejected.filter((r) => !containsUnknown(n.fields[r.field]));
    if (rejected.length) throw new Error(rejected.map((r) => r.message).join("\n"));

    // Changes made outside Pulumi (the program and the last known state agree, Spot does not): Pulumi
    // shows only its own input diff for dynamic resources, so say which fields drifted.
    // Secrets are skipped: old outputs hold their hashes, which never equal a desired plaintext.
    const before = diffResource(kind, o.fields, live);
    const drifted = before.changes.filter((c) => !c.secret && d.changes.some((x) => x.field === c.field));
    if (drifted.length) {
      // `before` compared the last applied state (after) with Spot (before): show it as state → Spot.
      const text = drifted.map((c) => `${c.field}: ${show(c.after)} → ${show(c.before)}`).join("; ");
      await engineLog("info", `${label} was changed outside Pulumi: ${text}`);
    }

    const replaces = d.changes.filter((c) => c.mode === "replace").map((c) => c.field);
    if (replaces.length && kind.irreversibleDelete && o.fields.allowDeletion !== true) {
      throw new Error(
        `changing ${replaces.join(", ")} replaces the ${kind.name}, and deleting ${article(kind.name)} cannot be undone. ` +
          `To allow it, first set allowDeletion: true and run pulumi up (it is recorded in state), then make this change; ` +
          `or keep ${replaces.join(", ")} as it is.`,
      );
    }
    // Same natural key: the new object would collide with (or be found as) the old one, so delete first.
    const deleteBeforeReplace =
      replaces.length > 0 &&
      kind.naturalKey.length > 0 &&
      kind.naturalKey.every((k) => JSON.stringify(n.fields[k] ?? null) === JSON.stringify(live[k] ?? null));
    const changes = d.changes.length > 0 || !sameConnection(o.connection, n.connection);
    return { changes, replaces, deleteBeforeReplace };
  });
}

async function adoptExisting(kind: ResourceKind, ctx: ResourceContext, fields: Props, adopt: true | string) {
  let found: { id: string; outputs: Props } | undefined;
  if (adopt === true) {
    found = await kind.find(ctx, fields);
    if (!found) {
      throw new Error(
        `adopt: true, but no existing ${kind.name} matches ${naturalKeyText(kind, fields)}; ` +
          `remove adopt to create it, or set adopt to the id of the one to take over (${kind.importId.format})`,
      );
    }
  } else {
    if (kind.importById) found = await kind.importById(ctx, adopt);
    else {
      const live = await kind.read(ctx, adopt);
      found = live ? { id: adopt, outputs: live } : undefined;
    }
    if (!found) {
      throw new Error(
        `adopt: "${adopt}" names no existing ${kind.name} (ids look like ${kind.importId.format}); check the id or remove adopt to create one`,
      );
    }
  }
  return found;
}

export async function create(registry: string, kindName: string, inputs: Props) {
  const reg = loadRegistry(registry);
  const kind = reg.kindByName(kindName);
  const { fields, connection, adopt } = split(inputs);
  registerSecrets(kind, inputs);
  return named(labelOf(kind, undefined), async () => {
    await announceRun();
    if (adopt === undefined || adopt === false) {
      const ctx = contextFor(registry, reg, connection, kind.name);
      const { id, outputs } = await kind.create(ctx, fields);
      return { id, outs: outputsOf(kind, outputs, fields, connection) };
    }
    const ctx0 = contextFor(registry, reg, connection, kind.name);
    const found = await adoptExisting(kind, ctx0, fields, adopt as true | string);
    const label = labelOf(kind, found.id);
    const ctx = contextFor(registry, reg, connection, label);
    const d = diffResource(kind, fields, found.outputs);
    const blocking = d.changes.filter((c) => c.mode !== "update");
    if (blocking.length) {
      throw new Error(
        `${label}: cannot adopt it as declared: ${describeChanges(blocking)} cannot be changed in place. ` +
          `Set ${blocking.map((c) => c.field).join(", ")} to the live value, or remove adopt to create a new ${kind.name}.`,
      );
    }
    let outputs = found.outputs;
    const apiChanges = d.changes.filter((c) => !kind.fields[c.field]?.local);
    if (apiChanges.length) {
      try {
        outputs = await kind.update(ctx, found.id, fields, found.outputs, d.changes);
      } catch (e: any) {
        // Taken over but not brought in line: the host turns `id` into a partial create, so Pulumi
        // records the object and the next `pulumi up` retries the update instead of adopting again.
        const err = new Error(`${label}: adopted, but updating it failed: ${e?.message ?? e}`) as Error & Props;
        err.id = found.id;
        err.properties = outputsOf(kind, found.outputs, fields, connection);
        err.reasons = [String(e?.message ?? e)];
        throw err;
      }
    }
    await engineLog("info", `${label}: adopted the existing object instead of creating one`);
    return { id: found.id, outs: outputsOf(kind, outputs, fields, connection) };
  });
}

export async function read(registry: string, kindName: string, id: string, props: Props) {
  const reg = loadRegistry(registry);
  const kind = reg.kindByName(kindName);
  const label = labelOf(kind, id);
  registerSecrets(kind, props);
  return named(label, async () => {
    const { fields, connection } = split(props);
    const live = await kind.read(contextFor(registry, reg, connection, label), id, fields);
    // Gone: an empty id makes Pulumi drop the resource from state on refresh.
    if (!live) return { id: "", props: {} };
    return { id, props: outputsOf(kind, live, fields, connection) };
  });
}

export async function update(registry: string, kindName: string, id: string, olds: Props, news: Props) {
  const reg = loadRegistry(registry);
  const kind = reg.kindByName(kindName);
  const label = labelOf(kind, id);
  registerSecrets(kind, olds, news);
  return named(label, async () => {
    const o = split(olds);
    const n = split(news);
    const ctx = contextFor(registry, reg, n.connection ?? o.connection, label);
    const live = await kind.read(ctx, id, o.fields);
    if (!live) {
      throw new Error(
        `it no longer exists in Spot (deleted outside Pulumi); run pulumi up again to re-create it, or pulumi refresh to forget it`,
      );
    }
    const d = diffResource(kind, n.fields, live);
    if (d.rejected.length) throw new Error(d.rejected.map((r) => r.message).join("\n"));
    const replace = d.changes.filter((c) => c.mode === "replace");
    if (replace.length) {
      throw new Error(
        `${describeChanges(replace)} changed in Spot since the preview and needs a replacement; run pulumi up again`,
      );
    }
    let outputs: Props = live;
    if (d.changes.some((c) => !kind.fields[c.field]?.local)) {
      await announceRun();
      outputs = await kind.update(ctx, id, n.fields, live, d.changes);
    }
    return { outs: outputsOf(kind, outputs, n.fields, n.connection) };
  });
}

/** `delete` is a reserved word for an export name; provider.ts maps the provider's delete to this. */
export async function remove(registry: string, kindName: string, id: string, props: Props) {
  const reg = loadRegistry(registry);
  const kind = reg.kindByName(kindName);
  const label = labelOf(kind, id);
  registerSecrets(kind, props);
  return named(label, async () => {
    const { fields, connection } = split(props);
    const ctx = contextFor(registry, reg, connection, label);
    const live = await kind.read(ctx, id, fields);
    if (!live) return; // already gone: nothing to delete, and nothing irreversible happens
    if (kind.irreversibleDelete && fields.allowDeletion !== true) {
      throw new Error(
        `deleting ${article(kind.name)} cannot be undone, so spot-iac refused. To delete it, set allowDeletion: true and run ` +
          `pulumi up, then remove it; to stop managing it and keep it, use the retainOnDelete resource option or pulumi state delete.`,
      );
    }
    await announceRun();
    await kind.delete(ctx, id, { ...live, ...pickLocal(kind, fields) });
  });
}

function pickLocal(kind: ResourceKind, fields: Props): Props {
  const r: Props = {};
  for (const [key, f] of Object.entries(kind.fields)) if (f.local && fields[key] !== undefined) r[key] = fields[key];
  return r;
}
