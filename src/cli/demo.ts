/**
 * `npm run demo`: the GitOps loop end to end against the embedded emulator, with no account and no network.
 * Emulator on a free port with temporary data → two organizations → plan → apply → an out-of-band
 * "console" change → drift shows it → apply repairs it → the audit receipt proves every change was recorded.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createColors } from "picocolors";
import type { Io } from "./gitops/model";

export interface DemoOptions {
  /** The GitOps file to run (default examples/gitops/spot.yaml). */
  example?: string;
  out?: (s: string) => void;
  color?: boolean;
}

/** The demo's steps; resolves to the exit code (0 when every step did what it should). */
export async function runDemo(opts: DemoOptions = {}): Promise<number> {
  const out = opts.out ?? ((s: string) => void process.stdout.write(s));
  const color = opts.color ?? (!("NO_COLOR" in process.env) && !!process.stdout.isTTY);
  const c = createColors(color);
  const example = opts.example ?? resolve(__dirname, "../../examples/gitops/spot.yaml");
  const work = mkdtempSync(join(tmpdir(), "spot-iac-demo-"));
  const { startEmulator } = require("../emulator") as typeof import("../emulator");
  const commands = require("./gitops/commands") as typeof import("./gitops/commands");
  const { SpotClient } = require("../api") as typeof import("../api");

  const step = (n: number, title: string) =>
    out(`\n${c.bold(c.cyan(`── ${n}. ${title} `))}${c.cyan("─".repeat(Math.max(0, 60 - title.length)))}\n`);
  const shell = (cmd: string) => out(c.dim(`$ ${cmd}\n`));
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  try {
    step(1, "Start the Spot API emulator");
    emulator = await startEmulator({ data: join(work, "emulator-data") });
    const platform = await emulator.control.bootstrap({
      organizationName: "Platform",
      adminEmail: "admin@platform.example.com",
      accountName: "default",
    });
    const data = await emulator.control.bootstrap({
      organizationName: "Data",
      adminEmail: "admin@data.example.com",
      accountName: "default",
    });
    out(`Emulator listening on ${emulator.url} (data in ${join(work, "emulator-data")})\n`);
    out(`Organizations: Platform ${platform.organizationId}, Data ${data.organizationId} (one admin token each)\n`);

    // Tokens and secrets in the environment, never in the file: tokens in SPOT_TOKEN_<NAME> (the default
    // --token-env-pattern), secrets in variables the default --secret-env-pattern SPOT_SECRET_* admits.
    // A throwaway service-account key: the shape Google Cloud downloads, with a fresh private key.
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const gcpKey = {
      type: "service_account",
      project_id: "analytics-prod",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: "spot@analytics-prod.iam.gserviceaccount.com",
      client_id: "104729385610293847561",
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SPOTINST_BASE_URL: emulator.url,
      SPOT_TOKEN_PLATFORM: platform.token,
      SPOT_TOKEN_DATA: data.token,
      SPOT_SECRET_AZURE_CLIENT_SECRET: randomBytes(18).toString("base64url"),
      SPOT_SECRET_GCP_SERVICE_ACCOUNT_KEY: JSON.stringify(gcpKey, null, 2),
      SPOT_SECRET_ALICE_PASSWORD: `Demo-${randomBytes(6).toString("hex")}!`,
    };
    const file = join(work, "spot.yaml");
    copyFileSync(example, file);
    const io: Partial<Io> = { out, err: out, env, cwd: work, color, progress: false, confirm: undefined };
    const deps = { io };
    const rel = "spot.yaml";

    step(2, "Plan: what the file asks for");
    shell(`spot-iac plan -f ${rel}`);
    const p = await commands.planCommand({ file: rel }, deps);
    if (p.code !== 0) return fail(out, c, "the plan failed");

    step(3, "Apply");
    shell(`spot-iac apply -f ${rel} --auto-approve`);
    const first = await commands.applyCommand(
      { file: rel, autoApprove: true },
      { ...deps, io: { ...io, out: quietPlan(out) } },
    );
    if (first.code !== 0) return fail(out, c, "apply failed");

    step(4, "Someone changes a user's role in the console");
    const console = new SpotClient({ token: platform.token, baseUrl: emulator.url, frontend: "sdk" });
    const change = await outOfBandChange(console);
    out(`${c.yellow("console:")} ${change}\n`);

    step(5, "Drift detection (exit code 2 = live state differs)");
    shell(`spot-iac drift -f ${rel}`);
    const drift = await commands.planCommand({ file: rel, mode: "drift" }, deps);
    out(c.dim(`exit code ${drift.code}\n`));
    if (drift.code !== 2) return fail(out, c, "drift did not see the console change");

    step(6, "Apply repairs it");
    shell(`spot-iac apply -f ${rel} --auto-approve`);
    const repair = await commands.applyCommand({ file: rel, autoApprove: true }, deps);
    if (repair.code !== 0) return fail(out, c, "the repair failed");
    shell(`spot-iac drift -f ${rel}`);
    const clean = await commands.planCommand({ file: rel, mode: "drift" }, { io: { ...io, out: lastLine(out) } });
    if (clean.code !== 0) return fail(out, c, "drift remains after the repair");

    step(7, "Audit receipt: every change is in Spot's audit log");
    for (const run of [first.runId, repair.runId]) {
      shell(`spot-iac audit --run ${run} -f ${rel}`);
      const r = await commands.auditCommand({ run, file: rel }, deps);
      if (r.code !== 0) return fail(out, c, `the audit receipt of ${run} is incomplete`);
    }
    out(
      `\n${c.bold(c.green("Demo complete."))} The journal is ${join(work, ".spot-iac/journal.jsonl")} (removed on exit).\n`,
    );
    return 0;
  } catch (e) {
    return fail(out, c, (e as Error)?.message ?? String(e));
  } finally {
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The console change: promote a user the file attaches as a viewer to editor on the prod account. */
async function outOfBandChange(client: InstanceType<typeof import("../api").SpotClient>): Promise<string> {
  const [account] = await client.accounts.findByName("prod");
  const users = await client.users.listOrganization();
  const bob = users.find((u) => u.email === "bob@example.com");
  if (!account || !bob)
    throw new Error("the demo expects account prod and user bob@example.com in organization Platform");
  const accountId = (account as { accountId?: string; id?: string }).accountId ?? (account as { id?: string }).id!;
  await client.accounts.updateUser(accountId, { userId: bob.userId, role: "editor" });
  return `bob@example.com is now an editor of account prod (${accountId}); the file says viewer`;
}

/** During the first apply the plan was just shown: print only the outcome lines. */
function quietPlan(out: (s: string) => void): (s: string) => void {
  let applying = false;
  return (s) => {
    if (s.startsWith("Applying run ")) applying = true;
    if (applying) out(s);
  };
}

function lastLine(out: (s: string) => void): (s: string) => void {
  return (s) => {
    const lines = s.trimEnd().split("\n");
    out(lines[lines.length - 1] + "\n");
  };
}

function fail(out: (s: string) => void, c: ReturnType<typeof createColors>, why: string): number {
  out(`\n${c.bold(c.red("Demo failed:"))} ${why.split("\n")[0]}\n`);
  return 1;
}

if (require.main === module) {
  runDemo().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`demo: ${(e as Error)?.message ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
