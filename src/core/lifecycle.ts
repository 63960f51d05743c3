/**
 * THE resource lifecycle, once for every front-end: plan a change (check, locate or read, diff, guards), apply it
 * (re-check live state once, then create / update / replace / delete), adopt an existing object.
 *
 * A front-end decodes its wire form into props (mapping its own "unknown" to UNKNOWN), calls these, and encodes
 * the answer. The decisions live here:
 * - what each change does (schema `onChange`), and that an UNKNOWN value is a change known after apply;
 * - the irreversible-deletion guard (`allowDeletion`), for destroy and for replace;
 * - that a change of local settings only never calls Spot;
 * - that apply refuses when the object moved since it was planned (ChangedSincePlan) or vanished;
 * - which outputs a plan may promise (stable ones kept, others known after apply);
 * - what a kind's read gets as `prior` (state, or the declaration when the front-end has none) and which fields
 *   the caller manages;
 * - which secret hashes are remembered after a change.
 */
import { checkInputs } from "./check";
import { diffResource, fingerprint, movedFields, stripUndefined } from "./diff";
import {
  AlreadyExists,
  ChangeRejected,
  ChangedSincePlan,
  CreatedNotFinished,
  DeletionRefused,
  InvalidInputs,
  NotFound,
  article,
  isOutcome,
} from "./errors";
import type { FieldChange, Found, Props, ResourceContext, ResourceKind } from "./kind";
import { isInput } from "./schema";
import type { SecretMemory } from "./secrets";
import { NO_MEMORY, recalled, rememberSecrets } from "./secrets";
import { UNKNOWN, containsUnknown, withoutUnknowns } from "./unknown";

/** The input that lets an irreversible deletion go ahead. */
export const DELETION_FIELD = "allowDeletion";

export type Action = "create" | "update" | "replace" | "delete" | "noop";

export type Problem =
  | { type: "invalid"; field: string; message: string }
  | { type: "rejected"; field: string; message: string; hint?: string }
  | { type: "irreversible"; action: "delete" | "replace"; fields: string[]; message: string };

export interface ChangePlan {
  kind: ResourceKind;
  action: Action;
  /** The object's id (none for a create). */
  id?: string;
  /** Checked desired inputs, UNKNOWN where not known yet (none for a delete). */
  inputs?: Props;
  /** The live object the plan was made from, completed with what Spot never returns. */
  live?: Props;
  changes: FieldChange[];
  /** The changes that force the replacement. */
  replaceFields: string[];
  /** Every change is a local setting of spot-iac: applying it calls no API. */
  localOnly: boolean;
  /** The caller knew an id, but Spot no longer has the object: planned as a create. */
  gone: boolean;
  /** The object's fields after apply: inputs as desired, stable outputs kept, the rest UNKNOWN when it may change. */
  planned: Props;
  /** Fields that changed outside spot-iac: the last recorded state against live (only with a prior). */
  drift: FieldChange[];
  problems: Problem[];
  /** What apply compares the object with, to tell that it moved since the plan. */
  basis?: Record<string, string>;
}

export interface PlanRequest {
  kind: ResourceKind;
  /** Desired inputs as decoded (UNKNOWN allowed); null: the object is to be deleted. */
  desired: Props | null;
  /** The object's id, when the caller knows it (state, an id pinned in the file, a journal). */
  id?: string;
  /** The live object when the caller already has it (Terraform's refreshed state); null: known to be gone. */
  live?: Props | null;
  /** The last recorded outputs, from a front-end that keeps state. Absent: stateless (GitOps), or new. */
  prior?: Props;
  /** Needed when live must be read or found. */
  ctx?: ResourceContext;
  /** Without an id: look the object up by its natural key. */
  locate?: boolean;
  secrets?: SecretMemory | ((id: string) => SecretMemory);
  /** The user stated elsewhere that this irreversible deletion is intended (a GitOps prune section named explicitly). */
  allowDeletion?: boolean;
  /** Replace the object even if nothing differs (a token returned once that never arrived, `-replace`). */
  forceReplace?: boolean;
  /**
   * The secret inputs that are UNKNOWN were not read (a plan made without the secrets): an existing object's secrets
   * are then not compared at all, rather than planned as changes; a new object gets them at apply.
   */
  unreadSecrets?: boolean;
}

