/**
 * `spot-iac terraform …` subcommands: install (the provider executable of a release, into a filesystem
 * mirror Terraform can `init` from offline),
 * schema (the `terraform providers schema -json` document, for CDKTF bindings and docs), and decrypt
 * (opens a secret output sealed to the user's key). Registration stays cheap: work is required in actions.
 */
import type { Command } from "commander";
import { VERSION } from "../version";

export const PROVIDER_SOURCE = "spot-iac/spot";
export const PROVIDER_HOST_ADDRESS = "registry.terraform.io/spot-iac/spot";

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
const GOOS: Record<string, string> = { linux: "linux", darwin: "darwin", win32: "windows", freebsd: "freebsd" };

/** Terraform's platform name for this machine, e.g. "linux_amd64". */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const goos = GOOS[platform];
  if (!goos) throw new Error(`unsupported operating system "${platform}" for a Terraform provider package`);
  const goarch = GOARCH[arch];
  if (!goarch) throw new Error(`unsupported CPU architecture "${arch}" for a Terraform provider package`);
  return `${goos}_${goarch}`;
}

/** Release file names (the same as scripts/terraform-release.js writes). */
export function releaseNames(version: string = VERSION, platform: string = terraformPlatform()) {
  return {
    zip: `terraform-provider-spot_${version}_${platform}.zip`,
    sums: `terraform-provider-spot_${version}_SHA256SUMS`,
    executable: `terraform-provider-spot_v${version}${platform.startsWith("windows_") ? ".exe" : ""}`,
  };
}

export type MirrorLayout = "unpacked" | "packed";

export interface InstallOptions {
  /** A release directory (as `npm run release:terraform` writes it) or a provider zip. */
  from?: string;
  /** Unpacked (the default: Terraform links the directory instead of extracting a zip on every init) or packed. */
  layout?: MirrorLayout;
  version?: string;
  platform?: string;
  /** The package root, to find or build a release in a checkout. */
  packageRoot?: string;
  /** Progress messages (the build, when one is needed). */
  log?: (message: string) => void;
}

export interface InstallResult {
  dir: string;
  layout: MirrorLayout;
  /** The executable (unpacked layout) or the zip (packed layout) inside the mirror. */
  installed: string;
  /** The zip it came from. */
  source: string;
  cliConfig: string;
}

interface ZipEntry {
  name: string;
  mode: number;
  data: Buffer;
}

/**
 * The files of a provider zip. Only what release zips use: stored or deflated entries, no zip64, no
 * encryption; anything else is refused rather than half-read.
 */
export function readZip(buf: Buffer): ZipEntry[] {
  const zlib = require("node:zlib") as typeof import("node:zlib");
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error("not a zip file (no end of central directory)");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("corrupt zip central directory");
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new Error(`zip entry ${name} is encrypted`);
    if (compressed === 0xffffffff || size === 0xffffffff) throw new Error(`zip entry ${name} needs zip64`);
    if (name.endsWith("/")) continue;
    if (name.includes("..") || name.startsWith("/") || name.includes("\\"))
      throw new Error(`zip entry name ${JSON.stringify(name)} leaves the package directory`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? zlib.inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`zip entry ${name} uses compression method ${method}`);
    if (data.length !== size) throw new Error(`zip entry ${name} is truncated`);
    // Unix permission bits live in the high half of the external attributes ("made by" Unix).
    const mode = (external >>> 16) & 0o777;
    entries.push({ name, mode: mode || 0o644, data });
  }
  return entries;
}

function sha256(buf: Buffer): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return createHash("sha256").update(buf).digest("hex");
}

/** In a development checkout, the release script and its build tools; undefined in an installed package. */
function checkoutRoot(root: string): string | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const script = path.join(root, "scripts", "terraform-release.js");
  return fs.existsSync(script) && fs.existsSync(path.join(root, "src", "terraform", "main.ts")) ? root : undefined;
}

/**
 * The zip to install: the one given, the platform's zip of a given release directory, or, in a checkout,
 * release/terraform/ (built first when it is missing or older than the sources).
 */
