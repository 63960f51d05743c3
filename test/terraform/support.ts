/**
 * Helpers for driving the real `terraform` binary against the provider: the released executable (built once
 * per content hash, see providerRelease), an in-process server reached through TF_REATTACH_PROVIDERS (for the
 * fixture kinds), and per-test working directories with their own CLI configuration.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodeDynamic, encodeDynamic } from "../../src/terraform/codec";
import type { ProviderOptions } from "../../src/terraform/provider";
import { createProvider } from "../../src/terraform/provider";
import type { RunningServer } from "../../src/terraform/server";
import { serve } from "../../src/terraform/server";

export const terraformPath: string | undefined = (() => {
  const r = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();

/** `describe` when terraform is on PATH; otherwise a visible SKIP line and skipped tests. */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (terraformPath) describe(name, fn);
  else {
    process.stdout.write(`SKIP ${name}: terraform is not on PATH\n`);
    describe.skip(name, fn);
  }
}

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The provider release (`scripts/terraform-release.js`: the single executable in its zip, SHA256SUMS, …) of
 * the current sources, built once per content hash and kept in a cache directory across test runs
 * (SPOT_IAC_PROVIDER_CACHE, default <tmp>/spot-iac-provider-cache), so that every end-to-end test runs the
 * executable users get while the suite pays for one build. Jest workers building at once take turns through
 * a lock directory.
 */
export function providerRelease(): { dir: string; mirror: string } {
  const { inputsHash } = require(path.join(ROOT, "scripts", "terraform-release.js"));
  const cache = process.env.SPOT_IAC_PROVIDER_CACHE || path.join(os.tmpdir(), "spot-iac-provider-cache");
  const key = (inputsHash(ROOT) as string).slice(0, 20);
  const dir = path.join(cache, key);
  const result = { dir: path.join(dir, "release"), mirror: path.join(dir, "mirror") };
  const done = path.join(dir, ".complete");
  if (fs.existsSync(done)) return result;
  fs.mkdirSync(cache, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(done)) return result;
      // A lock left by a killed run: older than any build takes.
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (fs.existsSync(done)) return result;
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    // A child process: release() is async, and this helper must stay synchronous for beforeAll callers.
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, "scripts", "terraform-release.js"), "--out", path.join(tmp, "release")],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`building the provider release failed:\n${r.stderr}`);
    const { installMirror } = require("../../src/terraform/install") as typeof import("../../src/terraform/install");
    installMirror(path.join(tmp, "mirror"), { from: path.join(tmp, "release") });
    fs.writeFileSync(path.join(tmp, ".complete"), new Date().toISOString());
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    // Builds of older sources are of no further use.
    for (const e of fs.readdirSync(cache))
      if (e !== key && !e.endsWith(".lock")) fs.rmSync(path.join(cache, e), { recursive: true, force: true });
    return result;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export async function startInProcess(options: ProviderOptions): Promise<RunningServer> {
  return serve({
    provider: createProvider({ ...options }),
    debug: true,
    stdout: () => undefined,
    onShutdown: () => undefined,
  });
}

export interface TfResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Workdir {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(extraEnv: NodeJS.ProcessEnv = {}, cliConfig = "") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-tf-"));
    const rc = path.join(this.dir, "cli.tfrc");
    fs.writeFileSync(rc, cliConfig);
    this.env = {
      PATH: process.env.PATH,
      HOME: this.dir,
      TF_CLI_CONFIG_FILE: rc,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      ...extraEnv,
    };
  }

  write(name: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, name), text);
  }

  read(name: string): string {
    return fs.readFileSync(path.join(this.dir, name), "utf8");
  }

  /** Run terraform asynchronously (the in-process provider must keep serving meanwhile). */
  run(...args: string[]): Promise<TfResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(terraformPath!, args, { cwd: this.dir, env: this.env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  async ok(...args: string[]): Promise<TfResult> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  /** Every file Terraform wrote under the working directory (state, backups, plans, lock file, .terraform/). */
  allFiles(): string {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && !e.name.endsWith(".tf") && fs.statSync(p).size < 5_000_000)
          out.push(fs.readFileSync(p).toString("latin1"));
      }
    };
    walk(this.dir);
    return out.join("\n");
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** msgpack helpers for protocol-level tests. */
export const dv = (v: unknown): { msgpack: Buffer } => encodeDynamic(v);
export const undv = (d: unknown): any => decodeDynamic(d as any);
