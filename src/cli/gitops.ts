/**
 * `spot-iac validate | plan | apply | drift | export | audit`: the GitOps front-end. Registration stays cheap; the work lives
 * in ./gitops/commands, required when a command runs.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import {
  ALLOWED_BASE_URLS_ENV,
  BASE_URL_ENV,
  DEFAULT_SECRET_ENV_PATTERN,
  DEFAULT_TOKEN_ENV_PATTERN,
  ORG_BASE_URL_ENV_PREFIX,
} from "./gitops/pipeline";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("expected a whole number from 1 to 64");
  return n;
}

function collect(v: string, previous: string[] = []): string[] {
  return [...previous, v];
}

function commands(): typeof import("./gitops/commands") {
  return require("./gitops/commands");
}

/**
 * The pipeline's side of the trust boundary (docs/gitops.md, "Running on pull requests"): where tokens go,
 * which variables hold them and the secrets, which directory files stay in. Flags only: the file cannot.
 */
function trustOptions(c: Command): Command {
  return c
    .option(
      "--base-url <url>",
      `where tokens are sent: URL for every organization, LABEL=URL for one; repeatable (default ${ORG_BASE_URL_ENV_PREFIX}<LABEL>, ${BASE_URL_ENV}, https://api.spotinst.io)`,
      collect,
    )
    .option(
      "--allow-base-url <url>",
      `a base URL the file's baseUrl: may name; repeatable (also ${ALLOWED_BASE_URLS_ENV}, space or comma separated)`,
      collect,
    )
    .option(
      "--token-env-pattern <pattern>",
      `variable holding each organization's token; {LABEL} is its name upper-cased, other characters as _ (default ${DEFAULT_TOKEN_ENV_PATTERN})`,
    )
    .option(
      "--secret-env-pattern <glob>",
      `variables the file may name in …Env keys; * is any characters (default ${DEFAULT_SECRET_ENV_PATTERN})`,
    )
    .option("--root <dir>", "directory every …File path must stay in (default: the file's git work tree)")
    .option(
      "--api-share <x>",
      "share (0 < x ≤ 1, or a percentage) of each of Spot's rate budgets this run may use (default SPOT_IAC_API_SHARE, else 1)",
      share,
    );
}

function share(v: string): number {
  const n = v.trim().endsWith("%") ? Number(v.trim().slice(0, -1)) / 100 : Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new InvalidArgumentError("expected a share 0 < x ≤ 1, or a percentage");
  return n;
}

function trust(o: Record<string, any>) {
  return {
    apiShare: o.apiShare,
    baseUrl: o.baseUrl,
    allowBaseUrl: o.allowBaseUrl,
    tokenEnvPattern: o.tokenEnvPattern,
    secretEnvPattern: o.secretEnvPattern,
    root: o.root,
  };
}

function percent(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError("expected a percentage from 0 to 100");
  return n;
}

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

function runIdArg(v: string): string {
  const { RUN_ID_PATTERN } = require("../core") as typeof import("../core");
  if (!RUN_ID_PATTERN.test(v)) throw new InvalidArgumentError("expected 1-64 letters, digits, . _ : -");
  return v;
}

function kindSlashName(v: string, previous: string[] = []): string[] {
  if (!/^[A-Z][A-Za-z]+\/.+/.test(v))
    throw new InvalidArgumentError("expected Kind/name, e.g. ProgrammaticUser/ci-deployer");
  return [...previous, v];
}

