/**
 * The CI recipes of examples/ci, read and run. The workflow files are parsed for what matters to the trust
 * model (which jobs see secrets and when, one job per organization, serialized applies, what is kept), then
 * run as their CI system would — every `run:` / `script:` in bash on a fresh checkout of a temporary git
 * repository holding the example spot.yaml, spot-iac being this checkout's bin/spot-iac "installed" by the
 * recipe's own npm step — against the emulator with two organizations, in the order a project lives them:
 * a fork's pull request, a pull request (validate, plan per organization, sticky comments, saved plans),
 * its merge (apply of the reviewed plans, audit receipts, journal kept), scheduled drift (clean, then an
 * out-of-band change: exit 2, an issue), a stale reviewed plan refused at merge with nothing changed, a
 * fresh apply repairing it, and drift clean again. The same for GitLab CI. Nothing secret may appear in a
 * log, a comment, an artifact or a cache.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { expressionsIn, evalValue } from "./support/expressions";
import type { JobRecord, StepRecord } from "./support/github";
import { GitHub } from "./support/github";
import type { GlJob, GlPipeline } from "./support/gitlab";
import { GitLab, evalRule } from "./support/gitlab";
import { GitRepo, REPO_ROOT, Sandbox } from "./support/runner";

const emu = withEmulator();
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const EXAMPLE = readFileSync(join(REPO_ROOT, "examples/gitops/spot.yaml"), "utf8");
const GH_PR = join(REPO_ROOT, "examples/ci/github/spot-iac-pull-request.yml");
const GH_MAIN = join(REPO_ROOT, "examples/ci/github/spot-iac-main.yml");
const GITLAB = join(REPO_ROOT, "examples/ci/gitlab/.gitlab-ci.yml");
const VERSION: string = require("../../package.json").version;
const ORGS: string[] = (parseYaml(EXAMPLE).organizations as { name: string }[]).map((o) => o.name);
const LONG = 300_000;

/** The pull request of the second half: Bob becomes an editor of prod. */
const BOB_EDITOR = EXAMPLE.replace(
  "user: bob@example.com\n        role: viewer",
  "user: bob@example.com\n        role: editor",
);

function gcpKey(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  return JSON.stringify({
    type: "service_account",
    project_id: "analytics-prod",
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: "spot@analytics-prod.iam.gserviceaccount.com",
    client_id: "123456789012345678901",
  });
}

/** Two fresh organizations of the emulator and each one's token and secrets, under the names spot.yaml uses. */
async function organizations(tag: string) {
  const platform = await emu.control.bootstrap({
    organizationName: `Platform ${tag} ${randomBytes(3).toString("hex")}`,
  });
  const data = await emu.control.bootstrap({ organizationName: `Data ${tag} ${randomBytes(3).toString("hex")}` });
  const secrets: Record<string, Record<string, string>> = {
    platform: {
      SPOT_TOKEN_PLATFORM: platform.token,
      SPOT_SECRET_AZURE_CLIENT_SECRET: `azure-client-secret-${randomBytes(6).toString("hex")}`,
      SPOT_SECRET_ALICE_PASSWORD: `Alice-Passw0rd-${randomBytes(6).toString("hex")}!`,
    },
    data: { SPOT_TOKEN_DATA: data.token, SPOT_SECRET_GCP_SERVICE_ACCOUNT_KEY: gcpKey() },
  };
  const client = new SpotClient({ token: platform.token, baseUrl: emu.url, frontend: "sdk", cacheTtlMs: 0 });
  const prodId = async () => (await client.accounts.findByName("prod"))[0]?.accountId;
  return {
    secrets,
    values: Object.values(secrets).flatMap((s) => Object.values(s)),
    client,
    prodId,
    /** Someone changes prod's Slack channels in the console. */
    setSlack: async (channels: string[]) =>
      client.accounts.update((await prodId())!, { name: "prod", slackNotificationChannels: channels }),
    bobRole: async () => {
      const id = await prodId();
      return (await client.users.accountMappings("bob@example.com")).find((m) => m.accountId === id)?.role;
    },
  };
}

function noSecretIn(where: string, text: string | Buffer, secrets: string[]): void {
  const s = text.toString();
  for (const v of secrets) if (s.includes(v)) throw new Error(`a secret value appears in ${where}`);
}

// ---------------------------------------------------------------------------------------------------------
// Read
// ---------------------------------------------------------------------------------------------------------

const workflow = (f: string) => parseYaml(readFileSync(f, "utf8")) as Record<string, any>;
const stepsOf = (wf: Record<string, any>) =>
  Object.entries(wf.jobs as Record<string, any>).flatMap(([job, j]) => (j.steps as any[]).map((s) => ({ job, j, s })));
/** The default list of the matrix expression, evaluated as GitHub would with no repository variable set. */
const matrixDefault = (j: Record<string, any>) =>
  evalValue(j.strategy.matrix.org, {
    contexts: { vars: {}, github: {}, inputs: {}, needs: {} },
    status: { success: true, failure: false },
  });

