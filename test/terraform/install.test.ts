/**
 * Packaging of the Terraform provider: the release (scripts/terraform-release.js) holds one executable that
 * needs neither Node.js nor a checkout; `spot-iac terraform install` puts it into a filesystem mirror
 * (unpacked or packed); the real terraform binary then `init`s offline, with the lock-file hash the release
 * documents, and runs it over AutoMTLS with a PATH that has no `node`; the provider exits on Shutdown, and
 * on its own when Terraform is killed. Uses the built dist/ for the CLI (npm test builds first).
 */
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliConfigBlock, installMirror, readZip, releaseNames, terraformPlatform } from "../../src/terraform/install";
import { MAGIC_COOKIE_VALUE } from "../../src/terraform/server";
import { seal } from "../../src/terraform/sealed";
import { VERSION } from "../../src/version";
import { withEmulator } from "../support/emulator";
import { Workdir, providerRelease, terraformPath } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spot-iac");
const built = fs.existsSync(path.join(ROOT, "dist", "cli", "main.js"));
const names = releaseNames();

function cli(args: string[], input?: string): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input,
    env: { ...process.env, SPOT_IAC_LOG: "" },
  });
}

const tfConfig = `terraform {
  required_providers {
    spot = { source = "spot-iac/spot", version = "${VERSION}" }
  }
}
`;

/** Is the process gone (or a zombie nobody has reaped yet)? */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (gone(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return gone(pid);
}

function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === ppid) out.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

describe("terraform provider release and mirror layout", () => {
  let tmp: string;
  let release: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-mirror-"));
    release = providerRelease().dir;
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("maps Node platforms to Terraform's", () => {
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
    expect(terraformPlatform("darwin", "arm64")).toBe("darwin_arm64");
    expect(terraformPlatform("win32", "x64")).toBe("windows_amd64");
    expect(releaseNames("1.2.3", "windows_amd64").executable).toBe("terraform-provider-spot_v1.2.3.exe");
    expect(() => terraformPlatform("linux", "mips")).toThrow(/unsupported CPU architecture "mips"/);
  });

  it("the release has the registry layout: zip, SHA256SUMS, protocol-6 manifest, network-mirror documents", () => {
    const files = fs.readdirSync(release).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        names.zip,
        names.sums,
        `terraform-provider-spot_${VERSION}_manifest.json`,
        "index.json",
        `${VERSION}.json`,
      ]),
    );
    const manifest = JSON.parse(
      fs.readFileSync(path.join(release, `terraform-provider-spot_${VERSION}_manifest.json`), "utf8"),
    );
    expect(manifest).toEqual({ version: 1, metadata: { protocol_versions: ["6.0"] } });
    const sums = fs.readFileSync(path.join(release, names.sums), "utf8");
    expect(sums).toMatch(new RegExp(`^[0-9a-f]{64}  ${names.zip.replace(/\./g, "\\.")}$`, "m"));
    expect(JSON.parse(fs.readFileSync(path.join(release, "index.json"), "utf8"))).toEqual({
      versions: { [VERSION]: {} },
    });
    const archive = JSON.parse(fs.readFileSync(path.join(release, `${VERSION}.json`), "utf8")).archives[
      terraformPlatform()
    ];
    expect(archive.url).toBe(names.zip);
    expect(archive.hashes).toEqual([expect.stringMatching(/^h1:/), expect.stringMatching(/^zh:[0-9a-f]{64}$/)]);

    const entries = readZip(fs.readFileSync(path.join(release, names.zip)));
    expect(entries.map((e) => [e.name, e.mode])).toEqual([
      ["LICENSE", 0o644],
      ["THIRD_PARTY_NOTICES.txt", 0o644],
      [names.executable, 0o755],
    ]);
    const exe = entries.find((e) => e.name === names.executable)!.data;
    // One self-contained executable: the checkout's paths are nowhere inside it.
    expect(exe.includes(Buffer.from(ROOT))).toBe(false);
    expect(exe.includes(Buffer.from("NODE_SEA_BLOB"))).toBe(true);
  });

  it("installs the executable unpacked at the path Terraform looks up", () => {
    const r = installMirror(path.join(tmp, "m"), { from: release });
    const expected = path.join(
      tmp,
      "m",
      "registry.terraform.io",
      "spot-iac",
      "spot",
      VERSION,
      terraformPlatform(),
      names.executable,
    );
    expect(r).toMatchObject({ layout: "unpacked", installed: expected, source: path.join(release, names.zip) });
    expect(fs.statSync(expected).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(expected).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46])); // ELF, not a script
    expect(r.cliConfig).toBe(cliConfigBlock(path.join(tmp, "m")));
    expect(r.cliConfig).toContain('include = ["registry.terraform.io/spot-iac/spot"]');
    expect(r.cliConfig).toContain('exclude = ["registry.terraform.io/spot-iac/spot"]');
  });

  it("installs the zip as is in the packed layout, replacing an unpacked copy", () => {
    const zip = path.join(release, names.zip);
    const r = installMirror(path.join(tmp, "m"), { from: zip, layout: "packed" });
    expect(r.installed).toBe(path.join(tmp, "m", "registry.terraform.io", "spot-iac", "spot", names.zip));
    expect(fs.readFileSync(r.installed).equals(fs.readFileSync(zip))).toBe(true);
    expect(fs.existsSync(path.join(tmp, "m", "registry.terraform.io", "spot-iac", "spot", VERSION))).toBe(false);
  });

  it("refuses a zip that does not match its SHA256SUMS, a release without this platform, and no release at all", () => {
    const bad = path.join(tmp, "bad");
    fs.mkdirSync(bad);
    fs.copyFileSync(path.join(release, names.sums), path.join(bad, names.sums));
    const zip = fs.readFileSync(path.join(release, names.zip));
    zip[zip.length - 30] ^= 0xff;
    fs.writeFileSync(path.join(bad, names.zip), zip);
    expect(() => installMirror(path.join(tmp, "x"), { from: bad })).toThrow(/does not match .*SHA256SUMS/);
    expect(() => installMirror(path.join(tmp, "x"), { from: bad, platform: "plan9_amd64" })).toThrow(
      /has no terraform-provider-spot_.*_plan9_amd64\.zip/,
    );
    // An installed package has no release script: it says where a release comes from.
    expect(() => installMirror(path.join(tmp, "x"), { packageRoot: tmp })).toThrow(
      /no provider release given.*--from/s,
    );
  });
});

