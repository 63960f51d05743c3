#!/usr/bin/env node
/**
 * API calls per created object in an apply: `spot-iac apply` (GitOps, in-process) of N declared objects over
 * several organizations, nothing existing yet, counted by route by the emulator. The floor beside it, same run:
 * the writes the apply had to send (one create per object, plus the mappings some kinds need), so
 * "calls - writes" is what reads cost. Then a steady-state plan of the same file, as a check that everything
 * was created as declared.
 *
 *   node bench/client-apply.js [--orgs 10] [--per-org 100]
 */
"use strict";
const { mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { arg, dist, fmt, machineNote, runMain, startEmulator, table, timed } = require("./lib/common");

const ORGS = arg("orgs", 10);
const PER_ORG = arg("per-org", 100);

/** One organization: 20 % accounts, 25 % users, 25 % attachments, 10 % access policies, 20 % notification policies. */
function orgYaml(i, perOrg) {
  const accounts = Math.round(perOrg * 0.2);
  const users = Math.round(perOrg * 0.25);
  const policies = Math.round(perOrg * 0.1);
  const notifications = perOrg - accounts - 2 * users - policies;
  const lines = [`  - name: org${i}`, `    tokenEnv: APPLY_TOKEN_${i}`, "    accounts:"];
  for (let a = 0; a < accounts; a++) lines.push(`      - name: acct-${a}`);
  lines.push("    users:");
  for (let u = 0; u < users; u++)
    lines.push(`      - email: user${u}@org${i}.example.com`, "        firstName: User", `        lastName: N${u}`);
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

const isWrite = (route) => !route.startsWith("GET ");

async function main() {
  const { applyCommand, planCommand } = dist("cli/gitops/commands");
  const emu = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "spot-iac-client-apply-"));
  const declared = ORGS * PER_ORG;
  let apply;
  let plan;
  try {
    const env = { SPOTINST_BASE_URL: emu.url };
    for (let i = 0; i < ORGS; i++) {
      const boot = await emu.control.bootstrap({
        organizationName: `Apply ${i}`,
        adminEmail: `admin@apply${i}.example.com`,
      });
      env[`APPLY_TOKEN_${i}`] = boot.token;
    }
    const yaml =
      ["version: 1", "organizations:", ...Array.from({ length: ORGS }, (_, i) => orgYaml(i, PER_ORG))].join("\n") +
      "\n";
    writeFileSync(join(work, "spot.yaml"), yaml);
    let output = "";
    const io = { out: (s) => void (output += s), err: (s) => void (output += s), env, cwd: work, color: false };
    io.progress = false;
    await emu.control.resetStats();
    const t = await timed(() => applyCommand({ file: "spot.yaml", autoApprove: true }, { io }));
    if (t.result.code !== 0) throw new Error(`apply failed (exit ${t.result.code}):\n${output.slice(-3000)}`);
    const stats = await emu.control.stats();
    const routes = Object.entries(stats.requests).sort((a, b) => b[1] - a[1]);
    const writes = routes.filter(([r]) => isWrite(r)).reduce((a, [, n]) => a + n, 0);
    apply = { ms: t.ms, calls: stats.total, writes, routes };

    output = "";
    await emu.control.resetStats();
    const p = await timed(() => planCommand({ file: "spot.yaml" }, { io }));
    if (p.result.code !== 0 || !output.includes("No changes"))
      throw new Error(`the plan after the apply is not clean:\n${output.slice(-3000)}`);
    plan = { ms: p.ms, calls: (await emu.control.stats()).total };
  } finally {
    await emu.stop();
    rmSync(work, { recursive: true, force: true });
  }

  console.log(`API calls per created object: apply of ${declared} objects over ${ORGS} organizations`);
  console.log(machineNote());
  console.log(
    table(
      ["", "calls", "per object", "wall"],
      [
        ["apply: all calls", fmt.int(apply.calls), (apply.calls / declared).toFixed(2), fmt.ms(apply.ms)],
        ["floor, same run: the writes it sent", fmt.int(apply.writes), (apply.writes / declared).toFixed(2), ""],
        [
          "reads during the apply",
          fmt.int(apply.calls - apply.writes),
          ((apply.calls - apply.writes) / declared).toFixed(2),
          "",
        ],
        [
          "steady-state plan afterwards (no changes)",
          fmt.int(plan.calls),
          (plan.calls / declared).toFixed(2),
          fmt.ms(plan.ms),
        ],
      ],
    ),
  );
  console.log("\napply calls by route:");
  console.log(
    table(
      ["route", "calls"],
      apply.routes.map(([r, n]) => [r, n]),
    ),
  );
}

runMain("bench/client-apply", main);
