/**
 * Where the file may make spot-iac read or write: inside its repository only. A `…File` path in the file
 * comes from a pull request, so it must not reach the runner's other files (`../../home/runner/.aws`, a
 * link to one), hang the run (a FIFO), or exhaust memory (`/dev/zero`). Every path is checked after links
 * are resolved, only regular files are read or written, and reads are bounded before they start.
 */
import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Secrets (passwords, keys, key files) are a few KiB; 64 KiB leaves room and bounds what a path can cost. */
export const SECRET_FILE_LIMIT = 64 * 1024;
/** The GitOps file itself (10,000 objects are well under 4 MiB). */
export const SPEC_FILE_LIMIT = 4 * 1024 * 1024;

/** A path the rules refuse, or a file that cannot be read; the message names the path and why. */
export class PathRefusal extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "PathRefusal";
  }
}

/** The directory every path of the file must stay in (real path) and how it was found, for messages. */
export interface Root {
  dir: string;
  how: string;
}

export function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === "" || (r !== ".." && !r.startsWith(".." + sep) && !isAbsolute(r));
}

/** Git's own files hold credentials (actions/checkout keeps the job's token in .git/config). */
function underGit(root: string, p: string): boolean {
  return relative(root, p).split(sep).includes(".git");
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function realOf(p: string): string {
  try {
    return realpathSync(p);
  } catch (e) {
    throw new PathRefusal(`${p} cannot be resolved (${(e as NodeJS.ErrnoException).code}): a broken link?`);
  }
}

function what(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

function size(n: number): string {
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/**
 * The root for a file: `--root DIR` when given, else the nearest enclosing git work tree of the file (a
 * `.git` directory or file), else the file's directory. Found by walking the path as written: a directory
 * link on the way (which a pull request can commit) would make "the enclosing work tree" some other
 * checkout on the runner, so it is refused and `--root` asked for.
 */
export function findRoot(file: string, rootFlag?: string): Root {
  if (rootFlag !== undefined) {
    let dir: string;
    try {
      dir = realpathSync(rootFlag);
    } catch (e) {
      throw new PathRefusal(`--root ${rootFlag}: ${(e as NodeJS.ErrnoException).code ?? "cannot be resolved"}`);
    }
    if (!statSync(dir).isDirectory()) throw new PathRefusal(`--root ${rootFlag} is not a directory`);
    return { dir, how: `--root ${rootFlag}` };
  }
  const start = dirname(resolve(file));
  let found: string | undefined;
  for (let d = start; ; d = dirname(d)) {
    if (lstatOrUndefined(join(d, ".git"))) {
      found = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  const top = found ?? start;
  for (let d = start; ; d = dirname(d)) {
    if (lstatOrUndefined(d)?.isSymbolicLink())
      throw new PathRefusal(
        `${d} is a symbolic link, so the repository of ${file} cannot be told; pass --root DIR (the repository's directory)`,
      );
    if (d === top || dirname(d) === d) break;
  }
  let dir = top;
  try {
    dir = realpathSync(top);
  } catch {
    // A missing directory: reading the file says "file not found".
  }
  return { dir, how: found ? "its git work tree" : "its directory" };
}

/**
 * Resolve a path written in the file (relative to `base`, the file's directory) without touching the disk:
 * no absolute paths, nothing outside the root, nothing under .git. Returns the absolute path or why not.
 */
export function resolveInside(root: Root, base: string, p: string): { path: string } | { problem: string } {
  if (p.includes("\0")) return { problem: "contains a NUL character" };
  if (isAbsolute(p)) return { problem: `is an absolute path; write a path relative to the file, inside ${root.dir}` };
  const full = resolve(base, p);
  if (!inside(root.dir, full))
    return { problem: `leaves the repository (${root.dir}, ${root.how}); write a path inside it` };
  if (underGit(root.dir, full)) return { problem: "is under .git, which spot-iac never reads or writes" };
  return { path: full };
}

/**
 * The contents of a file inside the root, at most `limit` bytes: links resolved and the target checked,
 * regular files only (checked before opening, so a FIFO cannot block), the size checked before reading and
 * the read itself bounded (a file that grows meanwhile is refused, not read to the end).
 */
export function readBounded(root: Root, path: string, limit: number): Buffer {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PathRefusal(`cannot read ${path} (${code})`, code);
  }
  if (!inside(root.dir, real))
    throw new PathRefusal(`${path} resolves to ${real}, outside the repository (${root.dir}, ${root.how})`);
  if (underGit(root.dir, real)) throw new PathRefusal(`${path} resolves to ${real}, under .git`);
  const st = statSync(real);
  if (!st.isFile()) throw new PathRefusal(`${path} is ${what(st)}; only regular files are read`);
  if (st.size > limit) throw new PathRefusal(`${path} is ${st.size} bytes; the limit is ${size(limit)}`);
  // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not wait for a writer.
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const f = fstatSync(fd);
    if (!f.isFile() || f.ino !== st.ino || f.dev !== st.dev)
      throw new PathRefusal(`${path} changed while it was read; run again`);
    const buf = Buffer.alloc(st.size + 1);
    let n = 0;
    for (let r = -1; r !== 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > st.size) throw new PathRefusal(`${path} grew while it was read; run again`);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * May an output secret be written to `path` (absolute, from resolveInside)? Its nearest existing directory
 * must resolve inside the root, and the path itself must be absent or a regular file: never a link (the
 * write would land wherever it points) or a FIFO or device. Throws PathRefusal.
 */
export function checkOutputPath(root: string, path: string): void {
  if (!inside(root, path)) throw new PathRefusal(`${path} is outside the repository (${root})`);
  if (underGit(root, path)) throw new PathRefusal(`${path} is under .git`);
  let d = dirname(path);
  while (!lstatOrUndefined(d)) d = dirname(d);
  const real = realOf(d);
  if (!inside(root, real)) throw new PathRefusal(`${d} resolves to ${real}, outside the repository (${root})`);
  if (!statSync(real).isDirectory()) throw new PathRefusal(`${d} is not a directory`);
  const st = lstatOrUndefined(path);
  if (st && !st.isFile())
    throw new PathRefusal(
      st.isSymbolicLink()
        ? `${path} is a symbolic link; spot-iac does not write through links (remove it)`
        : `${path} is ${what(st)}; spot-iac writes only regular files`,
    );
}

/**
 * Write an output secret (mode 0600) at write time, re-checking what may have changed since the file was
 * loaded (a link planted during the run): the checks of checkOutputPath, missing directories created one
 * at a time (0700) and each resolved again, then a fresh file beside the target renamed over it, so the
 * content never goes through a link. Throws PathRefusal; returns the path written.
 */
export function writeOutputFile(root: string, path: string, content: string): string {
  checkOutputPath(root, path);
  const missing: string[] = [];
  for (let d = dirname(path); !lstatOrUndefined(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const real = realOf(d);
    if (!inside(root, real)) throw new PathRefusal(`${d} resolves to ${real}, outside the repository (${root})`);
  }
  const dir = realOf(dirname(path));
  if (!inside(root, dir)) throw new PathRefusal(`${dirname(path)} resolves to ${dir}, outside the repository`);
  const target = join(dir, basename(path));
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  let open = true;
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
    open = false;
    closeSync(fd);
    // Last look: rename would replace a link rather than follow it, but a FIFO or device is refused outright.
    checkOutputPath(root, target);
    renameSync(tmp, target);
  } catch (e) {
    if (open) closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  return target;
}
