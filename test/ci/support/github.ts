/**
 * A GitHub Actions runner for the recipes, on this machine: it reads a workflow file and runs it as GitHub
 * would for one event — job `if:`s, `needs`, matrices, environments and their secrets (none for a fork's
 * pull request), step `if:`s and status, `env:` at three levels, `$GITHUB_OUTPUT` / `$GITHUB_ENV` /
 * `$GITHUB_STEP_SUMMARY`, `run:` scripts in bash — and stands in for the actions the recipes use
 * (checkout, setup-node, cache restore/save, upload/download-artifact, github-script) and for the REST API
 * behind github-script, enforcing each job's `permissions:`. What it does not model it refuses (an unknown
 * action, an unsupported expression), so a recipe cannot pass by using something unchecked.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ExprContext } from "./expressions";
import { evalIf, evalString, evalValue } from "./expressions";
import type { GitRepo, Sandbox } from "./runner";
import { Machine, filesUnder, writeFiles } from "./runner";

export const BOT = "github-actions[bot]";

export interface Comment {
  id: number;
  issue_number: number;
  user: { login: string };
  body: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  user: { login: string };
}

export interface PullRequest {
  number: number;
  head: { sha: string; ref: string; repo: { full_name: string } };
  base: { ref: string };
  merged_at: string | null;
  merge_commit_sha: string | null;
}

export interface StepRecord {
  name: string;
  id?: string;
  uses?: string;
  run?: string;
  outcome: "success" | "failure" | "skipped";
  env: Record<string, string>;
  with: Record<string, string>;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  error?: string;
}

export interface JobRecord {
  job: string;
  name: string;
  matrix: Record<string, unknown>;
  result: "success" | "failure" | "skipped";
  environment?: string;
  concurrency?: { group: string; cancelInProgress: boolean };
  permissions: Record<string, string>;
  steps: StepRecord[];
  summary: string;
  machine?: Machine;
}

export interface WorkflowRun {
  id: number;
  workflow: string;
  event: string;
  head_sha: string;
  head_repository: { full_name: string };
  artifacts: Map<string, Map<string, Buffer>>;
  jobs: JobRecord[];
  conclusion: "success" | "failure";
}

interface CacheEntry {
  key: string;
  ref: string;
  files: Map<string, Buffer>;
  seq: number;
}

export interface GhEvent {
  name: "pull_request" | "push" | "schedule" | "workflow_dispatch";
  /** The commit the run checks out. */
  sha: string;
  ref: string;
  pullRequest?: { number: number; headSha: string; headRef: string; headRepo: string };
  inputs?: Record<string, string>;
}

type Perms = Record<string, string>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The repository on GitHub: its settings, pull requests, comments, issues, runs, artifacts and caches. */
export class GitHub {
  readonly repository = "acme/infra";
  readonly serverUrl = "https://github.com";
  vars: Record<string, string> = {};
  secrets: Record<string, string> = {};
  environments: Record<string, Record<string, string>> = {};
  comments: Comment[] = [];
  issues: Issue[] = [];
  pulls: PullRequest[] = [];
  runs: WorkflowRun[] = [];
  caches: CacheEntry[] = [];
  private nextId = 1000;
  private seq = 0;

  constructor(
    readonly repo: GitRepo,
    readonly sandbox: Sandbox,
  ) {}

  id(): number {
    return ++this.nextId;
  }

