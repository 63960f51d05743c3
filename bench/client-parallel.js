#!/usr/bin/env node
/**
 * Scheduling under latency: a refresh of N managed objects (platform mix) over several organizations with every
 * request delayed by the emulator (`--latency`, ms), everything asked for at once, so wall time shows how many
 * requests the client keeps in flight.
 *
 *   ours:     the resource engine's read + diff per object (as a refresh does), one fresh SpotClient per
 *             organization, all objects started together: the client's connection cap and per-route rate budgets
 *             decide what is in flight.
 *   baseline: a naive fully-parallel reader in the same run, same emulator: one plain GET per object, all at
 *             once, no cap, no cache (bare node:http, keep-alive).
 *
 *   node bench/client-parallel.js [--orgs 10] [--objects 1000] [--latency 100]
 */
"use strict";
const { arg, dist, fmt, machineNote, PeerClient, runMain, startEmulator, table, timed } = require("./lib/common");
const { contextFor, peerReadPath, seedOrganizations } = require("./lib/seed");

const ORGS = arg("orgs", 10);
const OBJECTS = arg("objects", 1000);
const LATENCY = arg("latency", 100);

async function ours(emu, orgs) {
  const { kindByName } = dist("resources");
  const { diffResource } = dist("core");
  const ctxs = orgs.map((o) => contextFor(emu.url, o.token));
  await emu.control.resetStats();
  const cpu0 = process.cpuUsage();
  const { ms } = await timed(() =>
    Promise.all(
      orgs.flatMap((o, i) =>
        o.state.map(async (e) => {
          const kind = kindByName(e.kind);
          const live = await kind.read({ ctx: ctxs[i], id: e.id, prior: e.outputs });
          if (!live) throw new Error(`${e.kind} ${e.id} reads as gone`);
          const diff = diffResource(kind, e.inputs, live);
          if (diff.changes.length) throw new Error(`${e.kind} ${e.id} plans changes: ${JSON.stringify(diff.changes)}`);
        }),
      ),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  const stats = await emu.control.stats();
  const c = ctxs.reduce(
    (a, x) => ({ r429: a.r429 + x.client.counters.rateLimited, retries: a.retries + x.client.counters.retries }),
    { r429: 0, retries: 0 },
  );
  ctxs.forEach((x) => x.client.close());
  return { ms, cpu: (cpu.user + cpu.system) / 1000, calls: stats.total, routes: stats.requests, ...c };
}

async function naive(emu, orgs) {
  const peers = orgs.map((o) => new PeerClient(emu.url, o.token, Infinity));
  await emu.control.resetStats();
  const cpu0 = process.cpuUsage();
  const { ms } = await timed(() =>
    Promise.all(
      orgs.flatMap((o, i) =>
        o.state.map(async (e) => {
          const r = await peers[i].request("GET", peerReadPath(e));
          if (r.status !== 200) throw new Error(`GET ${peerReadPath(e)} answered ${r.status}`);
        }),
      ),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  const stats = await emu.control.stats();
  peers.forEach((p) => p.close());
  return { ms, cpu: (cpu.user + cpu.system) / 1000, calls: stats.total, routes: stats.requests };
}

async function main() {
  const emu = await startEmulator();
  let rows;
  try {
    const seeded = await seedOrganizations(emu, ORGS, Math.round(OBJECTS / ORGS), { tag: "par" });
    // Warm-up without latency: code paths compiled, both patterns' routes known.
    const warmOurs = await ours(emu, seeded);
    const warmPeer = await naive(emu, seeded);
    const routes = new Set([...Object.keys(warmOurs.routes), ...Object.keys(warmPeer.routes)]);
    for (const r of routes) {
      const [method, path] = r.split(" ");
      await emu.control.injectFault({ method, path, kind: "latency", latencyMs: LATENCY, times: 0 });
    }
    const peer = await naive(emu, seeded);
    const mine = await ours(emu, seeded);
    rows = [
      ["ours: engine read + diff, one client per org", mine],
      ["baseline: naive fully-parallel GETs (bare node:http)", peer],
    ];
    await emu.control.clearFaults();
  } finally {
    await emu.stop();
  }
  const objects = Math.round(OBJECTS / ORGS) * ORGS;
  console.log(
    `Refresh of ${objects} objects over ${ORGS} organizations, ${LATENCY} ms per request, all started at once`,
  );
  console.log(machineNote());
  console.log(
    table(
      ["", "wall", "API calls", "CPU", "429s", "retries"],
      rows.map(([label, r]) => [label, fmt.ms(r.ms), fmt.int(r.calls), fmt.ms(r.cpu), r.r429 ?? "-", r.retries ?? "-"]),
    ),
  );
}

runMain("bench/client-parallel", main);
