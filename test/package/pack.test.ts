/**
 * The npm package as users get it: `npm pack` of the built checkout, unpacked into an empty project's
 * node_modules as npm installs it, beside only what its package.json declares (dependencies, optional
 * dependencies, and the front-end SDKs a user brings as peers), then every public entry point loaded from
 * there in a fresh Node process, and the `spot-iac` binary run through npx. The declared packages are links
 * to the checkout's node_modules (an offline, seconds-long stand-in for `npm install`): a module the package
 * needs but does not declare is not found, as it would not be for a user.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VERSION } from "../../src/version";

const ROOT = path.resolve(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const built =
  fs.existsSync(path.join(ROOT, "dist", "index.js")) &&
  fs.existsSync(path.join(ROOT, "dist", "constructs", "index.js"));
if (!built) process.stdout.write("SKIP npm package: dist/ is not built (npm run build)\n");

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

(built ? describe : describe.skip)("npm package installed from its tarball into an empty project", () => {
  let tmp: string;
  let app: string;
  let files: string[];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-pack-"));
    // The test runs on what `npm test` just built; `npm pack` proper builds first (prepack).
    const packed = JSON.parse(run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], ROOT))[0];
    files = packed.files.map((f: { path: string }) => f.path).sort();
    app = path.join(tmp, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    // Unpacked as npm does: the tarball's package/ becomes node_modules/spot-iac, its bins are linked.
    const target = path.join(app, "node_modules", "spot-iac");
    fs.mkdirSync(target, { recursive: true });
    run("tar", ["-xzf", path.join(tmp, packed.filename), "-C", target, "--strip-components=1"], tmp);
    const installed = JSON.parse(fs.readFileSync(path.join(target, "package.json"), "utf8"));
    const declared = [
      ...Object.keys(installed.dependencies ?? {}),
      ...Object.keys(installed.optionalDependencies ?? {}),
      ...Object.keys(installed.peerDependencies ?? {}),
    ];
    for (const dep of declared) {
      const link = path.join(app, "node_modules", dep);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(ROOT, "node_modules", dep), link, "dir");
    }
    fs.mkdirSync(path.join(app, "node_modules", ".bin"));
    for (const [name, file] of Object.entries(installed.bin as Record<string, string>))
      fs.symlinkSync(path.join("..", "spot-iac", file), path.join(app, "node_modules", ".bin", name));
  }, 120_000);
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it("ships the built code, the license and the schema, and no sources, maps or provider internals", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "package.json",
        "bin/spot-iac",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/constructs/index.js",
        "dist/constructs/index.d.ts",
        "dist/emulator/index.js",
        "dist/pulumi/runtime.js",
        "schemas/spot-iac.schema.json",
      ]),
    );
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => /^(src|test|constructs|scripts|proto)\//.test(f))).toEqual([]);
    expect(files).not.toContain("bin/terraform-provider-spot");
    const withMapUrl = files.filter(
      (f) => f.endsWith(".js") && fs.readFileSync(path.join(ROOT, f), "utf8").includes("sourceMappingURL"),
    );
    expect(withMapUrl).toEqual([]);
    expect(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it("every public entry point loads from the installed package; internals are not reachable", () => {
    const script = `
      const assert = require("node:assert");
      const spot = require("spot-iac");
      assert.strictEqual(typeof spot.Account, "function");
      assert.strictEqual(typeof spot.ProgrammaticUser, "function");
      assert.strictEqual(typeof spot.Connection, "function");
      const c = require("spot-iac/constructs");
      assert.strictEqual(typeof c.SpotAccount, "function");
      assert.strictEqual(typeof c.SpotOrganization, "function");
      assert.strictEqual(typeof c.SpotProvider, "function");
      assert.strictEqual(typeof c.spot.account.Account, "function");
      assert.strictEqual(typeof require("spot-iac/client").SpotClient, "function");
      assert.strictEqual(require("spot-iac/package.json").version, ${JSON.stringify(VERSION)});
      // What the serialized Pulumi providers require() inside the provider host.
      const runtime = require("spot-iac/dist/pulumi/runtime");
      assert.strictEqual(typeof runtime.create, "function");
      assert.throws(() => require("spot-iac/dist/api"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
      (async () => {
        const emu = await require("spot-iac/emulator").startEmulator({ memory: true });
        const org = await emu.control.bootstrap();
        const res = await fetch(emu.url + "/setup/account", { headers: { Authorization: "Bearer " + org.token } });
        assert.strictEqual(res.status, 200);
        await emu.close();
        console.log("ok");
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    expect(execFileSync(process.execPath, ["-e", script], { cwd: app, encoding: "utf8" }).trim()).toBe("ok");
  });

  it("the Pulumi classes point the provider host at the package by name, not at a path", () => {
    const script = `
      const provider = require(require.resolve("spot-iac").replace(/index\\.js$/, "pulumi/provider.js"));
      console.log(provider.defaultRuntimeModule());
    `;
    expect(execFileSync(process.execPath, ["-e", script], { cwd: app, encoding: "utf8" }).trim()).toBe(
      "spot-iac/dist/pulumi/runtime",
    );
  });

  it("npx spot-iac --version runs the installed CLI", () => {
    expect(run(npm, ["exec", "--offline", "--", "spot-iac", "--version"], app).trim()).toBe(VERSION);
  });

  it("TypeScript finds the types of every entry point, with node10 and node16 module resolution", () => {
    fs.writeFileSync(
      path.join(app, "index.ts"),
      `import * as spot from "spot-iac";
import { SpotAccount, spot as l1 } from "spot-iac/constructs";
import { startEmulator } from "spot-iac/emulator";
import { SpotClient } from "spot-iac/client";
export const kinds: unknown[] = [spot.Account, SpotAccount, l1.account.Account, startEmulator, SpotClient];
`,
    );
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    for (const resolution of ["node10", "node16"]) {
      const module = resolution === "node16" ? "node16" : "commonjs";
      run(
        process.execPath,
        [
          tsc,
          "--noEmit",
          "--strict",
          "--skipLibCheck",
          "--types",
          "node",
          "--typeRoots",
          path.join(ROOT, "node_modules", "@types"),
          "--module",
          module,
          "--moduleResolution",
          resolution,
          "index.ts",
        ],
        app,
      );
    }
  });
});
