#!/usr/bin/env node
/**
 * Figure 2 — GitOps `plan` of 1,000 declared objects across 10 organizations, against the emulator (a child
 * process, so the memory figure is the CLI's alone). Steps: a first plan (nothing exists), the apply, a
 * steady-state plan (everything exists, no changes) and a drift check. For each: wall time, API calls
 * (counted by the emulator) and peak RSS/heap of the planning process.
 *
 * Baseline, same run, same emulator: the peer pattern reading the same 1,000 live objects with one GET each,
 * given their ids (a peer with a state file; without one it would also have to find each object by name).
 *
 *   node bench/gitops-plan.js [--orgs 10] [--per-org 100]      (node --expose-gc for a steadier memory figure)
 */
"use strict";
const { mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const common = require("./lib/common");
const { arg, dist, fmt, machineNote, mapLimit, PeerClient, runMain, startEmulator, table, timed } = common;
const { peerReadPath } = require("./lib/seed");

const ORGS = arg("orgs", 10);
const PER_ORG = arg("per-org", 100);

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

async function main() {
  const { planCommand, applyCommand } = dist("cli/gitops/commands");
  const emu = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), "spot-iac-bench-"));
  const declared = ORGS * PER_ORG;
  const rows = [];
  let steadyRoutes;
  let peer;
  try {
    const env = { SPOTINST_BASE_URL: emu.url };
    const tokens = [];
    for (let i = 0; i < ORGS; i++) {
      tokens[i] = (
        await emu.control.bootstrap({ organizationName: `Bench ${i}`, adminEmail: `admin@bench${i}.example.com` })
      ).token;
      env[`BENCH_TOKEN_${i}`] = tokens[i];
    }
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
    let lastPlan;
    const step = async (label, fn, check) => {
      await emu.control.resetStats();
      output = "";
      const m = await common.withPeakMemory(fn);
      const stats = await emu.control.stats();
      if (!check(m.result)) throw new Error(`${label} did not do what it should:\n${output.slice(-2000)}`);
      lastPlan = m.result.plan;
      rows.push({ label, ...m, calls: stats.total, routes: stats.requests });
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
    steadyRoutes = rows[rows.length - 1].routes;
    const objects = lastPlan.orgs.map((o, i) => ({
      token: tokens[i],
      entries: o.entries.filter((e) => e.id).map((e) => ({ kind: e.kind, id: e.id, outputs: e.live ?? {} })),
    }));
    await step(
      "drift (all exist, no changes)",
      () => planCommand({ file: "spot.yaml", mode: "drift" }, { io }),
      (r) => r.code === 0,
    );

    // Baseline: the same live objects, one GET each, at the plan's concurrency (8).
    const peers = objects.map((o) => new PeerClient(emu.url, o.token, 8));
    const peerWork = objects.flatMap((o, i) => o.entries.map((e) => ({ e, p: peers[i] })));
    if (peerWork.length !== declared)
      throw new Error(`expected ${declared} live objects, the plan found ${peerWork.length}`);
    await emu.control.resetStats();
    const t = await timed(() =>
      mapLimit(peerWork, 8, async ({ e, p }) => {
        const r = await p.request("GET", peerReadPath(e));
        if (r.status !== 200) throw new Error(`peer GET ${peerReadPath(e)} answered ${r.status}`);
      }),
    );
    peer = { ms: t.ms, calls: (await emu.control.stats()).total };
    peers.forEach((p) => p.close());
  } finally {
    await emu.stop();
    rmSync(work, { recursive: true, force: true });
  }

  console.log(`Figure 2 — GitOps plan of ${declared} declared objects across ${ORGS} organizations`);
  console.log(machineNote());
  console.log(
    table(
      ["step", "wall", "API calls", "calls/object", "peak RSS", "peak heap"],
      [
        ...rows.map((r) => [
          r.label,
          fmt.ms(r.ms),
          fmt.int(r.calls),
          (r.calls / declared).toFixed(2),
          fmt.mb(r.peakRss),
          fmt.mb(r.peakHeap),
        ]),
        [
          `baseline: peer, 1 GET per object (ids known)`,
          fmt.ms(peer.ms),
          fmt.int(peer.calls),
          (peer.calls / declared).toFixed(2),
          "",
          "",
        ],
      ],
    ),
  );
  console.log("\nsteady-state plan, API calls by route:");
  console.log(
    table(
      ["route", "calls"],
      Object.entries(steadyRoutes)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, v]),
    ),
  );
  const steady = rows.find((r) => r.label.startsWith("plan (all exist"));
  common.writeSummary("2. GitOps plan, 1,000 objects", [
    {
      measure: "steady-state plan: wall / API calls / peak RSS",
      ours: `${fmt.ms(steady.ms)} / ${fmt.int(steady.calls)} / ${fmt.mb(steady.peakRss)}`,
      baseline: `${fmt.ms(peer.ms)} / ${fmt.int(peer.calls)} (1 GET/object)`,
      result: fmt.ratio(steady.calls, peer.calls),
      target: "",
    },
    {
      measure: "first plan (nothing exists): wall / API calls",
      ours: `${fmt.ms(rows[0].ms)} / ${fmt.int(rows[0].calls)}`,
      baseline: "",
      result: "",
      target: "",
    },
  ]);
}

runMain("bench/gitops-plan", main);
