/**
 * The four commands as functions returning an exit code, so the CLI, the demo and the tests run the same
 * code in-process. Dependencies (resource kinds, how an organization is reached, streams) are injectable.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import type { ConnectOptions, ResourceKind } from "../../core";
import type { ApplyEvents, ApplyResult } from "./applier";
import { applyPlan, recordInventory } from "./applier";
import { auditRun, receiptJson, receiptOk, renderReceipt } from "./audit";
import type { Receipt } from "./audit";
import { realConnect } from "./connect";
import { DEFAULT_JOURNAL, Journal, JournalIndex } from "./journal";
import { FileError } from "./loader";
import { exportOrganization } from "./export";
import { LockedError, lockOrganizations } from "./lock";
import type { Connect, FileProblem, Io, OrgConnection, OrgSpec, Plan, SpotFile } from "./model";
import type { SavedPlan } from "./plan-file";
import {
  SavedPlanError,
  digestOf,
  planDifferences,
  readSavedPlan,
  savedPlanMismatch,
  toSavedPlan,
  writeSavedPlan,
} from "./plan-file";
import type { PipelineOptions } from "./pipeline";
import { Pipeline, UsageError, orgLabel } from "./pipeline";
import { hasChanges, hasDrift, hasErrors, makePlan } from "./planner";
import type { DeleteLimits, Self } from "./safeguards";
import { DEFAULT_DELETE_LIMITS, massDeletion, selfAccess } from "./safeguards";
import { Progress } from "./progress";
import { applyJson, planJson, renderApplyText, renderMarkdown, renderText } from "./render";
import { newRunId, registry } from "../../core";
import { loadSpotFile } from "./validate";
import { visible, visibleDeep } from "./visible";

export interface Deps {
  kinds?: readonly ResourceKind[];
  connect?: Connect;
  /** Client options for the default connection (tests: an injected clock, no retries). */
  client?: ConnectOptions["client"];
  io?: Partial<Io>;
  runId?: string;
}

/** What the pipeline decides and the file cannot (docs/gitops.md, "Running on pull requests"). */
export interface TrustOptions extends PipelineOptions {
  /** The share (0 < x ≤ 1) of each rate budget the run may use (`--api-share`; else SPOT_IAC_API_SHARE). */
  apiShare?: number;
  /** The directory `…File` paths must stay in (default: the file's git work tree, else its directory). */
  root?: string;
}

export interface CommonOptions extends TrustOptions {
  file: string;
  journal?: string;
  concurrency?: number;
  /** Prune may delete undeclared objects no file ever managed, too (the pipeline's decision, not the file's). */
  pruneUnmanaged?: boolean;
  /** Only these organizations of the file (labels); all when absent. */
  org?: string[];
}

/**
 * Exit codes. `refused`: apply changed nothing on purpose — a reviewed plan overtaken by live state or by the file,
 * a safeguard, a lock held by another run — so a pipeline can tell "plan again" from "partly applied" (`error`).
 */
export const EXIT = { ok: 0, error: 1, drift: 2, refused: 3 } as const;

function defaultIo(): Io {
  const noColor = "NO_COLOR" in process.env;
  const force = "FORCE_COLOR" in process.env && process.env.FORCE_COLOR !== "0";
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    color: force || (!noColor && !!process.stdout.isTTY),
    progress: !!process.stderr.isTTY,
    confirm: process.stdin.isTTY
      ? async (q) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return (await rl.question(q)).trim() === "yes";
          } finally {
            rl.close();
          }
        }
      : undefined,
  };
}

interface Ctx {
  io: Io;
  kinds: readonly ResourceKind[];
  warnings: Map<string, string[]>;
  connect: Connect;
  pipeline: Pipeline;
  root?: string;
}

