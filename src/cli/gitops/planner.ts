/**
 * Planning: per organization, each declared object is planned by the core (src/core/lifecycle): found by its
 * natural key (or by the id the file pins, or the id the journal recorded for a half-finished create), read, and
 * diffed against the declaration. Undeclared live objects in a prune scope become deletions. No state file: the
 * journal only supplies the hashes of secrets Spot never returns and the ids of half-finished creates.
 *
 * What this module decides is GitOps' own: references between declared objects (an id not known until the
 * referenced object exists is UNKNOWN), what prune may delete, and how values are shown in the file's terms.
 */
import { existsSync } from "node:fs";
import { relative, sep } from "node:path";
import type { ChangePlan, FieldChange, FieldType, Props, ResourceContext } from "../../core";
import { UNKNOWN, containsUnknown, isOutcome, isUnknown, plan as planChange } from "../../core";
import type { FileField, KindLayout } from "./layout";
import { labelField, refKey } from "./layout";
import type { Connect, Declared, FieldView, OrgConnection, OrgPlan, OrgSpec, Plan, PlanEntry, SpotFile } from "./model";
import type { JournalIndex } from "./journal";
import type { Progress } from "./progress";
import { canList, listLive, neverPruned } from "./listers";
import { errorMessage, limiter } from "./util";
import { REF_PLACEHOLDER, cloneWithUnknown, fileFieldPath, setAt } from "./validate";

export const SECRET_VIEW = "(secret)";
/** A secret Spot never returns and the journal has no hash of: what is in Spot cannot be told. */
export const NOT_VERIFIED_VIEW = "(secret, not verified)";
export const UNKNOWN_SUFFIX = " (known after apply)";

export interface PlanOptions {
  connect: Connect;
  runId: string;
  journal: JournalIndex;
  /** Objects planned at once, per organization. */
  concurrency: number;
  /** Declared objects to replace although nothing differs (`--replace Kind/name`), e.g. to mint a lost token. */
  replace?: ReadonlySet<string>;
  /** Prune may also delete undeclared objects no file's inventory records (`--prune-unmanaged`, a pipeline flag). */
  pruneUnmanaged?: boolean;
  /** The file was loaded without its secrets (`plan --without-secrets`): they are not compared. */
  withoutSecrets?: boolean;
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
  const inputs = cloneWithUnknown(d.inputs);
  for (const r of d.refs) {
    if (r.name === undefined) continue;
    setAt(inputs, r.inputPath, idOf(`${d.org}/${r.kind}/${r.name}`) ?? UNKNOWN);
  }
  return inputs;
}

/** The declared names of the references a value holds, by dotted input path: what an UNKNOWN stands for. */
function pendingNames(d: Declared): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of d.refs) if (r.name !== undefined) out.set(r.inputPath.join("."), r.name);
  return out;
}

// ---- views: values as the file writes them -------------------------------------------------------

/** Names of ids for display, and what each pending (UNKNOWN) reference of the object stands for. */
export interface Names {
  ids: Map<string, string>;
  pending?: Map<string, string>;
}

function viewValue(f: FileField | undefined, t: FieldType, v: unknown, names: Names, path: string): unknown {
  if (v === undefined || v === null) return v;
  if (isUnknown(v)) return (names.pending?.get(path) ?? "") + UNKNOWN_SUFFIX;
  if (f?.def.secret) return SECRET_VIEW;
  if (typeof t === "string") return f?.mode === "ref" && typeof v === "string" ? (names.ids.get(v) ?? v) : v;
  if (("list" in t || "set" in t) && Array.isArray(v)) {
    const inner = "list" in t ? t.list : t.set;
    return v.map((e, i) => viewValue(f, inner, e, names, `${path}.${i}`));
  }
  if ("map" in t && typeof v === "object") {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) r[k] = viewValue(f, t.map, e, names, `${path}.${k}`);
    return r;
  }
  if ("object" in t && typeof v === "object" && !Array.isArray(v)) {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) {
      const nf = f?.nested?.find((x) => x.field === k);
      if (e === undefined) continue;
      r[nf ? nf.key : k] = nf ? viewValue(nf, nf.def.type, e, names, `${path}.${k}`) : e;
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
        : { field: f.key, after: viewValue(f, f.def.type, v, names, f.field) },
    );
  }
  return out;
}

