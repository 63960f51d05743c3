/**
 * What a CI runner gives a job, reproduced on this machine: a fresh workspace cloned from a git repository, a
 * home, a PATH on which `npm install --global spot-iac@V` works (a fake npm puts a `spot-iac` launching this
 * checkout's bin/spot-iac on the PATH, and records what was asked for), and bash. Processes are spawned
 * asynchronously: the emulator the commands talk to runs in this process.
 */
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";

export const REPO_ROOT = join(__dirname, "../../..");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** A directory for the whole test file; `cleanup` removes it. */
export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "spot-iac-ci-"));
  private n = 0;

  mkdir(prefix: string): string {
    const d = join(this.dir, `${prefix}-${++this.n}`);
    mkdirSync(d, { recursive: true });
    return d;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const GIT_ENV = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  GIT_AUTHOR_NAME: "Dev",
  GIT_AUTHOR_EMAIL: "dev@example.com",
  GIT_COMMITTER_NAME: "Dev",
  GIT_COMMITTER_EMAIL: "dev@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  LANG: "C.UTF-8",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await run("git", ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], {
    cwd,
    env: { ...GIT_ENV, HOME: cwd },
  });
  if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The repository the pipelines check out: branches, commits, fast-forward merges. */
export class GitRepo {
  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<GitRepo> {
    await git(dir, "init", "--quiet");
    const repo = new GitRepo(dir);
    await repo.commit("main", { "README.md": "Spot organizations, managed with spot-iac.\n" }, "Initial commit");
    return repo;
  }

  /** Commit these files (null deletes) on the branch, creating it from main; returns the commit. */
  async commit(branch: string, files: Record<string, string | null>, message: string): Promise<string> {
    const branches = (await git(this.dir, "branch", "--list", branch)).trim();
    if (branches) await git(this.dir, "checkout", "--quiet", branch);
    else if ((await git(this.dir, "branch", "--list")).trim())
      await git(this.dir, "checkout", "--quiet", "-b", branch, "main");
    for (const [name, text] of Object.entries(files)) {
      const p = join(this.dir, name);
      if (text === null) rmSync(p, { force: true });
      else {
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
      }
    }
    await git(this.dir, "add", "--all");
    await git(this.dir, "commit", "--quiet", "--allow-empty", "-m", message);
    return this.head(branch);
  }

  head(branch: string): Promise<string> {
    return git(this.dir, "rev-parse", branch);
  }

  /** Merge the branch into main (fast-forward, as a rebase-merge would); returns main's new head. */
  async merge(branch: string): Promise<string> {
    await git(this.dir, "checkout", "--quiet", "main");
    await git(this.dir, "merge", "--quiet", "--ff-only", branch);
    return this.head("main");
  }

  /** A runner's checkout of this commit. */
  async checkout(sha: string, into: string): Promise<void> {
    await git(dirname(into), "clone", "--quiet", "--no-hardlinks", this.dir, into);
    await git(into, "checkout", "--quiet", "--detach", sha);
  }
}

/** One job's machine: workspace, home, temp, and the tools on its PATH. */
export class Machine {
  readonly workspace: string;
  readonly home: string;
  readonly temp: string;
  readonly bin: string;
  private readonly tools: string;
  private readonly npmLog: string;

  constructor(readonly root: string) {
    this.workspace = join(root, "workspace");
    this.home = join(root, "home");
    this.temp = join(root, "temp");
    this.bin = join(root, "global-bin");
    this.tools = join(root, "tools");
    this.npmLog = join(root, "npm.log");
    for (const d of [this.home, this.temp, this.bin, this.tools]) mkdirSync(d, { recursive: true });
    // npm: only `npm install --global … spot-iac@VERSION`, which "installs" this checkout's CLI.
    const npm = [
      `#!${process.execPath}`,
      `const fs = require("fs");`,
      `const args = process.argv.slice(2);`,
      `const spec = args.find((a) => a.startsWith("spot-iac@"));`,
      `if (args[0] !== "install" || !(args.includes("--global") || args.includes("-g")) || !spec) {`,
      `  console.error("fake npm: not a global install of spot-iac: " + args.join(" "));`,
      `  process.exit(1);`,
      `}`,
      `fs.appendFileSync(${JSON.stringify(this.npmLog)}, spec + "\\n");`,
      `const launcher = ${JSON.stringify(`#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, "bin/spot-iac")}" "$@"\n`)};`,
      `fs.writeFileSync(${JSON.stringify(join(this.bin, "spot-iac"))}, launcher, { mode: 0o755 });`,
      `console.log("added 1 package: " + spec);`,
    ].join("\n");
    writeFileSync(join(this.tools, "npm"), npm + "\n");
    chmodSync(join(this.tools, "npm"), 0o755);
    writeFileSync(join(this.tools, "npx"), `#!/bin/sh\necho "fake npx: not available on this runner" >&2\nexit 1\n`);
    chmodSync(join(this.tools, "npx"), 0o755);
  }

  /** What `npm install --global` was asked to install, in order. */
  installs(): string[] {
    return existsSync(this.npmLog) ? readFileSync(this.npmLog, "utf8").trim().split("\n") : [];
  }

  /** The environment every process of the job starts from: nothing of this test process's own. */
  baseEnv(): Record<string, string> {
    return {
      PATH: [this.bin, this.tools, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
      HOME: this.home,
      TMPDIR: this.temp,
      LANG: "C.UTF-8",
      CI: "true",
    };
  }

  bash(script: string, env: Record<string, string>, args: string[] = ["--noprofile", "--norc", "-eo", "pipefail"]) {
    const file = join(this.temp, `script-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(file, script);
    return run("bash", [...args, file], { cwd: this.workspace, env });
  }
}

/** Every regular file under dir, by path relative to it (`/`-separated). */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(relative(dir, p).split(sep).join("/"), readFileSync(p));
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  return out;
}

/** Write files (relative path → content) under dir. */
export function writeFiles(dir: string, files: Map<string, Buffer>): void {
  for (const [rel, data] of files) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
}