export function register(program: Command): void {
  const fileOpt = ["-f, --file <path>", "the GitOps file", "spot.yaml"] as const;
  const journalOpt = ["--journal <path>", "run journal (default .spot-iac/journal.jsonl)"] as const;
  const concOpt = ["--concurrency <n>", "objects handled at once per organization", positiveInt] as const;
  const orgOpt = [
    "--org <label>",
    "only this organization of the file; repeatable (a CI matrix runs one job per organization)",
    collect,
  ] as const;
  const pruneOpt = [
    "--prune-unmanaged",
    "let prune also delete undeclared objects no file's journal inventory records (default: only what this file managed)",
  ] as const;
  const replaceOpt = [
    "--replace <Kind/name>",
    "replace this declared object even if nothing differs (e.g. to mint a token that was lost); repeatable",
    kindSlashName,
  ] as const;

  trustOptions(
    program
      .command("validate")
      .description(
        "check the file offline: every problem at once, no network, no token or secret needed (exit 1 on any)",
      )
      .option(...fileOpt)
      .option("--json", "the problems as JSON on stdout")
      .option(...orgOpt),
  ).action(async (o) => {
    const r = await commands().validateCommand({ file: o.file, json: o.json, org: o.org, ...trust(o) });
    process.exitCode = r.code;
  });

  trustOptions(
    program
      .command("plan")
      .description("show what apply would change, per organization (exit 0; 1 on errors)")
      .option(...fileOpt)
      .option("--json", "machine-readable plan")
      .option("--markdown", "plan as a pull-request comment")
      .option("--out <plan>", "also save the plan, for `apply --plan` (holds no secret value)")
      .option(
        "--without-secrets",
        "read no secret (a pull-request job needs none): existing objects' secrets are not compared, new ones are set at apply",
      )
      .option(...orgOpt)
      .option(...replaceOpt)
      .option(...pruneOpt)
      .option(...journalOpt)
      .option(...concOpt),
  ).action(async (o) => {
    const r = await commands().planCommand({
      file: o.file,
      json: o.json,
      markdown: o.markdown,
      out: o.out,
      withoutSecrets: o.withoutSecrets,
      org: o.org,
      replace: o.replace,
      pruneUnmanaged: o.pruneUnmanaged,
      journal: o.journal,
      concurrency: o.concurrency,
      mode: "plan",
      ...trust(o),
    });
    process.exitCode = r.code;
  });

  trustOptions(
    program
      .command("apply")
      .description(
        "make live state match the file, in dependency order (asks first unless --auto-approve or --plan); exit 3 when it refused and changed nothing",
      )
      .option("-f, --file <path>", "the GitOps file (default spot.yaml, or the saved plan's)")
      .option(
        "--plan <plan>",
        "apply exactly this saved plan (`plan --out`); refused, with nothing changed, if anything moved since",
      )
      .option(
        "--check",
        "with --plan: only say whether that saved plan can be applied to this file and --org (exit 0, or 3 and why); sends nothing, needs no token",
      )
      .option("--auto-approve", "apply without asking (required without a terminal)")
      .option(
        "--run-id <id>",
        "the run id to send and journal (letters, digits, . _ : -; default: generated)",
        runIdArg,
      )
      .option("--json", "machine-readable plan and outcome (progress goes to stderr)")
      .option(...orgOpt)
      .option(...replaceOpt)
      .option(
        "--max-deletes <n>",
        "refuse a plan deleting or replacing more objects than this in an organization (default 10)",
        count,
      )
      .option("--max-delete-percent <p>", "…or more than this share of an organization's objects (default 25)", percent)
      .option("--allow-deletes", "confirm the deletions that --max-deletes / --max-delete-percent would refuse")
      .option(...journalOpt)
      .option(...concOpt),
  ).action(async (o) => {
    const r = await commands().applyCommand({
      file: o.file ?? (o.plan ? undefined : "spot.yaml"),
      plan: o.plan,
      check: o.check,
      runId: o.runId,
      autoApprove: o.autoApprove,
      json: o.json,
      org: o.org,
      replace: o.replace,
      pruneUnmanaged: o.pruneUnmanaged,
      deleteLimits: {
        ...(o.maxDeletes !== undefined ? { maxDeletes: o.maxDeletes } : {}),
        ...(o.maxDeletePercent !== undefined ? { maxDeletePercent: o.maxDeletePercent } : {}),
        allowed: !!o.allowDeletes,
      },
      journal: o.journal,
      concurrency: o.concurrency,
      ...trust(o),
    });
    process.exitCode = r.code;
  });

  trustOptions(
    program
      .command("drift")
      .description("compare live state with the file (exit 2 when they differ, 0 when not, 1 on errors)")
      .option(...fileOpt)
      .option("--json", "machine-readable report")
      .option("--markdown", "report as Markdown")
      .option(...orgOpt)
      .option(...pruneOpt)
      .option(...journalOpt)
      .option(...concOpt),
  ).action(async (o) => {
    const r = await commands().planCommand({
      file: o.file,
      json: o.json,
      markdown: o.markdown,
      org: o.org,
      pruneUnmanaged: o.pruneUnmanaged,
      journal: o.journal,
      concurrency: o.concurrency,
      mode: "drift",
      ...trust(o),
    });
    process.exitCode = r.code;
  });

  trustOptions(
    program
      .command("export")
      .description("write the GitOps file of the organization a token reaches (a plan of it shows no change)")
      .requiredOption("--token-env <var>", "the environment variable holding the organization's token")
      .option("--label <name>", "the organization's name in the file", "exported")
      .option("-o, --output <file>", "write the file here (default stdout)"),
  ).action(async (o) => {
    const r = await commands().exportCommand({ tokenEnv: o.tokenEnv, label: o.label, output: o.output, ...trust(o) });
    process.exitCode = r.code;
  });

  trustOptions(
    program
      .command("audit")
      .description("reconcile a run's journal with Spot's audit log (exit 1 when a change is missing)")
      .requiredOption("--run <runId>", "the run id apply printed")
      .option("-f, --file <path>", "the GitOps file (default: the organizations of the journal)")
      .option("--json", "machine-readable receipt")
      .option(...journalOpt),
  ).action(async (o) => {
    const r = await commands().auditCommand({
      run: o.run,
      file: o.file,
      journal: o.journal,
      json: o.json,
      ...trust(o),
    });
    process.exitCode = r.code;
  });
}
