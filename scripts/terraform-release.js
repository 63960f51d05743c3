#!/usr/bin/env node
/**
 * Builds the Terraform provider as one self-contained executable (a Node.js single executable application)
 * and writes the registry release layout:
 *
 *   terraform-provider-spot_<v>_<os>_<arch>.zip    the executable terraform-provider-spot_v<v>
 *   terraform-provider-spot_<v>_SHA256SUMS          over every zip in the directory and the manifest
 *   terraform-provider-spot_<v>_manifest.json       {"version":1,"metadata":{"protocol_versions":["6.0"]}}
 *   index.json, <v>.json                            network-mirror documents, so the directory can be served as is
 *
 *   node scripts/terraform-release.js [--out DIR] [--node PATH] [--no-code-cache] [--sums-only]
 *
 * The build is reproducible: the same checkout content and Node binary give the same bytes from any path.
 * Nothing in the blob names the build machine: esbuild paths are relative to the checkout, the SEA blob's
 * script name is a fixed relative name, zip entries carry a fixed DOS time and no extended timestamps.
 *
 * Other platforms: run this on that platform (or pass --node with a Node.js binary of the same version
 * built for this OS and CPU, e.g. from the official tarballs); the SEA blob is produced by the running
 * Node, which must be the target binary's version. A CI matrix then copies every zip into one directory and
 * runs `--sums-only` there.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const NAME = "spot";
// The fuse Node's SEA loader looks for (documented in Node's single-executable-applications guide).
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
// DOS time has no zone: built from local fields it reads 1980-01-01 00:00 on every machine.
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);
const GOARCH = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
const GOOS = { linux: "linux", darwin: "darwin", win32: "windows", freebsd: "freebsd" };

function platformOf(platform = process.platform, arch = process.arch) {
  const goos = GOOS[platform];
  const goarch = GOARCH[arch];
  if (!goos || !goarch) throw new Error(`no Terraform platform name for ${platform}/${arch}`);
  return { os: goos, arch: goarch, name: `${goos}_${goarch}` };
}

function version(root = ROOT) {
  return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
}

const sha256 = (buf) => crypto.createHash("sha256").update(buf).digest("hex");

/** Every file whose content can change the executable, as sorted relative paths. */
function inputFiles(root = ROOT) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk("src");
  walk("proto");
  out.push("package.json", "package-lock.json", "tsconfig.json", "scripts/terraform-release.js", "LICENSE");
  return out.sort();
}

/**
 * A key for caching builds (tests, `spot-iac terraform install` in a checkout): the inputs' content, the
 * Node binary and the options. The Node binary is keyed by path, version, size and mtime, not its content
 * (hashing 100 MB on every test run would cost more than it saves).
 */
function inputsHash(root = ROOT, opts = {}) {
  const h = crypto.createHash("sha256");
  for (const f of inputFiles(root)) h.update(f + "\0" + sha256(fs.readFileSync(path.join(root, f))) + "\n");
  const node = opts.node ?? process.execPath;
  const st = fs.statSync(node);
  h.update(JSON.stringify([node, process.version, st.size, st.mtimeMs, opts.codeCache !== false]));
  return h.digest("hex");
}

/**
 * The proto files the server serves, as a protobufjs JSON descriptor (field names kept as written, as the
 * server's own loading does), so the executable reads nothing from disk and parses no proto text at start.
 */
function embeddedProtos(root) {
  const protobuf = require(
    require.resolve("protobufjs", {
      paths: [path.dirname(require.resolve("@grpc/proto-loader/package.json", { paths: [root] }))],
    }),
  );
  const dir = path.join(root, "proto");
  const pbRoot = new protobuf.Root();
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".proto"))
    .sort())
    protobuf.parse(fs.readFileSync(path.join(dir, f), "utf8"), pbRoot, { keepCase: true });
  pbRoot.resolveAll();
  return pbRoot.toJSON();
}