function memoryFor(secrets: PlanRequest["secrets"], id: string | undefined): SecretMemory {
  if (!secrets) return NO_MEMORY;
  if (typeof secrets === "function") return id ? secrets(id) : NO_MEMORY;
  return secrets;
}

/** The input fields present (given, possibly UNKNOWN) in `props`: what the caller manages. */
export function managedFields(kind: ResourceKind, props: Props | undefined): Set<string> {
  const out = new Set<string>();
  for (const [k, f] of Object.entries(kind.fields)) if (isInput(f) && props && props[k] !== undefined) out.add(k);
  return out;
}

/**
 * What a kind's read gets as `prior`: the recorded state when there is one; otherwise (a stateless front-end) the
 * declaration's known values — what Spot never returns is then taken as declared — plus the remembered hashes.
 */
export function priorForRead(
  kind: ResourceKind,
  prior: Props | undefined,
  desired: Props | undefined,
  memory: SecretMemory,
): Props {
  const out: Props = {};
  if (prior) Object.assign(out, prior);
  else if (desired)
    for (const [k, f] of Object.entries(kind.fields))
      if (isInput(f) && !f.secret && desired[k] !== undefined && !containsUnknown(desired[k])) out[k] = desired[k];
  return { ...out, ...recalled(kind.fields, memory) };
}

/** Live outputs completed with what Spot never returns: local settings always, recorded secret hashes if missing. */
function completeLive(kind: ResourceKind, live: Props, prior: Props): Props {
  const out = { ...live };
  for (const [k, f] of Object.entries(kind.fields)) {
    if (f.local) out[k] = prior[k] ?? live[k] ?? f.default;
    else if (f.secret && out[k] === undefined && prior[k] !== undefined) out[k] = prior[k];
  }
  return out;
}

export interface ReadLiveRequest {
  kind: ResourceKind;
  ctx: ResourceContext;
  id: string;
  prior?: Props;
  desired?: Props;
  secrets?: SecretMemory;
  /** Undefined: the whole object (refresh of an import). */
  manage?: ReadonlySet<string>;
}

/** Read the live object, completed with the caller's memory; undefined when Spot no longer has it. */
export async function readLive(req: ReadLiveRequest): Promise<Props | undefined> {
  const memory = req.secrets ?? NO_MEMORY;
  const prior = priorForRead(req.kind, req.prior, req.desired, memory);
  const live = await req.kind.read({ ctx: req.ctx, id: req.id, prior, manage: req.manage });
  return live && completeLive(req.kind, live, prior);
}

function deletionAllowed(req: { allowDeletion?: boolean }, ...objs: (Props | undefined)[]): boolean {
  return !!req.allowDeletion || objs.some((o) => o?.[DELETION_FIELD] === true);
}

function irreversibleMessage(kind: ResourceKind, action: "delete" | "replace", fields: string[]): string {
  const why =
    action === "delete"
      ? "the change deletes it"
      : fields.length
        ? `changing ${fields.join(", ")} replaces it, which deletes it`
        : "replacing it deletes it";
  return (
    `${why}, and deleting ${article(kind.name)} cannot be undone; ` +
    `${DELETION_FIELD} must be true for it to go ahead (for a deletion, recorded by an earlier change; for a replacement, ` +
    `declared with it)`
  );
}

function plannedOutputs(kind: ResourceKind, inputs: Props, live: Props | undefined, changes: FieldChange[]): Props {
  const remote = changes.some((c) => !kind.fields[c.field]?.local);
  const out: Props = {};
  for (const [k, f] of Object.entries(kind.fields)) {
    // A plan is shown and may be saved: a secret's value never goes into it (its hash stays in the secret memory).
    if (f.secret && isInput(f)) continue;
    if (isInput(f)) {
      let v = inputs[k];
      if (v === undefined && f.computed) v = live ? live[k] : UNKNOWN;
      if (v !== undefined) out[k] = v;
    } else if (!live) out[k] = UNKNOWN;
    else if (f.stable || !remote) {
      if (live[k] !== undefined) out[k] = live[k];
    } else out[k] = UNKNOWN;
  }
  return out;
}

