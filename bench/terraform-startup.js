#!/usr/bin/env node
/**
 * Figure 3a — cold start of the Terraform provider process, as Terraform launches it (~4 times per apply):
 * the released single executable (scripts/terraform-release.js; built into release/terraform/ first when
 * missing or older than the sources, and the build time printed), unpacked from its zip as
 * `spot-iac terraform install` does:
 *   handshake — spawn to its go-plugin handshake line on stdout, with AutoMTLS (Terraform's default; the
 *               default ECDSA key and SPOT_IAC_TF_TLS_KEY=rsa) and with TF_DISABLE_PLUGIN_TLS;
 *   cycle     — spawn, handshake, GetProviderSchema over mutual TLS, GRPCController/Shutdown, process exit.
 * Baselines in the same run: the same provider run by Node from dist/ (bin/terraform-provider-spot, what the
 * launcher of earlier versions ran) and a bare `node -e` process printing one line.
 * Prints median / p90 / min / max of N fresh launches (default 20; `node bench/terraform-startup.js 50`).
 * Target: handshake median ≤ 250 ms. Needs the built dist/ (`npm run build`) for the Node baseline.
 */
const { spawn } = require("node:child_process");
const path = require("node:path");

const fs = require("node:fs");
const os = require("node:os");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "terraform-provider-spot");
const { writeSummary, machineNote } = require("./lib/common");
const releaseScript = require(path.join(ROOT, "scripts", "terraform-release.js"));
const { readZip, releaseNames } = require(path.join(ROOT, "dist/terraform/install"));

const RUNS = /^\d+$/.test(process.argv[2] ?? "") ? Number(process.argv[2]) : 20;

const { generateServerKeyPair, selfSignedCertificate } = require(path.join(ROOT, "dist/terraform/tls"));
const { serviceDefinition, MAGIC_COOKIE_VALUE } = require(path.join(ROOT, "dist/terraform/server"));

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}

function fmt(name, xs) {
  const { median, p90, min, max } = stats(xs);
  return `${name.padEnd(34)} median ${median.toFixed(0).padStart(4)} ms   p90 ${p90.toFixed(0).padStart(4)} ms   min ${min
    .toFixed(0)
    .padStart(4)} ms   max ${max.toFixed(0).padStart(4)} ms   (n=${xs.length})`;
}

/** The release's executable, unpacked into a temporary directory; builds the release when it is stale. */
async function releasedExecutable() {
  const dir = path.join(ROOT, "release", "terraform");
  const stamp = path.join(dir, ".inputs-sha256");
  const names = releaseNames();
  let buildSeconds;
  const fresh = fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === releaseScript.inputsHash(ROOT);
  if (!fresh || !fs.existsSync(path.join(dir, names.zip)))
    buildSeconds = (await releaseScript.release({ out: dir })).seconds;
  const entry = readZip(fs.readFileSync(path.join(dir, names.zip))).find((e) => e.name === names.executable);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-bench-exe-"));
  const exe = path.join(tmp, names.executable);
  fs.writeFileSync(exe, entry.data, { mode: 0o755 });
  return { exe, tmp, buildSeconds };
}

let EXE;

/** Launch once; resolve with { ms, line, child } when the handshake line arrives. */
function launch(env, argv) {
  const [cmd, args] = argv ? [process.execPath, argv] : [EXE, []];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buf = "";
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!buf.includes("\n")) reject(new Error(`provider exited ${code} before the handshake`));
    });
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, line: buf.slice(0, nl), child, t0 });
    });
  });
}