  /** Run a workflow file for an event; returns the run once every job has finished. */
  async runWorkflow(file: string, event: GhEvent): Promise<WorkflowRun> {
    const wf = parseYaml(readFileSync(file, "utf8")) as Record<string, any>;
    const on =
      typeof wf.on === "string"
        ? { [wf.on]: null }
        : Array.isArray(wf.on)
          ? Object.fromEntries(wf.on.map((e: string) => [e, null]))
          : wf.on;
    if (!(event.name in on)) throw new Error(`${file} does not run on ${event.name}`);
    const fork = event.name === "pull_request" && event.pullRequest!.headRepo !== this.repository;
    const run: WorkflowRun = {
      id: this.id(),
      workflow: file.split(sep).pop()!,
      event: event.name,
      head_sha: event.pullRequest?.headSha ?? event.sha,
      head_repository: { full_name: event.pullRequest?.headRepo ?? this.repository },
      artifacts: new Map(),
      jobs: [],
      conclusion: "success",
    };
    const github = {
      event_name: event.name,
      repository: this.repository,
      repository_owner: this.repository.split("/")[0],
      sha: event.sha,
      ref: event.ref,
      run_id: String(run.id),
      run_attempt: "1",
      server_url: this.serverUrl,
      token: fork ? "ghs_readonly" : "ghs_token",
      event: event.pullRequest
        ? {
            pull_request: {
              number: event.pullRequest.number,
              head: {
                sha: event.pullRequest.headSha,
                ref: event.pullRequest.headRef,
                repo: { full_name: event.pullRequest.headRepo },
              },
              base: { ref: "main", repo: { full_name: this.repository } },
            },
          }
        : { inputs: event.inputs ?? {} },
    };
    const results: Record<string, { result: string; outputs: Record<string, string> }> = {};
    const jobs = Object.entries(wf.jobs as Record<string, any>);
    const pending = new Map(jobs);
    while (pending.size) {
      const ready = [...pending].find(([, j]) => ([] as string[]).concat(j.needs ?? []).every((n) => n in results));
      if (!ready) throw new Error(`${file}: jobs wait on each other`);
      const [id, job] = ready;
      pending.delete(id);
      const needs = Object.fromEntries(([] as string[]).concat(job.needs ?? []).map((n) => [n, results[n]]));
      const top: Record<string, unknown> = { github, vars: this.vars, inputs: event.inputs ?? {}, needs };
      const needsOk = Object.values(needs).every((n) => n.result === "success");
      const jobIf = evalIf(job.if, { contexts: top, status: { success: needsOk, failure: !needsOk } });
      if (!jobIf) {
        run.jobs.push({ job: id, name: id, matrix: {}, result: "skipped", permissions: {}, steps: [], summary: "" });
        results[id] = { result: "skipped", outputs: {} };
        continue;
      }
      const legs = this.matrix(job.strategy?.matrix, top);
      const records = await Promise.all(
        legs.map((m) => this.runJob(wf, id, job, m, { github, event, fork, run, needs })),
      );
      run.jobs.push(...records);
      const failed = records.some((r) => r.result === "failure");
      results[id] = { result: failed ? "failure" : "success", outputs: {} };
      if (failed) run.conclusion = "failure";
    }
    this.runs.push(run);
    return run;
  }

  private matrix(spec: unknown, top: Record<string, unknown>): Record<string, unknown>[] {
    if (spec === undefined) return [{}];
    const c: ExprContext = { contexts: top, status: { success: true, failure: false } };
    const m = evalValue(spec, c) as Record<string, unknown>;
    let legs: Record<string, unknown>[] = [{}];
    for (const [k, v] of Object.entries(m)) {
      if (k === "include" || k === "exclude") continue;
      const values = evalValue(v, c);
      if (!Array.isArray(values)) throw new Error(`matrix.${k} is not a list`);
      legs = legs.flatMap((l) => values.map((x) => ({ ...l, [k]: x })));
    }
    if (m.include || m.exclude) throw new Error("matrix include/exclude: not modelled");
    return legs;
  }

  private permissions(wf: Record<string, any>, job: Record<string, any>, fork: boolean): Perms {
    const all = ["actions", "contents", "issues", "pull-requests", "checks", "deployments", "statuses", "packages"];
    const spec = job.permissions ?? wf.permissions;
    let p: Perms;
    if (spec === undefined || spec === "write-all") p = Object.fromEntries(all.map((k) => [k, "write"]));
    else if (spec === "read-all") p = Object.fromEntries(all.map((k) => [k, "read"]));
    else p = { ...spec };
    // A fork's pull request gets a read-only token whatever the workflow asks for.
    if (fork) for (const k of Object.keys(p)) if (p[k] === "write") p[k] = "read";
    return p;
  }

