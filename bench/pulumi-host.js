#!/usr/bin/env node
/**
 * Figure 4 — per-resource Diff+Read latency through the real Pulumi dynamic-provider host for 200 resources
 * (the platform mix), against the emulator in a child process.
 *
 * The 200 resources are created through the host (Check + Create, as `pulumi up` does; timed for information).
 * Then, in a fresh host process (an empty client cache, as a new `pulumi preview --refresh` has), each resource
 * in turn gets Diff (our Diff compares with the live object, so it reads) and Read (refresh), the way the
 * engine sends them; Diff must report no change and Read must find the object. Per-resource latency is the time
 * of that Diff+Read pair. A second fresh host does the same 10 resources at a time (wall time for 200).
 *
 * Baselines in the same run, same objects and emulator: the same Diff+Read done in-process on the resource
 * engine (no host, no gRPC: what the host adds is the difference), and the peer pattern (state-based Diff with
 * no API call, then one GET to Read).
 *
 *   node bench/pulumi-host.js [--resources 200]
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
  summary,
  table,
  timed,
  writeSummary,
} = require("./lib/common");
const { contextFor, mixCounts, peerReadPath, seedMix } = require("./lib/seed");
const { PulumiHost, serializeProvider } = require("./lib/pulumi-host");

const RESOURCES = arg("resources", 200);
const PARALLEL = 10;

async function startHost(emu, token) {
  // No ambient credentials: the provider must take them from the stack configuration.
  const host = await PulumiHost.start({ env: { SPOTINST_TOKEN: "", SPOTINST_BASE_URL: "", SPOT_IAC_LOG: "" } });
  await host.configure({ "spot:token": token, "spot:baseUrl": emu.url });
  return host;
}

async function main() {
  const { providerFor, defaultRuntimeModule } = dist("pulumi/provider");
  const emu = await startEmulator();
  const out = {};
  try {
    const boot = await emu.control.bootstrap({
      organizationName: "Pulumi bench",
      adminEmail: "admin@pulumi.example.com",
    });
    const providers = {};
    const providerText = async (kind) =>
      (providers[kind] ??= await serializeProvider(
        providerFor(kind, { runtime: defaultRuntimeModule(), registry: "" }),
      ));

    // Create the resources through the host.
    let host = await startHost(emu, boot.token);
    let n = 0;
    const create = async (kind, raw) => {
      const urn = host.urn(`pulumi-nodejs:dynamic/spot:${kind}`, `${kind.toLowerCase()}-${n++}`);
      const inputs = await host.check(urn, {}, { __provider: await providerText(kind), ...raw });
      const made = await host.create(urn, inputs);
      if (!made.id) throw new Error(`create ${urn} returned no id`);
      return { kind, urn, id: made.id, inputs, outputs: made.properties, raw };
    };
    const created = await timed(() => seedMix(create, 0, RESOURCES, { concurrency: PARALLEL, tag: "pu" }));
    const state = created.result;
    await host.close();
    out.createMs = created.ms;

    const diffRead = async (h, e) => {
      const t0 = process.hrtime.bigint();
      const d = await h.diff(e.urn, e.id, e.outputs, e.inputs);
      const t1 = process.hrtime.bigint();
      const r = await h.read(e.urn, e.id, e.outputs);
      const t2 = process.hrtime.bigint();
      if (d.changes !== "none") throw new Error(`Diff of ${e.kind} ${e.id}: ${d.changes} (expected none)`);
      if (r.id !== e.id) throw new Error(`Read of ${e.kind} ${e.id} returned id "${r.id}"`);
      return { diff: Number(t1 - t0) / 1e6, read: Number(t2 - t1) / 1e6, both: Number(t2 - t0) / 1e6 };
    };

    // Sequential, fresh host: per-resource latency.
    host = await startHost(emu, boot.token);
    await emu.control.resetStats();
    const seq = [];
    const tSeq = await timed(async () => {
      for (const e of state) seq.push(await diffRead(host, e));
    });
    out.seq = { ms: tSeq.ms, lat: seq, calls: (await emu.control.stats()).total };
    const warnings = host.logs.filter((l) => l.severity >= 2).map((l) => l.message);
    await host.close();
    if (warnings.length) console.log(`provider warnings: ${warnings.slice(0, 5).join(" | ")}`);

    // Parallel, fresh host: wall time for all 200.
    host = await startHost(emu, boot.token);
    await emu.control.resetStats();
    const tPar = await timed(() => mapLimit(state, PARALLEL, (e) => diffRead(host, e)));
    out.par = { ms: tPar.ms, lat: tPar.result, calls: (await emu.control.stats()).total };
    await host.close();

    // Baseline 1: the same Diff+Read in-process on the core lifecycle, sequential, fresh client.
    const { kindByName } = dist("resources");
    const core = dist("core");
    const ctx = contextFor(emu.url, boot.token, { frontend: "pulumi" });
    await emu.control.resetStats();
    const eng = [];
    const tEng = await timed(async () => {
      for (const e of state) {
        const kind = kindByName(e.kind);
        const prior = stripMeta(e.outputs);
        const desired = stripMeta(e.inputs);
        const t0 = process.hrtime.bigint();
        const p = await core.plan({ kind, desired, id: e.id, prior, ctx });
        const t1 = process.hrtime.bigint();
        const again = await core.readLive({ kind, ctx, id: e.id, prior });
        const t2 = process.hrtime.bigint();
        if (p.action !== "noop" || !again) throw new Error(`engine Diff+Read of ${e.kind} ${e.id} is not clean`);
        eng.push({ diff: Number(t1 - t0) / 1e6, read: Number(t2 - t1) / 1e6, both: Number(t2 - t0) / 1e6 });
      }
    });
    out.engine = { ms: tEng.ms, lat: eng, calls: (await emu.control.stats()).total };
    ctx.client.close();

    // Baseline 2: the peer — Diff against state (no call), Read = one GET.
    const peer = new PeerClient(emu.url, boot.token, PARALLEL);
    await emu.control.resetStats();
    const pl = [];
    const tPeer = await timed(async () => {
      for (const e of state) {
        const t0 = process.hrtime.bigint();
        const r = await peer.request("GET", peerReadPath(e));
        if (r.status !== 200) throw new Error(`peer GET ${peerReadPath(e)} answered ${r.status}`);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        pl.push({ diff: 0, read: ms, both: ms });
      }
    });
    out.peer = { ms: tPeer.ms, lat: pl, calls: (await emu.control.stats()).total };
    peer.close();
  } finally {
    await emu.stop();
  }

  const row = (label, r) => {
    const both = summary(r.lat.map((x) => x.both));
    const d = summary(r.lat.map((x) => x.diff));
    const rd = summary(r.lat.map((x) => x.read));
    return [
      label,
      fmt.ms(both.p50),
      fmt.ms(both.p90),
      fmt.ms(both.p99),
      fmt.ms(d.p50),
      fmt.ms(rd.p50),
      fmt.ms(r.ms),
      fmt.int(r.calls),
    ];
  };
  console.log(`Figure 4 — Diff+Read through the real Pulumi dynamic-provider host, ${RESOURCES} resources`);
  console.log(machineNote());
  console.log(
    `mix: ${Object.entries(mixCounts(RESOURCES))
      .map(([k, c]) => `${c} ${k}`)
      .join(", ")}`,
  );
  console.log(
    table(
      ["per resource: Diff+Read", "p50", "p90", "p99", "Diff p50", "Read p50", `wall, ${RESOURCES}`, "API calls"],
      [
        row("host, one resource at a time", out.seq),
        row(`host, ${PARALLEL} at a time`, out.par),
        row("baseline: engine in-process, one at a time", out.engine),
        row("baseline: peer (Diff from state, Read = 1 GET)", out.peer),
      ],
    ),
  );
  console.log(
    `(info) Check+Create of the ${RESOURCES} resources through the host, ${PARALLEL} at a time: ${fmt.ms(out.createMs)}`,
  );
  const s = summary(out.seq.lat.map((x) => x.both));
  const e = summary(out.engine.lat.map((x) => x.both));
  const p = summary(out.peer.lat.map((x) => x.both));
  writeSummary("4. Pulumi dynamic-provider host", [
    {
      measure: `Diff+Read per resource through the host, p50 / p99 (${RESOURCES})`,
      ours: `${fmt.ms(s.p50)} / ${fmt.ms(s.p99)}, ${fmt.int(out.seq.calls)} calls`,
      baseline: `in-process ${fmt.ms(e.p50)} / ${fmt.ms(e.p99)}; peer ${fmt.ms(p.p50)}, ${fmt.int(out.peer.calls)} calls`,
      result: fmt.ratio(out.seq.calls, out.peer.calls),
      target: "",
    },
    {
      measure: `Diff+Read of all ${RESOURCES}, ${PARALLEL} at a time (wall)`,
      ours: fmt.ms(out.par.ms),
      baseline: "",
      result: "",
      target: "",
    },
  ]);
}

/** A property bag without the provider's own keys (`__provider`, `__connection`, `__adopt`): the kind's fields. */
function stripMeta(props) {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
}

runMain("bench/pulumi-host", main);
