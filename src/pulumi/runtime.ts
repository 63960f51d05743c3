/**
 * The dynamic provider's implementation, loaded inside Pulumi's dynamic-provider host by the one-line methods of
 * src/pulumi/provider.ts. Each method is decode → core → encode: Pulumi's property bags become the core's props
 * (Pulumi's unknown-value UUID becomes UNKNOWN), the core plans or applies (src/core/lifecycle), and the answer is
 * encoded back, with the core's typed outcomes worded in Pulumi's terms (adopt, allowDeletion, retainOnDelete).
 *
 * Everything here runs in the host process, never in the program, so module-level state is fine: the stack
 * configuration from `configure`, the plans diff made (update re-checks against them), and a lazily opened
 * channel to the engine's log service.
 *
 * Property bags carry three control keys besides the kind's fields:
 * - `__provider`: the serialized provider (added and re-added by the host);
 * - `__connection`: `{ token?, baseUrl?, account? }` of a `spot.Connection` (a secret input and a secret
 *   output, so state holds it encrypted; delete and refresh only get outputs, so it must be an output);
 * - `__adopt`: `true` (find by natural key) or an id: create takes that object over instead of creating.
 */
import type { ChangePlan, CreatedNotFinished, Props, ResourceKind, SecretMemory } from "../core";
import {
  UNKNOWN,
  apply,
  checkInputs,
  isOutcome,
  isSecretHash,
  managedFields,
  memoryOf,
  messageOf,
  plan,
  readLive,
  registerSecret,
  registerSecrets,
  scrub,
  secretInputs,
  stripUndefined,
  takeOver,
} from "../core";
import type { ConnectionSettings } from "./host-client";
import { contextFor, loadRegistry, runIdOf } from "./host-client";

/** What Pulumi sends for a value not known yet (preview) in a dynamic provider's inputs. */
export const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";
export const CONNECTION_KEY = "__connection";
export const ADOPT_KEY = "__adopt";

interface ConfigReader {
  get(key: string): string | undefined;
}

// ---------------------------------------------------------------------------------------------------
// Host-process state

let stackConfig: ConfigReader | undefined;
/** Diff's plans by kind and id: update applies what diff showed, refusing if the object moved since. */
const plans = new Map<string, ChangePlan>();

/** Called by the host once per distinct `__provider` with the whole stack configuration (namespaced keys). */
export async function configure(req: { config: ConfigReader }): Promise<void> {
  stackConfig = req.config;
}

function configValue(key: string): string | undefined {
  const v = stackConfig?.get(key);
  return v === undefined || v === "" ? undefined : v;
}

let runAnnounced = false;

/** Before the first change of the process: tell the user which run id Spot's audit log will show. */
async function announceRun(): Promise<void> {
  if (runAnnounced) return;
  runAnnounced = true;
  const id = runIdOf(configValue);
  await engineLog(
    "info",
    `spot-iac run ${id}: Spot's audit log attributes this run's changes to it (User-Agent "… run=${id}")`,
  );
}

function contextOf(conn: ConnectionSettings | undefined, label: string) {
  // Kinds call warn() without awaiting: the log is awaited before the provider call returns (named()).
  return contextFor(conn, configValue, (message: string) => {
    const p = engineLog("warning", `${label}: ${message}`);
    pendingLogs.add(p);
    void p.finally(() => pendingLogs.delete(p));
  });
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

function pulumiDir(): string {
  return require("node:path").dirname(require.resolve("@pulumi/pulumi/package.json"));
}

export function engineLog(severity: keyof typeof SEVERITY, message: string): Promise<void> {
  message = scrub(message);
  const addr = engineAddress();
  const fallback = () => process.stderr.write(`${severity}: ${message}\n`);
  if (!addr) {
    fallback();
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    try {
      // The host's own copy, found through @pulumi/pulumi: under pnpm it is not hoisted where we are.
      const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir()] }));
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
// Codec: Pulumi's bags ⇄ the core's props

function decode(v: unknown): unknown {
  if (v === PULUMI_UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    const r: Props = {};
    for (const [k, e] of Object.entries(v)) r[k] = decode(e);
    return r;
  }
  return v;
}

function encode(v: unknown): unknown {
  if (v === UNKNOWN) return PULUMI_UNKNOWN;
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === "object") {
    const r: Props = {};
    for (const [k, e] of Object.entries(v)) r[k] = encode(e);
    return r;
  }
  return v;
}

function split(props: Props | undefined): { fields: Props; connection?: ConnectionSettings; adopt?: unknown } {
  const fields: Props = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k !== PROVIDER_KEY && k !== CONNECTION_KEY && k !== ADOPT_KEY) fields[k] = decode(v);
  }
  const connection = props?.[CONNECTION_KEY] ?? undefined;
  return { fields, connection, adopt: decode(props?.[ADOPT_KEY] ?? undefined) };
}

