/**
 * Applying a plan: creates, updates and replaces in dependency order with bounded concurrency, then
 * deletions (dependants first) only when everything else succeeded. A failure stops what depends on it;
 * the rest carries on. Each finished change is journaled at once, so a killed run leaves a true record.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { FieldChange, Props, ResourceContext, ResourceKind } from "../../resources";
import { checkInputs, diffResource } from "../../resources";
import type { Journal, JournalEntry, SecretIndex } from "./journal";
import type { OrgConnection, OrgSpec, Plan, PlanEntry, SpotFile } from "./model";
import { priorFor, resolveRefs, secretHashes, withPrior } from "./planner";
import type { Progress } from "./progress";
import { errorMessage, limiter, scrub } from "./util";

export interface ApplyOptions {
  runId: string;
  journal: Journal;
  secrets: SecretIndex;
  concurrency: number;
  progress?: Progress;
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
  const run = limiter(Math.max(1, opts.concurrency));
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
    opts.journal.append(entry);
  };

  /** A context whose warnings go with the change's outcome (a delete that only "forgets" says so through warn). */
  const ctxFor = (conn: OrgConnection, notes: string[]): ResourceContext => ({
    ...conn.ctx,
    warn: (m: string) => {
      notes.push(m);
    },
  });

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
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, v + "\n", { mode: 0o600 });
      chmodSync(path, 0o600);
      warnings.push(`${d.kind.name} "${d.name}": ${field} written to ${path} (mode 0600)`);
    }
  };

  const execute = async (e: PlanEntry): Promise<Outcome> => {
    const conn = conns.get(e.org)!;
    const notes: string[] = [];
    const ctx = ctxFor(conn, notes);
    const started = new Date();
    const d = e.declared;
    if (e.action === "delete") {
      const kind = file.layouts.find((l) => l.kind.name === e.kind)!.kind;
      try {
        const live = (await kind.read(ctx, e.id!, e.live)) ?? undefined;
        if (!live) return { entry: e, status: "done", message: "already gone", id: e.id };
        const allow = kind.fields.allowDeletion ? { allowDeletion: true } : {};
        await kind.delete(ctx, e.id!, { ...live, ...allow });
        const forgot = notes.length > 0;
        journal(e, { action: forgot ? "forget" : "delete", status: "done", fields: [] }, started);
        return { entry: e, status: "done", id: e.id, message: notes.join("; ") || undefined };
      } catch (err) {
        journal(e, { action: "delete", status: "failed", fields: [], error: errorMessage(err) }, started);
        return { entry: e, status: "failed", message: scrub(errorMessage(err), secretValues), id: e.id };
      }
    }
    const kind = d!.kind;
    const resolved = resolveRefs(d!, (k) => ids.get(k));
    const { inputs, failures } = checkInputs(kind, resolved);
    const secrets = secretHashes(kind, inputs);
    const fail = (action: JournalEntry["action"], err: unknown, id?: string): Outcome => {
      const msg = scrub(errorMessage(err), secretValues);
      journal(e, { action, status: "failed", fields: [], error: msg, id }, started);
      return { entry: e, status: "failed", message: msg, id };
    };
    if (failures.length)
      return fail(
        e.action as JournalEntry["action"],
        new Error(failures.map((f) => `${f.field} ${f.message}`).join("; ")),
      );
    const create = async (action: "create" | "replace", previousId?: string): Promise<Outcome> => {
      let created: { id: string; outputs: Props };
      try {
        created = await kind.create(ctx, inputs);
      } catch (err) {
        return fail(action, err, previousId);
      }
      ids.set(e.key, created.id);
      journal(
        e,
        {
          action,
          status: "done",
          id: created.id,
          previousId,
          fields: Object.keys(inputs).sort(),
          secretHashes: secrets,
        },
        started,
      );
      writeOutputs(e, created.outputs);
      return { entry: e, status: "done", id: created.id, message: notes.join("; ") || undefined };
    };
    if (e.action === "create") return create("create");
    const prior = priorFor(d!, inputs, opts.secrets, e.id!);
    let live: Props | undefined;
    try {
      live = await kind.read(ctx, e.id!, prior);
    } catch (err) {
      return fail(e.action as JournalEntry["action"], err, e.id);
    }
    if (e.action === "replace") {
      if (live) {
        try {
          await kind.delete(ctx, e.id!, {
            ...withPrior(kind, live, prior),
            ...(kind.fields.allowDeletion ? { allowDeletion: inputs.allowDeletion } : {}),
          });
        } catch (err) {
          return fail("replace", err, e.id);
        }
      }
      return create("replace", e.id);
    }
    // update: the object as it is now, not as it was at plan time.
    if (!live)
      return fail(
        "update",
        new Error(`${kind.name} ${e.id} no longer exists (deleted since the plan); run apply again to re-create it`),
        e.id,
      );
    const current = withPrior(kind, live, prior);
    const diff = diffResource(kind, inputs, current);
    if (diff.rejected.length || diff.replace)
      return fail(
        "update",
        new Error(
          `changed since the plan: it now needs ${diff.replace ? "a replacement" : "a change Spot cannot make"}; run plan again`,
        ),
        e.id,
      );
    const changes: FieldChange[] = diff.changes.filter((c) => c.mode === "update");
    if (!changes.length) return { entry: e, status: "unchanged", id: e.id, message: "already up to date" };
    try {
      await kind.update(ctx, e.id!, inputs, current, changes);
    } catch (err) {
      return fail("update", err, e.id);
    }
    const changedSecrets =
      secrets && Object.fromEntries(Object.entries(secrets).filter(([k]) => changes.some((c) => c.field === k)));
    journal(
      e,
      {
        action: "update",
        status: "done",
        fields: changes.map((c) => c.field),
        secretHashes: changedSecrets && Object.keys(changedSecrets).length ? changedSecrets : undefined,
      },
      started,
    );
    return { entry: e, status: "done", id: e.id, message: notes.join("; ") || undefined };
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
      return run(() => execute(e));
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
            run(() => execute(e)).then((o) => {
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
