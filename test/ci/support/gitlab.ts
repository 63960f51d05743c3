/**
 * A GitLab CI runner for the recipe, on this machine: it reads .gitlab-ci.yml and runs a pipeline as GitLab
 * would for one source — workflow and job `rules:` (variables, ==, !=, =~, &&, ||), `extends:`,
 * `parallel:matrix` (jobs named `plan: [platform]`), stages in order, variables by precedence (predefined,
 * the file's, the job's and the matrix's, then the project's CI/CD variables, protected ones only on
 * protected branches, environment-scoped ones only in jobs of a matching environment), before_script and
 * script in one bash with `set -eo pipefail`, caches (separate for protected branches, as GitLab does by
 * default), artifacts — and serves the part of the REST API the recipe's scripts call (notes, merge
 * requests of a commit, pipelines, jobs, one file of a job's artifacts) on a local port, checking the token.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { GitRepo, Sandbox } from "./runner";
import { Machine, filesUnder, writeFiles } from "./runner";

export interface ProjectVariable {
  key: string;
  value: string;
  /** GitLab's environment scope: `*` (every job) or an environment name, `*` matching any characters. */
  environmentScope?: string;
  protected?: boolean;
}

export interface Note {
  id: number;
  body: string;
  author: { id: number; username: string };
  updated: number;
}

export interface MergeRequest {
  iid: number;
  source_branch: string;
  sha: string;
  state: "opened" | "merged";
  source_project_id: number;
  merge_commit_sha: string | null;
}

export interface GlJob {
  id: number;
  name: string;
  stage: string;
  matrix: Record<string, string>;
  status: "success" | "failed" | "skipped";
  environment?: string;
  environmentAction?: string;
  resourceGroup?: string;
  variables: Record<string, string>;
  output: string;
  code: number;
  artifacts: Map<string, Buffer>;
  machine?: Machine;
}

export interface GlPipeline {
  id: number;
  source: string;
  sha: string;
  ref: string;
  mrIid?: number;
  status: "success" | "failed";
  jobs: GlJob[];
}

export interface PipelineInput {
  source: "merge_request_event" | "push" | "schedule" | "web";
  sha: string;
  branch: string;
  mergeRequest?: { iid: number; sourceProjectId: number };
  /** Variables given when the pipeline was run (Run pipeline, a schedule's variables). */
  variables?: Record<string, string>;
}

const RESERVED = new Set([
  "default",
  "include",
  "stages",
  "variables",
  "workflow",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
]);

/** The project on GitLab, its CI/CD settings, merge requests, notes, pipelines and caches, and its API. */
export class GitLab {
  readonly projectId = 4242;
  readonly apiToken = "glpat-recipe-test-token";
  readonly bot = { id: 77, username: "project_4242_bot" };
  variables: ProjectVariable[] = [];
  mergeRequests: MergeRequest[] = [];
  notes = new Map<number, Note[]>();
  pipelines: GlPipeline[] = [];
  caches = new Map<string, Map<string, Buffer>>();
  apiCalls: string[] = [];
  private server?: Server;
  private nextId = 500;
  url = "";

