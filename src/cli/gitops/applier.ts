/**
 * Applying a plan: creates, updates and replaces in dependency order with bounded concurrency, then deletions
 * (dependants first) only when everything else succeeded. A failure stops what depends on it; the rest carries on.
 * Each change is applied by the core (src/core/lifecycle), which re-reads the object and refuses when it moved
 * since the plan; each finished change is journaled at once, so a killed run leaves a true record — a create that
 * Spot completed only in part is journaled as `partial` with its id, and the next run continues with it.
 */
import type { Props, ResourceContext, ResourceKind } from "../../core";
import { apply as applyChange, isOutcome, withWarn } from "../../core";
import type { Journal, JournalEntry, JournalIndex } from "./journal";
import type { OrgConnection, OrgSpec, Plan, PlanEntry, SpotFile } from "./model";
import { PathRefusal, writeOutputFile } from "./paths";
import { fileIdOf, gitopsMessage, resolveRefs } from "./planner";
import type { Progress } from "./progress";
import { errorMessage, limiter, scrub } from "./util";

/** Called as changes start and finish (progress lines for pipelines). */
export interface ApplyEvents {
  started(e: PlanEntry): void;
  finished(o: Outcome): void;
}

export interface ApplyOptions {
  runId: string;
  journal: Journal;
  index: JournalIndex;
  concurrency: number;
  progress?: Progress;
  events?: ApplyEvents;
}

export interface Outcome {
  entry: PlanEntry;
  status: "done" | "failed" | "not done" | "unchanged";
  /** Why it failed or was not done; notes for done changes (e.g. "forgotten"). */
  message?: string;
  id?: string;
}

export interface ApplyResult {
  runId: string;
  outcomes: Outcome[];
  warnings: string[];
}

class Stop extends Error {}

/**
 * Record what the file manages in each organization of the plan (its declared objects' ids), so that prune knows
 * what it may delete once they are no longer declared. Ids created by this apply come from its outcomes.
 */
export function recordInventory(
  journal: Journal,
  file: SpotFile,
  plan: Plan,
  runId: string,
  outcomes: Outcome[] = [],
): void {
  const made = new Map(outcomes.filter((o) => o.id).map((o) => [o.entry.key, o.id!]));
  // A deletion that did not happen (skipped after another failure, or failed) stays this file's to delete: left out
  // of the inventory, its object would be unmanaged from then on, and the next run would keep it.
  const undeleted = new Set(
    outcomes.filter((o) => o.entry.action === "delete" && o.status !== "done").map((o) => o.entry.key),
  );
  for (const org of plan.orgs) {
    if (org.errors.length) continue;
    const ids: Record<string, string[]> = {};
    for (const e of org.entries) {
      if (e.action === "delete" && e.id && undeleted.has(e.key)) {
        (ids[e.kind] ??= []).push(e.id);
        continue;
      }
      if (!e.declared || e.failed) continue;
      const id = made.get(e.key) ?? (e.action === "replace" || e.action === "create" ? undefined : e.id);
      if (id) (ids[e.kind] ??= []).push(id);
    }
    journal.appendInventory({
      v: 1,
      type: "inventory",
      runId,
      time: new Date().toISOString(),
      file: fileIdOf(file),
      organization: org.name,
      ids,
    });
  }
}

/** Depth of each kind in the reference graph: a kind that refers to others is deeper. */
function kindDepths(kinds: ResourceKind[]): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (k: ResourceKind, seen: Set<string>): number => {
    if (depth.has(k.name)) return depth.get(k.name)!;
    if (seen.has(k.name)) return 0;
    seen.add(k.name);
    let d = 0;
    const refs = (fs: Record<string, any>): string[] =>
      Object.values(fs).flatMap((f: any) => [
        ...(f.ref ? [f.ref] : []),
        ...(typeof f.type === "object" ? refs(objectFields(f.type)) : []),
      ]);
    for (const r of refs(k.fields)) {
      const t = kinds.find((x) => x.name === r);
      if (t && t !== k) d = Math.max(d, visit(t, seen) + 1);
    }
    depth.set(k.name, d);
    return d;
  };
  for (const k of kinds) visit(k, new Set());
  return depth;
}

function objectFields(t: any): Record<string, any> {
  if ("object" in t) return t.object;
  const inner = t.list ?? t.set ?? t.map;
  return inner && typeof inner === "object" ? objectFields(inner) : {};
}