/** esbuild: src/terraform/main.ts and everything it requires, in one CommonJS file. */
function bundle(root) {
  const esbuild = require(require.resolve("esbuild", { paths: [root] }));
  const result = esbuild.buildSync({
    absWorkingDir: root,
    // main.ts starts itself only as the process's main module, which a bundled module never is.
    stdin: {
      contents: 'require("./src/terraform/main").main(process.argv);',
      resolveDir: root,
      sourcefile: "sea-main.js",
      loader: "js",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    outfile: "provider.js",
    minify: true,
    keepNames: true,
    legalComments: "none",
    metafile: true,
    logLevel: "error",
    define: { SPOT_IAC_EMBEDDED_PROTOS: JSON.stringify(embeddedProtos(root)) },
  });
  const js = result.outputFiles[0].contents;
  if (Buffer.from(js).includes(Buffer.from(root)))
    throw new Error(`the bundle contains the checkout path ${root}; the executable would not be reproducible`);
  return { js: Buffer.from(js), metafile: result.metafile };
}

/** The license texts of the npm packages inside the bundle (they ship inside the executable). */
function thirdPartyNotices(root, metafile) {
  const pkgs = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m) continue;
    const dir = path.join(root, input.slice(0, m.index + m[0].length));
    if (pkgs.has(dir)) continue;
    const pj = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const lic = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    pkgs.set(dir, {
      name: pj.name,
      version: pj.version,
      license: pj.license,
      text: lic ? fs.readFileSync(path.join(dir, lic), "utf8") : "",
    });
  }
  const sorted = [...pkgs.values()].sort((a, b) => (a.name + a.version).localeCompare(b.name + b.version));
  const parts = [
    "terraform-provider-spot is a Node.js single executable application: the Node.js runtime (MIT License,\n" +
      "with the notices of its bundled components: https://github.com/nodejs/node/blob/main/LICENSE) and the\n" +
      "following npm packages are inside it.\n",
  ];
  for (const p of sorted)
    parts.push(`${"=".repeat(78)}\n${p.name}@${p.version} (${p.license ?? "see below"})\n\n${p.text.trim()}\n`);
  return Buffer.from(parts.join("\n"));
}