if (!terraformPath) process.stdout.write("SKIP terraform init and apply from the mirror: terraform is not on PATH\n");
const describeTf = terraformPath && built ? describe : describe.skip;
if (terraformPath && !built)
  process.stdout.write("SKIP terraform init and apply from the mirror: dist/ is not built\n");

describeTf("terraform init from the mirror and apply, with no node on PATH", () => {
  const emu = withEmulator();
  let wd: Workdir;
  let binDir: string;
  beforeAll(() => {
    const release = providerRelease().dir;
    // Terraform alone on PATH: nothing the provider runs can be a `node` found there.
    binDir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-tf-bin-"));
    fs.symlinkSync(terraformPath!, path.join(binDir, "terraform"));
    wd = new Workdir({ PATH: binDir, SPOTINST_TOKEN: emu.token, SPOTINST_BASE_URL: emu.url });
    const out = cli([
      "terraform",
      "install",
      "--from",
      release,
      "--dir",
      path.join(wd.dir, "mirror"),
      "--cli-config",
      wd.env.TF_CLI_CONFIG_FILE!,
    ]);
    expect(out).toContain(`Installed spot-iac/spot ${VERSION}`);
    wd.write(
      "main.tf",
      `${tfConfig}provider "spot" {}
resource "spot_account" "a" {
  name           = "no-node-here"
  allow_deletion = true
}
output "account_id" { value = spot_account.a.account_id }
`,
    );
  });
  afterAll(() => {
    wd?.remove();
    if (binDir) fs.rmSync(binDir, { recursive: true, force: true });
  });

  it("the test's PATH really has no node", () => {
    const r = execFileSync("/bin/sh", ["-c", "command -v node || echo none"], {
      env: { PATH: binDir },
      encoding: "utf8",
    });
    expect(r.trim()).toBe("none");
  });

  it("terraform init installs the provider offline and locks the hash the release documents", async () => {
    const r = await wd.ok("init", "-no-color", "-input=false");
    expect(r.stdout).toContain(`Installed spot-iac/spot v${VERSION} (unauthenticated)`);
    const lock = wd.read(".terraform.lock.hcl");
    expect(lock).toContain('provider "registry.terraform.io/spot-iac/spot"');
    const documented = JSON.parse(fs.readFileSync(path.join(providerRelease().dir, `${VERSION}.json`), "utf8"))
      .archives[terraformPlatform()].hashes[0];
    expect(lock).toContain(`"${documented}"`);
  });

  it("the launched executable serves the schema `spot-iac terraform schema` prints", async () => {
    const fromTerraform = JSON.parse((await wd.ok("providers", "schema", "-json")).stdout);
    expect(fromTerraform).toEqual(JSON.parse(cli(["terraform", "schema"])));
  });

  it("applies against the emulator over AutoMTLS, and each provider process exits on Shutdown", async () => {
    wd.env.TF_LOG = "debug";
    const r = await wd.ok("apply", "-no-color", "-auto-approve", "-input=false");
    delete wd.env.TF_LOG;
    expect(r.stdout).toMatch(/Apply complete! Resources: 1 added/);
    expect(r.stderr).toMatch(/serving tfplugin6 on 127\.0\.0\.1:\d+ with AutoMTLS/);
    expect(r.stderr).toMatch(/GRPCController\/Shutdown/);
    expect(r.stderr).toMatch(/plugin process exited/);
    expect(r.stderr).not.toMatch(/signal: killed/);
    const id = JSON.parse((await wd.ok("output", "-json")).stdout).account_id.value;
    const res = await fetch(`${emu.url}/setup/account/${id}`, { headers: { Authorization: `Bearer ${emu.token}` } });
    expect(JSON.stringify(await res.json())).toContain("no-node-here");
    await wd.ok("destroy", "-no-color", "-auto-approve", "-input=false");
  });

  it("the provider exits by itself when terraform is killed (kill -9) in the middle of a plan", async () => {
    // Every account read now hangs, so the plan's refresh waits on the provider.
    await emu.control.injectFault({
      method: "GET",
      path: "/setup/account",
      kind: "latency",
      latencyMs: 15_000,
    });
    wd.write("main.tf", `${tfConfig}provider "spot" {}\ndata "spot_accounts" "all" {}\n`);
    const tf = spawn(terraformPath!, ["plan", "-no-color", "-input=false"], {
      cwd: wd.dir,
      env: wd.env,
      stdio: "ignore",
    });
    try {
      // Terraform launches the provider several times (schema, validation, plan); the one to watch is the
      // process that stays, blocked on the data source read.
      const seen = new Map<number, number>();
      let provider: number | undefined;
      for (let i = 0; i < 400 && provider === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        for (const pid of childrenOf(tf.pid!)) {
          try {
            if (fs.readlinkSync(`/proc/${pid}/exe`).endsWith(names.executable) && !seen.has(pid))
              seen.set(pid, Date.now());
          } catch {
            // exited meanwhile
          }
        }
        provider = [...seen].find(([pid, since]) => Date.now() - since > 2500 && !gone(pid))?.[0];
      }
      expect(provider).toBeDefined();
      expect(gone(provider!)).toBe(false);
      tf.kill("SIGKILL");
      expect(await waitGone(provider!, 5000)).toBe(true);
    } finally {
      tf.kill("SIGKILL");
      await emu.control.clearFaults();
    }
  });
});