  private async runJob(
    wf: Record<string, any>,
    id: string,
    job: Record<string, any>,
    matrix: Record<string, unknown>,
    r: { github: Record<string, any>; event: GhEvent; fork: boolean; run: WorkflowRun; needs: Record<string, unknown> },
  ): Promise<JobRecord> {
    const machine = new Machine(this.sandbox.mkdir(`gh-${id}`));
    const top: Record<string, unknown> = {
      github: r.github,
      vars: this.vars,
      inputs: r.event.inputs ?? {},
      needs: r.needs,
      matrix,
      strategy: {},
    };
    const ok = { success: true, failure: false };
    const environment =
      job.environment === undefined
        ? undefined
        : evalString(typeof job.environment === "string" ? job.environment : job.environment.name, {
            contexts: top,
            status: ok,
          });
    // Secrets: none for a fork's pull request; else the repository's, overridden by the environment's.
    const secrets: Record<string, string> = r.fork
      ? { GITHUB_TOKEN: r.github.token }
      : {
          ...this.secrets,
          ...(environment ? (this.environments[environment] ?? {}) : {}),
          GITHUB_TOKEN: r.github.token,
        };
    const wfEnv = this.envBlock(wf.env, {
      contexts: { github: r.github, vars: this.vars, inputs: r.event.inputs ?? {}, secrets },
      status: ok,
    });
    const jobCtx: Record<string, unknown> = { ...top, secrets, env: wfEnv };
    const jobEnv = { ...wfEnv, ...this.envBlock(job.env, { contexts: jobCtx, status: ok }) };
    const name = evalString(job.name ?? id, { contexts: jobCtx, status: ok });
    const record: JobRecord = {
      job: id,
      name,
      matrix,
      result: "success",
      environment,
      permissions: this.permissions(wf, job, r.fork),
      steps: [],
      summary: "",
      machine,
    };
    if (job.concurrency) {
      const cc = typeof job.concurrency === "string" ? { group: job.concurrency } : job.concurrency;
      record.concurrency = {
        group: evalString(cc.group, { contexts: jobCtx, status: ok }),
        cancelInProgress: evalValue(cc["cancel-in-progress"] ?? false, { contexts: jobCtx, status: ok }) === true,
      };
    }
    const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
    let failed = false;
    const exported: Record<string, string> = {};
    const summaryFile = join(machine.temp, "step-summary.md");
    writeFileSync(summaryFile, "");
    for (const [i, step] of (job.steps as Record<string, any>[]).entries()) {
      const status = { success: !failed, failure: failed };
      const ctx: ExprContext = {
        contexts: { ...jobCtx, env: { ...jobEnv, ...exported }, steps, runner: { os: "Linux", temp: machine.temp } },
        status,
        hashFiles: (patterns) => hashFiles(machine.workspace, patterns),
      };
      const rec: StepRecord = {
        name: evalString(step.name ?? step.uses ?? step.run?.split("\n")[0] ?? `step ${i}`, ctx),
        id: step.id,
        uses: step.uses,
        run: step.run,
        outcome: "skipped",
        env: {},
        with: {},
        stdout: "",
        stderr: "",
        outputs: {},
      };
      record.steps.push(rec);
      if (!evalIf(step.if, ctx)) {
        if (step.id) steps[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
        continue;
      }
      rec.env = { ...jobEnv, ...exported, ...this.envBlock(step.env, ctx) };
      const processEnv: Record<string, string> = {
        ...machine.baseEnv(),
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: machine.workspace,
        GITHUB_RUN_ID: String(r.run.id),
        GITHUB_RUN_ATTEMPT: "1",
        GITHUB_SHA: r.event.sha,
        GITHUB_REF: r.event.ref,
        GITHUB_REPOSITORY: this.repository,
        GITHUB_EVENT_NAME: r.event.name,
        GITHUB_SERVER_URL: this.serverUrl,
        GITHUB_JOB: id,
        RUNNER_TEMP: machine.temp,
        RUNNER_OS: "Linux",
        GITHUB_STEP_SUMMARY: summaryFile,
        ...rec.env,
      };
      try {
        if (step.run !== undefined) {
          const outFile = join(machine.temp, `output-${i}`);
          const envFile = join(machine.temp, `env-${i}`);
          writeFileSync(outFile, "");
          writeFileSync(envFile, "");
          const shell = step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell;
          if (shell !== "bash") throw new Error(`step "${rec.name}": only shell: bash is modelled (got ${shell})`);
          const res = await machine.bash(evalString(step.run, ctx), {
            ...processEnv,
            GITHUB_OUTPUT: outFile,
            GITHUB_ENV: envFile,
          });
          rec.stdout = res.stdout;
          rec.stderr = res.stderr;
          rec.outputs = parseKeyValues(readFileSync(outFile, "utf8"));
          Object.assign(exported, parseKeyValues(readFileSync(envFile, "utf8")));
          rec.outcome = res.code === 0 ? "success" : "failure";
          if (res.code !== 0) rec.error = `exit ${res.code}`;
        } else if (step.uses !== undefined) {
          rec.with = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evalString(v, ctx)]));
          await this.action(step.uses, rec, { machine, run: r.run, event: r.event, record, processEnv });
          rec.outcome = rec.error ? "failure" : "success";
        } else throw new Error("a step needs run: or uses:");
      } catch (e) {
        rec.outcome = "failure";
        rec.error = (e as Error).message;
      }
      const soft = evalValue(step["continue-on-error"] ?? false, ctx) === true;
      if (step.id)
        steps[step.id] = { outputs: rec.outputs, outcome: rec.outcome, conclusion: soft ? "success" : rec.outcome };
      if (rec.outcome === "failure" && !soft) failed = true;
    }
    record.summary = readFileSync(summaryFile, "utf8");
    record.result = failed ? "failure" : "success";
    return record;
  }

  private envBlock(block: unknown, c: ExprContext): Record<string, string> {
    if (!block) return {};
    return Object.fromEntries(Object.entries(block as Record<string, unknown>).map(([k, v]) => [k, evalString(v, c)]));
  }

  private async action(
    uses: string,
    rec: StepRecord,
    s: { machine: Machine; run: WorkflowRun; event: GhEvent; record: JobRecord; processEnv: Record<string, string> },
  ): Promise<void> {
    const [name, version] = uses.split("@");
    const w = rec.with;
    const ws = s.machine.workspace;
    const need = (scope: string, level: "read" | "write") => requirePermission(s.record.permissions, scope, level);
    const paths = (v: string | undefined) =>
      (v ?? "")
        .split("\n")
        .map((x) => x.trim())
        .filter(Boolean);
    if (!/^v\d+$/.test(version ?? "")) throw new Error(`${uses}: pin actions to a major version`);
    switch (name) {
      case "actions/checkout":
        need("contents", "read");
        await this.repo.checkout(s.event.sha, ws);
        return;
      case "actions/setup-node":
        if (String(w["node-version"]) !== "20")
          throw new Error(`setup-node ${w["node-version"]}: the recipes are tested on Node 20`);
        return;
      case "actions/cache/restore": {
        const visible = this.caches.filter((c) => c.ref === s.event.ref || c.ref === "refs/heads/main");
        let hit = visible.find((c) => c.key === w.key);
        const exact = !!hit;
        for (const prefix of paths(w["restore-keys"])) {
          if (hit) break;
          hit = visible.filter((c) => c.key.startsWith(prefix)).sort((a, b) => b.seq - a.seq)[0];
        }
        if (hit) {
          writeFiles(ws, hit.files);
          rec.outputs = { "cache-hit": String(exact), "cache-matched-key": hit.key };
        } else rec.outputs = { "cache-hit": "false" };
        return;
      }
      case "actions/cache/save": {
        if (this.caches.some((c) => c.key === w.key && c.ref === s.event.ref)) {
          rec.stderr = `Failed to save: a cache with key ${w.key} exists`;
          return;
        }
        const files = new Map<string, Buffer>();
        for (const p of paths(w.path)) for (const [rel, data] of collect(ws, p)) files.set(rel, data);
        if (!files.size) throw new Error(`cache/save: nothing at ${w.path}`);
        this.caches.push({ key: w.key, ref: s.event.ref, files, seq: ++this.seq });
        return;
      }
      case "actions/upload-artifact": {
        if (s.run.artifacts.has(w.name))
          throw new Error(`upload-artifact: an artifact named ${w.name} exists in this run (409 Conflict)`);
        const hidden = w["include-hidden-files"] === "true";
        const search = paths(w.path).map((p) => resolve(ws, p));
        const root = commonDir(search.map((p) => (existsSync(p) && statSync(p).isDirectory() ? p : dirname(p))));
        const files = new Map<string, Buffer>();
        for (const p of search)
          for (const [rel, data] of collect(root, relative(root, p))) {
            if (!hidden && rel.split("/").some((seg) => seg.startsWith("."))) continue;
            files.set(rel, data);
          }
        if (!files.size) {
          if ((w["if-no-files-found"] ?? "warn") === "error") throw new Error("upload-artifact: no files");
          rec.stderr = "No files were found with the provided path; no artifact will be uploaded.";
          return;
        }
        s.run.artifacts.set(w.name, files);
        return;
      }
      case "actions/download-artifact": {
        let from = s.run;
        if (w["run-id"]) {
          if (!w["github-token"]) throw new Error("download-artifact: run-id needs github-token");
          need("actions", "read");
          const found = this.runs.find((x) => String(x.id) === w["run-id"]);
          if (!found) throw new Error(`download-artifact: no run ${w["run-id"]}`);
          from = found;
        }
        const files = from.artifacts.get(w.name);
        if (!files) throw new Error(`download-artifact: no artifact ${w.name} in run ${from.id}`);
        writeFiles(resolve(ws, w.path ?? "."), files);
        return;
      }
      case "actions/github-script":
        await this.githubScript(w.script, rec, s);
        return;
      default:
        throw new Error(`${uses}: not a modelled action (the recipes use only actions/*)`);
    }
  }

  private async githubScript(
    script: string,
    rec: StepRecord,
    s: { machine: Machine; run: WorkflowRun; event: GhEvent; record: JobRecord; processEnv: Record<string, string> },
  ): Promise<void> {
    const [owner, repo] = this.repository.split("/");
    const context = {
      repo: { owner, repo },
      sha: s.event.sha,
      ref: s.event.ref,
      runId: s.run.id,
      serverUrl: this.serverUrl,
      eventName: s.event.name,
      issue: { owner, repo, number: s.event.pullRequest?.number },
      payload: {},
    };
    const log: string[] = [];
    const core = {
      setOutput: (k: string, v: unknown) => void (rec.outputs[k] = String(v)),
      info: (m: string) => void log.push(m),
      notice: (m: string) => void log.push(`::notice::${m}`),
      warning: (m: string) => void log.push(`::warning::${m}`),
      error: (m: string) => void log.push(`::error::${m}`),
      setFailed: (m: string) => void (rec.error = m),
      debug: () => undefined,
    };
    const fakeProcess = { env: { ...s.processEnv }, cwd: () => s.machine.workspace };
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
    const fn = new AsyncFunction("require", "github", "context", "core", "process", script);
    try {
      await fn(require, this.octokit(s.record.permissions), context, core, fakeProcess);
    } catch (e) {
      rec.error = `github-script: ${(e as Error).message}`;
    }
    rec.stdout = log.join("\n");
  }

  /** The REST API as github-script's `github` sees it, limited by the job's token permissions. */
  private octokit(perms: Perms) {
    const need = (scope: string, level: "read" | "write") => requirePermission(perms, scope, level);
    const needAny = (scopes: string[], level: "read" | "write") => {
      const errors = scopes.map((sc) => {
        try {
          need(sc, level);
          return undefined;
        } catch (e) {
          return e;
        }
      });
      if (errors.every((e) => e)) throw errors[0];
    };
    const isPull = (n: number) => this.pulls.some((p) => p.number === n);
    const rest = {
      issues: {
        listComments: async (p: { issue_number: number }) => {
          needAny(["issues", "pull-requests"], "read");
          return { data: this.comments.filter((c) => c.issue_number === p.issue_number).map((c) => ({ ...c })) };
        },
        createComment: async (p: { issue_number: number; body: string }) => {
          needAny(isPull(p.issue_number) ? ["issues", "pull-requests"] : ["issues"], "write");
          const c = { id: this.id(), issue_number: p.issue_number, user: { login: BOT }, body: p.body };
          this.comments.push(c);
          return { data: { ...c } };
        },
        updateComment: async (p: { comment_id: number; body: string }) => {
          const c = this.comments.find((x) => x.id === p.comment_id);
          if (!c) throw new HttpError(404, "Not Found");
          needAny(isPull(c.issue_number) ? ["issues", "pull-requests"] : ["issues"], "write");
          c.body = p.body;
          return { data: { ...c } };
        },
        listForRepo: async (p: { state?: string }) => {
          need("issues", "read");
          return {
            data: this.issues
              .filter((i) => !p.state || p.state === "all" || i.state === p.state)
              .map((i) => ({ ...i })),
          };
        },
        create: async (p: { title: string; body: string }) => {
          need("issues", "write");
          const i: Issue = { number: this.id(), title: p.title, body: p.body, state: "open", user: { login: BOT } };
          this.issues.push(i);
          return { data: { ...i } };
        },
        update: async (p: { issue_number: number; body?: string; state?: "open" | "closed"; title?: string }) => {
          need("issues", "write");
          const i = this.issues.find((x) => x.number === p.issue_number);
          if (!i) throw new HttpError(404, "Not Found");
          if (p.body !== undefined) i.body = p.body;
          if (p.title !== undefined) i.title = p.title;
          if (p.state !== undefined) i.state = p.state;
          return { data: { ...i } };
        },
      },
      repos: {
        listPullRequestsAssociatedWithCommit: async (p: { commit_sha: string }) => {
          need("contents", "read");
          need("pull-requests", "read");
          return { data: this.pulls.filter((x) => x.merge_commit_sha === p.commit_sha || x.head.sha === p.commit_sha) };
        },
      },
      actions: {
        listWorkflowRuns: async (p: { workflow_id: string; event?: string; head_sha?: string }) => {
          need("actions", "read");
          const runs = this.runs
            .filter(
              (x) =>
                x.workflow === p.workflow_id &&
                (!p.event || x.event === p.event) &&
                (!p.head_sha || x.head_sha === p.head_sha),
            )
            .reverse()
            .map((x) => ({
              id: x.id,
              head_sha: x.head_sha,
              event: x.event,
              head_repository: x.head_repository,
              conclusion: x.conclusion,
            }));
          return { data: { total_count: runs.length, workflow_runs: runs } };
        },
        listWorkflowRunArtifacts: async (p: { run_id: number; name?: string }) => {
          need("actions", "read");
          const run = this.runs.find((x) => x.id === p.run_id);
          const names = [...(run?.artifacts.keys() ?? [])].filter((n) => !p.name || n === p.name);
          return { data: { total_count: names.length, artifacts: names.map((n) => ({ name: n, expired: false })) } };
        },
      },
    };
    return {
      rest,
      paginate: async (method: (p: any) => Promise<{ data: any }>, params: any) => {
        const { data } = await method(params);
        return Array.isArray(data) ? data : (data.workflow_runs ?? data.artifacts ?? []);
      },
    };
  }

  /** Every artifact and cache entry's files, for scans. */
  stored(): { where: string; data: Buffer }[] {
    const out: { where: string; data: Buffer }[] = [];
    for (const r of this.runs)
      for (const [n, files] of r.artifacts)
        for (const [p, d] of files) out.push({ where: `run ${r.id} artifact ${n}: ${p}`, data: d });
    for (const c of this.caches) for (const [p, d] of c.files) out.push({ where: `cache ${c.key}: ${p}`, data: d });
    return out;
  }
}

