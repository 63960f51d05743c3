#!/usr/bin/env node
/**
 * Fail-fast on an unreachable API: a refresh of N declared accounts (the resource engine's read, parallelism 10
 * as Terraform's default) against a closed port, until every read has failed.
 *
 *   ours:     the client as configured by default: after the first request's retries the client fails every
 *             later request at once with one UnreachableError.
 *   baseline: the same client, same run, with `failFastMs: 0` (what the client did before): every request runs
 *             its own retries against the dead address.
 *
 *   node bench/client-unreachable.js [--objects 100] [--parallelism 10]
 */
"use strict";
const http = require("node:http");
const { arg, dist, fmt, machineNote, mapLimit, runMain, table, timed } = require("./lib/common");
const { contextFor } = require("./lib/seed");

const OBJECTS = arg("objects", 100);
const PARALLELISM = arg("parallelism", 10);

async function closedPort() {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

async function refresh(baseUrl, clientOptions) {
  const { kindByName } = dist("resources");
  const ctx = contextFor(baseUrl, "unreachable-bench-token", { client: clientOptions });
  const kind = kindByName("Account");
  const ids = Array.from({ length: OBJECTS }, (_, i) => `act-${String(i).padStart(8, "0")}`);
  const messages = new Set();
  let firstMs;
  const t0 = Date.now();
  const { ms } = await timed(() =>
    mapLimit(ids, PARALLELISM, async (id) => {
      try {
        await kind.read({ ctx, id, prior: { accountId: id, name: `acct-${id}` }, manage: new Set(["name"]) });
        throw new Error(`read of ${id} succeeded against a closed port`);
      } catch (e) {
        firstMs ??= Date.now() - t0;
        messages.add(String(e.message).replace(/\d+(\.\d+)?s\b/g, "…s"));
      }
    }),
  );
  const sent = ctx.client.counters.total;
  ctx.client.close();
  return { ms, firstMs, messages: messages.size, sent, sample: [...messages][0] };
}

async function main() {
  const port = await closedPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const ours = await refresh(baseUrl, {});
  const base = await refresh(baseUrl, { failFastMs: 0 });
  console.log(
    `Refresh of ${OBJECTS} accounts with the API unreachable (connection refused), parallelism ${PARALLELISM}`,
  );
  console.log(machineNote());
  console.log(
    table(
      ["", "all failed after", "first error after", "connection attempts", "distinct messages"],
      [
        ["ours: fail fast (default)", fmt.ms(ours.ms), fmt.ms(ours.firstMs), ours.sent, ours.messages],
        ["baseline, same run: failFastMs 0", fmt.ms(base.ms), fmt.ms(base.firstMs), base.sent, base.messages],
      ],
    ),
  );
  console.log(`\nthe error: ${ours.sample}`);
  require("./lib/common").writeSummary("8. API unreachable", [
    {
      measure: `refresh of ${OBJECTS} accounts, connection refused: all failed after`,
      ours: fmt.ms(ours.ms),
      baseline: `without fail-fast ${fmt.ms(base.ms)}`,
      result: `${(base.ms / ours.ms).toFixed(1)}x sooner`,
      target: "",
    },
  ]);
}

runMain("bench/client-unreachable", main);