/** The command's context, or undefined after printing why the pipeline's settings are unusable. */
function context(deps: Deps, o: TrustOptions): Ctx | undefined {
  const io = { ...defaultIo(), ...deps.io };
  let pipeline: Pipeline;
  try {
    pipeline = new Pipeline(o, io.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    for (const p of e.problems) io.err(`spot-iac: ${visible(p)}\n`);
    io.err("Nothing was read or sent.\n");
    return undefined;
  }
  const warnings = new Map<string, string[]>();
  const kinds = deps.kinds ?? registry().kinds;
  const connect =
    deps.connect ??
    realConnect(
      pipeline,
      (org, m) => {
        if (!warnings.has(org)) warnings.set(org, []);
        warnings.get(org)!.push(m);
      },
      { apiShare: o.apiShare, client: deps.client },
    );
  const root = o.root === undefined ? undefined : resolve(io.cwd, o.root);
  return { io, kinds, warnings, connect, pipeline, root };
}

/** A file's problems: text on stderr, or (with --json) the same problems as JSON on stdout. */
function reportProblems(c: Ctx, e: FileError, file: string, json: boolean | undefined): void {
  if (json) {
    c.io.out(JSON.stringify(problemsJson(e.problems), null, 2) + "\n");
    return;
  }
  c.io.err(e.message + "\n");
  c.io.err(`${e.problems.length} problem${e.problems.length > 1 ? "s" : ""} in ${file}; nothing was sent to Spot.\n`);
}

export function problemsJson(problems: FileProblem[]): object {
  return {
    format: "spot-iac/problems@1",
    ok: problems.length === 0,
    problems: problems.map((p) => ({
      file: p.file,
      line: p.pos?.line ?? null,
      column: p.pos?.col ?? null,
      where: p.where,
      message: p.message,
    })),
  };
}

interface LoadWhat {
  readSecrets: boolean;
  requireTokens: boolean;
  orgs?: string[];
  json?: boolean;
}

function load(c: Ctx, file: string, what: LoadWhat): SpotFile | undefined {
  try {
    const f = loadSpotFile(resolve(c.io.cwd, file), {
      kinds: c.kinds,
      env: c.io.env,
      readSecrets: what.readSecrets,
      requireTokens: what.requireTokens,
      pipeline: c.pipeline,
      root: c.root,
      orgs: what.orgs,
    });
    return f;
  } catch (e) {
    if (e instanceof FileError) {
      reportProblems(c, e, file, what.json);
      return undefined;
    }
    throw e;
  }
}

function journalOf(c: Ctx, path?: string): Journal {
  return new Journal(resolve(c.io.cwd, path ?? DEFAULT_JOURNAL));
}

/** The spinner of a terminal (stderr); pipelines get per-change lines instead (see lineEvents). */
function progressFor(c: Ctx, label: string): Progress {
  return new Progress(c.io.progress, c.io.err, label);
}

async function plan(
  c: Ctx,
  file: SpotFile,
  o: Omit<CommonOptions, "file"> & { replace?: string[]; pruneUnmanaged?: boolean; withoutSecrets?: boolean },
  runId: string,
  index?: JournalIndex,
): Promise<Awaited<ReturnType<typeof makePlan>>> {
  const j = journalOf(c, o.journal);
  const planned = await makePlan(file, {
    connect: c.connect,
    runId,
    journal: index ?? new JournalIndex(j.read(), j.inventories()),
    pruneUnmanaged: o.pruneUnmanaged,
    withoutSecrets: o.withoutSecrets,
    concurrency: o.concurrency ?? DEFAULT_PLAN_CONCURRENCY,
    progress: progressFor(c, "Planning"),
    replace: new Set(o.replace ?? []),
  });
  for (const org of planned.plan.orgs) org.warnings.push(...(c.warnings.get(org.name) ?? []));
  c.warnings.clear();
  return planned;
}

/** Objects planned at once per organization; the client paces requests by each organization's rate budget. */
export const DEFAULT_PLAN_CONCURRENCY = 32;
/** Changes applied at once per organization. */
export const DEFAULT_APPLY_CONCURRENCY = 8;

export interface ValidateCommandOptions extends TrustOptions {
  file: string;
  json?: boolean;
  org?: string[];
}

/**
 * `validate`: every problem of the file in one pass — schema, names, references, cycles, duplicates, inline
 * secrets, and the core's checks of every value known offline — with no network, no token and no secret.
 */
export async function validateCommand(o: ValidateCommandOptions, deps: Deps = {}): Promise<{ code: number }> {
  const c = context(deps, o);
  if (!c) return { code: EXIT.error };
  const file = load(c, o.file, { readSecrets: false, requireTokens: false, orgs: o.org, json: o.json });
  if (!file) return { code: EXIT.error };
  const n = file.orgs.reduce((k, org) => k + org.objects.length, 0);
  if (o.json)
    c.io.out(
      JSON.stringify(
        {
          ...problemsJson([]),
          // What a pipeline builds its matrix from: one job per organization.
          organizations: file.orgs.map((org) => ({
            name: org.name,
            label: orgLabel(org.name),
            tokenEnv: org.tokenEnv,
            objects: org.objects.length,
          })),
        },
        null,
        2,
      ) + "\n",
    );
  else
    c.io.out(
      `${o.file}: valid (${file.orgs.length} organization${file.orgs.length === 1 ? "" : "s"}, ${n} object${n === 1 ? "" : "s"}).\n`,
    );
  return { code: EXIT.ok };
}

export interface PlanCommandOptions extends CommonOptions {
  json?: boolean;
  markdown?: boolean;
  mode?: "plan" | "drift";
  /** Write the plan to this file, for `apply --plan` (plan mode only). */
  out?: string;
  /** Read no secret: existing objects' secrets are not compared, new ones get theirs at apply. */
  withoutSecrets?: boolean;
  replace?: string[];
  deleteLimits?: Partial<DeleteLimits>;
}

/** `plan` (exit 0, 1 on errors) and `drift` (exit 2 when live differs). */
export async function planCommand(o: PlanCommandOptions, deps: Deps = {}): Promise<{ code: number; plan?: Plan }> {
  const c = context(deps, o);
  if (!c) return { code: EXIT.error };
  const mode = o.mode ?? "plan";
  const file = load(c, o.file, { readSecrets: !o.withoutSecrets, requireTokens: true, orgs: o.org, json: o.json });
  if (!file) return { code: EXIT.error };
  const { plan: p } = await plan(c, file, o, deps.runId ?? newRunId());
  // What apply would refuse, shown now: reviewers read the plan, not the apply log.
  if (mode === "plan")
    for (const org of p.orgs)
      org.warnings.push(...massDeletion({ ...p, orgs: [org] }, { ...DEFAULT_DELETE_LIMITS, ...o.deleteLimits }));
  if (o.json) c.io.out(JSON.stringify(planJson(p, mode), null, 2) + "\n");
  else if (o.markdown) c.io.out(renderMarkdown(p, mode));
  else c.io.out(renderText(p, { color: c.io.color, mode }));
  if (hasErrors(p)) return { code: EXIT.error, plan: p };
  if (o.out && mode === "plan") {
    const path = resolve(c.io.cwd, o.out);
    writeSavedPlan(path, toSavedPlan(p, o.file, digestOf(file.path), !o.withoutSecrets, o.replace));
    c.io.err(`Plan saved to ${o.out}: apply exactly it with \`spot-iac apply --plan ${o.out}\`.\n`);
  }
  if (mode === "drift" && hasDrift(p)) return { code: EXIT.drift, plan: p };
  return { code: EXIT.ok, plan: p };
}

export interface ApplyCommandOptions extends Omit<CommonOptions, "file"> {
  /** The run id to record and send (`--run-id`, a pipeline naming its run); generated when absent. */
  runId?: string;
  /** The GitOps file; with --plan, the saved plan's when absent. */
  file?: string;
  autoApprove?: boolean;
  json?: boolean;
  /** Apply this saved plan (`plan --out`) instead of planning: exactly it, or nothing. */
  plan?: string;
  /**
   * With `plan`: only say whether the saved plan fits this checkout and `org` (exit 0) or why not (exit 3, one line
   * on stdout). Reads the plan and the file's bytes; no token, secret or API call.
   */
  check?: boolean;
  replace?: string[];
  deleteLimits?: Partial<DeleteLimits>;
}

export async function applyCommand(
  o: ApplyCommandOptions,
  deps: Deps = {},
): Promise<{ code: number; runId: string; plan?: Plan; result?: ApplyResult }> {
  const runId = deps.runId ?? o.runId ?? newRunId();
  const c = context(deps, o);
  if (!c) return { code: EXIT.error, runId };
  const emit = (s: string) => (o.json ? c.io.err(s) : c.io.out(s));
  if (o.check && !o.plan) {
    c.io.err("spot-iac: --check goes with --plan (it says whether that saved plan can be applied)\n");
    return { code: EXIT.error, runId };
  }
  let reviewed: SavedPlan | undefined;
  let fileName = o.file;
  if (o.plan) {
    try {
      reviewed = readSavedPlan(resolve(c.io.cwd, o.plan));
    } catch (e) {
      if (!(e instanceof SavedPlanError)) throw e;
      if (o.check) {
        c.io.out(`${visible(e.message)}\n`);
        return { code: EXIT.refused, runId };
      }
      c.io.err(`spot-iac: ${e.message}\n`);
      return { code: EXIT.error, runId };
    }
    fileName = o.file ?? reviewed.file;
  }
  if (!fileName) {
    c.io.err("spot-iac: give the GitOps file (-f) or a saved plan (--plan)\n");
    return { code: EXIT.error, runId };
  }
  const mismatch = (path: string) =>
    reviewed &&
    savedPlanMismatch(reviewed, { planName: o.plan!, fileName: fileName!, fileDigest: digestOf(path), orgs: o.org });
  if (reviewed && o.check) {
    let why: string | undefined;
    try {
      why = mismatch(resolve(c.io.cwd, fileName));
    } catch (e) {
      why = `cannot read ${fileName} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
    c.io.out(`${visible(why ?? `${o.plan} can be applied to ${fileName} (${reviewed.organizations.join(", ")})`)}\n`);
    return { code: why ? EXIT.refused : EXIT.ok, runId };
  }
  // The organizations first: a plan of other organizations needs none of their tokens or secrets to be refused.
  if (reviewed && o.org?.length) {
    const why = savedPlanMismatch(reviewed, {
      planName: o.plan!,
      fileName,
      fileDigest: reviewed.fileDigest,
      orgs: o.org,
    });
    if (why) {
      c.io.err(`spot-iac: ${why}; nothing was applied\n`);
      return { code: EXIT.refused, runId };
    }
  }
  const orgs = reviewed ? reviewed.organizations : o.org;
  const file = load(c, fileName, { readSecrets: true, requireTokens: true, orgs, json: o.json });
  if (!file) return { code: EXIT.error, runId };
  const why = mismatch(file.path);
  if (why) {
    c.io.err(`spot-iac: ${why}; nothing was applied. Plan again.\n`);
    return { code: EXIT.refused, runId };
  }
  const journal = journalOf(c, o.journal);
  let release: () => void;
  try {
    release = lockOrganizations(
      join(dirname(journal.path), "locks"),
      file.orgs.map((x) => x.name),
      runId,
    );
  } catch (e) {
    if (!(e instanceof LockedError)) throw e;
    c.io.err(`spot-iac: ${visible(e.message)}\n`);
    return { code: EXIT.refused, runId };
  }
  try {
    const index = new JournalIndex(journal.read(), journal.inventories());
    // A saved plan is planned again as it was made: with the replacements it was asked for.
    const replace = reviewed ? reviewed.replace : o.replace;
    const { plan: p, conns } = await plan(c, file, { ...o, replace }, runId, index);
    if (!o.json) c.io.out(renderText(p, { color: c.io.color, mode: "plan" }));
    const refuse = (why: string[], what: string, code: number = EXIT.refused) => {
      if (o.json) c.io.out(JSON.stringify({ plan: planJson(p, "plan"), apply: null, refused: why }, null, 2) + "\n");
      for (const w of why) c.io.err(`refused: ${visible(w)}\n`);
      c.io.err(`${what}; nothing was applied.\n`);
      return { code, runId, plan: p };
    };
    if (hasErrors(p)) return refuse([], "The plan has errors", EXIT.error);
    if (reviewed) {
      const moved = planDifferences(reviewed, p);
      if (moved.length) return refuse(moved, `Live state or the file moved since ${o.plan} was saved`);
    }
    const guards = [
      ...massDeletion(p, { ...DEFAULT_DELETE_LIMITS, ...o.deleteLimits }),
      ...selfAccess(p, await selves(c, p, conns, journal)),
    ];
    if (guards.length) return refuse(guards, "Safeguards stopped the apply");
    if (!hasChanges(p)) {
      recordInventory(journal, file, p, runId);
      if (o.json) c.io.out(JSON.stringify({ plan: planJson(p, "plan"), apply: null }, null, 2) + "\n");
      return { code: EXIT.ok, runId, plan: p };
    }
    // A saved plan was reviewed already (like terraform apply PLANFILE); otherwise ask, or require the flag.
    if (!o.autoApprove && !reviewed) {
      if (!c.io.confirm) {
        c.io.err(
          "Refusing to apply without confirmation: stdin is not a terminal. Review the plan and pass --auto-approve.\n",
        );
        return { code: EXIT.error, runId, plan: p };
      }
      if (!(await c.io.confirm("Apply these changes? Only 'yes' is accepted: "))) {
        c.io.err("Apply cancelled; nothing was changed.\n");
        return { code: EXIT.error, runId, plan: p };
      }
    }
    emit(`Applying run ${runId} (journal ${journal.path})\n`);
    const result = await applyPlan(file, p, conns, {
      runId,
      journal,
      index,
      concurrency: o.concurrency ?? DEFAULT_APPLY_CONCURRENCY,
      progress: progressFor(c, "Applying"),
      // In a pipeline (no terminal) a line per change, so a log shows what runs while it runs.
      events: c.io.progress ? undefined : lineEvents(emit),
    });
    recordInventory(journal, file, p, runId, result.outcomes);
    if (o.json) c.io.out(JSON.stringify({ plan: planJson(p, "plan"), apply: applyJson(result) }, null, 2) + "\n");
    else c.io.out(renderApplyText(result, c.io.color));
    const ok = result.outcomes.every((x) => x.status === "done" || x.status === "unchanged");
    return { code: ok ? EXIT.ok : EXIT.error, runId, plan: p, result };
  } finally {
    release();
  }
}

/** Progress as plain lines: started and finished changes, with their duration. */
function lineEvents(emit: (s: string) => void): ApplyEvents {
  const started = new Map<string, number>();
  return {
    started: (e) => {
      started.set(e.key, Date.now());
      emit(`… ${e.action} ${visible(`${e.kind} ${e.name}`)} (${visible(e.org)})\n`);
    },
    finished: (o) => {
      const ms = Date.now() - (started.get(o.entry.key) ?? Date.now());
      const mark = o.status === "done" || o.status === "unchanged" ? "✓" : o.status === "failed" ? "✗" : "·";
      emit(
        `${mark} ${o.entry.action} ${visible(`${o.entry.kind} ${o.entry.name}`)} (${visible(o.entry.org)}) ${o.status} in ${(ms / 1000).toFixed(1)} s\n`,
      );
    },
  };
}

/**
 * Whose token runs the apply, per organization, for the self-access guard. Spot has no "who am I" endpoint:
 * the pipeline may say (SPOT_IAC_SELF_<LABEL>: an e-mail or a user id), else the audit log tells who made the
 * changes of the last run this journal recorded for the organization. Asked only when the plan touches access.
 */
async function selves(
  c: Ctx,
  p: Plan,
  conns: Map<string, OrgConnection>,
  journal: Journal,
): Promise<(org: string) => Self | undefined> {
  const risky = new Set(["User", "ProgrammaticUser", "UserAttachment", "UserGroup"]);
  const out = new Map<string, Self>();
  const entries = journal.read();
  for (const o of p.orgs) {
    if (!o.entries.some((e) => risky.has(e.kind) && e.action !== "noop" && e.action !== "create")) continue;
    const told = c.io.env[`SPOT_IAC_SELF_${orgLabel(o.name)}`];
    if (told) {
      out.set(o.name, /^(u|pu)-/.test(told) ? { userId: told } : { email: told });
      continue;
    }
    const last = entries.filter((e) => e.organization === o.name && e.status === "done").pop();
    const conn = conns.get(o.name);
    if (!last || !conn) continue;
    try {
      const events = await conn.auditTrail(last.runId, {
        from: new Date(Date.parse(last.started) - 60_000),
        to: new Date(Date.parse(last.time) + 60_000),
      });
      const user = events.find((e) => typeof e.user === "string" && e.user)?.user;
      // Spot's audit log names a console user by e-mail, a programmatic user by its name.
      if (user) out.set(o.name, user.includes("@") ? { email: user } : { name: user });
    } catch {
      // Unknown: the guard cannot tell, and says nothing.
    }
  }
  return (org) => out.get(org);
}

export interface ExportCommandOptions extends TrustOptions {
  /** The variable holding the token of the organization to export. */
  tokenEnv: string;
  /** The organization's label in the file (default "exported"). */
  label?: string;
  /** Write here instead of stdout. */
  output?: string;
}

/** `export`: the GitOps file of the organization the token reaches, so that a plan of it shows no change. */
export async function exportCommand(
  o: ExportCommandOptions,
  deps: Deps = {},
): Promise<{ code: number; text?: string }> {
  const c = context(deps, o);
  if (!c) return { code: EXIT.error };
  const token = c.io.env[o.tokenEnv];
  if (!token) {
    c.io.err(`spot-iac: environment variable ${o.tokenEnv} is not set; export the organization's token in it\n`);
    return { code: EXIT.error };
  }
  const label = o.label ?? "exported";
  const org: OrgSpec = {
    name: label,
    tokenEnv: o.tokenEnv,
    token,
    baseUrl: c.pipeline.endpoint(label).url,
    prune: new Set(),
    docPath: [],
    objects: [],
  };
  const conn = await c.connect(org, newRunId());
  const text = await exportOrganization(conn.ctx, {
    label,
    tokenEnv: c.pipeline.tokenEnv(label),
    kinds: c.kinds,
    // Known once an answer has carried it: read when the header is written, after listing.
    get organizationId() {
      return conn.organizationId;
    },
    // A name the pipeline's --secret-env-pattern admits: its * stands for the object's part, the rest is kept.
    secretEnv: (l, kind, name, field) =>
      c.pipeline.secretEnvPattern
        .replace(
          "*",
          [l, kind, name, field]
            .join("_")
            .toUpperCase()
            .replace(/[^A-Z0-9_]/g, "_"),
        )
        .replace(/\*/g, ""),
  });
  if (o.output) {
    writeFileSync(resolve(c.io.cwd, o.output), text);
    c.io.err(`Wrote ${o.output}. Set the …Env variables it names, then run spot-iac plan -f ${o.output}.\n`);
  } else c.io.out(text);
  return { code: EXIT.ok, text };
}

export interface AuditCommandOptions extends TrustOptions {
  run: string;
  file?: string;
  journal?: string;
  json?: boolean;
}

export async function auditCommand(
  o: AuditCommandOptions,
  deps: Deps = {},
): Promise<{ code: number; receipt?: Receipt }> {
  const c = context(deps, o);
  if (!c) return { code: EXIT.error };
  const entries = journalOf(c, o.journal).read();
  let file: SpotFile | undefined;
  if (o.file) {
    try {
      file = loadSpotFile(resolve(c.io.cwd, o.file), {
        kinds: c.kinds,
        env: c.io.env,
        readSecrets: false,
        pipeline: c.pipeline,
        root: c.root,
      });
    } catch (e) {
      if (e instanceof FileError) {
        c.io.err(e.message + "\n");
        return { code: EXIT.error };
      }
      throw e;
    }
  }
  const readRun = newRunId();
  const receipt = await auditRun(o.run, entries, (name, mine) => {
    const fromFile = file?.orgs.find((x) => x.name === name);
    const org: OrgSpec = fromFile ?? fromJournal(c.pipeline, c.io.env, name, mine[0].baseUrl);
    if (!org.token)
      throw new Error(
        `environment variable ${org.tokenEnv} is not set; export organization "${name}"'s Spot token in it`,
      );
    return c.connect(org, readRun);
  });
  if (o.json) c.io.out(JSON.stringify(receiptJson(receipt), null, 2) + "\n");
  else c.io.out(renderReceipt(visibleDeep(receipt), c.io.color));
  return { code: receiptOk(receipt) ? EXIT.ok : EXIT.error, receipt };
}

/**
 * An organization known only from the journal. The journal is a cached artifact, as open to tampering as
 * the file: the token variable follows the pattern whatever the line says, and its base URL is used only
 * when the pipeline would send the token there anyway or allows it.
 */
function fromJournal(pipeline: Pipeline, env: NodeJS.ProcessEnv, name: string, journaled?: string): OrgSpec {
  const tokenEnv = pipeline.tokenEnv(name);
  let baseUrl = pipeline.endpoint(name).url;
  if (journaled !== undefined) {
    const u = pipeline.fileBaseUrl(name, journaled);
    if ("problem" in u)
      throw new Error(
        `the journal says organization "${name}" was reached at ${journaled}, where this pipeline does not send its token; give the same --base-url / --allow-base-url as the run had, or -f with the file`,
      );
    baseUrl = u.url;
  }
  return { name, tokenEnv, token: env[tokenEnv] || undefined, baseUrl, prune: new Set(), docPath: [], objects: [] };
}
