#!/usr/bin/env node
/**
 * Emulator throughput and latency with persistence on (SQLite WAL under a temp dir), at a fixed concurrency.
 * The emulator runs in a child process (its own event loop and core); this process generates the load.
 *
 *   npm run bench:emulator            (builds first)   node bench/emulator.js [--seconds 5] [--concurrency 32]
 *
 * Prints reads/s, writes/s and p50/p99 latency. Targets to report against: >= 3,000 reads/s, >= 1,000 writes/s,
 * p99 < 20 ms. Nothing is asserted: the figures depend on the machine.
 * EMU_PROF=DIR writes a CPU profile of the emulator process to DIR.
 */
"use strict";
const { fork } = require("node:child_process");
const http = require("node:http");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { performance } = require("node:perf_hooks");

if (process.argv[2] === "--serve") {
  const { startEmulator } = require("../dist/emulator");
  startEmulator({ data: process.argv[3], token: "bench-token", rateLimitPerMinute: 1e9 }).then((emu) => {
    process.send({ url: emu.url });
    process.on("message", (m) => m === "stop" && emu.close().then(() => process.exit(0)));
  });
  return;
}

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const SECONDS = arg("seconds", 5);
const CONCURRENCY = arg("concurrency", 32);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(base, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      base + path,
      {
        method,
        agent,
        headers: {
          Authorization: "Bearer bench-token",
          "Content-Type": "application/json",
          ...(payload ? { "Content-Length": Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function phase(base, name, makeRequest) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  let n = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const i = n++;
      const t = performance.now();
      const res = await makeRequest(i);
      latencies.push(performance.now() - t);
      if (res.status !== 200) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return {
    name,
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1],
    errors,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "spot-emu-bench-"));
  const child = fork(module.filename, ["--serve", dir], {
    stdio: "inherit",
    execArgv: process.env.EMU_PROF ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.EMU_PROF] : [],
  });
  const { url } = await new Promise((resolve) => child.once("message", resolve));
  try {
    // Some accounts to read; warm up both paths.
    const ids = [];
    for (let i = 0; i < 50; i++) {
      const r = await request(url, "POST", "/setup/account", { account: { name: `seed-${i}` } });
      ids.push(JSON.parse(r.body).response.items[0].id);
    }
    for (let i = 0; i < 500; i++) await request(url, "GET", `/setup/account/${ids[i % ids.length]}`);

    const results = [];
    results.push(
      await phase(url, "read  GET /setup/account/{id}", (i) =>
        request(url, "GET", `/setup/account/${ids[i % ids.length]}`),
      ),
    );
    results.push(
      await phase(url, "write PUT /setup/account/{id}", (i) =>
        request(url, "PUT", `/setup/account/${ids[i % ids.length]}`, { account: { name: `renamed-${i}` } }),
      ),
    );
    results.push(
      await phase(url, "write POST /setup/account", (i) =>
        request(url, "POST", "/setup/account", { account: { name: `bench-${i}` } }),
      ),
    );

    console.log(
      `Spot API emulator benchmark — persistence on (SQLite WAL), concurrency ${CONCURRENCY}, ${SECONDS} s per phase`,
    );
    console.log("phase                               requests    req/s    p50 ms   p99 ms   max ms  errors");
    for (const r of results) {
      console.log(
        `${r.name.padEnd(34)} ${String(r.requests).padStart(9)} ${r.perSecond.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(9)} ${r.p99
          .toFixed(2)
          .padStart(8)} ${r.max.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)}`,
      );
    }
    const reads = results[0];
    const writes = results.slice(1);
    const minWrites = Math.min(...writes.map((w) => w.perSecond));
    const worstP99 = Math.max(...results.map((r) => r.p99));
    console.log(
      `summary: reads/s ${reads.perSecond.toFixed(0)} (goal >= 3000), writes/s ${minWrites.toFixed(0)} (goal >= 1000), ` +
        `p50 ${reads.p50.toFixed(2)} ms read / ${Math.max(...writes.map((w) => w.p50)).toFixed(2)} ms write, worst p99 ${worstP99.toFixed(2)} ms (goal < 20)`,
    );
  } finally {
    child.send("stop");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