function withoutUnknownSecrets(kind: ResourceKind, inputs: Props): Props {
  const out = { ...inputs };
  for (const [k, f] of Object.entries(kind.fields)) if (f.secret && out[k] === UNKNOWN) delete out[k];
  return out;
}

function driftOf(kind: ResourceKind, prior: Props, live: Props, changes: FieldChange[]): FieldChange[] {
  const priorInputs: Props = {};
  for (const [k, f] of Object.entries(kind.fields))
    if (isInput(f) && !f.secret && !f.local && prior[k] !== undefined) priorInputs[k] = prior[k];
  const before = diffResource(kind, priorInputs, live);
  // Reported the other way round: what the last apply recorded (after) → what Spot has now (before).
  return before.changes
    .filter((c) => !c.secret && changes.some((x) => x.field === c.field))
    .map((c) => ({ ...c, before: c.after, after: c.before }));
}

/** Plan one object's change. Reads (or finds) the live object when it is not given and `ctx` is. */
export async function plan(req: PlanRequest): Promise<ChangePlan> {
  const { kind } = req;
  const base = { kind, changes: [], replaceFields: [], localOnly: false, gone: false, planned: {}, drift: [] };
  if (req.desired === null) return planDelete(req);

  const checked = checkInputs(kind.fields, req.desired, { check: kind.check?.bind(kind), allowUnknown: true });
  const problems: ChangePlan["problems"] = checked.failures.map((f) => ({ type: "invalid", ...f }));
  const inputs = checked.inputs;
  let id = req.id;
  let live = req.live;
  if (live === undefined && req.ctx) {
    const manage = managedFields(kind, inputs);
    if (id) {
      live =
        (await readLive({
          kind,
          ctx: req.ctx,
          id,
          prior: req.prior,
          desired: inputs,
          secrets: memoryFor(req.secrets, id),
          manage,
        })) ?? null;
    } else if (req.locate && !checked.failures.length && !kind.naturalKey.some((k) => containsUnknown(inputs[k]))) {
      const found = await kind.find({ ctx: req.ctx, inputs: withoutUnknowns(inputs) });
      if (found) {
        id = found.id;
        const memory = memoryFor(req.secrets, id);
        live =
          (await readLive({ kind, ctx: req.ctx, id, desired: inputs, secrets: memory, manage })) ??
          completeLive(kind, found.outputs, priorForRead(kind, undefined, inputs, memory));
      }
    }
  }
  if (!live) {
    const gone = !!id;
    if (req.ctx && kind.verify && !checked.failures.length && !checked.unknown.length)
      for (const f of await kind.verify({ ctx: req.ctx, inputs })) problems.push({ type: "invalid", ...f });
    return {
      ...base,
      action: "create",
      inputs,
      gone,
      planned: plannedOutputs(kind, inputs, undefined, []),
      problems,
    };
  }

  const d = diffResource(kind, req.unreadSecrets ? withoutUnknownSecrets(kind, inputs) : inputs, live);
  // Only what is about to be sent needs Spot's word: an object that plans no change holds what Spot accepted.
  if (
    req.ctx &&
    kind.verify &&
    (d.changes.length || req.forceReplace) &&
    !checked.failures.length &&
    !checked.unknown.length
  )
    for (const f of await kind.verify({ ctx: req.ctx, inputs })) problems.push({ type: "invalid", ...f });
  for (const r of d.rejected) problems.push({ type: "rejected", field: r.field, message: r.message, hint: r.hint });
  const replaceFields = d.changes.filter((c) => c.mode === "replace").map((c) => c.field);
  if (req.forceReplace && !replaceFields.length) replaceFields.push(...kind.naturalKey.slice(0, 1));
  if (replaceFields.length && kind.irreversibleDelete && !deletionAllowed(req, inputs, live))
    problems.push({
      type: "irreversible",
      action: "replace",
      fields: replaceFields,
      message: irreversibleMessage(kind, "replace", replaceFields),
    });
  const action: Action = replaceFields.length ? "replace" : d.changes.length ? "update" : "noop";
  if (req.forceReplace && !d.changes.length)
    d.changes.push({
      field: replaceFields[0],
      before: live[replaceFields[0]],
      after: inputs[replaceFields[0]],
      mode: "replace",
    });
  const localOnly = d.changes.length > 0 && d.changes.every((c) => kind.fields[c.field]?.local);
  return {
    ...base,
    action,
    id,
    inputs,
    live,
    changes: d.changes,
    replaceFields,
    localOnly,
    planned: plannedOutputs(kind, inputs, action === "replace" ? undefined : live, d.changes),
    drift: req.prior ? driftOf(kind, req.prior, live, d.changes) : [],
    problems,
    basis: fingerprint(kind, inputs, live),
  };
}