  constructor(
    readonly repo: GitRepo,
    readonly sandbox: Sandbox,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private id(): number {
    return ++this.nextId;
  }

  async runPipeline(file: string, input: PipelineInput): Promise<GlPipeline> {
    const doc = parseYaml(readFileSync(file, "utf8"), { merge: true }) as Record<string, any>;
    const protectedRef = input.branch === "main";
    const pipeline: GlPipeline = {
      id: this.id(),
      source: input.source,
      sha: input.sha,
      ref: input.mergeRequest ? `refs/merge-requests/${input.mergeRequest.iid}/head` : input.branch,
      mrIid: input.mergeRequest?.iid,
      status: "success",
      jobs: [],
    };
    const predefined: Record<string, string> = {
      CI: "true",
      GITLAB_CI: "true",
      CI_SERVER_URL: this.url,
      CI_API_V4_URL: `${this.url}/api/v4`,
      CI_PROJECT_ID: String(this.projectId),
      CI_PROJECT_PATH: "acme/infra",
      CI_PROJECT_URL: `${this.url}/acme/infra`,
      CI_DEFAULT_BRANCH: "main",
      CI_PIPELINE_SOURCE: input.source,
      CI_PIPELINE_ID: String(pipeline.id),
      CI_COMMIT_SHA: input.sha,
      CI_COMMIT_REF_NAME: input.branch,
      CI_COMMIT_REF_PROTECTED: String(protectedRef),
    };
    if (input.mergeRequest) {
      predefined.CI_MERGE_REQUEST_IID = String(input.mergeRequest.iid);
      predefined.CI_MERGE_REQUEST_SOURCE_PROJECT_ID = String(input.mergeRequest.sourceProjectId);
      predefined.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME = input.branch;
      predefined.CI_MERGE_REQUEST_TARGET_BRANCH_NAME = "main";
    } else predefined.CI_COMMIT_BRANCH = input.branch;
    const globals: Record<string, string> = { ...stringValues(doc.variables) };
    const pipelineVars = input.variables ?? {};
    // Rules see the predefined variables, the file's and the pipeline's (and unscoped project variables).
    const ruleVars = (extra: Record<string, string> = {}) => ({
      ...predefined,
      ...globals,
      ...extra,
      ...this.projectVariables(undefined, protectedRef),
      ...pipelineVars,
    });
    if (doc.workflow?.rules && !firstRule(doc.workflow.rules, ruleVars()))
      throw new Error("workflow:rules create no pipeline for this source");
    const stages: string[] = doc.stages ?? ["build", "test", "deploy"];
    const jobs: { name: string; def: Record<string, any>; matrix: Record<string, string> }[] = [];
    for (const [name, raw] of Object.entries(doc)) {
      if (RESERVED.has(name) || name.startsWith(".")) continue;
      const def = resolveExtends(doc, raw as Record<string, any>);
      const legs = def.parallel?.matrix ? expandMatrix(def.parallel.matrix) : [{}];
      for (const m of legs) {
        const vars = ruleVars({ ...stringValues(def.variables), ...m });
        const rule = def.rules ? firstRule(def.rules, vars) : { when: "on_success" };
        if (!rule || rule.when === "never") continue;
        jobs.push({ name: Object.keys(m).length ? `${name}: [${Object.values(m).join(", ")}]` : name, def, matrix: m });
      }
    }
    let failed = false;
    for (const stage of stages) {
      const here = jobs.filter((j) => (j.def.stage ?? "test") === stage);
      const results = await Promise.all(
        here.map((j) =>
          failed
            ? Promise.resolve({
                id: this.id(),
                name: j.name,
                stage,
                matrix: j.matrix,
                status: "skipped",
                variables: {},
                output: "",
                code: -1,
                artifacts: new Map(),
              } as GlJob)
            : this.runJob(doc, j, stage, pipeline, { predefined, globals, pipelineVars, protectedRef }),
        ),
      );
      pipeline.jobs.push(...results);
      if (results.some((r) => r.status === "failed")) failed = true;
    }
    pipeline.status = failed ? "failed" : "success";
    this.pipelines.push(pipeline);
    return pipeline;
  }

  /** Project variables a job gets: protected ones on protected refs, scoped ones in a matching environment. */
  private projectVariables(environment: string | undefined, protectedRef: boolean): Record<string, string> {
    const out: Record<string, string> = {};
    const matches = (scope: string) =>
      scope === "*" ||
      (environment !== undefined && new RegExp(`^${scope.split("*").map(escapeRe).join(".*")}$`).test(environment));
    // Unscoped first: a variable scoped to the job's environment wins over the unscoped one of the same key.
    const sorted = [...this.variables].sort(
      (a, b) => Number((a.environmentScope ?? "*") !== "*") - Number((b.environmentScope ?? "*") !== "*"),
    );
    for (const v of sorted) {
      if (v.protected && !protectedRef) continue;
      if (!matches(v.environmentScope ?? "*")) continue;
      out[v.key] = v.value;
    }
    return out;
  }

  private async runJob(
    doc: Record<string, any>,
    j: { name: string; def: Record<string, any>; matrix: Record<string, string> },
    stage: string,
    pipeline: GlPipeline,
    p: {
      predefined: Record<string, string>;
      globals: Record<string, string>;
      pipelineVars: Record<string, string>;
      protectedRef: boolean;
    },
  ): Promise<GlJob> {
    const machine = new Machine(this.sandbox.mkdir("gl-job"));
    const id = this.id();
    const yamlVars = { ...p.globals, ...stringValues(j.def.variables), ...j.matrix };
    const pre = {
      ...p.predefined,
      CI_JOB_ID: String(id),
      CI_JOB_NAME: j.name,
      CI_JOB_STAGE: stage,
      CI_PROJECT_DIR: machine.workspace,
      CI_JOB_URL: `${this.url}/acme/infra/-/jobs/${id}`,
    };
    const expandWith = (s: string, vars: Record<string, string>) =>
      s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, k) => vars[k] ?? "");
    const env =
      j.def.environment === undefined
        ? undefined
        : typeof j.def.environment === "string"
          ? { name: j.def.environment }
          : j.def.environment;
    const environment = env ? expandWith(env.name, { ...pre, ...yamlVars }) : undefined;
    const variables: Record<string, string> = {
      ...pre,
      ...(environment ? { CI_ENVIRONMENT_NAME: environment, CI_ENVIRONMENT_ACTION: env.action ?? "start" } : {}),
      ...yamlVars,
      ...this.projectVariables(environment, p.protectedRef),
      ...p.pipelineVars,
    };
    const job: GlJob = {
      id,
      name: j.name,
      stage,
      matrix: j.matrix,
      status: "success",
      environment,
      environmentAction: env?.action ?? (env ? "start" : undefined),
      resourceGroup: j.def.resource_group === undefined ? undefined : expandWith(j.def.resource_group, variables),
      variables,
      output: "",
      code: 0,
      artifacts: new Map(),
      machine,
    };
    await this.repo.checkout(pipeline.sha, machine.workspace);
    const cache = j.def.cache ?? doc.cache;
    const cacheKey = cache
      ? `${expandWith(String(cache.key ?? "default"), variables)}-${p.protectedRef ? "protected" : "non_protected"}`
      : "";
    const policy = cache?.policy ?? "pull-push";
    if (cache && policy !== "push" && this.caches.has(cacheKey))
      writeFiles(machine.workspace, this.caches.get(cacheKey)!);
    const image = j.def.image ?? doc.default?.image ?? doc.image;
    if (image !== "node:20") throw new Error(`${j.name}: image ${image}; the recipe is tested on node:20`);
    const lines = [
      "set -eo pipefail",
      ...lineList(j.def.before_script ?? doc.default?.before_script),
      ...lineList(j.def.script),
    ];
    const processEnv = { ...machine.baseEnv(), ...variables };
    const res = await machine.bash(lines.join("\n") + "\n", processEnv, ["--noprofile", "--norc"]);
    job.output = res.stdout + res.stderr;
    job.code = res.code;
    job.status = res.code === 0 ? "success" : "failed";
    const ok = job.status === "success";
    if (
      cache &&
      policy !== "pull" &&
      ((cache.when ?? "on_success") === "always" || (cache.when === "on_failure" ? !ok : ok))
    ) {
      const files = new Map<string, Buffer>();
      for (const path of [].concat(cache.paths ?? []))
        for (const [rel, d] of filesIn(machine.workspace, path)) files.set(rel, d);
      if (files.size) this.caches.set(cacheKey, files);
    }
    const a = j.def.artifacts;
    if (a && ((a.when ?? "on_success") === "always" || (a.when === "on_failure" ? !ok : ok)))
      for (const path of [].concat(a.paths ?? []))
        for (const [rel, d] of filesIn(machine.workspace, path)) job.artifacts.set(rel, d);
    return job;
  }

  /** Every artifact and cache entry's files, for scans. */
  stored(): { where: string; data: Buffer }[] {
    const out: { where: string; data: Buffer }[] = [];
    for (const pl of this.pipelines)
      for (const j of pl.jobs)
        for (const [p, d] of j.artifacts) out.push({ where: `pipeline ${pl.id} job ${j.name}: ${p}`, data: d });
    for (const [k, files] of this.caches) for (const [p, d] of files) out.push({ where: `cache ${k}: ${p}`, data: d });
    return out;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    let body = "";
    for await (const chunk of req) body += chunk;
    this.apiCalls.push(`${req.method} ${url.pathname}`);
    const send = (status: number, data: unknown, raw = false) => {
      res.writeHead(status, { "Content-Type": raw ? "application/octet-stream" : "application/json" });
      res.end(raw ? (data as Buffer) : JSON.stringify(data));
    };
    if (req.headers["private-token"] !== this.apiToken) return send(401, { message: "401 Unauthorized" });
    const path = url.pathname.replace(/^\/api\/v4/, "");
    if (req.method === "GET" && path === "/user") return send(200, this.bot);
    const m = /^\/projects\/([^/]+)(\/.*)$/.exec(path);
    if (!m || m[1] !== String(this.projectId)) return send(404, { message: "404 Project Not Found" });
    const rest = m[2];
    let r: RegExpExecArray | null;
    if ((r = /^\/merge_requests\/(\d+)\/notes$/.exec(rest))) {
      const iid = Number(r[1]);
      if (!this.mergeRequests.some((x) => x.iid === iid)) return send(404, { message: "404 Not found" });
      const notes = this.notes.get(iid) ?? [];
      if (req.method === "GET")
        return send(
          200,
          [...notes].sort((a, b) => b.updated - a.updated),
        );
      if (req.method === "POST") {
        const n: Note = {
          id: this.id(),
          body: JSON.parse(body).body,
          author: this.bot,
          updated: Date.now() + this.nextId,
        };
        this.notes.set(iid, [...notes, n]);
        return send(201, n);
      }
    }
    if ((r = /^\/merge_requests\/(\d+)\/notes\/(\d+)$/.exec(rest)) && req.method === "PUT") {
      const n = (this.notes.get(Number(r[1])) ?? []).find((x) => x.id === Number(r![2]));
      if (!n) return send(404, { message: "404 Not found" });
      if (n.author.id !== this.bot.id) return send(403, { message: "403 Forbidden" });
      n.body = JSON.parse(body).body;
      n.updated = Date.now() + this.id();
      return send(200, n);
    }
    if ((r = /^\/repository\/commits\/([0-9a-f]+)\/merge_requests$/.exec(rest)) && req.method === "GET")
      return send(
        200,
        this.mergeRequests.filter((x) => x.merge_commit_sha === r![1] || x.sha === r![1]),
      );
    if ((r = /^\/merge_requests\/(\d+)\/pipelines$/.exec(rest)) && req.method === "GET")
      return send(
        200,
        this.pipelines
          .filter((x) => x.mrIid === Number(r![1]))
          .reverse()
          .map((x) => ({ id: x.id, sha: x.sha, ref: x.ref, status: x.status })),
      );
    if ((r = /^\/pipelines\/(\d+)\/jobs$/.exec(rest)) && req.method === "GET") {
      const pl = this.pipelines.find((x) => x.id === Number(r![1]));
      if (!pl) return send(404, { message: "404 Not found" });
      return send(
        200,
        pl.jobs.map((x) => ({
          id: x.id,
          name: x.name,
          status: x.status,
          stage: x.stage,
          web_url: `${this.url}/acme/infra/-/jobs/${x.id}`,
        })),
      );
    }
    // GET /projects/:id/jobs/:job_id/artifacts/*artifact_path (lib/api/ci/job_artifacts.rb: no raw/ here; the
    // by-ref route is …/jobs/artifacts/:ref_name/raw/*artifact_path).
    if ((r = /^\/jobs\/(\d+)\/artifacts\/(.+)$/.exec(rest)) && req.method === "GET") {
      const job = this.pipelines.flatMap((x) => x.jobs).find((x) => x.id === Number(r![1]));
      const file = job?.artifacts.get(decodeURIComponent(r[2]));
      if (!file) return send(404, { message: "404 Not found" });
      return send(200, file, true);
    }
    return send(404, { message: `not modelled: ${req.method} ${url.pathname}` });
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function stringValues(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>))
    out[k] = typeof x === "object" && x !== null ? String((x as { value?: unknown }).value ?? "") : String(x);
  return out;
}

