#!/usr/bin/env node
/**
 * Figure 2 — the GitOps CLI over 10 organizations, every step a fresh `spot-iac` process as a pipeline runs it
 * (start-up, module loading and the client's first requests count), against the emulator (a child process, at
 * its default rate limit of 6,000 requests per minute per organization, route and method).
 *
 * Per size N (default 1,000 and 5,000 objects): first plan (nothing exists), apply, steady-state plan (median of
 * --repeat), each with wall, CPU, peak RSS, API calls and 429s. Baseline in the same run: the naive reader, a
 * fresh Node process sending one plain GET per object (ids known, as a peer with a state file has them), every
 * request at once. At the first size, the steady plan and the naive reader run again with --latency ms added to
 * every route (a WAN to api.spotinst.io), beside the call floor: the fewest calls Spot's documented API allows
 * for what the plan compares, per route (see FLOOR below).
 *
 *   node bench/gitops-plan.js [--orgs 10] [--sizes 1000,5000] [--latency 100] [--repeat 3]
 */
"use strict";
const { mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const common = require("./lib/common");
const { arg, dist, fmt, machineNote, ROOT, runMain, startEmulator, table } = common;
const { runFresh } = require("./lib/fresh");
const { peerReadPath } = require("./lib/seed");

const ORGS = arg("orgs", 10);
const SIZES = String(arg("sizes", "1000,5000")).split(",").map(Number);
const LATENCY = arg("latency", 100);
const REPEAT = arg("repeat", 3);
const CLI = join(ROOT, "bin/spot-iac");

/** The declared mix of one organization of `perOrg` objects. */
function mixOf(perOrg) {
  const accounts = Math.round(perOrg * 0.2);
  const users = Math.round(perOrg * 0.3);
  const policies = Math.round(perOrg * 0.1);
  const notifications = perOrg - accounts - 2 * users - policies;
  return { accounts, users, attachments: users, policies, notifications };
}

/** One organization's section: accounts, users, their attachments, access policies, notification policies. */
function orgYaml(i, perOrg) {
  const m = mixOf(perOrg);
  const lines = [`  - name: org${i}`, "    accounts:"];
  for (let a = 0; a < m.accounts; a++) lines.push(`      - name: acct-${a}`);
  lines.push("    users:");
  for (let u = 0; u < m.users; u++)
    lines.push(`      - email: user${u}@org${i}.example.com`, `        firstName: User`, `        lastName: N${u}`);
  lines.push("    accessPolicies:");
  for (let p = 0; p < m.policies; p++)
    lines.push(
      `      - name: policy-${p}`,
      "        statements:",
      "          - effect: ALLOW",
      "            actions: [ocean:describeCluster]",
      '            resources: ["*"]',
    );
  lines.push("    userAttachments:");
  for (let u = 0; u < m.users; u++)
    lines.push(
      `      - account: acct-${u % m.accounts}`,
      `        user: user${u}@org${i}.example.com`,
      `        role: ${u % 2 ? "editor" : "viewer"}`,
    );
  if (m.notifications > 0) {
    lines.push("    notificationPolicies:");
    for (let n = 0; n < m.notifications; n++)
      lines.push(
        `      - name: alerts-${n}`,
        `        account: acct-${n % m.accounts}`,
        "        subscriptions: [{ type: email, endpoint: oncall@example.com }]",
        "        events: [{ event: Maximum capacity reached, type: WARN }]",
        "        shouldIncludeAllResources: true",
      );
  }
  return lines.join("\n");
}

/**
 * The call floor of a steady-state GitOps plan, per route: what any reader needs from Spot's documented API to
 * compare what this file declares, knowing objects by name only (GitOps keeps no state). Lists serve a kind
 * whole where Spot lists it with the compared fields; otherwise one GET per object is the only way.
 */
function floorOf(perOrg) {
  const m = mixOf(perOrg);
  const accountsWithAlerts = Math.min(m.accounts, m.notifications);
  const per = {
    "GET /setup/account": [1, "Account", "the account list carries every declared field"],
    "GET /setup/organization/policy": [1, "AccessPolicy", "the policy list carries statements"],
    "GET /setup/organization/user": [1, "User", "e-mail → user id (no get-by-e-mail)"],
    "GET /setup/user/{userId}": [m.users, "User", "names and role only in the per-user GET"],
    "GET /setup/accountUserMapping": [m.users, "UserAttachment", "roles per account only per user (?userEmail=)"],
    "GET /notificationCenter/policy": [accountsWithAlerts, "NotificationPolicy", "name → id, listed per account"],
    "GET /notificationCenter/policy/{policyId}": [
      m.notifications,
      "NotificationPolicy",
      "subscriptions and events only per policy",
    ],
  };
  return Object.fromEntries(Object.entries(per).map(([r, [n, kind, why]]) => [r, { calls: n * ORGS, kind, why }]));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Of `REPEAT` runs of `fn`, the one with the median wall time. */
async function medianOf(fn) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await fn());
  const m = median(runs.map((r) => r.ms));
  return runs.find((r) => r.ms === m);
}