async function planDelete(req: PlanRequest): Promise<ChangePlan> {
  const { kind } = req;
  const base = { kind, changes: [], replaceFields: [], localOnly: false, gone: false, planned: {}, drift: [] };
  let live = req.live;
  if (live === undefined && req.ctx && req.id)
    live =
      (await readLive({ kind, ctx: req.ctx, id: req.id, prior: req.prior, secrets: memoryFor(req.secrets, req.id) })) ??
      null;
  if (live === null) return { ...base, action: "noop", id: req.id, gone: true, problems: [] };
  const problems: ChangePlan["problems"] = [];
  if (kind.irreversibleDelete && !deletionAllowed(req, req.prior, live ?? undefined))
    problems.push({
      type: "irreversible",
      action: "delete",
      fields: [],
      message: irreversibleMessage(kind, "delete", []),
    });
  return { ...base, action: "delete", id: req.id, live: live ?? req.prior, problems };
}

export interface ApplyRequest {
  kind: ResourceKind;
  /**
   * Its reads must be newer than the plan's: a front-end that plans and applies in one process starts the apply
   * with a fresh client cache, or the re-check would compare the plan with itself.
   */
  ctx: ResourceContext;
  action: Exclude<Action, "noop">;
  id?: string;
  /** Desired inputs, now fully known (checked again here, strictly). Not needed for a delete. */
  desired?: Props;
  /** The last recorded outputs (stateful front-ends): what the read gets, and the recorded allowDeletion. */
  prior?: Props;
  secrets?: SecretMemory;
  /** The plan's basis: when given, apply refuses if the object moved since (ChangedSincePlan). */
  basis?: Record<string, string>;
  /**
   * The live object the plan was made from, for a front-end that keeps it rather than the plan's basis (Terraform's
   * refreshed prior state): the basis is computed from it.
   */
  plannedFrom?: Props;
  allowDeletion?: boolean;
}

export interface Applied {
  action: Exclude<Action, "noop">;
  id?: string;
  outputs?: Props;
  /** The changes carried out (update), empty when there was nothing left to do. */
  changes: FieldChange[];
  /** The object was already gone (delete) or already as desired (update). */
  already?: "gone" | "done";
}

function strictInputs(kind: ResourceKind, desired: Props | undefined): Props {
  const c = checkInputs(kind.fields, desired, { check: kind.check?.bind(kind) });
  if (c.failures.length) throw new InvalidInputs(kind.name, c.failures);
  return c.inputs;
}

/** Strict inputs, verified against Spot (the kind's verify) before anything is sent. */
async function verifiedInputs(kind: ResourceKind, ctx: ResourceContext, desired: Props | undefined): Promise<Props> {
  const inputs = strictInputs(kind, desired);
  const failures = kind.verify ? await kind.verify({ ctx, inputs }) : [];
  if (failures.length) throw new InvalidInputs(kind.name, failures);
  return inputs;
}

function localPart(kind: ResourceKind, inputs: Props): Props {
  const out: Props = {};
  for (const [k, f] of Object.entries(kind.fields)) if (f.local) out[k] = inputs[k] ?? f.default;
  return out;
}

/**
 * After a create of a kind whose natural key Spot does not keep unique: when another run created a twin at the same
 * time, the oldest (creation time, then id) is kept by both runs' reckoning, and a younger one is deleted by the run
 * that made it — an object created a moment ago, which nothing uses yet — which reports the twin as AlreadyExists.
 * Without creation times a run cannot tell which is older, and one that sees a twin yields: at worst both yield,
 * and the next run creates one object.
 */
