/**
 * `spot-iac plan | apply | drift | audit`: the GitOps front-end. Registration stays cheap; the work lives
 * in ./gitops/commands, required when a command runs.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("expected a whole number from 1 to 64");
  return n;
}

function commands(): typeof import("./gitops/commands") {
  return require("./gitops/commands");
}

export function register(program: Command): void {
  const fileOpt = ["-f, --file <path>", "the GitOps file", "spot.yaml"] as const;
  const journalOpt = ["--journal <path>", "run journal (default .spot-iac/journal.jsonl)"] as const;
  const concOpt = ["--concurrency <n>", "API operations in flight at once", positiveInt] as const;

  program
    .command("plan")
    .description("show what apply would change, per organization (exit 0; 1 on errors)")
    .option(...fileOpt)
    .option("--json", "machine-readable plan")
    .option("--markdown", "plan as a pull-request comment")
    .option(...journalOpt)
    .option(...concOpt)
    .action(async (o) => {
      const r = await commands().planCommand({
        file: o.file,
        json: o.json,
        markdown: o.markdown,
        journal: o.journal,
        concurrency: o.concurrency,
        mode: "plan",
      });
      process.exitCode = r.code;
    });

  program
    .command("apply")
    .description("make live state match the file, in dependency order (asks first unless --auto-approve)")
    .option(...fileOpt)
    .option("--auto-approve", "apply without asking (required without a terminal)")
    .option("--json", "machine-readable plan and outcome")
    .option(...journalOpt)
    .option(...concOpt)
    .action(async (o) => {
      const r = await commands().applyCommand({
        file: o.file,
        autoApprove: o.autoApprove,
        json: o.json,
        journal: o.journal,
        concurrency: o.concurrency,
      });
      process.exitCode = r.code;
    });

  program
    .command("drift")
    .description("compare live state with the file (exit 2 when they differ, 0 when not, 1 on errors)")
    .option(...fileOpt)
    .option("--json", "machine-readable report")
    .option("--markdown", "report as Markdown")
    .option(...journalOpt)
    .option(...concOpt)
    .action(async (o) => {
      const r = await commands().planCommand({
        file: o.file,
        json: o.json,
        markdown: o.markdown,
        journal: o.journal,
        concurrency: o.concurrency,
        mode: "drift",
      });
      process.exitCode = r.code;
    });

  program
    .command("audit")
    .description("reconcile a run's journal with Spot's audit log (exit 1 when a change is missing)")
    .requiredOption("--run <runId>", "the run id apply printed")
    .option("-f, --file <path>", "the GitOps file (for tokens; default: the journal's tokenEnv names)")
    .option("--json", "machine-readable receipt")
    .option(...journalOpt)
    .action(async (o) => {
      const r = await commands().auditCommand({ run: o.run, file: o.file, journal: o.journal, json: o.json });
      process.exitCode = r.code;
    });
}
