#!/usr/bin/env node
/**
 * Figure 6 — a 300-object apply under an injected rate limit of 60 requests per minute per (organization,
 * route, method), as Spot enforces it (sliding 60 s window; blocked requests count too).
 *
 *   ours:     `spot-iac apply` (GitOps, in-process, default concurrency) of 300 declared objects in one organization:
 *             the client learns each route's budget from X-RateLimit-* headers, waits for the reset instead of
 *             hammering, and retries a 429 after the time Spot asks for. Must finish with zero failed operations.
 *   baseline: the peer pattern (terraform-provider-spotinst over Spot's Go SDK: create, then read it back, no
 *             retry) creating the same 300 objects in another organization of the same emulator, parallelism 10.
 * Afterwards the limit is lifted and a drift check confirms all 300 objects exist as declared.
 * It takes minutes by nature (the busiest route needs ~150 requests at 60/minute).
 *
 *   node bench/rate-limit.js [--per-kind 75] [--limit 60]
 */
"use strict";
const { mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const {
  arg,
  dist,
  fmt,
  machineNote,
  mapLimit,
  PeerClient,
  runMain,
  startEmulator,
  table,
  timed,
  writeSummary,
} = require("./lib/common");

const PER_KIND = arg("per-kind", 75);
const LIMIT = arg("limit", 60);
const STATEMENTS = [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }];

function fileYaml(n) {
  const lines = ["version: 1", "organizations:", "  - name: limited", "    accounts:"];
  for (let i = 0; i < n; i++) lines.push(`      - name: acct-${i}`);
  lines.push("    users:");
  for (let i = 0; i < n; i++)
    lines.push(
      `      - email: user${i}@limited.example.com`,
      "        firstName: Rate",
      `        lastName: Limited${i}`,
    );
  lines.push("    accessPolicies:");
  for (let i = 0; i < n; i++)
    lines.push(
      `      - name: policy-${i}`,
      "        statements:",
      "          - effect: ALLOW",
      "            actions: [ocean:describeCluster]",
      '            resources: ["*"]',
    );
  lines.push("    userAttachments:");
  for (let i = 0; i < n; i++)
    lines.push(
      `      - account: acct-${i}`,
      `        user: user${i}@limited.example.com`,
      `        role: ${i % 2 ? "editor" : "viewer"}`,
    );
  return lines.join("\n") + "\n";
}

/**
 * The peer: per object a create and a read-back (what terraform-provider-spotinst's Create does), one attempt
 * each. An object fails when either request fails; an attachment whose account or user failed is not tried.
 */
async function peerApply(peer, n) {
  const failed = { Account: 0, User: 0, AccessPolicy: 0, UserAttachment: 0 };
  const ok = (r) => r.status === 200;
  const item = (r) => r.body?.response?.items?.[0];
  const accounts = await mapLimit([...Array(n).keys()], 10, async (i) => {
    // The Go SDK's CreateAccount first lists accounts to reuse one with the same name.
    const list = await peer.request("GET", "/setup/account");
    if (!ok(list)) return (failed.Account++, undefined);
    const r = await peer.request("POST", "/setup/account", { account: { name: `acct-${i}` } });
    const id = ok(r) ? item(r)?.id : undefined;
    if (!id || !ok(await peer.request("GET", `/setup/account/${id}`))) return (failed.Account++, undefined);
    return id;
  });
  const users = await mapLimit([...Array(n).keys()], 10, async (i) => {
    const email = `user${i}@peer.example.com`;
    const r = await peer.request("POST", "/setup/user?generateToken=true", {
      email,
      firstName: "Rate",
      lastName: `Limited${i}`,
      role: "viewer",
    });
    const id = ok(r) ? item(r)?.userId : undefined;
    if (!id || !ok(await peer.request("GET", `/setup/user/${id}`))) return (failed.User++, undefined);
    return email;
  });
  await mapLimit([...Array(n).keys()], 10, async (i) => {
    const r = await peer.request("POST", "/setup/access/policy", {
      policy: { name: `policy-${i}`, policyContent: { statements: STATEMENTS } },
    });
    if (!ok(r) || !ok(await peer.request("GET", "/setup/organization/policy"))) failed.AccessPolicy++;
  });
  await mapLimit([...Array(n).keys()], 10, async (i) => {
    if (!accounts[i] || !users[i]) return failed.UserAttachment++;
    const r = await peer.request("POST", `/setup/account/${accounts[i]}/user`, {
      userEmail: users[i],
      role: i % 2 ? "editor" : "viewer",
    });
    const back =
      ok(r) && (await peer.request("GET", `/setup/accountUserMapping?userEmail=${encodeURIComponent(users[i])}`));
    if (!back || !ok(back)) failed.UserAttachment++;
  });
  return failed;
}

