/**
 * Planning: per organization, each declared object is found by natural key, read and diffed against live;
 * undeclared live objects in a prune scope become deletions. No state file: the journal only supplies the
 * hashes of secrets Spot never returns.
 */
import type { FieldChange, FieldType, Props, ResourceContext, ResourceKind } from "../../resources";
import { checkInputs, diffResource, hashSecret } from "../../resources";
import type { FileField, KindLayout } from "./layout";
import { labelField, refKey } from "./layout";
import type { Connect, Declared, FieldView, OrgConnection, OrgPlan, OrgSpec, Plan, PlanEntry, SpotFile } from "./model";
import type { SecretIndex } from "./journal";
import type { Progress } from "./progress";
import { canList, listLive, neverPruned } from "./listers";
import { errorMessage, limiter } from "./util";
import { REF_PLACEHOLDER, setAt, standInId } from "./validate";

/**
 * Stands for the id of an object created (or re-created) by the same run: known only once applied.
 * The referenced object's name follows the prefix so the plan can still say which object it is.
 */
export const UNKNOWN = "\u0000new:";
export const SECRET_VIEW = "(secret)";
export const UNKNOWN_SUFFIX = " (known after apply)";

export function isUnknown(v: unknown): v is string {
  return typeof v === "string" && v.startsWith(UNKNOWN);
}

export interface PlanOptions {
  connect: Connect;
  runId: string;
  secrets: SecretIndex;
  concurrency: number;
  progress?: Progress;
}

export interface Planned {
  plan: Plan;
  conns: Map<string, OrgConnection>;
}

interface ObjState {
  id?: string;
  action: PlanEntry["action"];
  failed?: boolean;
}

/** Inputs with references replaced by ids, UNKNOWN where the target does not exist yet. */
export function resolveRefs(d: Declared, idOf: (key: string) => string | undefined): Props {
  const inputs = structuredClone(d.inputs);
  for (const r of d.refs) {
    if (r.name === undefined) continue;
    const id = idOf(`${d.org}/${r.kind}/${r.name}`);
    setAt(inputs, r.inputPath, id ?? UNKNOWN + r.name);
  }
  return inputs;
}

function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** The engine's checks need ids in their shape: an unknown id is checked as a stand-in of the right shape. */
function checkResolved(d: Declared, inputs: Props, layouts: KindLayout[]): { inputs: Props; failures: string[] } {
  const probe = structuredClone(inputs);
  const unknownPaths = d.refs.filter((r) => r.name !== undefined && containsUnknown(pathValue(inputs, r.inputPath)));
  for (const r of unknownPaths) setAt(probe, r.inputPath, standInId(layouts, r.kind, r.name!));
  const res = checkInputs(d.kind, probe);
  for (const r of unknownPaths) setAt(res.inputs, r.inputPath, UNKNOWN + r.name);
  return { inputs: res.inputs, failures: res.failures.map((f) => `${f.field} ${f.message}`) };
}

function pathValue(o: unknown, path: (string | number)[]): unknown {
  let v: any = o;
  for (const p of path) v = v?.[p];
  return v;
}

/**
 * What `read` gets as `prior` (the kinds' "previous state", which GitOps does not have). Kinds take from it
 * only what Spot never returns: local settings and write-only fields come from the file, and secrets from the
 * hash the journal recorded when spot-iac last set them (never the file's value: that would hide a change).
 */
export function priorFor(d: Declared, inputs: Props, secrets: SecretIndex, id: string): Props {
  const recorded = secrets.get(d.kind.name, id);
  const prior: Props = {};
  for (const [k, f] of Object.entries(d.kind.fields)) {
    if (f.secret) {
      if (recorded[k] !== undefined) prior[k] = recorded[k];
    } else if ((f.required || f.optional) && inputs[k] !== undefined && !containsUnknown(inputs[k]))
      prior[k] = inputs[k];
  }
  return prior;
}

/** Live outputs completed with what Spot never returns: local settings always, recorded secret hashes if missing. */
export function withPrior(kind: ResourceKind, live: Props, prior: Props): Props {
  const out = { ...live };
  for (const [k, f] of Object.entries(kind.fields)) {
    if (prior[k] === undefined) continue;
    if (f.local || (f.secret && out[k] === undefined)) out[k] = prior[k];
  }
  return out;
}

// ---- views: values as the file writes them -------------------------------------------------------

export type Names = Map<string, string>;

