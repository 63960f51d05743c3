#!/usr/bin/env node
/**
 * Figure 5 — emulator throughput and latency at a fixed concurrency, with persistence on (SQLite WAL under a
 * temp dir). The server runs in a child process (its own event loop and core); this process generates the load.
 *
 * Baselines in the same run, same load generator: the emulator with its in-memory store, and a bare node:http
 * server answering a canned Spot envelope (no routing, auth, store, audit: the ceiling of this machine's
 * HTTP stack).
 *
 *   npm run bench:emulator (builds first)    node bench/emulator.js [--seconds 4] [--concurrency 32] [--no-baseline]
 *
 * Targets to report against: >= 3,000 reads/s, >= 1,000 writes/s, p99 < 20 ms. Nothing is asserted.
 * EMU_PROF=DIR writes a CPU profile of the emulator process to DIR.
 */
"use strict";
const { fork } = require("node:child_process");
const http = require("node:http");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { performance } = require("node:perf_hooks");
const {
  arg,
  dist,
  flag,
  fmt,
  httpRequest,
  machineNote,
  percentile,
  runMain,
  table,
  writeSummary,
} = require("./lib/common");

const TOKEN = "bench-token";

function serveBare() {
  const envelope = (url, method, items) =>
    JSON.stringify({
      request: { id: "00000000-0000-4000-8000-000000000000", url, method, timestamp: new Date().toISOString() },
      response: { status: { code: 200, message: "OK" }, kind: "spotinst:setup:account", items, count: items.length },
    });
  const item = {
    accountId: "act-00000000",
    name: "seed",
    organizationId: "606000000000",
    createdAt: new Date().toISOString(),
  };
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = envelope(req.url, req.method, req.method === "PUT" ? [] : [{ ...item, id: item.accountId }]);
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, "127.0.0.1", () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
  process.on("message", (m) => m === "stop" && server.close(() => process.exit(0)));
}

if (process.argv[2] === "--serve") {
  const mode = process.argv[3];
  if (mode === "bare") serveBare();
  else {
    const { startEmulator } = dist("emulator");
    const opts = mode === "memory" ? { memory: true } : { data: process.argv[4] };
    startEmulator({ ...opts, token: TOKEN, rateLimitPerMinute: 1e9 }).then((emu) => {
      process.send({ url: emu.url });
      process.on("message", (m) => m === "stop" && emu.close().then(() => process.exit(0)));
    });
  }
  return;
}

const SECONDS = arg("seconds", 4);
const CONCURRENCY = arg("concurrency", 32);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(base, method, path, body) {
  return httpRequest({ agent, url: base + path, method, token: TOKEN, body });
}

async function phase(base, name, makeRequest) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const deadline = performance.now() + SECONDS * 1000;
  let n = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const i = n++;
      const t = performance.now();
      const res = await makeRequest(i);
      latencies.push(performance.now() - t);
      if (res.status !== 200) {
        errors++;
        if (!firstError) firstError = `${res.status} ${res.text.slice(0, 300)}`;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    errors,
    firstError,
  };
}

/** Start a server in a child process, run the three phases against it, stop it. */
async function measure(mode) {
  const dir = mode === "sqlite" ? mkdtempSync(join(tmpdir(), "spot-emu-bench-")) : "";
  const child = fork(module.filename, ["--serve", mode, dir], {
    stdio: "inherit",
    execArgv: process.env.EMU_PROF && mode === "sqlite" ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.EMU_PROF] : [],
  });
  const { url } = await new Promise((resolve) => child.once("message", resolve));
  try {
    // Some accounts to read; warm up both paths.
    const ids = [];
    for (let i = 0; i < 50; i++) {
      const r = await request(url, "POST", "/setup/account", { account: { name: `seed-${i}` } });
      ids.push(JSON.parse(r.text).response.items[0].id);
    }
    for (let i = 0; i < 500; i++) await request(url, "GET", `/setup/account/${ids[i % ids.length]}`);
    return [
      await phase(url, "read  GET /setup/account/{id}", (i) =>
        request(url, "GET", `/setup/account/${ids[i % ids.length]}`),
      ),
      await phase(url, "write PUT /setup/account/{id}", (i) =>
        request(url, "PUT", `/setup/account/${ids[i % ids.length]}`, { account: { name: `renamed-${i}` } }),
      ),
      await phase(url, "write POST /setup/account", (i) =>
        request(url, "POST", "/setup/account", { account: { name: `bench-${i}` } }),
      ),
    ];
  } finally {
    child.send("stop");
    await new Promise((r) => child.once("exit", r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const targets = [["emulator, SQLite WAL (persistence on)", "sqlite"]];
  if (!flag("no-baseline"))
    targets.push(
      ["baseline: emulator, in-memory store", "memory"],
      ["baseline: bare node:http, canned answer", "bare"],
    );
  const results = [];
  for (const [label, mode] of targets) results.push({ label, phases: await measure(mode) });
  agent.destroy();

  console.log(`Figure 5 — Spot API emulator at concurrency ${CONCURRENCY}, ${SECONDS} s per phase`);
  console.log(machineNote());
  console.log(
    table(
      ["server / phase", "requests", "req/s", "p50", "p99", "max", "errors"],
      results.flatMap((r) =>
        r.phases.map((p) => [
          `${r.label}: ${p.name}`,
          fmt.int(p.requests),
          fmt.int(p.perSecond),
          fmt.ms(p.p50),
          fmt.ms(p.p99),
          fmt.ms(p.max),
          p.errors,
        ]),
      ),
    ),
  );
  for (const r of results)
    for (const p of r.phases) if (p.firstError) console.log(`first error, ${r.label}, ${p.name}: ${p.firstError}`);
  const [reads, ...writes] = results[0].phases;
  const minWrites = Math.min(...writes.map((w) => w.perSecond));
  const worstP99 = Math.max(...results[0].phases.map((p) => p.p99));
  console.log(
    `summary (persistence on): reads/s ${reads.perSecond.toFixed(0)} (goal >= 3000), writes/s ${minWrites.toFixed(0)} ` +
      `(goal >= 1000), p50 ${reads.p50.toFixed(2)} ms read / ${Math.max(...writes.map((w) => w.p50)).toFixed(2)} ms ` +
      `write, worst p99 ${worstP99.toFixed(2)} ms (goal < 20)`,
  );
  const base = (mode) => results.find((r) => r.label.includes(mode))?.phases;
  const mem = base("in-memory");
  const bare = base("bare");
  const b = (ps, i) => (ps ? `${fmt.int(ps[i].perSecond)}/s p99 ${fmt.ms(ps[i].p99)}` : "");
  writeSummary("5. emulator, persistence on", [
    {
      measure: "reads/s, p99 (GET /setup/account/{id})",
      ours: `${fmt.int(reads.perSecond)}/s p99 ${fmt.ms(reads.p99)}`,
      baseline: [mem && `memory ${b(mem, 0)}`, bare && `bare ${b(bare, 0)}`].filter(Boolean).join("; "),
      result: "",
      target: ">= 3,000/s, p99 < 20 ms",
    },
    {
      measure: "writes/s (slower of PUT, POST), worst p99",
      ours: `${fmt.int(minWrites)}/s p99 ${fmt.ms(Math.max(...writes.map((w) => w.p99)))}`,
      baseline: [mem && `memory ${b(mem, 2)}`, bare && `bare ${b(bare, 2)}`].filter(Boolean).join("; "),
      result: "",
      target: ">= 1,000/s, p99 < 20 ms",
    },
  ]);
}

runMain("bench/emulator", main);
