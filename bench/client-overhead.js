#!/usr/bin/env node
/**
 * The client's own cost per request: CPU and wall per request of `SpotClient` beside bare `node:http` (a
 * keep-alive agent, JSON.parse of the answer, nothing else), in this one fresh process, against the same emulator
 * (a child process, so its CPU is not counted here), same routes, same concurrency. The client runs with the list
 * cache off, so every call is a request; both warm up first, then alternate rounds and report the median round.
 *
 *   node bench/client-overhead.js [--requests 2000] [--concurrency 1,16] [--rounds 5]
 */
"use strict";
const { URL } = require("node:url");
const http = require("node:http");
const { arg, dist, machineNote, mapLimit, runMain, startEmulator, table } = require("./lib/common");

const REQUESTS = arg("requests", 2000);
const CONCURRENCY = String(arg("concurrency", "1,16")).split(",").map(Number);
const ROUNDS = arg("rounds", 5);

/** Bare node:http: what any client must at least do (send, read, parse). */
function bareClient(baseUrl, token, maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const base = new URL(baseUrl);
  const request = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path,
          method,
          agent,
          headers: {
            Authorization: `Bearer ${token}`,
            "Content-Type": "application/json",
            Accept: "application/json",
            ...(payload ? { "Content-Length": Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            if (res.statusCode !== 200) reject(new Error(`bare ${method} ${path}: ${res.statusCode}`));
            else resolve(json.response.items);
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

const cpuMs = (u) => (u.user + u.system) / 1000;

async function measure(n, concurrency, fn) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    fn,
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  return { cpu: cpuMs(process.cpuUsage(cpu0)) / n, wall: wall / n };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { SpotClient } = dist("api");
  const emu = await startEmulator();
  const rows = [];
  try {
    const org = await emu.control.bootstrap({ organizationName: "Overhead", adminEmail: "admin@overhead.example.com" });
    // Distinct accounts, so that concurrent GETs are distinct requests (identical ones would be coalesced).
    const setup = new SpotClient({ token: org.token, baseUrl: emu.url });
    const ids = [org.accountId];
    for (let i = 1; i < 32; i++) ids.push((await setup.accounts.create({ name: `overhead-${i}` })).accountId);
    setup.close();
    for (const concurrency of CONCURRENCY) {
      const client = new SpotClient({
        token: org.token,
        baseUrl: emu.url,
        cacheTtlMs: 0,
        maxConcurrency: Math.max(concurrency, 1),
      });
      const bare = bareClient(emu.url, org.token, Math.max(concurrency, 1));
      const scenarios = [
        {
          label: "GET /setup/account/{accountId}",
          ours: (i) => client.accounts.get(ids[i % ids.length], { direct: true }),
          bare: (i) => bare.request("GET", `/setup/account/${encodeURIComponent(ids[i % ids.length])}`),
        },
        {
          label: "PUT /setup/account/{accountId}",
          ours: (i) => client.accounts.update(ids[i % ids.length], { name: `overhead-${i % ids.length}` }),
          bare: (i) =>
            bare.request("PUT", `/setup/account/${encodeURIComponent(ids[i % ids.length])}`, {
              account: { name: `overhead-${i % ids.length}` },
            }),
        },
      ];
      for (const s of scenarios) {
        // Warm-up: JIT, sockets, and the client's learned rate budget.
        await measure(Math.min(500, REQUESTS), concurrency, s.bare);
        await measure(Math.min(500, REQUESTS), concurrency, s.ours);
        const ours = [];
        const base = [];
        for (let r = 0; r < ROUNDS; r++) {
          base.push(await measure(REQUESTS, concurrency, s.bare));
          ours.push(await measure(REQUESTS, concurrency, s.ours));
        }
        rows.push({
          label: s.label,
          concurrency,
          oursCpu: median(ours.map((x) => x.cpu)),
          oursWall: median(ours.map((x) => x.wall)),
          bareCpu: median(base.map((x) => x.cpu)),
          bareWall: median(base.map((x) => x.wall)),
        });
      }
      client.close();
      bare.close();
    }
  } finally {
    await emu.stop();
  }
  console.log(`Client overhead per request: SpotClient vs bare node:http, same process, same emulator`);
  console.log(machineNote());
  console.log(`${REQUESTS} requests per round, median of ${ROUNDS} alternating rounds; CPU = this process only\n`);
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(
    table(
      ["route", "concurrency", "client CPU", "bare CPU", "CPU ratio", "client wall", "bare wall"],
      rows.map((r) => [
        r.label,
        r.concurrency,
        us(r.oursCpu),
        us(r.bareCpu),
        `${(r.oursCpu / r.bareCpu).toFixed(2)}x`,
        us(r.oursWall),
        us(r.bareWall),
      ]),
    ),
  );
  require("./lib/common").writeSummary(
    "7. client cost per request",
    rows.map((r) => ({
      measure: `${r.label}, concurrency ${r.concurrency}: client CPU per request`,
      ours: us(r.oursCpu),
      baseline: `bare node:http ${us(r.bareCpu)}`,
      result: `${(r.oursCpu / r.bareCpu).toFixed(2)}x`,
      target: "",
    })),
  );
}

runMain("bench/client-overhead", main);
