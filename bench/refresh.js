#!/usr/bin/env node
/**
 * Figure 1 — refresh/plan of N managed objects (N = 100 and 1,000) across 10 organizations.
 *
 *   ours:     the core lifecycle, as the Terraform provider drives it on a refresh: per object readLive (the state
 *             as prior) then plan (desired against live), one SpotClient per organization (nothing cached yet).
 *   baseline: the peer pattern (terraform-provider-spotinst over Spot's Go SDK): one GET per object, no list
 *             sharing, no cache.
 * Both run against the same emulator (child process), same objects, same parallelism (Terraform's default 10).
 * API calls are counted by the emulator. Every engine read must find its object and plan no change, and every
 * peer GET must answer 200, or the benchmark fails.
 *
 * On localhost the emulator answers in well under a millisecond, so wall time there mostly measures client CPU;
 * one more run of the platform mix at the largest N injects a fixed latency on every route (`--latency`, ms),
 * as a WAN to api.spotinst.io would add, to show what the call counts mean for wall time.
 *
 * The latency rows run in a fresh process each, as users run them (a Terraform plan launches its provider cold).
 *
 *   node bench/refresh.js [--orgs 10] [--sizes 100,1000] [--parallelism 10] [--repeat 3] [--latency 50]
 */
"use strict";
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
const { contextFor, mixCounts, peerReadPath, PLATFORM_MIX, seedOrganizations } = require("./lib/seed");
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { runFresh } = require("./lib/fresh");

const ORGS = arg("orgs", 10);
const SIZES = String(arg("sizes", "100,1000")).split(",").map(Number);
const PARALLELISM = arg("parallelism", 10);
const REPEAT = arg("repeat", 3);
// Injected per-request latency for one extra run of the platform mix at the largest N (0 = skip).
const LATENCY = arg("latency", 50);

const KINDS = PLATFORM_MIX.map(([k]) => k);
const LIST_SERVED = ["Account", "AccessPolicy"];

const cpuMs = (u) => (u.user + u.system) / 1000;

/**
 * The order objects are refreshed in: organization by organization (as one Terraform configuration or Pulumi
 * stack per organization does), or interleaved across organizations (a multi-organization program).
 */
function arrange(perOrg, interleaved) {
  if (!interleaved) return perOrg.flat();
  const out = [];
  for (let i = 0; i < Math.max(0, ...perOrg.map((l) => l.length)); i++)
    for (const l of perOrg) if (i < l.length) out.push(l[i]);
  return out;
}

/** Of `REPEAT` runs, the one with the median wall time (calls are the same every run, or the spread shows). */
async function medianRun(fn) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await fn());
  runs.sort((a, b) => a.ms - b.ms);
  const mid = runs[Math.floor(runs.length / 2)];
  const calls = runs.map((r) => r.calls);
  return { ...mid, callsMin: Math.min(...calls), callsMax: Math.max(...calls) };
}

/**
 * Refresh through the core lifecycle, as the Terraform provider does it (ReadResource, then PlanResourceChange):
 * readLive with the state as prior, then plan against the desired inputs; every object must plan no change.
 */
async function engineRefresh(emu, orgs, interleaved = false) {
  const { kindByName } = dist("resources");
  const core = dist("core");
  const ctxs = orgs.map((o) => contextFor(emu.url, o.token));
  const work = arrange(
    orgs.map((o, i) => o.entries.map((e) => ({ e, ctx: ctxs[i] }))),
    interleaved,
  );
  await emu.control.resetStats();
  const cpu0 = process.cpuUsage();
  const { ms } = await timed(() =>
    mapLimit(work, PARALLELISM, async ({ e, ctx }) => {
      const kind = kindByName(e.kind);
      const manage = core.managedFields(kind, e.inputs);
      const live = await core.readLive({ kind, ctx, id: e.id, prior: e.outputs, manage });
      if (!live) throw new Error(`engine refresh: ${e.kind} ${e.id} reads as gone`);
      const p = await core.plan({ kind, desired: e.inputs, id: e.id, live, prior: e.outputs, ctx });
      if (p.action !== "noop")
        throw new Error(`engine refresh: ${e.kind} ${e.id} plans ${p.action}: ${JSON.stringify(p.changes)}`);
    }),
  );
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const stats = await emu.control.stats();
  const retries = ctxs.reduce((n, c) => n + c.client.counters.retries, 0);
  ctxs.forEach((c) => c.client.close());
  return { ms, cpu, calls: stats.total, routes: stats.requests, retries, r429: stats.statuses["429"] ?? 0 };
}