/**
 * Pulumi keeps the secret memory in the outputs themselves: the secret inputs' fields hold salted hashes there
 * (secret outputs, so encrypted in state).
 */
function memoryIn(kind: ResourceKind, outputs: Props | undefined): SecretMemory & { record: Record<string, string> } {
  const record: Record<string, string> = {};
  for (const k of secretInputs(kind.fields)) if (isSecretHash(outputs?.[k])) record[k] = outputs![k];
  return memoryOf(record);
}

/**
 * The engine hands secrets to the provider in plain text (the host does not accept secrets). Register them with
 * the redaction, so no log line or error message of this process can carry one.
 */
function guardSecrets(kind: ResourceKind, ...bags: (Props | undefined)[]): void {
  registerSecrets(kind.fields, ...bags);
  for (const bag of bags) {
    const token = bag?.[CONNECTION_KEY]?.token;
    if (typeof token === "string") registerSecret(token);
  }
  const token = configValue("spot:token");
  if (token) registerSecret(token);
}

/** Outputs as Pulumi stores them: the kind's outputs with the remembered hashes, and the connection. */
function outputsOf(
  outputs: Props,
  memory: { record: Record<string, string> },
  conn: ConnectionSettings | undefined,
): Props {
  const outs: Props = { ...outputs, ...memory.record };
  // `id`/`urn` are the resource's own properties in Pulumi: a same-named output would shadow them.
  delete outs.id;
  delete outs.urn;
  if (conn) outs[CONNECTION_KEY] = conn;
  return stripUndefined(outs);
}

function show(v: unknown): string {
  return v === undefined ? "(unset)" : v === UNKNOWN ? "(known after apply)" : JSON.stringify(v);
}

function sameConnection(a: ConnectionSettings | undefined, b: ConnectionSettings | undefined): boolean {
  const norm = (c: ConnectionSettings | undefined) =>
    JSON.stringify([c?.token ?? null, c?.baseUrl ?? null, c?.account ?? null]);
  return norm(a) === norm(b);
}

function labelOf(kind: ResourceKind, id: string | undefined): string {
  return id ? `${kind.name} ${id}` : kind.name;
}

/** The core's typed outcomes, worded with Pulumi's remedies. */
function reworded(kind: ResourceKind, e: unknown): unknown {
  if (!isOutcome(e)) return e;
  const say = (m: string) => Object.assign(new Error(m), { cause: e });
  switch (e.outcome) {
    case "AlreadyExists":
      return say(
        `${e.message}; take it over instead of creating a second one: set adopt: true (finds it by ` +
          `${kind.naturalKey.join(", ")}) or adopt: "${e.ids[0] ?? "<id>"}", or choose another name`,
      );
    case "Ambiguous":
      return say(`${e.message}; take over the one to manage by its id: adopt: "<id>"`);
    case "DeletionRefused":
      return say(
        e.reason === "irreversible"
          ? `${e.message}. To allow it, first set allowDeletion: true and run pulumi up (it is recorded in state), then ` +
              `make this change; to stop managing it and keep it, use the retainOnDelete resource option or pulumi state delete`
          : `${e.message}; to stop managing it, use the retainOnDelete resource option or pulumi state delete`,
      );
    case "ChangedSincePlan":
      return say(`${e.message}; nothing was changed. Run pulumi up again to plan from the current state`);
    case "NotFound":
      return say(`${e.message}; check adopt (ids look like ${kind.importId.format}), or remove adopt to create it`);
    default:
      return e;
  }
}

/** Errors get the resource named in front, once, and no secret; pending engine logs are flushed first. */
function named<T>(kind: ResourceKind, label: string, run: () => Promise<T>): Promise<T> {
  return run()
    .catch((raw: unknown) => {
      const e = reworded(kind, raw) as any;
      if (e && typeof e.message === "string") {
        e.message = scrub(e.message.startsWith(label) ? e.message : `${label}: ${e.message}`);
        // The host prints `${e}: ${e.stack}` for failed diff/read/delete calls.
        if (typeof e.stack === "string") e.stack = scrub(e.stack);
      }
      throw e;
    })
    .finally(() => Promise.all([...pendingLogs]));
}