async function main() {
  const { planCommand } = dist("cli/gitops/commands");
  const results = [];
  let latencyRun;
  for (const [sizeIndex, size] of SIZES.entries()) {
    const perOrg = Math.round(size / ORGS);
    const declared = perOrg * ORGS;
    const emu = await startEmulator({ rateLimit: null });
    const work = mkdtempSync(join(tmpdir(), "spot-iac-bench-"));
    try {
      const env = { SPOTINST_BASE_URL: emu.url, SPOT_IAC_API_SHARE: "" };
      const tokens = [];
      for (let i = 0; i < ORGS; i++) {
        tokens[i] = (
          await emu.control.bootstrap({ organizationName: `Bench ${i}`, adminEmail: `admin@bench${i}.example.com` })
        ).token;
        env[`SPOT_TOKEN_ORG${i}`] = tokens[i];
      }
      const yaml = ["version: 1", "organizations:", ...Array.from({ length: ORGS }, (_, i) => orgYaml(i, perOrg))];
      writeFileSync(join(work, "spot.yaml"), yaml.join("\n") + "\n");

      /** A fresh CLI process: its figures and the emulator's count of what it sent. */
      const cliStep = async (label, args, ok) => {
        await emu.control.resetStats();
        const r = await runFresh([CLI, ...args], { env, cwd: work });
        const stats = await emu.control.stats();
        if (!ok(r))
          throw new Error(
            `${label} did not do what it should (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-2000)}`,
          );
        return { label, ...r, calls: stats.total, routes: stats.requests, r429: stats.statuses["429"] ?? 0 };
      };
      const first = await cliStep(
        "first plan (nothing exists)",
        ["plan", "-f", "spot.yaml"],
        (r) => r.code === 0 && /to create/.test(r.stdout),
      );
      const apply = await cliStep(
        "apply (create all)",
        ["apply", "-f", "spot.yaml", "--auto-approve"],
        (r) => r.code === 0,
      );
      const steady = await medianOf(() =>
        cliStep(
          "steady-state plan (no changes)",
          ["plan", "-f", "spot.yaml"],
          (r) => r.code === 0 && r.stdout.includes("No changes"),
        ),
      );

      // Ids for the naive reader, from one plan in this process (not measured).
      const io = { out: () => undefined, err: () => undefined, env, cwd: work, color: false, progress: false };
      const inProcess = await planCommand({ file: "spot.yaml" }, { io });
      const job = {
        baseUrl: emu.url,
        concurrency: 0,
        orgs: inProcess.plan.orgs.map((o, i) => ({
          token: tokens[i],
          paths: o.entries
            .filter((e) => e.id)
            .map((e) => peerReadPath({ kind: e.kind, id: e.id, outputs: e.live ?? {} })),
        })),
      };
      const found = job.orgs.reduce((a, o) => a + o.paths.length, 0);
      if (found !== declared) throw new Error(`expected ${declared} live objects, the plan found ${found}`);
      const jobFile = join(work, "peer-job.json");
      writeFileSync(jobFile, JSON.stringify(job));
      const peerStep = async (label) => {
        await emu.control.resetStats();
        const r = await runFresh([join(__dirname, "lib/peer-read.js"), jobFile]);
        const stats = await emu.control.stats();
        if (r.code !== 0) throw new Error(`${label} failed:\n${r.stderr.slice(-2000)}`);
        return { label, ...r, calls: stats.total, routes: stats.requests, r429: stats.statuses["429"] ?? 0 };
      };
      const peer = await medianOf(() => peerStep("naive reader, all at once (fresh process)"));
      results.push({ size: declared, perOrg, first, apply, steady, peer });

      if (sizeIndex === 0 && LATENCY > 0) {
        const routes = new Set([...Object.keys(steady.routes), ...Object.keys(peer.routes)]);
        for (const r of routes) {
          const [method, path] = r.split(" ");
          await emu.control.injectFault({ method, path, kind: "latency", latencyMs: LATENCY, times: 0 });
        }
        const ours = await medianOf(() =>
          cliStep(
            `steady-state plan, ${LATENCY} ms latency`,
            ["plan", "-f", "spot.yaml"],
            (r) => r.code === 0 && r.stdout.includes("No changes"),
          ),
        );
        const naive = await medianOf(() => peerStep(`naive reader, all at once, ${LATENCY} ms latency`));
        await emu.control.clearFaults();
        latencyRun = { size: declared, perOrg, ours, naive, floor: floorOf(perOrg) };
      }
    } finally {
      await emu.stop();
      rmSync(work, { recursive: true, force: true });
    }
  }

  console.log(
    `Figure 2 — GitOps CLI over ${ORGS} organizations, every step a fresh process (median of ${REPEAT} where repeated)`,
  );
  console.log(machineNote());
  const row = (r, n) => [
    r.label,
    fmt.ms(r.ms),
    fmt.ms(r.cpuMs),
    fmt.int(r.rssMb) + " MB",
    fmt.int(r.calls),
    (r.calls / n).toFixed(2),
    fmt.int(r.r429),
  ];
  const headers = ["step", "wall", "CPU", "peak RSS", "API calls", "calls/object", "429s"];
  for (const r of results) {
    console.log(`\nN = ${fmt.int(r.size)} (${r.perOrg} per organization)`);
    console.log(
      table(
        headers,
        [r.first, r.apply, r.steady, r.peer].map((x) => row(x, r.size)),
      ),
    );
  }
  const lists = new Set([
    "GET /setup/account",
    "GET /setup/user",
    "GET /setup/organization/user",
    "GET /setup/organization/policy",
    "GET /notificationCenter/policy",
  ]);
  const applyLists = (a) =>
    Object.entries(a.routes)
      .filter(([k]) => lists.has(k))
      .reduce((s, [, v]) => s + v, 0);
  for (const r of results) {
    console.log(`\napply of ${fmt.int(r.size)}, calls by route:`);
    console.log(
      table(
        ["route", "calls"],
        Object.entries(r.apply.routes)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => [k, fmt.int(v)]),
      ),
    );
    const l = applyLists(r.apply);
    console.log(
      `apply of ${fmt.int(r.size)}: ${((r.apply.calls - l) / r.size).toFixed(2)} calls per created object besides ${fmt.int(l)} list calls (${ORGS} organizations)`,
    );
  }
  const [a, b] = results;
  if (b) {
    console.log(
      `plan of ${fmt.int(b.size)} against ${fmt.int(a.size)}: wall ${(b.steady.ms / a.steady.ms).toFixed(2)}x, calls ${(b.steady.calls / a.steady.calls).toFixed(2)}x (target ≤ 5x)`,
    );
  }
  console.log(
    `local plan of ${fmt.int(a.size)} against the naive reader: wall ${(a.steady.ms / a.peer.ms).toFixed(2)}x (target ≤ 1.5x), CPU ${(a.steady.cpuMs / a.peer.cpuMs).toFixed(2)}x`,
  );
  let floorTotal;
  if (latencyRun) {
    const L = latencyRun;
    floorTotal = Object.values(L.floor).reduce((s, f) => s + f.calls, 0);
    console.log(`\nN = ${fmt.int(L.size)}, ${LATENCY} ms added to every route`);
    console.log(
      table(
        headers,
        [L.ours, L.naive].map((x) => row(x, L.size)),
      ),
    );
    console.log(
      `plan against the naive reader: wall ${(L.ours.ms / L.naive.ms).toFixed(2)}x (target ≤ 2x); calls ${fmt.int(L.ours.calls)} against a floor of ${fmt.int(floorTotal)}`,
    );
    console.log(`\nsteady-state plan of ${fmt.int(L.size)}, calls per route against the floor:`);
    const routes = new Set([...Object.keys(L.floor), ...Object.keys(L.ours.routes)]);
    console.log(
      table(
        ["route", "kind", "why the floor", "ours", "floor"],
        [...routes].map((r) => [
          r,
          L.floor[r]?.kind ?? "",
          L.floor[r]?.why ?? "not needed to compare",
          fmt.int(L.ours.routes[r] ?? 0),
          fmt.int(L.floor[r]?.calls ?? 0),
        ]),
        { left: 3 },
      ),
    );
  }
  const rows = [
    {
      measure: `steady plan of ${fmt.int(a.size)}, fresh process: wall / calls / peak RSS`,
      ours: `${fmt.ms(a.steady.ms)} / ${fmt.int(a.steady.calls)} / ${fmt.int(a.steady.rssMb)} MB`,
      baseline: `naive reader ${fmt.ms(a.peer.ms)} / ${fmt.int(a.peer.calls)}`,
      result: `${(a.steady.ms / a.peer.ms).toFixed(2)}x wall`,
      target: "≤ 1.5x wall",
    },
    {
      measure: `apply of ${fmt.int(a.size)}: calls per created object + lists`,
      ours: `${((a.apply.calls - applyLists(a.apply)) / a.size).toFixed(2)} + ${applyLists(a.apply)}`,
      baseline: "",
      result: "",
      target: "≤ 1.5 + 1 per (org, collection)",
    },
  ];
  if (b)
    rows.push({
      measure: `steady plan of ${fmt.int(b.size)} / of ${fmt.int(a.size)}: wall, calls`,
      ours: `${fmt.ms(b.steady.ms)}, ${fmt.int(b.steady.calls)}`,
      baseline: `${fmt.ms(a.steady.ms)}, ${fmt.int(a.steady.calls)}`,
      result: `${(b.steady.ms / a.steady.ms).toFixed(2)}x, ${(b.steady.calls / a.steady.calls).toFixed(2)}x`,
      target: "≤ 5x",
    });
  if (latencyRun)
    rows.push({
      measure: `steady plan of ${fmt.int(latencyRun.size)}, ${LATENCY} ms latency: wall / calls / 429s`,
      ours: `${fmt.ms(latencyRun.ours.ms)} / ${fmt.int(latencyRun.ours.calls)} / ${latencyRun.ours.r429}`,
      baseline: `naive ${fmt.ms(latencyRun.naive.ms)}; floor ${fmt.int(floorTotal)} calls`,
      result: `${(latencyRun.ours.ms / latencyRun.naive.ms).toFixed(2)}x wall`,
      target: "≤ 2x, 0 429s",
    });
  common.writeSummary("2. GitOps CLI, fresh process", rows);
}

runMain("bench/gitops-plan", main);