function viewValue(f: FileField | undefined, t: FieldType, v: unknown, names: Names): unknown {
  if (v === undefined || v === null) return v;
  if (isUnknown(v)) return v.slice(UNKNOWN.length) + UNKNOWN_SUFFIX;
  if (f?.def.secret) return SECRET_VIEW;
  if (typeof t === "string") return f?.mode === "ref" && typeof v === "string" ? (names.get(v) ?? v) : v;
  if (("list" in t || "set" in t) && Array.isArray(v)) {
    const inner = "list" in t ? t.list : t.set;
    return v.map((e) => viewValue(f, inner, e, names));
  }
  if ("map" in t && typeof v === "object") {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) r[k] = viewValue(f, t.map, e, names);
    return r;
  }
  if ("object" in t && typeof v === "object" && !Array.isArray(v)) {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) {
      const nf = f?.nested?.find((x) => x.field === k);
      if (e === undefined) continue;
      r[nf ? nf.key : k] = nf ? viewValue(nf, nf.def.type, e, names) : e;
    }
    return r;
  }
  return v;
}

function fileFieldOf(layout: KindLayout, field: string): { f?: FileField; key: string } {
  const f = layout.fields.find((x) => x.field === field);
  if (f) return { f, key: f.key };
  const def = layout.kind.fields[field];
  return {
    key: def?.ref ? refKey(field) : field,
    f: def ? { field, key: refKey(field), def, mode: def.ref ? "ref" : "plain" } : undefined,
  };
}

export function createView(d: Declared, inputs: Props, names: Names): FieldView[] {
  const out: FieldView[] = [];
  for (const f of d.layout.fields) {
    // What the file says: defaults the engine fills in would only be noise.
    if (f.mode === "secretOut" || d.inputs[f.field] === undefined) continue;
    const v = inputs[f.field];
    if (v === undefined) continue;
    out.push(
      f.mode === "secret"
        ? { field: f.key, after: SECRET_VIEW, secret: true }
        : { field: f.key, after: viewValue(f, f.def.type, v, names) },
    );
  }
  return out;
}

export function changeView(layout: KindLayout, changes: FieldChange[], names: Names): FieldView[] {
  return changes.map((c) => {
    const { f, key } = fileFieldOf(layout, c.field);
    const t = layout.kind.fields[c.field]?.type ?? "string";
    const v: FieldView = c.secret
      ? { field: key, before: SECRET_VIEW, after: SECRET_VIEW, secret: true }
      : { field: key, before: viewValue(f, t, c.before, names), after: viewValue(f, t, c.after, names) };
    if (c.mode === "replace") v.forcesReplace = true;
    return v;
  });
}

export function liveView(layout: KindLayout, live: Props, names: Names): FieldView[] {
  const out: FieldView[] = [];
  for (const f of layout.fields) {
    if (f.mode === "secretOut" || f.mode === "secret") continue;
    const v = live[f.field];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out.push({ field: f.key, before: viewValue(f, f.def.type, v, names) });
  }
  return out;
}

/** A name for an undeclared live object, by the same rules as declared ones. */
export function liveName(layout: KindLayout, id: string, live: Props, names: Names): string {
  const lf = labelField(layout);
  if (lf && typeof live[lf.field] === "string") return live[lf.field];
  const parts = layout.naturalKey.map((f) => {
    const v = live[f.field];
    if (v === undefined) return "?";
    return f.mode === "ref" ? (names.get(String(v)) ?? String(v)) : String(v);
  });
  return parts.length && parts.every((p) => p !== "?") ? parts.join("/") : id;
}

// ---- planning ---------------------------------------------------------------------------------------

/** File order, except that an object comes after what it refers to (the order apply will follow). */
export function dependencyOrder(objects: Declared[]): Declared[] {
  const byKey = new Map(objects.map((d) => [d.key, d]));
  const out: Declared[] = [];
  const seen = new Set<string>();
  const visit = (d: Declared) => {
    if (seen.has(d.key)) return;
    seen.add(d.key);
    for (const k of d.deps) {
      const t = byKey.get(k);
      if (t) visit(t);
    }
    out.push(d);
  };
  objects.forEach(visit);
  return out;
}

/** Kinds a field map refers to, with the ids found in `live`. */
function refIds(fields: Record<string, any>, live: Props, out: Map<string, Set<string>>): void {
  for (const [k, f] of Object.entries(fields)) {
    const v = live?.[k];
    if (v === undefined || v === null) continue;
    if (f.ref)
      for (const id of Array.isArray(v) ? v : [v])
        if (typeof id === "string") out.set(f.ref, (out.get(f.ref) ?? new Set()).add(id));
    const t = f.type;
    if (typeof t === "object") {
      const inner = t.object ?? (t.list ?? t.set ?? t.map)?.object;
      if (inner) for (const e of Array.isArray(v) ? v : typeof v === "object" ? [v] : []) refIds(inner, e, out);
    }
  }
}