/** A plan's problems as one error (the preview fails with every problem listed). */
function throwProblems(cp: ChangePlan): void {
  if (!cp.problems.length) return;
  const lines = cp.problems.map((x) =>
    x.type === "irreversible"
      ? // A replacement is planned from the declaration, so allowDeletion: true declared with the change allows it
        // (unlike a destroy, which only has state).
        `${x.message}. To allow it, set allowDeletion: true; or keep ${x.fields.join(", ")} as ` +
        `${x.fields.length > 1 ? "they are" : "it is"}`
      : x.type === "invalid"
        ? `${x.field} ${x.message}`
        : x.message,
  );
  throw new Error(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------------
// Provider methods (see ResourceProvider in @pulumi/pulumi/dynamic)

function checkConnection(v: unknown, failures: { property: string; reason: string }[]): void {
  if (v === undefined || v === PULUMI_UNKNOWN) return;
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
    } else if (e !== undefined && e !== null && e !== PULUMI_UNKNOWN && typeof e !== "string") {
      failures.push({ property: "connection", reason: `connection.${k} must be a string` });
    }
  }
  const baseUrl = (v as Props).baseUrl;
  if (typeof baseUrl === "string" && baseUrl !== PULUMI_UNKNOWN && !/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    failures.push({
      property: "connection",
      reason: `connection.baseUrl must be an http(s) URL such as https://api.spotinst.io`,
    });
  }
}

export async function check(registry: string, kindName: string, _olds: Props, news: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  guardSecrets(kind, news);
  const { fields, connection, adopt } = split(news);
  const result = checkInputs(kind.fields, fields, { check: kind.check?.bind(kind), allowUnknown: true });
  const failures = result.failures.map((f) => ({ property: f.field, reason: `${f.field} ${f.message}` }));
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
  const inputs: Props = encode(result.inputs) as Props;
  if (connection !== undefined) inputs[CONNECTION_KEY] = connection;
  if (adopt !== undefined) inputs[ADOPT_KEY] = encode(adopt);
  return { inputs: stripUndefined(inputs), failures };
}

export async function diff(registry: string, kindName: string, id: string, olds: Props, news: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  const label = labelOf(kind, id);
  guardSecrets(kind, olds, news);
  return named(kind, label, async () => {
    const o = split(olds);
    const n = split(news);
    // Read with the connection the program wants now: a rotated token must work before the update runs.
    const cp = await plan({
      kind,
      desired: n.fields,
      id,
      prior: o.fields,
      ctx: contextOf(n.connection ?? o.connection, label),
      secrets: memoryIn(kind, o.fields),
    });
    if (cp.gone) {
      // Deleted outside Pulumi: plan a re-create. Delete first (deleting a gone object is a no-op).
      await engineLog("info", `${label} no longer exists in Spot (deleted outside Pulumi); it will be created again`);
      const keys = kind.naturalKey.length ? [...kind.naturalKey] : Object.keys(n.fields).slice(0, 1);
      return { changes: true, replaces: keys, deleteBeforeReplace: true };
    }
    throwProblems(cp);
    plans.set(`${kind.name}/${id}`, cp);
    // Secret outputs Spot returns only at creation (a programmatic user's token): one that never arrived cannot come later.
    for (const [k, f] of Object.entries(kind.fields))
      if (f.secret && !f.required && !f.optional && (o.fields[k] === undefined || o.fields[k] === ""))
        await engineLog(
          "warning",
          `${label} has no ${k}: Spot returns it only when the object is created (this one was adopted, or the ` +
            `answer was lost). To get one, replace it: pulumi up --replace <urn of this resource>`,
        );
    // Pulumi shows only its own input diff for dynamic resources: say which fields changed outside Pulumi.
    if (cp.drift.length) {
      const text = cp.drift.map((c) => `${c.field}: ${show(c.before)} → ${show(c.after)}`).join("; ");
      await engineLog("info", `${label} was changed outside Pulumi: ${text}`);
    }
    const replaces = cp.replaceFields;
    // Same natural key: the new object would collide with (or be found as) the old one, so delete first.
    const deleteBeforeReplace =
      replaces.length > 0 &&
      kind.naturalKey.length > 0 &&
      kind.naturalKey.every((k) => JSON.stringify(n.fields[k] ?? null) === JSON.stringify(cp.live?.[k] ?? null));
    const changes = cp.changes.length > 0 || !sameConnection(o.connection, n.connection);
    return { changes, replaces, deleteBeforeReplace };
  });
}

/**
 * A create (or take-over) that Spot completed only in part: the host records the object from `id` and `properties`,
 * and the next `pulumi up` updates it. The properties are what exists (the kind's outputs, the local settings), never
 * the declared values the failed step did not apply: recorded as outputs, those would show as changes made outside
 * Pulumi on the next run.
 */
function partial(kind: ResourceKind, e: CreatedNotFinished, properties: Props, adopted: boolean): never {
  const what = adopted ? `${kind.name} ${e.id} was adopted, but ${e.step} failed: ${messageOf(e.cause)}` : e.message;
  const message = `${what}. Pulumi keeps it in state, and the next pulumi up finishes it`;
  const err = new Error(message) as Error & Props;
  err.id = e.id;
  err.properties = properties;
  err.reasons = [message];
  throw err;
}