export async function applyPlan(
  file: SpotFile,
  plan: Plan,
  conns: Map<string, OrgConnection>,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  // Per organization, like planning: each has its own token and rate budget.
  const limits = new Map<string, <T>(task: () => Promise<T>) => Promise<T>>();
  const run = <T>(org: string, task: () => Promise<T>): Promise<T> => {
    let l = limits.get(org);
    if (!l) limits.set(org, (l = limiter(Math.max(1, opts.concurrency))));
    return l(task);
  };
  const outcomes = new Map<string, Outcome>();
  const warnings: string[] = [];
  const orgs = new Map<string, OrgSpec>(file.orgs.map((o) => [o.name, o]));
  const all = plan.orgs.flatMap((o) => o.entries);
  const byKey = new Map(all.map((e) => [e.key, e]));
  // Ids as they become known (noop entries already have theirs).
  const ids = new Map<string, string>();
  for (const e of all) if (e.id && e.action !== "replace") ids.set(e.key, e.id);
  const secretValues = new Set<string>();
  for (const o of file.orgs)
    for (const d of o.objects)
      for (const s of d.secrets) {
        const v = s.inputPath.reduce<any>((a, p) => a?.[p], d.inputs);
        if (typeof v === "string") secretValues.add(v);
      }
  const work = all.filter((e) => e.action !== "noop");
  // Each change re-reads its object and refuses if it moved since the plan: that read must come from Spot, not
  // from what the plan itself listed a moment ago. One re-read per list for the whole apply (writes keep it current).
  for (const c of conns.values()) c.ctx.client.clearCache();
  opts.progress?.start(work.length);

  const journal = (
    e: PlanEntry,
    partial: Partial<JournalEntry> & Pick<JournalEntry, "action" | "status" | "fields">,
    started: Date,
  ) => {
    const org = orgs.get(e.org)!;
    const conn = conns.get(e.org);
    const entry: JournalEntry = {
      v: 1,
      runId: opts.runId,
      started: started.toISOString(),
      time: new Date().toISOString(),
      organization: e.org,
      organizationId: conn?.organizationId,
      tokenEnv: org.tokenEnv,
      baseUrl: org.baseUrl,
      kind: e.kind,
      name: e.name,
      id: e.id,
      ...partial,
    };
    if (entry.error) entry.error = scrub(entry.error, secretValues);
    if (entry.secretHashes && !Object.keys(entry.secretHashes).length) delete entry.secretHashes;
    opts.journal.append(entry);
    opts.index.add(entry);
  };

  const writeOutputs = (e: PlanEntry, outputs: Props) => {
    const d = e.declared!;
    for (const [field, f] of Object.entries(d.kind.fields)) {
      if (!f.secret || f.required || f.optional) continue;
      const v = outputs[field];
      if (typeof v !== "string" || !v) continue;
      const path = d.outputFiles[field];
      if (!path) {
        warnings.push(
          `${d.kind.name} "${d.name}": Spot returned its ${field} once and it was not saved; add ${field}File: PATH to keep it next time`,
        );
        continue;
      }
      // Checked again now, not only when the file was loaded: a link planted since must not redirect the secret.
      try {
        const written = writeOutputFile(file.root, path, v + "\n");
        warnings.push(`${d.kind.name} "${d.name}": ${field} written to ${written} (mode 0600)`);
      } catch (e) {
        if (!(e instanceof PathRefusal)) throw e;
        warnings.push(`${d.kind.name} "${d.name}": Spot returned its ${field} once and it was NOT saved: ${e.message}`);
      }
    }
  };

  const execute = async (e: PlanEntry): Promise<Outcome> => {
    opts.events?.started(e);
    const o = await executeOne(e);
    opts.events?.finished(o);
    return o;
  };

  const executeOne = async (e: PlanEntry): Promise<Outcome> => {
    const conn = conns.get(e.org)!;
    const notes: string[] = [];
    // Warnings go with the change's outcome (a delete that only "forgets" says so through warn).
    const ctx: ResourceContext = withWarn(conn.ctx, (m: string) => {
      notes.push(m);
    });
    const started = new Date();
    const action = e.action as Exclude<PlanEntry["action"], "noop">;
    const kind: ResourceKind = e.declared?.kind ?? file.layouts.find((l) => l.kind.name === e.kind)!.kind;
    const memory = opts.index.memory(kind.name, e.id ?? "");
    const fail = (err: unknown, id = e.id): Outcome => {
      const msg = scrub(gitopsMessage(err), secretValues);
      journal(e, { action, status: "failed", fields: [], error: msg, id }, started);
      return { entry: e, status: "failed", message: msg, id };
    };
    try {
      if (action === "delete") {
        // Only explicitly pruned sections plan deletions: naming the section is the user's consent.
        const a = await applyChange({ kind, ctx, action, id: e.id, prior: e.live, allowDeletion: true });
        if (a.already === "gone") return { entry: e, status: "done", message: "already gone", id: e.id };
        journal(e, { action: notes.length ? "forget" : "delete", status: "done", fields: [] }, started);
        return { entry: e, status: "done", id: e.id, message: notes.join("; ") || undefined };
      }
      const desired = resolveRefs(e.declared!, (k) => ids.get(k));
      const a = await applyChange({
        kind,
        ctx,
        action,
        id: e.id,
        desired,
        secrets: memory,
        basis: action === "update" ? e.plan?.basis : undefined,
      });
      if (a.already === "done") return { entry: e, status: "unchanged", id: e.id, message: "already up to date" };
      if (action !== "update") ids.set(e.key, a.id!);
      journal(
        e,
        {
          action,
          status: "done",
          id: a.id,
          previousId: action === "replace" ? e.id : undefined,
          fields:
            action === "update"
              ? a.changes.map((c) => c.field)
              : Object.keys(a.outputs ?? {})
                  .filter((k) => desired[k] !== undefined)
                  .sort(),
          secretHashes: { ...memory.recorded },
        },
        started,
      );
      if (action !== "update") writeOutputs(e, a.outputs ?? {});
      return { entry: e, status: "done", id: a.id, message: notes.join("; ") || undefined };
    } catch (err) {
      if (!isOutcome(err, "CreatedNotFinished")) return fail(err);
      // The object exists: record its id so the next run continues with it instead of creating another.
      ids.set(e.key, err.id);
      const msg = scrub(gitopsMessage(err), secretValues);
      journal(
        e,
        { action, status: "partial", id: err.id, fields: [], error: msg, secretHashes: { ...memory.recorded } },
        started,
      );
      writeOutputs(e, err.outputs);
      return { entry: e, status: "failed", message: `${msg}; the next apply finishes it`, id: err.id };
    }
  };

  // Phase 1: everything but deletions, each after what it refers to.
  const promises = new Map<string, Promise<Outcome>>();
  const schedule = (e: PlanEntry): Promise<Outcome> => {
    let p = promises.get(e.key);
    if (p) return p;
    p = (async () => {
      for (const k of e.deps) {
        const dep = byKey.get(k);
        if (!dep || dep.action === "noop") continue;
        const o = await schedule(dep);
        if (o.status === "failed" || o.status === "not done")
          throw new Stop(`${dep.kind} "${dep.name}" ${o.status === "failed" ? "failed" : "was not done"}`);
      }
      return run(e.org, () => execute(e));
    })()
      .catch((err): Outcome => ({
        entry: e,
        status: "not done",
        message: err instanceof Stop ? `blocked: ${err.message}` : errorMessage(err),
      }))
      .then((o) => {
        outcomes.set(e.key, o);
        opts.progress?.tick(o.status === "failed");
        return o;
      });
    promises.set(e.key, p);
    return p;
  };
  await Promise.all(work.filter((e) => e.action !== "delete").map(schedule));

  // Phase 2: deletions, deepest kinds first (an attachment before its account), if nothing failed.
  const deletes = work.filter((e) => e.action === "delete");
  const failedBefore = [...outcomes.values()].some((o) => o.status === "failed" || o.status === "not done");
  if (failedBefore) {
    for (const e of deletes) {
      outcomes.set(e.key, {
        entry: e,
        status: "not done",
        message: "deletions are skipped when another change failed",
      });
      opts.progress?.tick();
    }
  } else {
    const depth = kindDepths(file.layouts.map((l) => l.kind));
    const levels = [...new Set(deletes.map((e) => depth.get(e.kind) ?? 0))].sort((a, b) => b - a);
    for (const level of levels) {
      await Promise.all(
        deletes
          .filter((e) => (depth.get(e.kind) ?? 0) === level)
          .map((e) =>
            run(e.org, () => execute(e)).then((o) => {
              outcomes.set(e.key, o);
              opts.progress?.tick(o.status === "failed");
            }),
          ),
      );
    }
  }
  opts.progress?.stop();
  return { runId: opts.runId, outcomes: work.map((e) => outcomes.get(e.key)!), warnings };
}