describe("provider process without Terraform", () => {
  it("exits when its parent dies, and not before", async () => {
    const exe = path.join(
      providerRelease().mirror,
      "registry.terraform.io",
      "spot-iac",
      "spot",
      VERSION,
      terraformPlatform(),
      names.executable,
    );
    // A shell stands in for Terraform: it starts the provider and is then killed with SIGKILL.
    const parent = spawn("/bin/sh", ["-c", `'${exe}' & echo "pid $!"; wait`], {
      env: {
        PATH: "/nonexistent",
        TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: "6",
        TF_DISABLE_PLUGIN_TLS: "1",
      },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    await new Promise<void>((resolve) =>
      parent.stdout.on("data", (d) => {
        out += d;
        if (/^1\|6\|tcp\|/m.test(out)) resolve();
      }),
    );
    const pid = Number(/^pid (\d+)$/m.exec(out)![1]);
    await new Promise((r) => setTimeout(r, 1200));
    expect(gone(pid)).toBe(false);
    parent.kill("SIGKILL");
    expect(await waitGone(pid, 5000)).toBe(true);
  });
});

(built ? describe : describe.skip)("spot-iac terraform decrypt", () => {
  it("opens a sealed value with the matching private key, from an argument or stdin", () => {
    const keys = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-key-"));
    const keyFile = path.join(dir, "key.pem");
    fs.writeFileSync(keyFile, keys.privateKey, { mode: 0o600 });
    const sealed = seal("tok-abc-123", keys.publicKey);
    expect(cli(["terraform", "decrypt", "--key", keyFile, sealed])).toBe("tok-abc-123\n");
    expect(cli(["terraform", "decrypt", "--key", keyFile], sealed + "\n")).toBe("tok-abc-123\n");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
