/**
 * Run a command in a fresh Node process, as users do (every CLI run and every Terraform provider launch starts
 * cold): wall time from spawn to exit, the child's own CPU time and peak RSS (see usage-hook.js), its output.
 */
"use strict";
const { spawn } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

function runFresh(args, { env = {}, cwd = process.cwd(), input } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "spot-iac-fresh-"));
  const usageFile = join(dir, "usage.json");
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--require", join(__dirname, "usage-hook.js"), ...args], {
      cwd,
      env: { ...process.env, ...env, SPOT_IAC_BENCH_USAGE: usageFile, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let usage = { cpuMs: NaN, maxRssKb: NaN };
      try {
        usage = JSON.parse(readFileSync(usageFile, "utf8"));
      } catch {
        // The child died before its exit hook: the figures stay NaN and the caller sees the exit code.
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        code,
        ms,
        cpuMs: usage.cpuMs,
        rssMb: usage.maxRssKb / 1024,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
    child.stdin.end(input ?? "");
  });
}

module.exports = { runFresh };