async function settleTwins(req: ApplyRequest, inputs: Props, created: Found): Promise<void> {
  const { kind, ctx } = req;
  if (!kind.twins) return;
  const all = await kind.twins({ ctx, inputs });
  if (all.length < 2 || !all.some((t) => t.id === created.id)) return;
  const at = (t: { createdAt?: string }) => (t.createdAt ? Date.parse(t.createdAt) : NaN);
  const dated = all.every((t) => !Number.isNaN(at(t)));
  const keep = dated
    ? [...all].sort((a, b) => at(a) - at(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]
    : all.find((t) => t.id !== created.id)!;
  if (keep.id === created.id) return;
  await kind.delete({ ctx, id: created.id, live: created.outputs });
  throw new AlreadyExists(
    kind.name,
    [keep.id],
    `with ${naturalKeyText(kind, inputs)}`,
    `another run created it at the same time; the duplicate this run made (${created.id}) was deleted again`,
  );
}

async function createOne(req: ApplyRequest, inputs: Props, memory: SecretMemory): Promise<Found> {
  try {
    const created = await req.kind.create({ ctx: req.ctx, inputs });
    await settleTwins(req, inputs, created);
    const outputs = stripUndefined({ ...created.outputs, ...localPart(req.kind, inputs) });
    rememberSecrets(req.kind.fields, memory, inputs, outputs);
    return { id: created.id, outputs };
  } catch (e) {
    // The secrets went with the create: remember them for the object that now exists.
    if (isOutcome(e, "CreatedNotFinished")) rememberSecrets(req.kind.fields, memory, inputs, e.outputs);
    throw e;
  }
}

/** Apply one planned change. Create and update return the object's new outputs. */
export async function apply(req: ApplyRequest): Promise<Applied> {
  const { kind, ctx } = req;
  const memory = req.secrets ?? NO_MEMORY;
  if (req.action === "create") {
    const inputs = await verifiedInputs(kind, ctx, req.desired);
    const c = await createOne(req, inputs, memory);
    return { action: "create", id: c.id, outputs: c.outputs, changes: [] };
  }
  const id = req.id!;
  if (req.action === "delete") {
    const live = await readLive({ kind, ctx, id, prior: req.prior, secrets: memory });
    if (!live) return { action: "delete", id, changes: [], already: "gone" };
    if (kind.irreversibleDelete && !deletionAllowed(req, req.prior, live))
      throw new DeletionRefused(kind.name, id, "irreversible", "delete", irreversibleMessage(kind, "delete", []));
    await kind.delete({ ctx, id, live });
    return { action: "delete", id, changes: [] };
  }

  const inputs = await verifiedInputs(kind, ctx, req.desired);
  const live = await readLive({
    kind,
    ctx,
    id,
    prior: req.prior,
    desired: inputs,
    secrets: memory,
    manage: managedFields(kind, inputs),
  });
  const basis = req.basis ?? (req.plannedFrom && fingerprint(kind, inputs, req.plannedFrom));
  if (req.action === "replace") {
    // What is deleted must still be what the plan saw.
    if (live && basis) {
      const moved = movedFields(basis, fingerprint(kind, inputs, live));
      if (moved.length) throw new ChangedSincePlan(kind.name, id, moved);
    }
    if (kind.irreversibleDelete && !deletionAllowed(req, inputs, live, req.prior)) {
      const d = live ? diffResource(kind, inputs, live) : undefined;
      const fields = (d?.changes ?? []).filter((c) => c.mode === "replace").map((c) => c.field);
      const message = irreversibleMessage(kind, "replace", fields);
      throw new DeletionRefused(kind.name, id, "irreversible", "replace", message);
    }
    if (live) await kind.delete({ ctx, id, live });
    const c = await createOne(req, inputs, memory);
    return { action: "replace", id: c.id, outputs: c.outputs, changes: [] };
  }

  if (!live) throw new ChangedSincePlan(kind.name, id, [], true);
  if (basis) {
    const moved = movedFields(basis, fingerprint(kind, inputs, live));
    if (moved.length) throw new ChangedSincePlan(kind.name, id, moved);
  }
  const d = diffResource(kind, inputs, live);
  if (d.rejected.length) {
    const r = d.rejected[0];
    throw new ChangeRejected(kind.name, r.field, r.hint, r.message);
  }
  if (d.replace)
    throw new ChangedSincePlan(
      kind.name,
      id,
      d.changes.filter((c) => c.mode === "replace").map((c) => c.field),
    );
  if (!d.changes.length) return { action: "update", id, outputs: live, changes: [], already: "done" };
  const remote = d.changes.filter((c) => !kind.fields[c.field]?.local);
  let outputs: Props = live;
  if (remote.length) outputs = await kind.update({ ctx, id, inputs, live, changes: remote });
  outputs = stripUndefined({ ...outputs, ...localPart(kind, inputs) });
  rememberSecrets(kind.fields, memory, inputs, outputs);
  return { action: "update", id, outputs, changes: d.changes };
}

export type AdoptBy = { inputs: Props } | { id: string };

/** Take over an existing object: by natural key (checked inputs) or by id (the kind's import id format). */
export async function adopt(kind: ResourceKind, ctx: ResourceContext, by: AdoptBy): Promise<Found> {
  let found: Found | undefined;
  if ("inputs" in by) {
    const inputs = strictInputs(kind, by.inputs);
    found = await kind.find({ ctx, inputs });
    if (!found) throw new NotFound(kind.name, { key: naturalKeyText(kind, inputs) });
  } else {
    const importId = by.id.trim();
    if (kind.importById) found = await kind.importById({ ctx, importId });
    else {
      const outputs = await kind.read({ ctx, id: importId });
      found = outputs && { id: importId, outputs };
    }
    if (!found) throw new NotFound(kind.name, { id: importId });
  }
  const outputs = { ...found.outputs };
  for (const [k, f] of Object.entries(kind.fields)) if (f.local && outputs[k] === undefined) outputs[k] = f.default;
  return { id: found.id, outputs: stripUndefined(outputs) };
}

export function naturalKeyText(kind: ResourceKind, inputs: Props): string {
  return kind.naturalKey
    .filter((k) => inputs[k] !== undefined)
    .map((k) => `${k}=${JSON.stringify(inputs[k])}`)
    .join(", ");
}

/**
 * Adopt, then bring the object in line with the declaration (Pulumi's `adopt`). A declaration that would need a
 * replacement or a change Spot cannot make is refused before anything changes; a failed update after the take-over
 * is CreatedNotFinished, so the front-end tracks the object and the next run retries the update.
 */
export async function takeOver(req: {
  kind: ResourceKind;
  ctx: ResourceContext;
  desired: Props;
  by: AdoptBy;
  secrets?: SecretMemory;
}): Promise<Found> {
  const { kind, ctx } = req;
  // Bad inputs are refused before anything is taken over: a take-over left half-done is for Spot's failures only.
  await verifiedInputs(kind, ctx, req.desired);
  const found = await adopt(kind, ctx, req.by);
  const p = await plan({ kind, desired: req.desired, id: found.id, live: found.outputs, secrets: req.secrets });
  const blocking = p.changes.filter((c) => c.mode !== "update");
  const invalid = p.problems.flatMap((x) => (x.type === "invalid" ? [{ field: x.field, message: x.message }] : []));
  if (invalid.length) throw new InvalidInputs(kind.name, invalid);
  if (blocking.length) {
    const c = blocking[0];
    throw new ChangeRejected(
      kind.name,
      c.field,
      undefined,
      `${kind.name} ${found.id} cannot be adopted as declared: ${blocking.map((x) => x.field).join(", ")} differ(s) from the live object and cannot be changed in place`,
    );
  }
  if (!p.changes.length) return found;
  try {
    const a = await apply({
      kind,
      ctx,
      action: "update",
      id: found.id,
      desired: req.desired,
      prior: found.outputs,
      secrets: req.secrets,
    });
    return { id: found.id, outputs: a.outputs ?? found.outputs };
  } catch (e) {
    throw new CreatedNotFinished(
      kind.name,
      found.id,
      found.outputs,
      "bringing it in line with the declaration",
      e,
      "adopted",
    );
  }
}
