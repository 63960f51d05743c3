/**
 * Helpers for driving the real `terraform` binary against the provider: an in-process server reached
 * through TF_REATTACH_PROVIDERS, and per-test working directories with their own CLI configuration.
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