export function changeView(layout: KindLayout, changes: FieldChange[], names: Names, inputs?: Props): FieldView[] {
  return changes.map((c) => {
    const { f, key } = fileFieldOf(layout, c.field);
    const t = layout.kind.fields[c.field]?.type ?? "string";
    // An unknown value shows as declared, each pending reference by its name.
    const after = c.after === UNKNOWN && inputs && containsUnknown(inputs[c.field]) ? inputs[c.field] : c.after;
    const v: FieldView = c.secret
      ? { field: key, before: c.unverified ? NOT_VERIFIED_VIEW : SECRET_VIEW, after: SECRET_VIEW, secret: true }
      : {
          field: key,
          before: viewValue(f, t, c.before, names, c.field),
          after: viewValue(f, t, after, names, c.field),
        };
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
    out.push({ field: f.key, before: viewValue(f, f.def.type, v, names, f.field) });
  }
  return out;
}

/** A name for an undeclared live object, by the same rules as declared ones. */
export function liveName(layout: KindLayout, id: string, live: Props, names: Names): string {
  const lf = labelField(layout);
  if (lf && typeof live[lf.field] === "string") return live[lf.field];
  // Optional key parts a declaration leaves out (an attachment names its user by e-mail or by id) are skipped.
  const parts: string[] = [];
  for (const f of layout.naturalKey) {
    const v = live[f.field];
    if (v === undefined) continue;
    const shown = f.mode === "ref" ? (names.ids.get(String(v)) ?? String(v)) : String(v);
    if (!parts.includes(shown)) parts.push(shown);
  }
  return parts.length ? parts.join("/") : id;
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
    if ([...ids].every((id) => names.ids.has(id))) continue;
    const layout = file.layouts.find((l) => l.kind.name === kindName && !l.parent);
    if (!layout || !canList(layout.kind)) continue;
    try {
      for (const { id, outputs } of await run(() => listLive(layout.kind, ctx)))
        if (ids.has(id) && !names.ids.has(id)) names.ids.set(id, liveName(layout, id, outputs, names));
    } catch {
      // Names are a nicety: ids are shown instead.
    }
  }
}

/** A declared object's failure to plan, in the file's terms (the core's outcomes get GitOps' remedies). */
export function gitopsMessage(e: unknown): string {
  if (isOutcome(e, "Ambiguous"))
    return `${e.message}; pin the one this declaration manages with \`id: <id>\` (the others are then undeclared: prune deletes them)`;
  if (isOutcome(e, "AlreadyExists"))
    return `${e.message}; pin it with \`id: ${e.ids[0] ?? "<id>"}\` on the declaration to take it over`;
  if (isOutcome(e, "ChangedSincePlan")) return `${e.message}; nothing was changed for it: run plan again`;
  if (isOutcome(e, "DeletionRefused") && e.reason === "irreversible")
    return `${e.message}; set allowDeletion: true on it to allow it`;
  if (isOutcome(e, "DeletionRefused")) return `${e.message}; keep it out of prune's scope, or declare it`;
  return errorMessage(e);
}

function problemText(d: Declared, cp: ChangePlan): string | undefined {
  if (!cp.problems.length) return undefined;
  return cp.problems
    .map((x) =>
      x.type === "invalid"
        ? `${fileFieldPath(d.layout.fields, x.field)} ${x.message}`
        : x.type === "irreversible"
          ? `${x.message}; set allowDeletion: true on it to allow the replacement`
          : x.message,
    )
    .join("; ");
}

