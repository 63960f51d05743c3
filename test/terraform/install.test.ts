/**
 * Packaging: `spot-iac terraform install` writes a filesystem mirror; the real terraform binary then
 * `init`s offline and launches bin/terraform-provider-spot through it (go-plugin handshake with AutoMTLS,
 * GRPCController/Shutdown), and `spot-iac terraform schema` prints what `terraform providers schema -json`
 * reports. Uses the built dist/ (npm test builds first).
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliConfigBlock, installMirror, terraformPlatform } from "../../src/terraform/install";
import { seal } from "../../src/terraform/sealed";
import { VERSION } from "../../src/version";
import { Workdir, terraformPath } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spot-iac");
const built =
  fs.existsSync(path.join(ROOT, "dist", "terraform", "main.js")) &&
  fs.existsSync(path.join(ROOT, "dist", "cli", "main.js"));

function cli(args: string[], input?: string): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input,
    env: { ...process.env, SPOT_IAC_LOG: "" },
  });
}

describe("spot-iac terraform install (mirror layout)", () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-mirror-"))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("maps Node platforms to Terraform's", () => {
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
    expect(terraformPlatform("darwin", "arm64")).toBe("darwin_arm64");
    expect(() => terraformPlatform("win32", "x64")).toThrow(/Windows/);
    expect(() => terraformPlatform("linux", "mips")).toThrow(/unsupported CPU architecture "mips"/);
  });

  (built ? it : it.skip)("writes an executable launcher at the registry path Terraform looks up", () => {
    const r = installMirror(path.join(tmp, "m"), { nodePath: "/opt/node's/bin/node" });
    const expected = path.join(
      tmp,
      "m",
      "registry.terraform.io",
      "spot-iac",
      "spot",
      VERSION,
      terraformPlatform(),
      `terraform-provider-spot_v${VERSION}`,
    );
    expect(r.executable).toBe(expected);
    expect(fs.statSync(expected).mode & 0o777).toBe(0o755);
    const text = fs.readFileSync(expected, "utf8");
    expect(text.startsWith("#!/bin/sh\n")).toBe(true);
    expect(text).toContain(
      `exec '/opt/node'\\''s/bin/node' '${path.join(ROOT, "bin", "terraform-provider-spot")}' "$@"`,
    );
    expect(r.cliConfig).toBe(cliConfigBlock(path.join(tmp, "m")));
    expect(r.cliConfig).toContain('include = ["registry.terraform.io/spot-iac/spot"]');
    expect(r.cliConfig).toContain('exclude = ["registry.terraform.io/spot-iac/spot"]');
  });

  it("refuses to install an unbuilt package", () => {
    expect(() => installMirror(path.join(tmp, "x"), { packageRoot: tmp })).toThrow(/not built.*npm run build/);
  });
});

if (!built) process.stdout.write("SKIP terraform launch through the mirror: dist/ is not built (run npm run build)\n");
if (!terraformPath) process.stdout.write("SKIP terraform launch through the mirror: terraform is not on PATH\n");

(built && terraformPath ? describe : describe.skip)("terraform init offline and launch through the mirror", () => {
  let wd: Workdir;
  beforeAll(() => {
    wd = new Workdir();
    const out = cli([
      "terraform",
      "install",
      "--dir",
      path.join(wd.dir, "mirror"),
      "--cli-config",
      wd.env.TF_CLI_CONFIG_FILE!,
    ]);
    expect(out).toContain(`Installed spot-iac/spot ${VERSION}`);
    wd.write(
      "main.tf",
      `terraform {
  required_providers {
    spot = { source = "spot-iac/spot", version = "${VERSION}" }
  }
}
provider "spot" {
  token    = "unused-token-for-a-plan-without-resources"
  base_url = "http://127.0.0.1:9"
}
`,
    );
  });
  afterAll(() => wd?.remove());

  it("terraform init installs the provider from the mirror without network", async () => {
    const r = await wd.ok("init", "-no-color", "-input=false");
    expect(r.stdout).toContain(`Installed spot-iac/spot v${VERSION} (unauthenticated)`);
    expect(wd.read(".terraform.lock.hcl")).toContain('provider "registry.terraform.io/spot-iac/spot"');
  });

  it("the launched provider serves the schema `spot-iac terraform schema` prints", async () => {
    const fromTerraform = JSON.parse((await wd.ok("providers", "schema", "-json")).stdout);
    expect(fromTerraform).toEqual(JSON.parse(cli(["terraform", "schema"])));
  });

  it("plans over AutoMTLS and exits on Shutdown instead of being killed", async () => {
    wd.env.TF_LOG = "debug";
    const r = await wd.ok("plan", "-no-color", "-input=false");
    delete wd.env.TF_LOG;
    expect(r.stdout).toMatch(/No changes/);
    expect(r.stderr).toMatch(/serving tfplugin6 on 127\.0\.0\.1:\d+ with AutoMTLS/);
    expect(r.stderr).toMatch(/GRPCController\/Shutdown/);
    expect(r.stderr).toMatch(/plugin process exited/);
    expect(r.stderr).not.toMatch(/signal: killed/);
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