/** Deletions name what they refer to (a pruned attachment's account and user), listing those kinds once. */
async function nameReferences(
  file: SpotFile,
  deletes: PlanEntry[],
  names: Names,
  ctx: ResourceContext,
  run: <T>(t: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const e of deletes) refIds(file.layouts.find((l) => l.kind.name === e.kind)!.kind.fields, e.live ?? {}, wanted);
  for (const [kindName, ids] of wanted) {
    if ([...ids].every((id) => names.has(id))) continue;
    const layout = file.layouts.find((l) => l.kind.name === kindName && !l.parent);
    if (!layout || !canList(layout.kind)) continue;
    try {
      for (const { id, outputs } of await run(() => listLive(layout.kind, ctx)))
        if (ids.has(id) && !names.has(id)) names.set(id, liveName(layout, id, outputs, names));
    } catch {
      // Names are a nicety: ids are shown instead.
    }
  }
}

async function planOrg(
  file: SpotFile,
  org: OrgSpec,
  conn: OrgConnection,
  opts: PlanOptions,
  run: <T>(t: () => Promise<T>) => Promise<T>,
): Promise<OrgPlan> {
  const out: OrgPlan = { name: org.name, organizationId: conn.organizationId, entries: [], warnings: [], errors: [] };
  const ctx = conn.ctx;
  const states = new Map<string, Promise<ObjState>>();
  const byKey = new Map(org.objects.map((d) => [d.key, d]));
  const entryOf = new Map<string, PlanEntry>();
  const liveInputs = new Map<string, Props>();

  const planOne = (d: Declared): Promise<ObjState> => {
    let p = states.get(d.key);
    if (p) return p;
    p = (async (): Promise<ObjState> => {
      const deps = await Promise.all(d.deps.map((k) => planOne(byKey.get(k)!)));
      const entry: PlanEntry = {
        key: d.key,
        org: org.name,
        kind: d.kind.name,
        name: d.name,
        action: "noop",
        fields: [],
        deps: [...d.deps],
        declared: d,
      };
      entryOf.set(d.key, entry);
      const idOf = (key: string) => {
        const i = d.deps.indexOf(key);
        const s = i >= 0 ? deps[i] : undefined;
        return s && s.id && s.action !== "replace" && s.action !== "create" ? s.id : undefined;
      };
      const { inputs, failures } = checkResolved(d, resolveRefs(d, idOf), file.layouts);
      liveInputs.set(d.key, inputs);
      if (deps.some((s) => s.failed)) {
        opts.progress?.tick();
        entry.reason = "not planned: an object it refers to could not be planned";
        entry.failed = true;
        return { action: "noop", failed: true };
      }
      try {
        if (failures.length) throw new Error(failures.join("; "));
        const keyUnknown = d.kind.naturalKey.some((k) => containsUnknown(inputs[k]));
        const found = keyUnknown ? undefined : await run(() => d.kind.find(ctx, inputs));
        if (!found) {
          entry.action = "create";
          return { action: "create" };
        }
        entry.id = found.id;
        const prior = priorFor(d, inputs, opts.secrets, found.id);
        const read = await run(() => d.kind.read(ctx, found.id, prior));
        const live = withPrior(d.kind, read ?? found.outputs, prior);
        entry.live = live;
        const diff = diffResource(d.kind, inputs, live);
        if (diff.rejected.length) throw new Error(diff.rejected.map((r) => r.message).join("; "));
        if (diff.replace && d.kind.irreversibleDelete && inputs.allowDeletion !== true)
          throw new Error(
            `a change to ${diff.changes
              .filter((c) => c.mode === "replace")
              .map((c) => c.field)
              .join(
                ", ",
              )} replaces it, and deleting a ${d.kind.name} cannot be undone; set allowDeletion: true on it to allow the replacement`,
          );
        entry.action = diff.replace ? "replace" : diff.changes.length ? "update" : "noop";
        (entry as PlanEntry & { changes?: FieldChange[] }).changes = diff.changes;
        return { id: found.id, action: entry.action };
      } catch (e) {
        out.errors.push(`${d.kind.name} "${d.name}": ${errorMessage(e)}`);
        entry.failed = true;
        return { action: "noop", failed: true };
      } finally {
        opts.progress?.tick();
      }
    })();
    states.set(d.key, p);
    return p;
  };

  await Promise.all(org.objects.map(planOne));

  // Names for ids: the declared objects that exist live.
  const names: Names = new Map();
  for (const d of org.objects) {
    const e = entryOf.get(d.key);
    if (e?.id) names.set(e.id, d.name);
  }

  const deletes: PlanEntry[] = [];
  for (const section of org.prune) {
    const layout = file.layouts.find((l) => l.key === section && !l.parent);
    if (!layout) continue;
    const kind = layout.kind;
    if (!canList(kind)) {
      out.warnings.push(`prune: ${section} cannot be pruned: spot-iac cannot list live ${kind.name} objects`);
      continue;
    }
    const mine = org.objects.filter((d) => d.kind === kind);
    // An object that could not be planned has no known id: its live twin would look undeclared.
    if (mine.some((d) => entryOf.get(d.key)?.failed)) {
      out.errors.push(`prune ${section}: skipped because a declared ${kind.name} could not be planned`);
      continue;
    }
    const declaredIds = new Set(mine.map((d) => entryOf.get(d.key)?.id));
    try {
      const live = await run(() => listLive(kind, ctx));
      for (const { id, outputs } of live) {
        if (declaredIds.has(id)) continue;
        const keep = conn.selfUserId === id ? "it is the user whose token runs spot-iac" : neverPruned(kind, outputs);
        if (keep) {
          out.warnings.push(`prune: ${kind.name} ${liveName(layout, id, outputs, names)} (${id}) is kept: ${keep}`);
          continue;
        }
        deletes.push({
          key: `${org.name}/${kind.name}/#${id}`,
          org: org.name,
          kind: kind.name,
          name: id,
          action: "delete",
          id,
          fields: [],
          deps: [],
          reason: `not declared; prune: ${section}`,
          live: outputs,
        });
      }
    } catch (e) {
      out.errors.push(`prune ${section}: cannot list ${kind.name} objects: ${errorMessage(e)}`);
    }
  }
  await nameReferences(file, deletes, names, ctx, run);
  for (const e of deletes) {
    const layout = file.layouts.find((l) => l.kind.name === e.kind)!;
    e.name = liveName(layout, e.id!, e.live ?? {}, names);
    e.fields = liveView(layout, e.live ?? {}, names);
  }

  const declared: PlanEntry[] = [];
  for (const d of dependencyOrder(org.objects)) {
    const e = entryOf.get(d.key)!;
    const inputs = liveInputs.get(d.key)!;
    if (e.action === "create") e.fields = createView(d, inputs, names);
    else if (e.action === "update" || e.action === "replace") {
      e.fields = changeView(d.layout, (e as PlanEntry & { changes?: FieldChange[] }).changes ?? [], names);
    }
    delete (e as PlanEntry & { changes?: FieldChange[] }).changes;
    declared.push(e);
  }
  out.entries = [...deletes.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)), ...declared];
  return out;
}