/**
 * One refresh in a fresh process, as every `terraform plan` launches its provider and every CLI run starts: the
 * child (this script with --child) gets the emulator and the objects in a file, runs `which` once and prints its
 * figures; wall time is the parent's, spawn to exit, so start-up counts.
 */
async function freshRefresh(emu, orgs, which, interleaved) {
  const dir = mkdtempSync(join(tmpdir(), "spot-iac-refresh-"));
  try {
    const job = join(dir, "job.json");
    writeFileSync(job, JSON.stringify({ url: emu.url, adminToken: emu.adminToken, orgs, which, interleaved }));
    const r = await runFresh([join(__dirname, "refresh.js"), "--child", job, "--parallelism", String(PARALLELISM)]);
    if (r.code !== 0) throw new Error(`fresh ${which} refresh failed:\n${r.stderr.slice(-2000)}`);
    const inner = JSON.parse(r.stdout.trim().split("\n").pop());
    return { ...inner, ms: r.ms, innerMs: inner.ms, cpu: r.cpuMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(jobFile) {
  const job = JSON.parse(readFileSync(jobFile, "utf8"));
  const { EmulatorControl } = dist("emulator");
  const emu = { url: job.url, control: new EmulatorControl(job.url, job.adminToken) };
  const r = await (job.which === "engine" ? engineRefresh : peerRefresh)(emu, job.orgs, job.interleaved);
  process.stdout.write(JSON.stringify(r) + "\n");
}

/** Refresh the peer's way: one GET per object. */
async function peerRefresh(emu, orgs, interleaved = false) {
  const peers = orgs.map((o) => new PeerClient(emu.url, o.token, PARALLELISM));
  const work = arrange(
    orgs.map((o, i) => o.entries.map((e) => ({ e, peer: peers[i] }))),
    interleaved,
  );
  await emu.control.resetStats();
  const cpu0 = process.cpuUsage();
  const { ms } = await timed(() =>
    mapLimit(work, PARALLELISM, async ({ e, peer }) => {
      const r = await peer.request("GET", peerReadPath(e));
      if (r.status !== 200) throw new Error(`peer refresh: GET ${peerReadPath(e)} answered ${r.status}`);
    }),
  );
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const stats = await emu.control.stats();
  peers.forEach((p) => p.close());
  return { ms, cpu, calls: stats.total, routes: stats.requests, r429: stats.statuses["429"] ?? 0 };
}

function select(seeded, kinds, orgCount = seeded.length) {
  return seeded
    .slice(0, orgCount)
    .map((o) => ({ token: o.token, entries: o.state.filter((e) => kinds.includes(e.kind)) }));
}

async function main() {
  const emu = await startEmulator();
  const rows = [];
  const summaryRows = [];
  let breakdown;
  try {
    for (const n of SIZES) {
      const perOrg = Math.round(n / ORGS);
      const seeded = await seedOrganizations(emu, ORGS, perOrg, { tag: `n${n}` });
      const scenarios = [
        ...KINDS.map((k) => ({ label: k, kinds: [k] })),
        { label: "list-served: Account + AccessPolicy", kinds: LIST_SERVED },
        { label: "platform mix (all 7 kinds)", kinds: KINDS, mix: true },
      ];
      if (n === Math.max(...SIZES) && ORGS >= 2) {
        const half = Math.floor(ORGS / 2);
        scenarios.push({ label: `list-served, first ${half} orgs only`, kinds: LIST_SERVED, orgs: half });
      }
      // Warm-up (not measured): the emulator's and this process's code paths get compiled.
      await peerRefresh(emu, select(seeded, KINDS));
      await engineRefresh(emu, select(seeded, KINDS));
      for (const s of scenarios) {
        const orgs = select(seeded, s.kinds, s.orgs);
        const objects = orgs.reduce((a, o) => a + o.entries.length, 0);
        const ours = await medianRun(() => engineRefresh(emu, orgs));
        const peer = await medianRun(() => peerRefresh(emu, orgs));
        rows.push({ n, label: s.label, orgs: orgs.length, objects, ours, peer });
        if (s.mix && n === Math.max(...SIZES)) breakdown = ours.routes;
      }
      if (n === Math.max(...SIZES) && LATENCY > 0) {
        // A WAN-like run: every route the two patterns use answers after LATENCY ms (emulator latency faults).
        const orgs = select(seeded, KINDS);
        const routes = new Set([...Object.keys(breakdown ?? {}), ...Object.keys(rows[rows.length - 1].peer.routes)]);
        for (const r of routes) {
          const [method, path] = r.split(" ");
          await emu.control.injectFault({ method, path, kind: "latency", latencyMs: LATENCY, times: 0 });
        }
        for (const interleaved of [false, true]) {
          const ours = await freshRefresh(emu, orgs, "engine", interleaved);
          const peer = await freshRefresh(emu, orgs, "peer", interleaved);
          const order = interleaved ? "orgs interleaved" : "org by org";
          rows.push({
            n,
            label: `platform mix, ${LATENCY} ms latency, ${order}, fresh process`,
            orgs: orgs.length,
            objects: n,
            ours,
            peer,
          });
        }
        await emu.control.clearFaults();
      }
    }
  } finally {
    await emu.stop();
  }

  console.log(`Figure 1 — refresh/plan of N managed objects across ${ORGS} organizations (parallelism ${PARALLELISM})`);
  console.log(machineNote());
  console.log(
    `platform mix per organization: ${Object.entries(mixCounts(Math.round(Math.max(...SIZES) / ORGS)))
      .map(([k, c]) => `${c} ${k}`)
      .join(", ")} (at N=${Math.max(...SIZES)})`,
  );
  console.log(
    `wall: median of ${REPEAT} runs; CPU: the refreshing process (the emulator runs in its own process); ` +
      `calls: counted by the emulator\n`,
  );
  console.log(
    table(
      [
        "N: objects refreshed",
        "objects",
        "orgs",
        "engine calls",
        "peer calls",
        "calls",
        "engine wall",
        "peer wall",
        "engine CPU",
        "peer CPU",
      ],
      rows.map((r) => [
        `${r.n}: ${r.label}`,
        fmt.int(r.objects),
        r.orgs,
        r.ours.callsMin === r.ours.callsMax ? fmt.int(r.ours.calls) : `${r.ours.callsMin}-${r.ours.callsMax}`,
        fmt.int(r.peer.calls),
        fmt.ratio(r.ours.calls, r.peer.calls),
        fmt.ms(r.ours.ms),
        fmt.ms(r.peer.ms),
        fmt.ms(r.ours.cpu),
        fmt.ms(r.peer.cpu),
      ]),
    ),
  );
  if (breakdown) {
    console.log(`\nengine calls by route, platform mix at N=${Math.max(...SIZES)}:`);
    console.log(
      table(
        ["route", "calls"],
        Object.entries(breakdown)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, v]),
      ),
    );
  }
  console.log(
    "\nWhere the calls go: Account and AccessPolicy reads are served by one list per organization (calls = orgs x " +
      "collections, whatever N). Spot's lists do not carry what the other kinds compare (user and group details, " +
      "account roles, notification settings, credentials), so those cost one GET per object (per user for " +
      "UserAttachment), plus one list per organization where the list decides existence.",
  );
  if (LATENCY > 0)
    console.log(
      `The ${LATENCY} ms rows run in a fresh process each (start-up and the client's first requests count), ` +
        `${PARALLELISM} objects at a time as Terraform's -parallelism does.`,
    );
  const retries = rows.reduce((a, r) => a + r.ours.retries, 0);
  if (retries) console.log(`(engine retries during the run: ${retries})`);

  for (const r of rows.filter((x) => /list-served: |platform mix/.test(x.label))) {
    summaryRows.push({
      measure: `refresh N=${r.n}, ${r.label}: API calls / wall`,
      ours: `${fmt.int(r.ours.calls)} / ${fmt.ms(r.ours.ms)}`,
      baseline: `${fmt.int(r.peer.calls)} / ${fmt.ms(r.peer.ms)}`,
      result: fmt.ratio(r.ours.calls, r.peer.calls),
      target: r.n >= 1000 && !r.label.includes("latency") ? ">= 10x fewer calls" : "",
    });
  }
  writeSummary("1. refresh/plan N objects, 10 orgs", summaryRows);
}

if (process.argv.includes("--child")) runMain("bench/refresh (child)", () => child(arg("child", "")));
else runMain("bench/refresh", main);