export function resolveRelease(opts: InstallOptions = {}): string {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const version = opts.version ?? VERSION;
  const names = releaseNames(version, opts.platform ?? terraformPlatform());
  let zip: string;
  if (opts.from) {
    const from = path.resolve(opts.from);
    if (!fs.existsSync(from)) throw new Error(`${from} does not exist`);
    zip = fs.statSync(from).isDirectory() ? path.join(from, names.zip) : from;
    if (!fs.existsSync(zip))
      throw new Error(
        `${path.dirname(zip)} has no ${names.zip}; build it on that platform (npm run release:terraform) and copy it in`,
      );
  } else {
    const root = checkoutRoot(opts.packageRoot ?? path.resolve(__dirname, "..", ".."));
    if (!root)
      throw new Error(
        `no provider release given: download ${names.zip} (with ${names.sums}) from the release and pass ` +
          `--from <zip or directory>, or build one in a checkout of spot-iac with \`npm run release:terraform\``,
      );
    const dir = path.join(root, "release", "terraform");
    zip = path.join(dir, names.zip);
    ensureCheckoutRelease(root, dir, opts.log);
  }
  verifyChecksum(zip, names.sums);
  return zip;
}

/** Build release/terraform/ in a checkout unless it holds a build of the current sources. */
function ensureCheckoutRelease(root: string, dir: string, log: (m: string) => void = () => undefined): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const script = path.join(root, "scripts", "terraform-release.js");
  const stamp = path.join(dir, ".inputs-sha256");
  const { inputsHash } = require(script) as { inputsHash(root: string): string };
  const want = inputsHash(root);
  const names = releaseNames();
  if (fs.existsSync(path.join(dir, names.zip)) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === want)
    return;
  log(`building the provider executable into ${dir} (npm run release:terraform) …`);
  const r = spawnSync(process.execPath, [script, "--out", dir], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`building the provider failed (node ${script} exited ${r.status})`);
}

/** When the zip sits beside its SHA256SUMS, it must match it. */
function verifyChecksum(zip: string, sumsName: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const sums = path.join(path.dirname(zip), sumsName);
  if (!fs.existsSync(sums)) return;
  const line = fs
    .readFileSync(sums, "utf8")
    .split("\n")
    .find((l) => l.trim().endsWith(`  ${path.basename(zip)}`));
  if (!line) return;
  const want = line.split(/\s+/)[0];
  const got = sha256(fs.readFileSync(zip));
  if (want !== got) throw new Error(`${zip} does not match ${sumsName} (sha256 ${got}, listed ${want})`);
}

/**
 * Install the provider release into a filesystem mirror Terraform can `init` from:
 * unpacked  <dir>/registry.terraform.io/spot-iac/spot/<v>/<os>_<arch>/terraform-provider-spot_v<v>
 * packed    <dir>/registry.terraform.io/spot-iac/spot/terraform-provider-spot_<v>_<os>_<arch>.zip
 * Both hold the release's bytes, so `terraform init` records the same lock-file hash on every machine.
 */
export function installMirror(dir: string, opts: InstallOptions = {}): InstallResult {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const version = opts.version ?? VERSION;
  const platform = opts.platform ?? terraformPlatform();
  const layout = opts.layout ?? "unpacked";
  if (layout !== "unpacked" && layout !== "packed") throw new Error(`unknown mirror layout "${layout as string}"`);
  const names = releaseNames(version, platform);
  const source = resolveRelease({ ...opts, version, platform });
  const zip = fs.readFileSync(source);
  const entries = readZip(zip);
  if (!entries.some((e) => e.name === names.executable))
    throw new Error(`${source} holds no ${names.executable}; is it a spot-iac provider release for ${platform}?`);

  const abs = path.resolve(dir);
  const typeDir = path.join(abs, PROVIDER_HOST_ADDRESS);
  const platformDir = path.join(typeDir, version, platform);
  const packed = path.join(typeDir, names.zip);
  // One layout per version and platform: Terraform would otherwise see the package twice.
  fs.rmSync(platformDir, { recursive: true, force: true });
  fs.rmSync(packed, { force: true });
  const versionDir = path.dirname(platformDir);
  if (fs.existsSync(versionDir) && fs.readdirSync(versionDir).length === 0) fs.rmdirSync(versionDir);
  let installed: string;
  if (layout === "packed") {
    fs.mkdirSync(typeDir, { recursive: true });
    fs.writeFileSync(packed, zip);
    installed = packed;
  } else {
    fs.mkdirSync(platformDir, { recursive: true });
    for (const e of entries) {
      const file = path.join(platformDir, e.name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, e.data, { mode: e.mode });
      fs.chmodSync(file, e.mode);
    }
    installed = path.join(platformDir, names.executable);
  }
  return { dir: abs, layout, installed, source, cliConfig: cliConfigBlock(abs) };
}

