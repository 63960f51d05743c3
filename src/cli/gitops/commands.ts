/**
 * The four commands as functions returning an exit code, so the CLI, the demo and the tests run the same
 * code in-process. Dependencies (resource kinds, how an organization is reached, streams) are injectable.
 */
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import type { ResourceKind } from "../../resources";
import type { ApplyResult } from "./applier";
import { applyPlan } from "./applier";
import { auditRun, receiptJson, receiptOk, renderReceipt } from "./audit";
import type { Receipt } from "./audit";
import { realConnect } from "./connect";
import { DEFAULT_JOURNAL, Journal, SecretIndex } from "./journal";
import { FileError } from "./loader";
import type { Connect, Io, OrgSpec, Plan, SpotFile } from "./model";
import { hasChanges, hasErrors, makePlan } from "./planner";
import { Progress } from "./progress";
import { applyJson, planJson, renderApplyText, renderMarkdown, renderText } from "./render";
import { newRunId } from "./util";
import { loadSpotFile } from "./validate";

export interface Deps {
  kinds?: readonly ResourceKind[];
  connect?: Connect;
  io?: Partial<Io>;
  runId?: string;
}

export interface CommonOptions {
  file: string;
  journal?: string;
  concurrency?: number;
}

export const EXIT = { ok: 0, error: 1, drift: 2 } as const;

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
}

function context(deps: Deps): Ctx {
  const io = { ...defaultIo(), ...deps.io };
  const warnings = new Map<string, string[]>();
  const kinds = deps.kinds ?? (require("../../resources").kinds as ResourceKind[]);
  const connect =
    deps.connect ??
    realConnect(io.env, (org, m) => {
      if (!warnings.has(org)) warnings.set(org, []);
      warnings.get(org)!.push(m);
    });
  return { io, kinds, warnings, connect };
}

function load(c: Ctx, file: string, readSecrets: boolean): SpotFile | undefined {
  try {
    return loadSpotFile(resolve(c.io.cwd, file), { kinds: c.kinds, env: c.io.env, readSecrets, requireTokens: true });
  } catch (e) {
    if (e instanceof FileError) {
      c.io.err(e.message + "\n");
      c.io.err(
        `${e.problems.length} problem${e.problems.length > 1 ? "s" : ""} in ${file}; nothing was sent to Spot.\n`,
      );
      return undefined;
    }
    throw e;
  }
}

function journalOf(c: Ctx, path?: string): Journal {
  return new Journal(resolve(c.io.cwd, path ?? DEFAULT_JOURNAL));
}

async function plan(
  c: Ctx,
  file: SpotFile,
  o: CommonOptions,
  runId: string,
): Promise<Awaited<ReturnType<typeof makePlan>>> {
  const secrets = new SecretIndex(journalOf(c, o.journal).read());
  const progress = new Progress(c.io.progress, c.io.err, "Planning");
  const planned = await makePlan(file, {
    connect: c.connect,
    runId,
    secrets,
    concurrency: o.concurrency ?? 8,
    progress,
  });
  for (const org of planned.plan.orgs) org.warnings.push(...(c.warnings.get(org.name) ?? []));
  c.warnings.clear();
  return planned;
}

export interface PlanCommandOptions extends CommonOptions {
  json?: boolean;
  markdown?: boolean;
  mode?: "plan" | "drift";
}

/** `plan` (exit 0, 1 on errors) and `drift` (exit 2 when live differs). */
export async function planCommand(o: PlanCommandOptions, deps: Deps = {}): Promise<{ code: number; plan?: Plan }> {
  const c = context(deps);
  const mode = o.mode ?? "plan";
  const file = load(c, o.file, true);
  if (!file) return { code: EXIT.error };
  const { plan: p } = await plan(c, file, o, deps.runId ?? newRunId());
  if (o.json) c.io.out(JSON.stringify(planJson(p, mode), null, 2) + "\n");
  else if (o.markdown) c.io.out(renderMarkdown(p, mode));
  else c.io.out(renderText(p, { color: c.io.color, mode }));
  if (hasErrors(p)) return { code: EXIT.error, plan: p };
  if (mode === "drift" && hasChanges(p)) return { code: EXIT.drift, plan: p };
  return { code: EXIT.ok, plan: p };
}

export interface ApplyCommandOptions extends CommonOptions {
  autoApprove?: boolean;
  json?: boolean;
}

export async function applyCommand(
  o: ApplyCommandOptions,
  deps: Deps = {},
): Promise<{ code: number; runId: string; plan?: Plan; result?: ApplyResult }> {
  const c = context(deps);
  const runId = deps.runId ?? newRunId();
  const file = load(c, o.file, true);
  if (!file) return { code: EXIT.error, runId };
  const journal = journalOf(c, o.journal);
  const { plan: p, conns } = await plan(c, file, o, runId);
  if (!o.json) c.io.out(renderText(p, { color: c.io.color, mode: "plan" }));
  if (hasErrors(p)) {
    if (o.json) c.io.out(JSON.stringify({ plan: planJson(p, "plan"), apply: null }, null, 2) + "\n");
    c.io.err("The plan has errors; nothing was applied.\n");
    return { code: EXIT.error, runId, plan: p };
  }
  if (!hasChanges(p)) {
    if (o.json) c.io.out(JSON.stringify({ plan: planJson(p, "plan"), apply: null }, null, 2) + "\n");
    return { code: EXIT.ok, runId, plan: p };
  }
  if (!o.autoApprove) {
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
  if (!o.json) c.io.out(`Applying run ${runId} (journal ${journal.path})\n`);
  const result = await applyPlan(file, p, conns, {
    runId,
    journal,
    secrets: new SecretIndex(journal.read()),
    concurrency: o.concurrency ?? 4,
    progress: new Progress(c.io.progress, c.io.err, "Applying"),
  });
  if (o.json) c.io.out(JSON.stringify({ plan: planJson(p, "plan"), apply: applyJson(result) }, null, 2) + "\n");
  else c.io.out(renderApplyText(result, c.io.color));
  const ok = result.outcomes.every((x) => x.status === "done" || x.status === "unchanged");
  return { code: ok ? EXIT.ok : EXIT.error, runId, plan: p, result };
}

export interface AuditCommandOptions {
  run: string;
  file?: string;
  journal?: string;
  json?: boolean;
}

export async function auditCommand(
  o: AuditCommandOptions,
  deps: Deps = {},
): Promise<{ code: number; receipt?: Receipt }> {
  const c = context(deps);
  const entries = journalOf(c, o.journal).read();
  let file: SpotFile | undefined;
  if (o.file) {
    try {
      file = loadSpotFile(resolve(c.io.cwd, o.file), { kinds: c.kinds, env: c.io.env, readSecrets: false });
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
    const org: OrgSpec = fromFile ?? {
      name,
      tokenEnv: mine[0].tokenEnv,
      token: c.io.env[mine[0].tokenEnv] || undefined,
      baseUrl: mine[0].baseUrl,
      prune: new Set(),
      docPath: [],
      objects: [],
    };
    if (!org.token)
      throw new Error(
        `environment variable ${org.tokenEnv} is not set; export organization "${name}"'s Spot token in it`,
      );
    return c.connect(org, readRun);
  });
  if (o.json) c.io.out(JSON.stringify(receiptJson(receipt), null, 2) + "\n");
  else c.io.out(renderReceipt(receipt, c.io.color));
  return { code: receiptOk(receipt) ? EXIT.ok : EXIT.error, receipt };
}