async function main() {
  const { applyCommand, planCommand } = dist("cli/gitops/commands");
  const { realConnect } = dist("cli/gitops/connect");
  const { Pipeline } = dist("cli/gitops/pipeline");
  const emu = await startEmulator({ rateLimit: LIMIT });
  const work = mkdtempSync(join(tmpdir(), "spot-iac-ratelimit-"));
  const objects = 4 * PER_KIND;
  let ours;
  let peer;
  let verify;
  try {
    const oursOrg = await emu.control.bootstrap({
      organizationName: "Limited",
      adminEmail: "admin@limited.example.com",
    });
    const peerOrg = await emu.control.bootstrap({ organizationName: "Peer", adminEmail: "admin@peer.example.com" });

    // Baseline first: it takes seconds (it does not wait), and uses its own organization's budget.
    const pc = new PeerClient(emu.url, peerOrg.token, 10);
    const pt = await timed(() => peerApply(pc, PER_KIND));
    pc.close();
    const peerFailed = Object.values(pt.result).reduce((a, b) => a + b, 0);
    peer = { ms: pt.ms, failed: peerFailed, byKind: pt.result, calls: pc.calls, r429: pc.statuses[429] ?? 0 };

    writeFileSync(join(work, "spot.yaml"), fileYaml(PER_KIND));
    const env = { SPOTINST_BASE_URL: emu.url, SPOT_TOKEN_LIMITED: oursOrg.token };
    let output = "";
    const io = {
      out: (s) => void (output += s),
      err: (s) => void (output += s),
      env,
      cwd: work,
      color: false,
      progress: false,
    };
    const clients = [];
    const base = realConnect(new Pipeline({}, env), () => undefined);
    const connect = async (org, runId) => {
      const conn = await base(org, runId);
      clients.push(conn.ctx.client);
      return conn;
    };
    await emu.control.resetStats();
    const t = await timed(() => applyCommand({ file: "spot.yaml", autoApprove: true }, { io, connect }));
    const res = t.result;
    const outcomes = res.result?.outcomes ?? [];
    const count = (s) => outcomes.filter((o) => o.status === s).length;
    const counters = clients.reduce(
      (a, c) => ({
        r429: a.r429 + c.counters.rateLimited,
        retries: a.retries + c.counters.retries,
        paced: a.paced + c.counters.pacedWaits,
        pacedMs: a.pacedMs + c.counters.pacedMs,
        calls: a.calls + c.counters.total,
      }),
      { r429: 0, retries: 0, paced: 0, pacedMs: 0, calls: 0 },
    );
    const stats = await emu.control.stats();
    ours = {
      ms: t.ms,
      code: res.code,
      done: count("done"),
      failed: count("failed"),
      notDone: count("not done"),
      ...counters,
      routes: Object.entries(stats.requests).sort((a, b) => b[1] - a[1]),
    };
    ours.busiest = ours.routes[0];
    if (res.code !== 0 || ours.failed || ours.notDone) {
      const bad = outcomes.filter((o) => o.status === "failed" || o.status === "not done");
      console.error(
        `apply under the rate limit did not complete cleanly (exit ${res.code}):\n` +
          (bad.length
            ? bad.map((o) => `  ${o.status}: ${o.entry.kind} ${o.entry.name}: ${o.message}`).join("\n")
            : output.slice(-3000)),
      );
    }

    // Lift the limit and check that everything declared exists as declared.
    await emu.control.setRateLimits({ defaultPerMinute: 1_000_000 });
    output = "";
    const drift = await planCommand({ file: "spot.yaml", mode: "drift" }, { io });
    verify = {
      code: drift.code,
      noop: drift.plan?.orgs.flatMap((o) => o.entries).filter((e) => e.action === "noop").length,
    };
    if (drift.code !== 0) console.error(`drift after the apply (exit ${drift.code}):\n${output.slice(-3000)}`);
  } finally {
    await emu.stop();
    rmSync(work, { recursive: true, force: true });
  }

  console.log(
    `Figure 6 — ${objects}-object apply under a rate limit of ${LIMIT} requests/minute per (org, route, method)`,
  );
  console.log(machineNote());
  console.log(
    table(
      ["", "objects", "failed ops", "429s seen", "requests", "total time", "notes"],
      [
        [
          "ours: spot-iac apply (GitOps)",
          objects,
          ours.failed + ours.notDone,
          ours.r429,
          fmt.int(ours.calls),
          fmt.ms(ours.ms),
          `${ours.done} done, ${ours.retries} retries, ${ours.paced} paced waits (${(ours.pacedMs / 1000).toFixed(0)} s summed); ` +
            `busiest route ${ours.busiest?.[0]} x${ours.busiest?.[1]}`,
        ],
        [
          "baseline: peer, create+read, no retry",
          objects,
          peer.failed,
          peer.r429,
          fmt.int(peer.calls),
          fmt.ms(peer.ms),
          Object.entries(peer.byKind)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ") + " failed",
        ],
      ],
    ),
  );
  console.log(
    `check after lifting the limit: drift exit ${verify.code} (0 = live matches the file), ${verify.noop} of ${objects} objects unchanged`,
  );
  console.log(
    `apply's busiest routes (each has its own ${LIMIT}/min budget): ` +
      ours.routes
        .slice(0, 6)
        .map(([k, v]) => `${k} x${v}`)
        .join(", "),
  );
  writeSummary("6. apply under 60 req/min per route", [
    {
      measure: `${objects}-object apply: failed ops / 429s / time`,
      ours: `${ours.failed + ours.notDone} failed / ${ours.r429} 429s / ${fmt.ms(ours.ms)}`,
      baseline: `${peer.failed} failed / ${peer.r429} 429s / ${fmt.ms(peer.ms)}`,
      result: ours.failed + ours.notDone === 0 && verify.code === 0 ? "complete, verified" : "INCOMPLETE",
      target: "0 failed ops",
    },
  ]);
  if (ours.failed + ours.notDone || verify.code !== 0) process.exitCode = 1;
}

runMain("bench/rate-limit", main);
