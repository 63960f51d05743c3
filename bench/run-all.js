#!/usr/bin/env node
/**
 * `npm run bench`: every figure of docs/benchmarks.md, one script each (each also runnable on its own), run one after the
 * other so that they do not disturb each other, then one table of the headline numbers. Each figure measures
 * its own baseline in the same run, against the same emulator. The detailed tables of each script are printed
 * as it finishes. Nothing is asserted about timings; a figure that fails (an error, or an apply that did not
 * complete) is reported as FAILED and makes the exit code 1.
 *
 *   node bench/run-all.js [--only 1,3a,5] [--skip 6]        (needs dist/: `npm run bench` builds first)
 */
"use strict";
const { spawn } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync, existsSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { arg, fmt, machineNote, table } = require("./lib/common");

const FIGURES = [
  { id: "1", script: "refresh.js", title: "1. refresh/plan N objects, 10 orgs" },
  { id: "2", script: "gitops-plan.js", title: "2. GitOps plan, 1,000 objects" },
  { id: "3a", script: "terraform-startup.js", title: "3. Terraform provider" },
  { id: "3b", script: "terraform-plan.js", title: "3. Terraform provider" },
  { id: "4", script: "pulumi-host.js", title: "4. Pulumi dynamic-provider host" },
  { id: "5", script: "emulator.js", title: "5. emulator, persistence on" },
  { id: "6", script: "rate-limit.js", title: "6. apply under 60 req/min per route" },
  { id: "7", script: "client-overhead.js", title: "7. client cost per request" },
  { id: "8", script: "client-unreachable.js", title: "8. API unreachable" },
  { id: "9", script: "emulator-scale.js", title: "9. emulator cost at 1,000 and 5,000" },
];

function list(name) {
  const v = arg(name, undefined);
  return v === undefined
    ? undefined
    : String(v)
        .split(",")
        .map((s) => s.trim());
}

function runScript(file, summaryFile) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(__dirname, file), "--summary", summaryFile], { stdio: "inherit" });
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), ms: Date.now() - t0 }));
  });
}

async function main() {
  const only = list("only");
  const skip = list("skip") ?? [];
  const chosen = FIGURES.filter((f) => (!only || only.includes(f.id)) && !skip.includes(f.id));
  const dir = mkdtempSync(join(tmpdir(), "spot-iac-bench-all-"));
  const rows = [];
  let failed = 0;
  const started = Date.now();
  console.log(`spot-iac benchmarks — ${machineNote()}`);
  try {
    for (const f of chosen) {
      if (!existsSync(join(__dirname, f.script))) {
        rows.push([f.title, `${f.script} is missing`, "", "", "FAILED", ""]);
        failed++;
        continue;
      }
      console.log(`\n=== figure ${f.id}: node bench/${f.script}\n`);
      const file = join(dir, `${f.id}.json`);
      const { code, ms } = await runScript(f.script, file);
      let summary;
      try {
        summary = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        summary = undefined;
      }
      if (summary)
        for (const r of summary.rows) rows.push([summary.figure, r.measure, r.ours, r.baseline, r.result, r.target]);
      if (code !== 0 || !summary) {
        failed++;
        rows.push([f.title, `FAILED: bench/${f.script} exited ${code}`, "", "", "FAILED", ""]);
        continue;
      }
      console.log(`(figure ${f.id} took ${fmt.ms(ms)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n=== summary (${fmt.ms(Date.now() - started)} in all; ${machineNote()})\n`);
  console.log(table(["figure", "measure", "ours", "baseline (same run)", "result", "target"], rows, { left: 6 }));
  if (failed) {
    console.log(`\n${failed} figure(s) FAILED`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
