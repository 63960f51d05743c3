/**
 * One apply at a time per organization, on this machine: a lock file per organization next to the journal,
 * created exclusively (O_EXCL), holding who took it. A second apply finds it and stops before changing anything,
 * saying which run holds it. A lock whose process is gone (same host) is taken over: a killed run must not block
 * the next one forever.
 *
 * Across machines (two CI runners), spot-iac cannot make a lock in Spot that is safe (Spot documents no atomic
 * create-if-absent for any object that could carry one), so pipelines serialize applies per organization with the
 * CI system's own concurrency controls (see examples/ci/), and the core's create checks keep a race from ending in
 * duplicates.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export interface LockInfo {
  pid: number;
  host: string;
  runId: string;
  started: string;
}

export class LockedError extends Error {
  constructor(
    readonly org: string,
    readonly holder: LockInfo | undefined,
    readonly path: string,
  ) {
    super(
      `organization ${org} is being applied by another run` +
        (holder ? ` (run ${holder.runId}, pid ${holder.pid} on ${holder.host}, since ${holder.started})` : "") +
        `; nothing was changed. Wait for it to finish and run apply again` +
        ` (if that run crashed on another machine, remove ${path})`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function fileName(org: string): string {
  return org.replace(/[^A-Za-z0-9._-]/g, "_") + ".lock";
}

/** Take the locks of these organizations, or throw LockedError (taking none). Returns the release function. */
export function lockOrganizations(dir: string, orgs: string[], runId: string): () => void {
  mkdirSync(dir, { recursive: true });
  const held: string[] = [];
  const release = () => {
    for (const p of held.splice(0)) rmSync(p, { force: true });
  };
  const me: LockInfo = { pid: process.pid, host: hostname(), runId, started: new Date().toISOString() };
  try {
    for (const org of orgs) {
      const path = join(dir, fileName(org));
      for (let attempt = 0; ; attempt++) {
        try {
          const fd = openSync(path, "wx", 0o600);
          writeSync(fd, JSON.stringify(me));
          closeSync(fd);
          held.push(path);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          let holder: LockInfo | undefined;
          try {
            holder = JSON.parse(readFileSync(path, "utf8"));
          } catch {
            holder = undefined;
          }
          // A lock left by a process of this host that no longer exists: take it over (once).
          if (attempt === 0 && holder && holder.host === me.host && !alive(holder.pid)) {
            rmSync(path, { force: true });
            continue;
          }
          throw new LockedError(org, holder, path);
        }
      }
    }
  } catch (e) {
    release();
    throw e;
  }
  return release;
}