export async function makePlan(file: SpotFile, opts: PlanOptions): Promise<Planned> {
  const run = limiter(Math.max(1, opts.concurrency));
  const conns = new Map<string, OrgConnection>();
  opts.progress?.start(file.orgs.reduce((n, o) => n + o.objects.length, 0));
  const orgs = await Promise.all(
    file.orgs.map(async (org): Promise<OrgPlan> => {
      let conn: OrgConnection;
      try {
        conn = await opts.connect(org, opts.runId);
      } catch (e) {
        return { name: org.name, entries: [], warnings: [], errors: [`cannot connect: ${errorMessage(e)}`] };
      }
      conns.set(org.name, conn);
      return planOrg(file, org, conn, opts, run);
    }),
  );
  opts.progress?.stop();
  return { plan: { file: file.path, orgs }, conns };
}

export function counts(plan: Plan): Record<"create" | "update" | "replace" | "delete" | "noop", number> {
  const c = { create: 0, update: 0, replace: 0, delete: 0, noop: 0 };
  for (const o of plan.orgs) for (const e of o.entries) if (!e.failed) c[e.action]++;
  return c;
}

export function hasChanges(plan: Plan): boolean {
  const c = counts(plan);
  return c.create + c.update + c.replace + c.delete > 0;
}

export function hasErrors(plan: Plan): boolean {
  return plan.orgs.some((o) => o.errors.length > 0);
}

/** Hashes of a declared object's secret inputs (top-level secret fields), for the journal. */
export function secretHashes(kind: ResourceKind, inputs: Props): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, f] of Object.entries(kind.fields))
    if (f.secret && typeof inputs[k] === "string" && !isUnknown(inputs[k])) out[k] = hashSecret(inputs[k]);
  return Object.keys(out).length ? out : undefined;
}

export { REF_PLACEHOLDER };
