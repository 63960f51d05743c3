/**
 * The provider executable is reproducible: a second checkout of the same files at another path builds a
 * byte-identical release zip, and `terraform init` from either release writes the same .terraform.lock.hcl,
 * so a lock file committed by one teammate verifies on another's machine.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliConfigBlock, installMirror, releaseNames, terraformPlatform } from "../../src/terraform/install";
import { VERSION } from "../../src/version";
import { Workdir, providerRelease, terraformPath } from "../terraform/support";

const ROOT = path.resolve(__dirname, "..", "..");
const names = releaseNames();

/** The checkout's files as git sees them (tracked, plus new files not ignored), or undefined outside git. */
function checkoutFiles(): string[] | undefined {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return r.status === 0 ? r.stdout.split("\0").filter((f) => f && fs.existsSync(path.join(ROOT, f))) : undefined;
}

const files = checkoutFiles();
if (!files) process.stdout.write("SKIP reproducible provider build: not a git checkout\n");

(files ? describe : describe.skip)("reproducible provider executable", () => {
  let tmp: string;
  let otherRelease: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-repro-"));
    const other = path.join(tmp, "somewhere", "else", "spot-iac");
    for (const f of files!) {
      fs.mkdirSync(path.dirname(path.join(other, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(other, f));
    }
    // Same dependencies (as a fresh `npm ci` of the same lock file would install them).
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(other, "node_modules"), "dir");
    otherRelease = path.join(tmp, "release");
    const r = spawnSync(
      process.execPath,
      [path.join(other, "scripts", "terraform-release.js"), "--out", otherRelease],
      {
        cwd: other,
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`the build in ${other} failed:\n${r.stderr}`);
  }, 600_000);
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it("two checkouts at different paths build byte-identical release zips and SHA256SUMS", () => {
    const here = providerRelease().dir;
    const a = fs.readFileSync(path.join(here, names.zip));
    const b = fs.readFileSync(path.join(otherRelease, names.zip));
    expect(b.length).toBe(a.length);
    expect(b.equals(a)).toBe(true);
    expect(fs.readFileSync(path.join(otherRelease, names.sums), "utf8")).toBe(
      fs.readFileSync(path.join(here, names.sums), "utf8"),
    );
    expect(fs.readFileSync(path.join(otherRelease, `${VERSION}.json`), "utf8")).toBe(
      fs.readFileSync(path.join(here, `${VERSION}.json`), "utf8"),
    );
  });

  if (!terraformPath) process.stdout.write("SKIP lock files from two checkouts: terraform is not on PATH\n");
  (terraformPath ? it : it.skip)("terraform init from either release writes the same lock file", async () => {
    const locks: string[] = [];
    for (const release of [providerRelease().dir, otherRelease]) {
      const wd = new Workdir();
      try {
        const mirror = installMirror(path.join(wd.dir, "mirror"), { from: release });
        fs.writeFileSync(wd.env.TF_CLI_CONFIG_FILE!, cliConfigBlock(mirror.dir));
        wd.write("main.tf", `terraform {\n  required_providers {\n    spot = { source = "spot-iac/spot" }\n  }\n}\n`);
        await wd.ok("init", "-no-color", "-input=false");
        locks.push(wd.read(".terraform.lock.hcl"));
      } finally {
        wd.remove();
      }
    }
    expect(locks[1]).toBe(locks[0]);
    const h1 = JSON.parse(fs.readFileSync(path.join(otherRelease, `${VERSION}.json`), "utf8")).archives[
      terraformPlatform()
    ].hashes[0];
    expect(locks[0]).toContain(`"${h1}"`);
  });
});