describe("the GitHub workflows, read", () => {
  const pr = workflow(GH_PR);
  const main = workflow(GH_MAIN);

  it("run on pull_request (never pull_request_target), and on push to main, a schedule and by hand", () => {
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(readFileSync(GH_PR, "utf8")).not.toMatch(/^\s*pull_request_target\s*:/m);
    expect(Object.keys(main.on).sort()).toEqual(["push", "schedule", "workflow_dispatch"]);
    expect(main.on.push.branches).toEqual(["main"]);
    for (const wf of [pr, main]) expect(wf.permissions).toEqual({});
  });

  it("use only GitHub's own actions, pinned to a major version, and no ${{ }} inside a script", () => {
    for (const { s } of [...stepsOf(pr), ...stepsOf(main)]) {
      if (s.uses) expect(s.uses).toMatch(/^actions\/[a-z-]+(\/[a-z]+)?@v\d+$/);
      for (const script of [s.run, s.with?.script].filter(Boolean)) expect(expressionsIn(script)).toEqual([]);
    }
  });

  it("read secrets only in the env of steps running spot-iac, in jobs of an environment, never in validate or for forks", () => {
    for (const [file, wf] of [
      [GH_PR, pr],
      [GH_MAIN, main],
    ] as const) {
      for (const [name, j] of Object.entries(wf.jobs as Record<string, any>)) {
        const { steps, ...rest } = j;
        expect(JSON.stringify(rest)).not.toContain("secrets.");
        const secretSteps = (steps as any[]).filter((s) => JSON.stringify(s).includes("secrets."));
        for (const s of secretSteps) {
          expect(JSON.stringify({ ...s, env: undefined })).not.toContain("secrets.");
          expect(s.run).toMatch(/\bspot-iac (plan|apply|drift|audit)\b/);
        }
        if (name === "validate") expect(secretSteps).toEqual([]);
        if (secretSteps.length) {
          expect(j.environment).toMatch(/^spot-\$\{\{ matrix\.org \}\}(-plan)?$/);
          if (file === GH_PR) expect(j.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        }
      }
    }
    expect(pr.jobs.plan.environment).toBe("spot-${{ matrix.org }}-plan");
    expect(main.jobs.apply.environment).toBe("spot-${{ matrix.org }}");
  });

  it("run one job per organization of the example file, each passing --org", () => {
    for (const j of [pr.jobs.plan, main.jobs.apply, main.jobs.drift]) {
      expect(matrixDefault(j)).toEqual(ORGS);
      expect(j.env.ORG).toBe("${{ matrix.org }}");
      for (const s of j.steps as any[])
        for (const line of String(s.run ?? "").split("\n"))
          if (/^\s*spot-iac (plan|apply|drift) /.test(line)) expect(line).toContain('--org "$ORG"');
    }
    const validateEnv = pr.jobs.validate.steps.find((s: any) => s.env?.ORGANIZATIONS).env.ORGANIZATIONS;
    expect(JSON.parse(/'(.*)'/.exec(validateEnv)![1])).toEqual(ORGS);
  });

  it("serialize applies per organization and never cancel one; drift waits in a group of its own", () => {
    expect(main.jobs.apply.concurrency).toEqual({
      group: "spot-iac-apply-${{ matrix.org }}",
      "cancel-in-progress": false,
    });
    expect(main.jobs.drift.concurrency.group).toBe("spot-iac-drift-${{ matrix.org }}");
    expect(pr.jobs.plan.concurrency.group).toContain("${{ matrix.org }}");
  });

  it("keep the plan and the journal as artifacts and the journal alone in the cache", () => {
    const upload = (j: any) => j.steps.find((s: any) => s.uses?.startsWith("actions/upload-artifact"));
    for (const j of [pr.jobs.plan, main.jobs.apply]) {
      const u = upload(j);
      expect(u.with.path).toContain(".spot-iac/journal.jsonl");
      expect(u.with["include-hidden-files"]).toBe(true);
      expect(u.with.name).toContain("${{ matrix.org }}");
      expect(u.if).toBe("always()");
    }
    expect(upload(pr.jobs.plan).with.path).toContain("spot-iac-plan.json");
    for (const { s } of [...stepsOf(pr), ...stepsOf(main)]) {
      if (s.uses?.startsWith("actions/cache")) expect(s.with.path).toBe(".spot-iac/journal.jsonl");
      if (s.uses?.startsWith("actions/cache/save")) expect(s.if).toMatch(/^always\(\) && /);
      if (s.uses?.startsWith("actions/upload-artifact")) expect(s.with.path).not.toContain(".secrets");
    }
  });

  it("pin one spot-iac version, this package's, in both workflows", () => {
    expect(pr.env.SPOT_IAC_VERSION).toBe(VERSION);
    expect(main.env.SPOT_IAC_VERSION).toBe(VERSION);
  });
});

describe("the GitLab pipeline, read", () => {
  const doc = parseYaml(readFileSync(GITLAB, "utf8"), { merge: true }) as Record<string, any>;

  it("runs one job per organization of the example file, each passing --org", () => {
    expect(doc[".organizations"].parallel.matrix).toEqual([{ ORG: ORGS }]);
    expect(doc.variables.SPOT_IAC_ORGANIZATIONS.split(" ")).toEqual(ORGS);
    for (const name of ["plan", "apply", "drift"]) {
      expect(doc[name].extends).toContain(".organizations");
      const script = doc[name].script.join("\n");
      for (const line of script.split("\n"))
        if (/^\s*spot-iac (plan|apply|drift) /.test(line)) expect(line).toContain('--org "$ORG"');
    }
  });

  it("serializes apply and drift per organization with resource_group, and scopes variables by environment", () => {
    expect(doc.apply.resource_group).toBe("spot-iac-$ORG");
    expect(doc.drift.resource_group).toBe("spot-iac-$ORG");
    expect(doc.plan.environment).toEqual({ name: "spot-plan/$ORG", action: "prepare" });
    expect(doc.apply.environment).toEqual({ name: "spot/$ORG" });
    expect(doc.drift.environment).toEqual({ name: "spot/$ORG", action: "verify" });
    expect(doc.validate.environment).toBeUndefined();
  });

  it("plans only merge requests of this project, applies on the default branch, drifts on schedule", () => {
    const when = (job: string, vars: Record<string, string>) => doc[job].rules.some((r: any) => evalRule(r.if, vars));
    const mr = {
      CI_PIPELINE_SOURCE: "merge_request_event",
      CI_PROJECT_ID: "1",
      CI_MERGE_REQUEST_SOURCE_PROJECT_ID: "1",
    };
    expect(when("plan", mr)).toBe(true);
    expect(when("plan", { ...mr, CI_MERGE_REQUEST_SOURCE_PROJECT_ID: "2" })).toBe(false);
    expect(when("apply", mr)).toBe(false);
    const push = { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" };
    expect(when("apply", push)).toBe(true);
    expect(when("apply", { ...push, CI_COMMIT_BRANCH: "feature" })).toBe(false);
    expect(when("drift", { CI_PIPELINE_SOURCE: "schedule" })).toBe(true);
    expect(when("drift", push)).toBe(false);
  });

  it("keeps the plan and the journal as artifacts and the journal alone in the cache", () => {
    expect(doc.plan.artifacts.paths).toEqual(expect.arrayContaining(["spot-iac-plan.json", ".spot-iac/journal.jsonl"]));
    expect(doc.apply.artifacts.paths).toContain(".spot-iac/journal.jsonl");
    for (const name of ["plan", "apply", "drift"]) {
      expect(doc[name].cache.paths).toEqual([".spot-iac/journal.jsonl"]);
      expect(doc[name].cache.key).toBe("spot-iac-journal-$ORG");
      expect(doc[name].artifacts.when).toBe("always");
      expect(doc[name].artifacts.paths.join(" ")).not.toContain(".secrets");
    }
    expect(doc.apply.cache).toMatchObject({ policy: "pull-push", when: "always" });
    expect(doc.plan.cache.policy).toBe("pull");
    expect(doc.drift.cache.policy).toBe("pull");
    expect(doc.variables.SPOT_IAC_VERSION).toBe(VERSION);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Run: GitHub Actions
// ---------------------------------------------------------------------------------------------------------

const legs = (run: { jobs: JobRecord[] }, job: string) => run.jobs.filter((j) => j.job === job);
const leg = (run: { jobs: JobRecord[] }, job: string, org: string) => {
  const j = run.jobs.find((x) => x.job === job && x.matrix.org === org);
  if (!j) throw new Error(`no ${job} job for ${org}`);
  return j;
};
const step = (j: JobRecord, name: string): StepRecord => {
  const s = j.steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step "${name}" in ${j.name}`);
  return s;
};
const log = (j: JobRecord) =>
  j.steps.map((s) => `## ${s.name} (${s.outcome}${s.error ? `: ${s.error}` : ""})\n${s.stdout}${s.stderr}`).join("\n");
/** The job's log when it did not end as expected, so a failure says why. */
function expectResult(j: JobRecord, result: JobRecord["result"]): void {
  if (j.result !== result) throw new Error(`${j.name} ended ${j.result}, expected ${result}:\n${log(j)}`);
}

describe("the GitHub workflows, run against the emulator", () => {
  let o: Awaited<ReturnType<typeof organizations>>;
  let repo: GitRepo;
  let gh: GitHub;
  let prRun = 0;
  const all: JobRecord[] = [];

  beforeAll(async () => {
    o = await organizations("gh");
    repo = await GitRepo.create(sandbox.mkdir("gh-origin"));
    gh = new GitHub(repo, sandbox);
    gh.vars = { SPOTINST_BASE_URL: emu.url };
    gh.environments = {
      "spot-platform-plan": o.secrets.platform,
      "spot-platform": o.secrets.platform,
      "spot-data-plan": o.secrets.data,
      "spot-data": o.secrets.data,
    };
  });

  async function pullRequest(number: number, sha: string, branch: string, headRepo = "acme/infra") {
    const existing = gh.pulls.find((p) => p.number === number);
    if (existing) existing.head.sha = sha;
    else
      gh.pulls.push({
        number,
        head: { sha, ref: branch, repo: { full_name: headRepo } },
        base: { ref: "main" },
        merged_at: null,
        merge_commit_sha: null,
      });
    const run = await gh.runWorkflow(GH_PR, {
      name: "pull_request",
      sha,
      ref: `refs/pull/${number}/merge`,
      pullRequest: { number, headSha: sha, headRef: branch, headRepo },
    });
    all.push(...run.jobs);
    return run;
  }

  async function merge(number: number, branch: string) {
    const sha = await repo.merge(branch);
    const pr = gh.pulls.find((p) => p.number === number)!;
    pr.merged_at = new Date().toISOString();
    pr.merge_commit_sha = sha;
    const run = await gh.runWorkflow(GH_MAIN, { name: "push", sha, ref: "refs/heads/main" });
    all.push(...run.jobs);
    return run;
  }

  async function main(name: "schedule" | "workflow_dispatch", inputs?: Record<string, string>) {
    const run = await gh.runWorkflow(GH_MAIN, { name, sha: await repo.head("main"), ref: "refs/heads/main", inputs });
    all.push(...run.jobs);
    return run;
  }

  it(
    "a fork's pull request is validated with no secret at all, and not planned",
    async () => {
      const sha = await repo.commit("fork/add-spot", { "spot.yaml": EXAMPLE }, "Add spot.yaml (from a fork)");
      const run = await pullRequest(7, sha, "fork/add-spot", "mallory/infra");
      const [validate] = legs(run, "validate");
      expectResult(validate, "success");
      expect(step(validate, "Validate (offline, no token, no secret)").stdout).toContain(
        "spot.yaml: valid (2 organizations, 17 objects).",
      );
      expect(validate.machine!.installs()).toEqual([`spot-iac@${VERSION}`]);
      expect(legs(run, "plan").map((j) => j.result)).toEqual(["skipped"]);
      expect(gh.comments).toEqual([]);
      for (const s of validate.steps) for (const v of Object.values(s.env)) noSecretIn(`validate's env`, v, o.values);
    },
    LONG,
  );

  it(
    "a pull request: validate, then a plan per organization with its environment's secrets, one comment each, saved",
    async () => {
      const sha = await repo.commit("add-spot", { "spot.yaml": EXAMPLE }, "Add spot.yaml");
      const run = await pullRequest(1, sha, "add-spot");
      prRun = run.id;
      expect(legs(run, "plan").map((j) => j.matrix.org)).toEqual(ORGS);
      for (const j of run.jobs) expectResult(j, "success");
      const platform = leg(run, "plan", "platform");
      expect(platform.environment).toBe("spot-platform-plan");
      expect(platform.concurrency).toEqual({ group: "spot-iac-plan-1-platform", cancelInProgress: true });
      // Least privilege: the platform job has the platform token and not the data one.
      const env = step(platform, "Plan").env;
      expect(env.SPOT_TOKEN_PLATFORM).toBe(o.secrets.platform.SPOT_TOKEN_PLATFORM);
      expect(env.SPOT_TOKEN_DATA).toBe("");
      expect(step(platform, "Install spot-iac").env.SPOT_TOKEN_PLATFORM).toBeUndefined();
      // The two plan jobs run in parallel: comments in any order, one per organization.
      expect(gh.comments.map((c) => c.body.split("\n")[0]).sort()).toEqual([
        "<!-- spot-iac-plan:data -->",
        "<!-- spot-iac-plan:platform -->",
      ]);
      const pc = gh.comments.find((c) => c.body.startsWith("<!-- spot-iac-plan:platform -->"))!;
      const dc = gh.comments.find((c) => c.body.startsWith("<!-- spot-iac-plan:data -->"))!;
      expect(pc.body).toContain("### spot-iac plan: 12 to create");
      expect(pc.body).toContain("#### Organization `platform`");
      expect(pc.body).not.toContain("Organization `data`");
      expect(dc.body).toContain("### spot-iac plan: 5 to create");
      expect(pc.body).toContain(`/actions/runs/${run.id})`);
      for (const org of ORGS) {
        const files = run.artifacts.get(`spot-iac-plan-${org}`)!;
        const saved = JSON.parse(files.get("spot-iac-plan.json")!.toString());
        expect(saved).toMatchObject({
          format: "spot-iac/saved-plan@1",
          version: VERSION,
          organizations: [org],
          file: "spot.yaml",
        });
        expect(files.has("spot-iac-plan.md")).toBe(true);
      }
      expect(await o.prodId()).toBeUndefined(); // a plan changes nothing
    },
    LONG,
  );

  it(
    "the next push to the pull request updates the two comments instead of adding more",
    async () => {
      const ids = gh.comments.map((c) => c.id);
      const sha = await repo.commit("add-spot", { "README.md": "Spot organizations (see spot.yaml).\n" }, "Docs");
      const run = await pullRequest(1, sha, "add-spot");
      prRun = run.id;
      for (const j of run.jobs) expectResult(j, "success");
      expect(gh.comments.map((c) => c.id)).toEqual(ids);
      for (const c of gh.comments) expect(c.body).toContain(`/actions/runs/${run.id})`);
    },
    LONG,
  );

  it(
    "the merge applies exactly the reviewed plans, one organization per job and group, with an audit receipt, and keeps the journal",
    async () => {
      const run = await merge(1, "add-spot");
      expect(legs(run, "drift").map((j) => j.result)).toEqual(["skipped"]);
      for (const org of ORGS) {
        const j = leg(run, "apply", org);
        expectResult(j, "success");
        expect(j.environment).toBe(`spot-${org}`);
        expect(j.concurrency).toEqual({ group: `spot-iac-apply-${org}`, cancelInProgress: false });
        expect(step(j, "Find the plan reviewed in the merged pull request").outputs["run-id"]).toBe(String(prRun));
        expect(step(j, "Apply").env.ALLOW_DELETES).toBe("");
        const apply = step(j, "Apply").stdout;
        expect(apply).toContain("Applying the plan reviewed in #1.");
        expect(apply).toContain(`Apply complete: ${org === "platform" ? 12 : 5} done, 0 failed, 0 not done.`);
        expect(step(j, "Audit receipt").stdout).toMatch(
          /Receipt: \d+ changes journaled, \d+ found in Spot's audit log, 0 missing\./,
        );
        expect(j.summary).toContain("### Audit receipt");
        // The journal: in a cache of its own per organization, and with the run's artifacts; no lock, no token file.
        const cache = gh.caches.find((c) => c.key === `spot-iac-journal-${org}-${run.id}-1`)!;
        expect([...cache.files.keys()]).toEqual([".spot-iac/journal.jsonl"]);
        expect([...run.artifacts.get(`spot-iac-apply-${org}`)!.keys()].sort()).toEqual(
          [
            ".spot-iac/journal.jsonl",
            "spot-iac-applied-plan.json",
            "spot-iac-apply.log",
            "spot-iac-receipt.txt",
          ].sort(),
        );
      }
      const minted = step(leg(run, "apply", "platform"), "Tokens minted by this run");
      expect(minted.outcome).toBe("success");
      expect(minted.stdout).toContain("::warning title=Store the minted tokens (platform)::");
      expect(step(leg(run, "apply", "data"), "Tokens minted by this run").outcome).toBe("skipped");
      expect(await o.prodId()).toMatch(/^act-/);
    },
    LONG,
  );

  it(
    "the schedule finds no drift",
    async () => {
      const run = await main("schedule");
      expect(legs(run, "apply").map((j) => j.result)).toEqual(["skipped"]);
      for (const org of ORGS) {
        const j = leg(run, "drift", org);
        expectResult(j, "success");
        expect(step(j, "Drift").stdout).toContain("No drift in");
        expect(step(j, "Restore the journal").outputs["cache-matched-key"]).toMatch(
          new RegExp(`^spot-iac-journal-${org}-`),
        );
      }
      expect(gh.issues).toEqual([]);
    },
    LONG,
  );

  it(
    "an out-of-band change fails the platform drift job (exit 2) and opens one issue; data stays green",
    async () => {
      await o.setSlack([]);
      const run = await main("schedule");
      const p = leg(run, "drift", "platform");
      expectResult(p, "failure");
      expect(step(p, "Drift").outputs.code).toBe("2");
      expect(step(p, "Drift").stdout).toContain("::error title=Drift in platform::");
      expectResult(leg(run, "drift", "data"), "success");
      expect(gh.issues.map((i) => [i.title, i.state])).toEqual([["spot-iac: drift in organization platform", "open"]]);
      expect(gh.issues[0].body).toContain("slackNotificationChannels");
      expect(run.artifacts.get("spot-iac-drift-platform")!.get("spot-iac-drift.md")!.toString()).toContain(
        "### spot-iac drift:",
      );
    },
    LONG,
  );

  it(
    "a reviewed plan that live state outran is refused at merge and changes nothing",
    async () => {
      const sha = await repo.commit("bob-editor", { "spot.yaml": BOB_EDITOR }, "Bob edits prod");
      const planned = await pullRequest(2, sha, "bob-editor");
      for (const j of planned.jobs) expectResult(j, "success");
      const comment = gh.comments.find(
        (c) => c.issue_number === 2 && c.body.startsWith("<!-- spot-iac-plan:platform -->"),
      )!;
      expect(comment.body).toContain("### spot-iac plan: 0 to create, 2 to update");
      await o.setSlack(["https://hooks.slack.com/services/T0000/B0000/prodalerts"]); // fixed by hand meanwhile
      const run = await merge(2, "bob-editor");
      const p = leg(run, "apply", "platform");
      expectResult(p, "failure");
      const out = step(p, "Apply").stdout;
      expect(out).toContain("Applying the plan reviewed in #2.");
      expect(out).toMatch(/Account prod \(platform\): planned to update, now it would need no change/);
      expect(out).toContain("nothing was applied");
      expect(step(p, "Audit receipt").outcome).toBe("skipped");
      expect(step(p, "Save the journal").outcome).toBe("success");
      expect(await o.bobRole()).toBe("viewer");
      expectResult(leg(run, "apply", "data"), "success");
    },
    LONG,
  );

  it(
    "command=apply plans afresh and applies; drift is then clean and the issue closed",
    async () => {
      const run = await main("workflow_dispatch", { command: "apply", "allow-deletes": "true" });
      expect(legs(run, "drift").map((j) => j.result)).toEqual(["skipped"]);
      const p = leg(run, "apply", "platform");
      expectResult(p, "success");
      expect(step(p, "Find the plan reviewed in the merged pull request").outcome).toBe("skipped");
      expect(step(p, "Apply").stdout).toContain("No reviewed plan of platform for this commit: planning again.");
      expect(step(p, "Apply").env.ALLOW_DELETES).toBe("true"); // and spot-iac took --allow-deletes
      expect(step(p, "Audit receipt").stdout).toContain(
        "Receipt: 1 change journaled, 1 found in Spot's audit log, 0 missing.",
      );
      expect(await o.bobRole()).toBe("editor");
      const d = leg(run, "apply", "data");
      expectResult(d, "success");
      expect(step(d, "Apply").stdout).toContain("No changes");
      expect(step(d, "Audit receipt").outcome).toBe("skipped");
      const drift = await main("schedule");
      for (const org of ORGS) expectResult(leg(drift, "drift", org), "success");
      expect(gh.issues.map((i) => i.state)).toEqual(["closed"]);
      expect(gh.comments.find((c) => c.issue_number === gh.issues[0].number)?.body).toContain("No drift any more");
    },
    LONG,
  );

  it("no token, secret or minted token appears in a log, a summary, a comment, an issue, an artifact or a cache", () => {
    const minted = readFileSync(
      join(
        all.find((j) => j.job === "apply" && j.matrix.org === "platform")!.machine!.workspace,
        ".secrets/ci-deployer.token",
      ),
      "utf8",
    ).trim();
    const secrets = [...o.values, minted];
    expect(minted.length).toBeGreaterThan(20);
    for (const j of all) {
      for (const s of j.steps) noSecretIn(`${j.name} / ${s.name}`, s.stdout + s.stderr, secrets);
      noSecretIn(`${j.name}'s summary`, j.summary, secrets);
    }
    for (const c of gh.comments) noSecretIn(`comment ${c.id}`, c.body, secrets);
    for (const i of gh.issues) noSecretIn(`issue ${i.number}`, i.body, secrets);
    for (const x of gh.stored()) noSecretIn(x.where, x.data, secrets);
    expect(gh.stored().length).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Run: GitLab CI
// ---------------------------------------------------------------------------------------------------------

const glJob = (p: GlPipeline, name: string): GlJob => {
  const j = p.jobs.find((x) => x.name === name);
  if (!j) throw new Error(`no job ${name} in pipeline ${p.id} (${p.jobs.map((x) => x.name).join(", ")})`);
  return j;
};
function expectStatus(j: GlJob, status: GlJob["status"]): void {
  if (j.status !== status) throw new Error(`${j.name} ended ${j.status}, expected ${status}:\n${j.output}`);
}

describe("the GitLab pipeline, run against the emulator", () => {
  let o: Awaited<ReturnType<typeof organizations>>;
  let repo: GitRepo;
  let gl: GitLab;
  const all: GlJob[] = [];

  beforeAll(async () => {
    o = await organizations("gl");
    repo = await GitRepo.create(sandbox.mkdir("gl-origin"));
    gl = new GitLab(repo, sandbox);
    await gl.start();
    gl.variables = [
      { key: "SPOTINST_BASE_URL", value: emu.url },
      { key: "GITLAB_API_TOKEN", value: gl.apiToken, environmentScope: "spot-plan/*" },
      { key: "GITLAB_API_TOKEN", value: gl.apiToken, environmentScope: "spot/*", protected: true },
      ...ORGS.flatMap((org) =>
        Object.entries(o.secrets[org]).flatMap(([key, value]) => [
          { key, value, environmentScope: `spot-plan/${org}` },
          { key, value, environmentScope: `spot/${org}`, protected: true },
        ]),
      ),
    ];
  });
  afterAll(async () => gl?.stop());

  async function pipeline(input: Parameters<GitLab["runPipeline"]>[1]) {
    const p = await gl.runPipeline(GITLAB, input);
    all.push(...p.jobs);
    return p;
  }

  it(
    "a fork's merge request run in this project is validated without any Spot variable, and not planned",
    async () => {
      const sha = await repo.commit("fork/add-spot", { "spot.yaml": EXAMPLE }, "Add spot.yaml (from a fork)");
      gl.mergeRequests.push({
        iid: 9,
        source_branch: "fork/add-spot",
        sha,
        state: "opened",
        source_project_id: 999,
        merge_commit_sha: null,
      });
      const p = await pipeline({
        source: "merge_request_event",
        sha,
        branch: "fork/add-spot",
        mergeRequest: { iid: 9, sourceProjectId: 999 },
      });
      expect(p.jobs.map((j) => j.name)).toEqual(["validate"]);
      const v = glJob(p, "validate");
      expectStatus(v, "success");
      expect(v.output).toContain("spot.yaml: valid (2 organizations, 17 objects).");
      expect(Object.keys(v.variables).filter((k) => /^SPOT_(TOKEN|SECRET)_|^GITLAB_API_TOKEN$/.test(k))).toEqual([]);
      expect(v.machine!.installs()).toEqual([`spot-iac@${VERSION}`]);
    },
    LONG,
  );

  it(
    "validate fails when a Spot token is a project-wide variable (it would reach every job)",
    async () => {
      gl.variables.push({ key: "SPOT_TOKEN_DATA", value: o.secrets.data.SPOT_TOKEN_DATA });
      try {
        const sha = await repo.head("fork/add-spot");
        const p = await pipeline({
          source: "merge_request_event",
          sha,
          branch: "fork/add-spot",
          mergeRequest: { iid: 9, sourceProjectId: 999 },
        });
        const v = glJob(p, "validate");
        expectStatus(v, "failed");
        expect(v.output).toContain("These variables reach every job, merge requests included: SPOT_TOKEN_DATA.");
        expect(v.output).not.toContain("valid (");
      } finally {
        gl.variables.pop();
      }
    },
    LONG,
  );

  it(
    "a merge request: validate, a plan per organization with its scoped variables, one note each, updated on the next push",
    async () => {
      const sha = await repo.commit("add-spot", { "spot.yaml": EXAMPLE }, "Add spot.yaml");
      const mr = {
        iid: 1,
        source_branch: "add-spot",
        sha,
        state: "opened" as const,
        source_project_id: gl.projectId,
        merge_commit_sha: null,
      };
      gl.mergeRequests.push(mr);
      const input = {
        source: "merge_request_event" as const,
        sha,
        branch: "add-spot",
        mergeRequest: { iid: 1, sourceProjectId: gl.projectId },
      };
      const p = await pipeline(input);
      expect(p.jobs.map((j) => j.name)).toEqual(["validate", "plan: [platform]", "plan: [data]"]);
      for (const j of p.jobs) expectStatus(j, "success");
      const plan = glJob(p, "plan: [platform]");
      expect(plan.environment).toBe("spot-plan/platform");
      expect(plan.variables.SPOT_TOKEN_PLATFORM).toBe(o.secrets.platform.SPOT_TOKEN_PLATFORM);
      expect(plan.variables.SPOT_TOKEN_DATA).toBeUndefined();
      // The two plan jobs run in parallel: notes in any order, one per organization.
      const notes = () => [...(gl.notes.get(1) ?? [])].sort((a, b) => a.id - b.id);
      const byOrg = (org: string) => notes().find((n) => n.body.startsWith(`<!-- spot-iac-plan:${org} -->`))!;
      expect(
        notes()
          .map((n) => n.body.split("\n")[0])
          .sort(),
      ).toEqual(["<!-- spot-iac-plan:data -->", "<!-- spot-iac-plan:platform -->"]);
      expect(byOrg("platform").body).toContain("### spot-iac plan: 12 to create");
      expect(byOrg("data").body).toContain("### spot-iac plan: 5 to create");
      const saved = JSON.parse(plan.artifacts.get("spot-iac-plan.json")!.toString());
      expect(saved).toMatchObject({ format: "spot-iac/saved-plan@1", organizations: ["platform"] });
      const ids = notes().map((n) => n.id);
      mr.sha = await repo.commit("add-spot", { "README.md": "Spot organizations (see spot.yaml).\n" }, "Docs");
      const again = await pipeline({ ...input, sha: mr.sha });
      for (const j of again.jobs) expectStatus(j, "success");
      expect(notes().map((n) => n.id)).toEqual(ids);
      expect(byOrg("platform").body).toContain(`/-/jobs/${glJob(again, "plan: [platform]").id})`);
      expect(byOrg("data").body).toContain(`/-/jobs/${glJob(again, "plan: [data]").id})`);
    },
    LONG,
  );

  it(
    "the merge applies the reviewed plans, one job per organization in its resource_group, with a receipt, and caches the journal",
    async () => {
      const sha = await repo.merge("add-spot");
      Object.assign(
        gl.mergeRequests.find((m) => m.iid === 1)!,
        { state: "merged", merge_commit_sha: sha },
      );
      const p = await pipeline({ source: "push", sha, branch: "main" });
      expect(p.jobs.map((j) => j.name)).toEqual(["validate", "apply: [platform]", "apply: [data]"]);
      for (const org of ORGS) {
        const j = glJob(p, `apply: [${org}]`);
        expectStatus(j, "success");
        expect(j.resourceGroup).toBe(`spot-iac-${org}`);
        expect(j.environment).toBe(`spot/${org}`);
        expect(j.output).toContain(`The plan of ${org} reviewed in !1 is job`);
        expect(j.output).toContain("Applying the plan reviewed in !1.");
        expect(j.output).toContain(`Apply complete: ${org === "platform" ? 12 : 5} done, 0 failed, 0 not done.`);
        expect(j.output).toMatch(/Receipt: \d+ changes journaled, \d+ found in Spot's audit log, 0 missing\./);
        expect([...gl.caches.get(`spot-iac-journal-${org}-protected`)!.keys()]).toEqual([".spot-iac/journal.jsonl"]);
        expect([...j.artifacts.keys()].sort()).toEqual(
          [
            ".spot-iac/journal.jsonl",
            "spot-iac-applied-plan.json",
            "spot-iac-apply.log",
            "spot-iac-receipt.txt",
          ].sort(),
        );
      }
      expect(glJob(p, "apply: [platform]").output).toContain(
        "WARNING: spot-iac wrote programmatic user tokens under .secrets/",
      );
      expect(await o.prodId()).toMatch(/^act-/);
    },
    LONG,
  );

  it(
    "scheduled drift: clean, then an out-of-band change fails the platform job with exit 2",
    async () => {
      const sha = await repo.head("main");
      const clean = await pipeline({ source: "schedule", sha, branch: "main" });
      expect(clean.jobs.map((j) => j.name)).toEqual(["drift: [platform]", "drift: [data]"]);
      for (const j of clean.jobs) expectStatus(j, "success");
      expect(glJob(clean, "drift: [platform]").resourceGroup).toBe("spot-iac-platform");
      await o.setSlack([]);
      const drifted = await pipeline({ source: "schedule", sha, branch: "main" });
      const p = glJob(drifted, "drift: [platform]");
      expectStatus(p, "failed");
      expect(p.code).toBe(2);
      expect(p.output).toContain("Drift in platform: live state differs from spot.yaml");
      expect(p.artifacts.get("spot-iac-drift.md")!.toString()).toContain("slackNotificationChannels");
      expectStatus(glJob(drifted, "drift: [data]"), "success");
    },
    LONG,
  );

  it(
    "a pipeline run with SPOT_IAC_COMMAND=apply plans afresh and repairs it; drift is clean again",
    async () => {
      const sha = await repo.head("main");
      const p = await pipeline({
        source: "web",
        sha,
        branch: "main",
        variables: { SPOT_IAC_COMMAND: "apply", SPOT_IAC_ALLOW_DELETES: "true" },
      });
      expect(p.jobs.map((j) => j.name)).toEqual(["apply: [platform]", "apply: [data]"]);
      const j = glJob(p, "apply: [platform]");
      expectStatus(j, "success");
      expect(j.output).toContain("No reviewed plan of platform for this commit: planning again.");
      expect(j.output).toContain("Receipt: 1 change journaled, 1 found in Spot's audit log, 0 missing.");
      expectStatus(glJob(p, "apply: [data]"), "success");
      const drift = await pipeline({ source: "schedule", sha, branch: "main" });
      for (const x of drift.jobs) expectStatus(x, "success");
    },
    LONG,
  );

  it("no token, secret or minted token appears in a log, a note, an artifact or a cache", () => {
    const minted = readFileSync(
      join(all.find((j) => j.name === "apply: [platform]")!.machine!.workspace, ".secrets/ci-deployer.token"),
      "utf8",
    ).trim();
    const secrets = [...o.values, minted, gl.apiToken];
    for (const j of all) noSecretIn(j.name, j.output, secrets);
    for (const n of [...gl.notes.values()].flat()) noSecretIn(`note ${n.id}`, n.body, secrets);
    for (const x of gl.stored()) noSecretIn(x.where, x.data, secrets);
    expect(gl.stored().length).toBeGreaterThan(10);
  });
});
