#!/usr/bin/env node
/* global setInterval, clearInterval */
/**
 * GitOps plan at scale: 1,000 declared objects across 10 organizations, planned against the emulator.
 * Prints wall time, API calls (counted by the emulator) and the peak memory of the planning process, for
 * a first plan (nothing exists yet), the apply, and a steady-state plan (everything exists, no changes).
 *
 * The emulator runs in a child process so the memory figure is the CLI's alone.
 * Usage: npm run build && node bench/gitops-plan.js [--orgs 10] [--per-org 100]
 */
const { spawn } = require("node:child_process");
const { mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { randomBytes } = require("node:crypto");

const root = join(__dirname, "..");
const { planCommand, applyCommand } = require(join(root, "dist/cli/gitops/commands"));
const { EmulatorControl } = require(join(root, "dist/emulator"));

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const ORGS = arg("--orgs", 10);
const PER_ORG = arg("--per-org", 100);

/** One organization's section: accounts, users, their attachments, access policies, notification policies. */
function orgYaml(i, perOrg) {
  const accounts = Math.round(perOrg * 0.2);
  const users = Math.round(perOrg * 0.3);
  const policies = Math.round(perOrg * 0.1);
  const notifications = perOrg - accounts - 2 * users - policies;
  const lines = [`  - name: org${i}`, `    tokenEnv: BENCH_TOKEN_${i}`, "    accounts:"];
  for (let a = 0; a < accounts; a++) lines.push(`      - name: acct-${a}`);
  lines.push("    users:");
  for (let u = 0; u < users; u++)
    lines.push(`      - email: user${u}@org${i}.example.com`, `        firstName: User`, `        lastName: N${u}`);
  lines.push("    accessPolicies:");
  for (let p = 0; p < policies; p++)
    lines.push(
      `      - name: policy-${p}`,
      "        statements:",
      "          - effect: ALLOW",
      "            actions: [ocean:describeCluster]",
      '            resources: ["*"]',
    );
  lines.push("    userAttachments:");
  for (let u = 0; u < users; u++)
    lines.push(
      `      - account: acct-${u % accounts}`,
      `        user: user${u}@org${i}.example.com`,
      `        role: ${u % 2 ? "editor" : "viewer"}`,
    );
  if (notifications > 0) {
    lines.push("    notificationPolicies:");
    for (let n = 0; n < notifications; n++)
      lines.push(
        `      - name: alerts-${n}`,
        `        account: acct-${n % accounts}`,
        "        subscriptions: [{ type: email, endpoint: oncall@example.com }]",
        "        events: [{ event: Maximum capacity reached, type: WARN }]",
        "        shouldIncludeAllResources: true",
      );
  }
  return lines.join("\n");
}

function startEmulatorProcess(adminToken) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, "bin/spot-iac"),
        "emulator",
        "--memory",
        "--port",
        "0",
        "--admin-token",
        adminToken,
        "--rate-limit",
        "1000000",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) resolve({ child, url: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
  });
}

/** Peak RSS and heap while `fn` runs, sampled every 5 ms. */
async function measure(fn) {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  const m = process.memoryUsage();
  return { result, ms, peakRss: Math.max(peakRss, m.rss), peakHeap: Math.max(peakHeap, m.heapUsed), baseRss: base.rss };
}

const mb = (b) => (b / 1024 / 1024).toFixed(1);

async function main() {
  const adminToken = randomBytes(16).toString("hex");
  const { child, url } = await startEmulatorProcess(adminToken);
  const control = new EmulatorControl(url, adminToken);
  const work = mkdtempSync(join(tmpdir(), "spot-iac-bench-"));
  try {
    const env = { SPOTINST_BASE_URL: url };
    for (let i = 0; i < ORGS; i++)
      env[`BENCH_TOKEN_${i}`] = (await control.bootstrap({ organizationName: `Bench ${i}` })).token;
    const yaml =
      ["version: 1", "organizations:", ...Array.from({ length: ORGS }, (_, i) => orgYaml(i, PER_ORG))].join("\n") +
      "\n";
    writeFileSync(join(work, "spot.yaml"), yaml);
    let output = "";
    const io = {
      out: (s) => void (output += s),
      err: (s) => void (output += s),
      env,
      cwd: work,
      color: false,
      progress: false,
    };
    const declared = ORGS * PER_ORG;
    const rows = [];
    const step = async (label, fn, check) => {
      await control.resetStats();
      output = "";
      const m = await measure(fn);
      const calls = (await control.stats()).total;
      if (!check(m.result)) throw new Error(`${label} did not do what it should:\n${output.slice(-2000)}`);
      rows.push({ label, ...m, calls });
    };
    await step(
      "plan (nothing exists)",
      () => planCommand({ file: "spot.yaml" }, { io }),
      (r) => r.code === 0 && /Plan: \d+ to create/.test(output),
    );
    await step(
      "apply (create all)",
      () => applyCommand({ file: "spot.yaml", autoApprove: true }, { io }),
      (r) => r.code === 0,
    );
    await step(
      "plan (all exist, no changes)",
      () => planCommand({ file: "spot.yaml" }, { io }),
      (r) => r.code === 0 && output.includes("No changes"),
    );
    await step(
      "drift (all exist, no changes)",
      () => planCommand({ file: "spot.yaml", mode: "drift" }, { io }),
      (r) => r.code === 0,
    );

    console.log(
      `GitOps plan benchmark: ${declared} declared objects across ${ORGS} organizations (Node ${process.version})`,
    );
    console.log(
      "step                            wall (ms)   API calls   calls/object   peak RSS (MB)   peak heap (MB)",
    );
    for (const r of rows) {
      console.log(
        `${r.label.padEnd(30)} ${r.ms.toFixed(0).padStart(10)} ${String(r.calls).padStart(11)} ${(r.calls / declared).toFixed(2).padStart(14)} ${mb(r.peakRss).padStart(15)} ${mb(r.peakHeap).padStart(16)}`,
      );
    }
  } finally {
    child.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/gitops-plan: ${e.message}`);
  process.exitCode = 1;
});
