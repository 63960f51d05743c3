/* global setInterval, clearInterval */
/**
 * Pieces every benchmark shares: the emulator in a child process, the peer's HTTP client (one plain GET per
 * object, no retry, no cache), a concurrency limiter, percentiles, tables, and the summary rows `run-all.js`
 * collects. Benchmarks require the built dist/ (`npm run bench` builds first).
 */
"use strict";
const { spawn } = require("node:child_process");
const http = require("node:http");
const { randomBytes } = require("node:crypto");
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..", "..");

function dist(rel) {
  try {
    return require(join(ROOT, "dist", rel));
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes(join(ROOT, "dist"))) {
      throw new Error(`dist/${rel} is missing: build first (npm run build, or npx tsc -p tsconfig.build.json)`);
    }
    throw e;
  }
}

/** `--name value` from argv, as a number when the default is one. */
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return dflt;
  const v = process.argv[i + 1];
  return typeof dflt === "number" ? Number(v) : v;
}

function flag(name) {
  return process.argv.includes(`--${name}`);
}

/**
 * The emulator as a separate process (its own event loop, like the real API is to a client), started through
 * the CLI so that the benchmark also exercises what users run. Returns its URL and a control client.
 */
async function startEmulator({ rateLimit = 1_000_000, data, log = false } = {}) {
  const adminToken = randomBytes(16).toString("hex");
  const args = [join(ROOT, "bin/spot-iac"), "emulator", "--port", "0", "--admin-token", adminToken];
  args.push(...(data ? ["--data", data] : ["--memory"]));
  // null: the emulator's default limit per (organization, route, method), as a user's emulator runs.
  if (rateLimit !== null) args.push("--rate-limit", String(rateLimit));
  if (log) args.push("--log");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let buf = "";
    const onExit = (code) => reject(new Error(`emulator exited (${code}) before listening`));
    child.on("exit", onExit);
    child.stdout.on("data", (d) => {
      buf += d;
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) {
        child.off("exit", onExit);
        resolve(m[1]);
      }
    });
  });
  const { EmulatorControl } = dist("emulator");
  const control = new EmulatorControl(url, adminToken);
  return {
    url,
    adminToken,
    control,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Run at most `n` tasks at once, in call order. */
function limiter(n) {
  let active = 0;
  const queue = [];
  const next = () => {
    if (active >= n || queue.length === 0) return;
    active++;
    queue.shift()();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      queue.push(() =>
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          }),
      );
      next();
    });
}

async function mapLimit(items, n, fn) {
  const run = limiter(n);
  return Promise.all(items.map((x, i) => run(() => fn(x, i))));
}

/**
 * One plain `node:http` request with a bearer token and a JSON body, no retry: resolves to {status, text}. The
 * benchmarks' baselines and load generators send with it, so they all pay the same bare cost.
 */
function httpRequest({ agent, url, method, token, body, headers = {} }) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          ...headers,
          ...(payload ? { "Content-Length": Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * The peer's HTTP pattern, as Spot's Go SDK and terraform-provider-spotinst do it: one request per call, no
 * retry, no cache, no coalescing. Keep-alive is on (kinder to the peer than the Go SDK's one idle connection).
 */
class PeerClient {
  constructor(baseUrl, token, maxSockets = 10) {
    this.base = baseUrl.replace(/\/$/, "");
    this.token = token;
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
    this.calls = 0;
    this.statuses = {};
  }

  async request(method, path, body) {
    this.calls++;
    const r = await httpRequest({
      agent: this.agent,
      url: this.base + path,
      method,
      token: this.token,
      body,
      headers: { "User-Agent": "spotinst-sdk-go/1.413.0 (bench peer)" },
    });
    this.statuses[r.status] = (this.statuses[r.status] ?? 0) + 1;
    let json;
    try {
      json = JSON.parse(r.text);
    } catch {
      json = undefined;
    }
    return { status: r.status, body: json };
  }

  close() {
    this.agent.destroy();
  }
}

/** Wall time of `fn` in ms, with its result. */
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result };
}

/** Peak RSS and heap of this process while `fn` runs (sampled every 5 ms). */
async function withPeakMemory(fn) {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  try {
    const r = await timed(fn);
    const m = process.memoryUsage();
    return { ...r, peakRss: Math.max(peakRss, m.rss), peakHeap: Math.max(peakHeap, m.heapUsed), baseRss: base.rss };
  } finally {
    clearInterval(timer);
  }
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    min: s[0],
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1],
    mean,
  };
}

/** A plain-text table: the first `left` columns (default 1) left-aligned, the others right-aligned. */
function table(headers, rows, { left = 1 } = {}) {
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? "" : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r) =>
    r
      .map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

const fmt = {
  ms: (v) =>
    v === undefined || Number.isNaN(v)
      ? "-"
      : v >= 10_000
        ? `${(v / 1000).toFixed(1)} s`
        : `${v.toFixed(v < 10 ? 2 : 0)} ms`,
  int: (v) => (v === undefined ? "-" : Math.round(v).toLocaleString("en-US")),
  ratio: (ours, base) =>
    !ours || !base ? "-" : ours <= base ? `${(base / ours).toFixed(1)}x fewer` : `${(ours / base).toFixed(2)}x more`,
  mb: (b) => (b / 1024 / 1024).toFixed(0) + " MB",
};

/**
 * Summary rows for run-all's table: `{figure, measure, ours, baseline, target}` (strings). Written to the file
 * named by `--summary FILE` when run-all drives the script; a script run on its own just prints its tables.
 */
function writeSummary(figure, rows) {
  const file = arg("summary", undefined);
  if (file) writeFileSync(file, JSON.stringify({ figure, rows }, null, 2));
}

/** Load average and CPU count, for the "machine load" note every benchmark prints. */
function machineNote() {
  const os = require("node:os");
  const [l1, l5] = os.loadavg();
  return `node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model?.trim() ?? "?"}), load avg ${l1.toFixed(2)} / ${l5.toFixed(2)} (1/5 min)`;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Run `main`, print a failure plainly and set the exit code (benchmarks never hang on an error). */
function runMain(name, main) {
  main().then(
    () => undefined,
    (e) => {
      console.error(`${name}: ${e && e.stack ? e.stack : e}`);
      process.exitCode = 1;
    },
  );
}

module.exports = {
  ROOT,
  dist,
  arg,
  flag,
  startEmulator,
  limiter,
  mapLimit,
  PeerClient,
  httpRequest,
  timed,
  withPeakMemory,
  percentile,
  summary,
  table,
  fmt,
  writeSummary,
  machineNote,
  sleep,
  runMain,
};