function requirePermission(perms: Perms, scope: string, level: "read" | "write"): void {
  const has = perms[scope];
  if (has === "write" || (level === "read" && has === "read")) return;
  throw new HttpError(403, `Resource not accessible by integration (needs ${scope}: ${level})`);
}

function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      out[heredoc[1]] = body.join("\n");
    } else if (line.includes("=")) out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return out;
}

function collect(root: string, rel: string): Map<string, Buffer> {
  const p = resolve(root, rel);
  const out = new Map<string, Buffer>();
  if (!existsSync(p)) return out;
  if (statSync(p).isDirectory()) {
    for (const [r, d] of filesUnder(p)) out.set(relative(root, join(p, r)).split(sep).join("/"), d);
  } else out.set(relative(root, p).split(sep).join("/"), readFileSync(p));
  return out;
}

function commonDir(dirs: string[]): string {
  const parts = dirs.map((d) => d.split(sep));
  const first = parts[0] ?? [];
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}

function hashFiles(ws: string, patterns: string[]): string {
  const h = createHash("sha256");
  let any = false;
  for (const pattern of patterns) {
    const m = /^(.*)\/\*\*$/.exec(pattern);
    const files = m
      ? [...filesUnder(resolve(ws, m[1])).values()]
      : existsSync(resolve(ws, pattern)) && statSync(resolve(ws, pattern)).isFile()
        ? [readFileSync(resolve(ws, pattern))]
        : [];
    if (!m && /[*?[]/.test(pattern)) throw new Error(`hashFiles(${pattern}): glob not modelled`);
    for (const f of files) {
      any = true;
      h.update(f);
    }
  }
  return any ? h.digest("hex") : "";
}