function lineList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return ([] as unknown[]).concat(v).map(String);
}

function filesIn(ws: string, path: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [rel, d] of filesUnder(ws)) if (rel === path || rel.startsWith(path.replace(/\/?$/, "/"))) out.set(rel, d);
  return out;
}

function deepMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const x = out[k];
    out[k] =
      x && v && typeof x === "object" && typeof v === "object" && !Array.isArray(x) && !Array.isArray(v)
        ? deepMerge(x, v)
        : v;
  }
  return out;
}

function resolveExtends(doc: Record<string, any>, def: Record<string, any>, depth = 0): Record<string, any> {
  if (depth > 10) throw new Error("extends: too deep");
  let base: Record<string, any> = {};
  for (const name of ([] as string[]).concat(def.extends ?? [])) {
    if (!doc[name]) throw new Error(`extends: no ${name}`);
    base = deepMerge(base, resolveExtends(doc, doc[name], depth + 1));
  }
  const own = { ...def };
  delete own.extends;
  return deepMerge(base, own);
}

function expandMatrix(matrix: Record<string, unknown>[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const entry of matrix) {
    let legs: Record<string, string>[] = [{}];
    for (const [k, v] of Object.entries(entry)) {
      const values = ([] as unknown[]).concat(v).map(String);
      legs = legs.flatMap((l) => values.map((x) => ({ ...l, [k]: x })));
    }
    out.push(...legs);
  }
  return out;
}