function run(cmd, args, opts) {
  // Node and postject talk on stdout; keep ours for the JSON result.
  const r = spawnSync(cmd, args, { stdio: ["ignore", 2, 2], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/**
 * The executable for this platform: the bundle as the SEA main script, injected into a copy of the Node
 * binary. Returns its bytes and the notices text.
 */
async function buildExecutable({ root = ROOT, node = process.execPath, codeCache = true, log = () => {} } = {}) {
  const t0 = Date.now();
  const { js, metafile } = bundle(root);
  log(`bundled ${(js.length / 1024).toFixed(0)} KiB in ${Date.now() - t0} ms`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "spot-sea-"));
  try {
    fs.writeFileSync(path.join(work, "provider.js"), js);
    // Relative names: the blob records `main` as written, and no absolute path may end up inside.
    fs.writeFileSync(
      path.join(work, "sea-config.json"),
      JSON.stringify({
        main: "provider.js",
        output: "provider.blob",
        disableExperimentalSEAWarning: true,
        useCodeCache: codeCache,
        useSnapshot: false,
      }),
    );
    const t1 = Date.now();
    // V8's code cache (compiled top-level code, ~100 ms less start-up on a loaded machine) differs from
    // run to run unless V8's random seed is fixed. The seed is not part of the flag hash V8 checks before
    // using a cache, so the executable (started without the flag) still accepts it, and its own
    // Math.random and hash seeds stay random.
    run(process.execPath, [...(codeCache ? ["--random-seed=1"] : []), "--experimental-sea-config", "sea-config.json"], {
      cwd: work,
    });
    const blob = fs.readFileSync(path.join(work, "provider.blob"));
    log(`SEA blob ${(blob.length / 1024).toFixed(0)} KiB in ${Date.now() - t1} ms`);
    const exe = path.join(work, "provider.exe");
    fs.copyFileSync(node, exe);
    fs.chmodSync(exe, 0o755);
    const isMac = process.platform === "darwin";
    if (isMac) run("codesign", ["--remove-signature", exe]);
    const t2 = Date.now();
    const { inject } = require(require.resolve("postject", { paths: [root] }));
    await inject(exe, "NODE_SEA_BLOB", blob, {
      sentinelFuse: SEA_FUSE,
      ...(isMac ? { machoSegmentName: "NODE_SEA" } : {}),
    });
    // An ad-hoc signature, which macOS requires to run the binary at all.
    if (isMac) run("codesign", ["--sign", "-", exe]);
    log(`injected into ${path.basename(node)} in ${Date.now() - t2} ms`);
    return { executable: fs.readFileSync(exe), notices: thirdPartyNotices(root, metafile) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function zipFiles(files) {
  const yazl = require(require.resolve("yazl", { paths: [ROOT] }));
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      zip.addBuffer(f.data, f.name, { mtime: ZIP_TIME, mode: f.mode, compress: true, forceDosTimestamp: true });
    zip.end();
    const chunks = [];
    zip.outputStream.on("data", (c) => chunks.push(c));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Terraform's "h1:" package hash (the dirhash of the extracted files: sorted "sha256  name" lines, hashed),
 * which `terraform init` records in .terraform.lock.hcl.
 */
function h1Hash(files) {
  const lines = [...files]
    .map((f) => `${sha256(f.data)}  ${f.name}\n`)
    .sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1))
    .join("");
  return "h1:" + crypto.createHash("sha256").update(lines).digest("base64");
}

const fileNames = (v) => ({
  prefix: `terraform-provider-${NAME}_${v}_`,
  sums: `terraform-provider-${NAME}_${v}_SHA256SUMS`,
  manifest: `terraform-provider-${NAME}_${v}_manifest.json`,
  zip: (platform) => `terraform-provider-${NAME}_${v}_${platform}.zip`,
  executable: (goos) => `terraform-provider-${NAME}_v${v}${goos === "windows" ? ".exe" : ""}`,
});

/**
 * SHA256SUMS, the manifest and the network-mirror documents over every platform zip now in `out`
 * (builds of other platforms may have been copied in).
 */
function writeIndexes(out, v, hashesByPlatform = {}) {
  const n = fileNames(v);
  fs.writeFileSync(
    path.join(out, n.manifest),
    JSON.stringify({ version: 1, metadata: { protocol_versions: ["6.0"] } }) + "\n",
  );
  const zips = fs
    .readdirSync(out)
    .filter((f) => f.startsWith(n.prefix) && f.endsWith(".zip"))
    .sort();
  const sums = [...zips, n.manifest].sort().map((f) => `${sha256(fs.readFileSync(path.join(out, f)))}  ${f}\n`);
  fs.writeFileSync(path.join(out, n.sums), sums.join(""));
  // The provider network mirror protocol: <host>/<namespace>/<type>/index.json and <version>.json, with
  // archive URLs relative to the document. Serve `out` as …/registry.terraform.io/spot-iac/spot/.
  const archives = {};
  const previous = readJson(path.join(out, `${v}.json`))?.archives ?? {};
  for (const zip of zips) {
    const platform = zip.slice(n.prefix.length, -".zip".length);
    const zh = `zh:${sha256(fs.readFileSync(path.join(out, zip)))}`;
    const h1 = hashesByPlatform[platform] ?? previous[platform]?.hashes?.find((h) => h.startsWith("h1:"));
    archives[platform] = { url: zip, hashes: h1 ? [h1, zh] : [zh] };
  }
  fs.writeFileSync(path.join(out, `${v}.json`), JSON.stringify({ archives }, null, 2) + "\n");
  const index = readJson(path.join(out, "index.json")) ?? { versions: {} };
  index.versions[v] = {};
  fs.writeFileSync(path.join(out, "index.json"), JSON.stringify(index, null, 2) + "\n");
  return { zips, sums: n.sums };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Build this platform's zip into `out` and refresh the indexes. */
async function release({
  root = ROOT,
  out = path.join(ROOT, "release", "terraform"),
  node,
  codeCache = true,
  log = () => {},
} = {}) {
  const v = version(root);
  const n = fileNames(v);
  const platform = platformOf();
  const t0 = Date.now();
  const { executable, notices } = await buildExecutable({ root, node, codeCache, log });
  const files = [
    { name: n.executable(platform.os), data: executable, mode: 0o100755 },
    { name: "THIRD_PARTY_NOTICES.txt", data: notices, mode: 0o100644 },
    { name: "LICENSE", data: fs.readFileSync(path.join(root, "LICENSE")), mode: 0o100644 },
  ];
  const zip = await zipFiles(files);
  fs.mkdirSync(out, { recursive: true });
  const zipName = n.zip(platform.name);
  fs.writeFileSync(path.join(out, zipName), zip);
  const h1 = h1Hash(files);
  writeIndexes(out, v, { [platform.name]: h1 });
  // Lets `spot-iac terraform install` in a checkout tell whether this build is of the current sources.
  fs.writeFileSync(path.join(out, ".inputs-sha256"), inputsHash(root, { node, codeCache }));
  const seconds = (Date.now() - t0) / 1000;
  log(`wrote ${path.join(out, zipName)} (${(zip.length / 1048576).toFixed(1)} MiB, ${h1}) in ${seconds.toFixed(1)} s`);
  return {
    dir: out,
    version: v,
    platform: platform.name,
    zip: path.join(out, zipName),
    executableName: n.executable(platform.os),
    executableSha256: sha256(executable),
    h1,
    seconds,
  };
}

module.exports = { release, buildExecutable, inputsHash, h1Hash, platformOf, fileNames, writeIndexes, version };

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = path.resolve(opt("--out") ?? path.join(ROOT, "release", "terraform"));
  const log = (m) => process.stderr.write(`terraform-release: ${m}\n`);
  const main = async () => {
    if (args.includes("--sums-only")) {
      const { zips, sums } = writeIndexes(out, version());
      log(`${sums} over ${zips.length} zip(s) in ${out}`);
      return;
    }
    const r = await release({ out, node: opt("--node"), codeCache: !args.includes("--no-code-cache"), log });
    process.stdout.write(JSON.stringify(r, null, 2) + "\n");
  };
  main().catch((e) => {
    process.stderr.write(`terraform-release: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