/** How a file is known in the journal's inventories: its path within its repository. */
export function fileIdOf(file: SpotFile): string {
  return relative(file.root, file.path).split(sep).join("/");
}

/**
 * Whether pinning the id makes a rename an update: the kind has a name of its own (a plain natural-key field) and
 * Spot changes it in place. Not so for a user (a new e-mail is a new user), a programmatic user (a new name
 * replaces it) or an attachment (another user or account is another attachment).
 */
function renamesInPlace(layout: KindLayout): boolean {
  const named = layout.naturalKey.filter((f) => f.mode === "plain");
  return named.length > 0 && named.every((f) => (f.def.onChange ?? "update") === "update");
}

/**
 * A create of an object the file does not pin an id on, where the journal knows an object of the same kind that is
 * no longer declared: probably a rename. Without `id:` a rename makes a new object and the old one stays — say so,
 * naming the old one, instead of letting the reviewer assume an in-place rename.
 */
function renameHints(org: OrgSpec, entries: Map<string, PlanEntry>, journal: JournalIndex): void {
  const declaredIds = new Set([...entries.values()].map((e) => e.id).filter(Boolean));
  for (const d of org.objects) {
    const e = entries.get(d.key);
    if (!e || e.action !== "create" || d.id || d.layout.parent || !renamesInPlace(d.layout)) continue;
    const names = new Set(org.objects.filter((x) => x.kind === d.kind).map((x) => x.name));
    const gone = journal.known(org.name, d.kind.name).filter((k) => !declaredIds.has(k.id) && !names.has(k.name));
    if (!gone.length) continue;
    const old = gone.map((k) => `"${k.name}" (${k.id})`).join(", ");
    const pruned = org.prune.has(d.layout.key) ? "prune deletes it" : "it stays, undeclared";
    e.reason =
      `a new ${d.kind.name}; if it renames ${old}, pin \`id: ${gone[0].id}\` on it to rename in place — ` +
      `otherwise ${pruned}`;
  }
}

/**
 * A secret Spot returned once, at creation (a programmatic user's token), whose file is missing: it never arrived
 * (a run killed before writing it, a fresh checkout without it) and cannot be read again.
 */