async function cycle(env, client) {
  const grpc = require("@grpc/grpc-js");
  const { ms: _ms, line, child, t0 } = await launch(env);
  const [, , , addr, , certB64] = line.split("|");
  const der = Buffer.from(certB64, "base64");
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`;
  const creds = grpc.credentials.createSsl(Buffer.from(pem), Buffer.from(client.keyPem), Buffer.from(client.certPem));
  const opts = { "grpc.ssl_target_name_override": "localhost" };
  const Provider = grpc.makeGenericClientConstructor(serviceDefinition("tfplugin6.Provider"));
  const Controller = grpc.makeGenericClientConstructor(serviceDefinition("plugin.GRPCController"));
  const p = new Provider(addr, creds, opts);
  await new Promise((res, rej) => p.GetProviderSchema({}, (e) => (e ? rej(e) : res())));
  const c = new Controller(addr, creds, opts);
  const exited = new Promise((res) => child.on("exit", res));
  await new Promise((res, rej) => c.Shutdown({}, (e) => (e ? rej(e) : res())));
  await exited;
  p.close();
  c.close();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main() {
  const released = await releasedExecutable();
  EXE = released.exe;
  process.on("exit", () => fs.rmSync(released.tmp, { recursive: true, force: true }));
  const client = selfSignedCertificate(await generateServerKeyPair()); // stands in for Terraform's client cert
  const base = { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", SPOT_IAC_LOG: "" };
  const tlsEnv = { ...base, PLUGIN_CLIENT_CERT: client.certPem };
  const plainEnv = { ...base, TF_DISABLE_PLUGIN_TLS: "1" };

  // One warm-up launch so the OS file cache is hot, as it is for Terraform's second launch onwards.
  (await launch(tlsEnv)).child.kill("SIGKILL");

  const rsaEnv = { ...tlsEnv, SPOT_IAC_TF_TLS_KEY: "rsa" };
  const tls = [];
  const rsa = [];
  const plain = [];
  const full = [];
  const viaNode = [];
  const bare = [];
  const bareArgv = ["-e", "process.stdout.write('1|6|tcp|127.0.0.1:1|grpc\\n'); setTimeout(() => {}, 60000)"];
  for (let i = 0; i < RUNS; i++) {
    const n = await launch({}, bareArgv);
    n.child.kill("SIGKILL");
    bare.push(n.ms);
    const a = await launch(tlsEnv);
    a.child.kill("SIGKILL");
    tls.push(a.ms);
    const r = await launch(rsaEnv);
    r.child.kill("SIGKILL");
    rsa.push(r.ms);
    const b = await launch(plainEnv);
    b.child.kill("SIGKILL");
    plain.push(b.ms);
    full.push(await cycle(tlsEnv, client));
    const v = await launch(tlsEnv, [BIN]);
    v.child.kill("SIGKILL");
    viaNode.push(v.ms);
  }
  console.log(`Figure 3a — Terraform provider cold start, ${RUNS} runs each`);
  console.log(machineNote());
  console.log(fmt("handshake, AutoMTLS (ECDSA P-256)", tls));
  console.log(fmt("handshake, AutoMTLS (RSA-2048)", rsa));
  console.log(fmt("handshake, TF_DISABLE_PLUGIN_TLS", plain));
  console.log(fmt("launch+schema+Shutdown+exit (mTLS)", full));
  console.log(fmt("baseline: node dist/ (AutoMTLS, ECDSA)", viaNode));
  console.log(fmt("baseline: bare node -e, one line", bare));
  if (released.buildSeconds !== undefined)
    console.log(`release build (esbuild + SEA blob + postject + zip): ${released.buildSeconds.toFixed(1)} s`);
  const target = 250;
  const m = stats(tls).median;
  console.log(`target: handshake median ≤ ${target} ms → ${m <= target ? "met" : "NOT met"} (${m.toFixed(0)} ms)`);
  writeSummary("3. Terraform provider", [
    {
      measure: `cold start to handshake, median of ${RUNS} (single executable, AutoMTLS)`,
      ours: `${m.toFixed(0)} ms (p90 ${stats(tls).p90.toFixed(0)} ms)`,
      baseline: `node dist/ ${stats(viaNode).median.toFixed(0)} ms, bare node ${stats(bare).median.toFixed(0)} ms`,
      result: m <= target ? "met" : "NOT met",
      target: `<= ${target} ms`,
    },
    {
      measure: "launch+schema+Shutdown+exit, median (single executable)",
      ours: `${stats(full).median.toFixed(0)} ms`,
      baseline: "",
      result: "",
      target: "",
    },
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