/** The kind's local settings (never sent to Spot) as declared, defaults applied. */
function localSettings(kind: ResourceKind, fields: Props): Props {
  const out: Props = {};
  for (const [k, f] of Object.entries(kind.fields)) if (f.local) out[k] = fields[k] ?? f.default;
  return out;
}

export async function create(registry: string, kindName: string, inputs: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  const { fields, connection, adopt } = split(inputs);
  guardSecrets(kind, inputs);
  return named(kind, labelOf(kind, undefined), async () => {
    await announceRun();
    const ctx = contextOf(connection, kind.name);
    const memory = memoryIn(kind, undefined);
    try {
      if (adopt === undefined || adopt === false) {
        const a = await apply({ kind, ctx, action: "create", desired: fields, secrets: memory });
        return { id: a.id!, outs: outputsOf(a.outputs!, memory, connection) };
      }
      const by = adopt === true ? { inputs: fields } : { id: String(adopt) };
      const found = await takeOver({ kind, ctx, desired: fields, by, secrets: memory }).catch((e: unknown) => {
        if (isOutcome(e, "ChangeRejected"))
          e.message += `; declare the live value to adopt it, or remove adopt and choose another ${kind.naturalKey.join(", ")}`;
        throw e;
      });
      await engineLog("info", `${labelOf(kind, found.id)}: adopted the existing object instead of creating one`);
      return { id: found.id, outs: outputsOf(found.outputs, memory, connection) };
    } catch (e) {
      // The object exists: Pulumi records it from the partial failure, and the next `pulumi up` updates it.
      if (isOutcome(e, "CreatedNotFinished")) {
        // Local settings are in effect once recorded; what Spot holds is what the kind reported.
        const properties = outputsOf({ ...e.outputs, ...localSettings(kind, fields) }, memory, connection);
        // The host re-adds `__provider` to what create returns, but not to a partial failure's properties: without
        // it, the engine's next call for the recorded object (a destroy, a refresh) could not load the provider.
        partial(kind, e, { ...properties, [PROVIDER_KEY]: inputs[PROVIDER_KEY] }, !!adopt);
      }
      throw e;
    }
  });
}

export async function read(registry: string, kindName: string, id: string, props: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  const label = labelOf(kind, id);
  guardSecrets(kind, props);
  return named(kind, label, async () => {
    const { fields, connection } = split(props);
    const memory = memoryIn(kind, fields);
    // Nothing recorded (a `Resource.get`, which passes no state): read the whole object, as an import does.
    const recorded = Object.keys(fields).length > 0;
    const live = await readLive({
      kind,
      ctx: contextOf(connection, label),
      id,
      prior: fields,
      secrets: memory,
      manage: recorded ? managedFields(kind, fields) : undefined,
    });
    // Gone: an empty id makes Pulumi drop the resource from state on refresh.
    if (!live) return { id: "", props: {} };
    return { id, props: outputsOf(live, memory, connection) };
  });
}

export async function update(registry: string, kindName: string, id: string, olds: Props, news: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  const label = labelOf(kind, id);
  guardSecrets(kind, olds, news);
  return named(kind, label, async () => {
    const o = split(olds);
    const n = split(news);
    const memory = memoryIn(kind, o.fields);
    const planned = plans.get(`${kind.name}/${id}`);
    plans.delete(`${kind.name}/${id}`);
    await announceRun();
    const ctx = contextOf(n.connection ?? o.connection, label);
    // Diff ran moments ago in this process, and the client still has what it read: apply must compare the plan
    // with Spot as it is now, not with the cached answer, or a change made since the plan goes unnoticed.
    if (planned?.basis) ctx.client.clearCache();
    const a = await apply({
      kind,
      ctx,
      action: "update",
      id,
      desired: n.fields,
      prior: o.fields,
      secrets: memory,
      basis: planned?.basis,
    });
    return { outs: outputsOf(a.outputs!, memory, n.connection) };
  });
}

/** `delete` is a reserved word for an export name; provider.ts maps the provider's delete to this. */
export async function remove(registry: string, kindName: string, id: string, props: Props) {
  const kind = loadRegistry(registry).kindByName(kindName);
  const label = labelOf(kind, id);
  guardSecrets(kind, props);
  return named(kind, label, async () => {
    const { fields, connection } = split(props);
    await announceRun();
    await apply({
      kind,
      ctx: contextOf(connection, label),
      action: "delete",
      id,
      prior: fields,
      secrets: memoryIn(kind, fields),
    });
  });
}