function undelivered(d: Declared, cp: ChangePlan, warnings: string[]): void {
  if (cp.action === "create" || cp.action === "replace") return;
  for (const [field, path] of Object.entries(d.outputFiles)) {
    if (existsSync(path)) continue;
    warnings.push(
      `${d.kind.name} "${d.name}": its ${field} file ${path} does not exist, and Spot returns the ${field} only at ` +
        `creation. To get a new one, replace it: spot-iac apply --replace ${d.kind.name}/${d.name}`,
    );
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
      if (deps.some((s) => s.failed)) {
        opts.progress?.tick();
        entry.reason = "not planned: an object it refers to could not be planned";
        entry.failed = true;
        return { action: "noop", failed: true };
      }
      const idOf = (key: string) => {
        const i = d.deps.indexOf(key);
        const s = i >= 0 ? deps[i] : undefined;
        return s && s.id && s.action !== "replace" && s.action !== "create" ? s.id : undefined;
      };
      // A create that Spot completed only in part is continued with the id the journal recorded.
      const unfinished = opts.journal.unfinished(org.name, d.kind.name, d.name);
      const id = d.id ?? unfinished;
      try {
        const cp = await run(() =>
          planChange({
            kind: d.kind,
            desired: resolveRefs(d, idOf),
            id,
            locate: !id,
            ctx,
            secrets: (objectId) => opts.journal.memory(d.kind.name, objectId),
            forceReplace: opts.replace?.has(`${d.kind.name}/${d.name}`),
            unreadSecrets: opts.withoutSecrets,
          }),
        );
        if (d.id && cp.gone)
          throw new Error(
            `id ${d.id} names no ${d.kind.name} in Spot (deleted outside spot-iac?); remove id: to create a new one`,
          );
        const problems = problemText(d, cp);
        if (problems) throw new Error(problems);
        entry.plan = cp;
        entry.action = cp.action;
        // Secrets with no journal record to compare with: sent once by apply, but no evidence of drift.
        if (cp.action === "update" && cp.changes.every((c) => c.unverified)) {
          entry.unverified = true;
          entry.reason = "secrets with no journal record to compare with: apply sends them once and records them";
        }
        entry.id = cp.id;
        entry.live = cp.live;
        if (opts.replace?.has(`${d.kind.name}/${d.name}`) && cp.action === "replace")
          entry.reason = "replaced on request (--replace)";
        else if (cp.gone && unfinished)
          entry.reason = `the half-finished create ${unfinished} is gone; it is created again`;
        else if (unfinished && cp.action !== "create") entry.reason = `finishes the half-done create of ${unfinished}`;
        undelivered(d, cp, out.warnings);
        return { id: cp.id, action: entry.action };
      } catch (e) {
        out.errors.push(`${d.kind.name} "${d.name}": ${gitopsMessage(e)}`);
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

  renameHints(org, entryOf, opts.journal);

  // Names for ids: the declared objects that exist live.
  const names: Names = { ids: new Map() };
  for (const d of org.objects) {
    const e = entryOf.get(d.key);
    if (e?.id) names.ids.set(e.id, d.name);
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
    const fileId = fileIdOf(file);
    const managed = opts.journal.managed(fileId, org.name, kind.name);
    let unmanaged = 0;
    try {
      const live = await run(() => listLive(kind, ctx));
      for (const { id, outputs } of live) {
        if (declaredIds.has(id)) continue;
        // Another file manages it: two files pruning one organization must not delete each other's objects.
        const elsewhere = opts.journal.managedElsewhere(fileId, org.name, kind.name, id);
        if (elsewhere.length) {
          out.warnings.push(
            `prune: ${kind.name} ${liveName(layout, id, outputs, names)} (${id}) is kept: ${elsewhere.join(", ")} manages it`,
          );
          continue;
        }
        if (!opts.pruneUnmanaged && !managed.has(id)) {
          unmanaged++;
          continue;
        }
        const keep = neverPruned(kind, outputs);
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
    if (unmanaged)
      out.warnings.push(
        `prune: ${unmanaged} undeclared ${kind.name} object${unmanaged > 1 ? "s are" : " is"} kept: this file never ` +
          `managed ${unmanaged > 1 ? "them" : "it"} (no inventory in its journal); the pipeline can pass ` +
          `--prune-unmanaged to delete ${unmanaged > 1 ? "them" : "it"} too`,
      );
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
    const inputs = e.plan?.inputs;
    const objNames: Names = { ids: names.ids, pending: pendingNames(d) };
    if (e.action === "create" && inputs) e.fields = createView(d, inputs, objNames);
    else if ((e.action === "update" || e.action === "replace") && e.plan)
      e.fields = changeView(d.layout, e.plan.changes, objNames, inputs);
    declared.push(e);
  }
  out.entries = [...deletes.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)), ...declared];
  // Known only once an answer has carried it: read now, after planning, not when the plan was started.
  out.organizationId = conn.organizationId;
  return out;
}

export async function makePlan(file: SpotFile, opts: PlanOptions): Promise<Planned> {
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
      // Each organization has its own token and rate budget: its own bound, so one slow organization does not
      // hold the others back (the client paces each organization's requests by its budget).
      return planOrg(file, org, conn, opts, limiter(Math.max(1, opts.concurrency)));
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

/** Live state differs from the file: changes other than secrets that merely could not be verified. */
export function hasDrift(plan: Plan): boolean {
  return plan.orgs.some((o) => o.entries.some((e) => !e.failed && e.action !== "noop" && !e.unverified));
}

export function hasErrors(plan: Plan): boolean {
  return plan.orgs.some((o) => o.errors.length > 0);
}

export { REF_PLACEHOLDER };