/** The first rule that matches, with its `when` (on_success by default); undefined when none does. */
function firstRule(rules: Record<string, any>[], vars: Record<string, string>): { when: string } | undefined {
  for (const rule of rules) {
    if (rule.if === undefined || evalRule(rule.if, vars)) return { when: rule.when ?? "on_success" };
  }
  return undefined;
}

/** A `rules:if` expression. */
export function evalRule(src: string, vars: Record<string, string>): boolean {
  const toks: { t: string; v: string }[] = [];
  const re =
    /\s*(?:(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)|"((?:[^"\\]|\\.)*)"|'([^']*)'|(==|!=|=~|!~|&&|\|\||\(|\))|(null)\b|(\/(?:[^/\\]|\\.)+\/[a-z]*))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`rules:if: cannot read ${JSON.stringify(src.slice(i))} in ${src}`);
    i = re.lastIndex;
    if (m[1]) toks.push({ t: "var", v: m[1].replace(/[${}]/g, "") });
    else if (m[2] !== undefined) toks.push({ t: "str", v: m[2] });
    else if (m[3] !== undefined) toks.push({ t: "str", v: m[3] });
    else if (m[4]) toks.push({ t: "op", v: m[4] });
    else if (m[5]) toks.push({ t: "null", v: "" });
    else toks.push({ t: "re", v: m[6] });
  }
  let p = 0;
  const value = (t: { t: string; v: string }): string | null =>
    t.t === "var" ? (vars[t.v] ?? null) : t.t === "null" ? null : t.v;
  const or = (): boolean => {
    let l = and();
    while (toks[p]?.v === "||") {
      p++;
      const r = and();
      l = l || r;
    }
    return l;
  };
  const and = (): boolean => {
    let l = cmp();
    while (toks[p]?.v === "&&") {
      p++;
      const r = cmp();
      l = l && r;
    }
    return l;
  };
  const cmp = (): boolean => {
    if (toks[p]?.v === "(") {
      p++;
      const e = or();
      if (toks[p++]?.v !== ")") throw new Error(`rules:if: missing ) in ${src}`);
      return e;
    }
    const a = toks[p++];
    const op = toks[p]?.t === "op" && ["==", "!=", "=~", "!~"].includes(toks[p].v) ? toks[p++].v : undefined;
    if (!op) return !!value(a);
    const b = toks[p++];
    if (op === "==" || op === "!=") return (value(a) === value(b)) === (op === "==");
    const m = /^\/(.*)\/([a-z]*)$/.exec(b.v);
    if (b.t !== "re" || !m) throw new Error(`rules:if: =~ needs a /regex/ in ${src}`);
    return new RegExp(m[1], m[2]).test(value(a) ?? "") === (op === "=~");
  };
  const out = or();
  if (p !== toks.length) throw new Error(`rules:if: trailing tokens in ${src}`);
  return out;
}
