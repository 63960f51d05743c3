#!/usr/bin/env node
/**
 * The naive reader, run as its own fresh process: given per organization a token and the GET paths of its
 * objects (ids known, as a peer with a state file has them), send them all — at most `concurrency` at once per
 * organization, 0 meaning every request at once — one plain GET each, no retry, no cache. Fails unless every
 * answer is 200. Prints {ms, calls, statuses} as JSON.
 *
 *   node bench/lib/peer-read.js JOB.json        JOB = {baseUrl, concurrency, orgs: [{token, paths: [...]}]}
 */
"use strict";
const { readFileSync } = require("node:fs");
const { mapLimit, PeerClient } = require("./common");

async function main() {
  const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const t0 = process.hrtime.bigint();
  const clients = job.orgs.map((o) => new PeerClient(job.baseUrl, o.token, job.concurrency || Infinity));
  await Promise.all(
    job.orgs.map((o, i) =>
      mapLimit(o.paths, job.concurrency || o.paths.length || 1, async (p) => {
        const r = await clients[i].request("GET", p);
        if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
      }),
    ),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const statuses = {};
  let calls = 0;
  for (const c of clients) {
    calls += c.calls;
    for (const [k, v] of Object.entries(c.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    c.close();
  }
  process.stdout.write(JSON.stringify({ ms, calls, statuses }) + "\n");
}

main().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