export function cliConfigBlock(mirrorDir: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = [${JSON.stringify(PROVIDER_HOST_ADDRESS)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(PROVIDER_HOST_ADDRESS)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The `terraform providers schema -json` document for the registry in src/resources. */
export function schemaDocument(): Record<string, unknown> {
  const { buildSchemas, providerSchemaDocument } = require("./schema") as typeof import("./schema");
  const registry = (require("../core") as typeof import("../core")).registry();
  return providerSchemaDocument(buildSchemas(registry.kinds, registry.lookups));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function register(program: Command): void {
  const tf = program
    .command("terraform")
    .description("The Terraform provider: install it for `terraform init`, print its schema");

  tf.command("install")
    .description(
      "Install the provider executable into a filesystem mirror and print the Terraform CLI configuration that uses it",
    )
    .option(
      "--from <path>",
      "a release directory or provider zip (default in a checkout: release/terraform, built when missing)",
    )
    .option("--dir <dir>", "mirror directory", "~/.terraform.d/plugins")
    .option("--layout <layout>", "unpacked or packed (the zip as is)", "unpacked")
    .option("--cli-config <file>", "also write the CLI configuration to this file (use it as TF_CLI_CONFIG_FILE)")
    .action((opts: { from?: string; dir: string; layout: string; cliConfig?: string }) => {
      const os = require("node:os") as typeof import("node:os");
      const fs = require("node:fs") as typeof import("node:fs");
      const home = (p: string) => p.replace(/^~(?=$|\/)/, os.homedir());
      const r = installMirror(home(opts.dir), {
        from: opts.from && home(opts.from),
        layout: opts.layout as MirrorLayout,
        log: (m) => process.stderr.write(m + "\n"),
      });
      if (opts.cliConfig) fs.writeFileSync(opts.cliConfig, r.cliConfig);
      process.stdout.write(
        `Installed ${PROVIDER_SOURCE} ${VERSION} in ${r.dir} (${r.layout})\n  ${r.installed}\n  from ${r.source}\n\n` +
          `Terraform CLI configuration (~/.terraformrc, or a file named by TF_CLI_CONFIG_FILE)` +
          `${opts.cliConfig ? `, written to ${opts.cliConfig}` : ""}:\n\n${r.cliConfig}\n` +
          `In your configuration:\n\n` +
          `terraform {\n  required_providers {\n    spot = {\n      source  = "${PROVIDER_SOURCE}"\n      version = "${VERSION}"\n    }\n  }\n}\n`,
      );
    });

  tf.command("schema")
    .description("Print the provider schema as `terraform providers schema -json` does (input of CDKTF's generator)")
    .option("--out <file>", "write to a file instead of stdout")
    .action((opts: { out?: string }) => {
      const text = JSON.stringify(schemaDocument(), null, 2) + "\n";
      if (opts.out) require("node:fs").writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });

  tf.command("decrypt")
    .description("Open a secret output sealed by the provider (e.g. encrypted_token) with your RSA private key")
    .requiredOption("--key <file>", "PEM private key matching the *_public_key given to the resource")
    .option("--passphrase-env <var>", "environment variable holding the key's passphrase")
    .argument("[value]", "the sealed value (spotseal1:…); read from stdin when absent")
    .action(async (value: string | undefined, opts: { key: string; passphraseEnv?: string }) => {
      const fs = require("node:fs") as typeof import("node:fs");
      const { open } = require("./sealed") as typeof import("./sealed");
      const sealed = value ?? (await readStdin());
      const passphrase = opts.passphraseEnv ? process.env[opts.passphraseEnv] : undefined;
      process.stdout.write(open(sealed, fs.readFileSync(opts.key, "utf8"), passphrase) + "\n");
    });
}
