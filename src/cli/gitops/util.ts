/** Small helpers: a concurrency limiter, id generation, secret scrubbing. */
import { randomBytes } from "node:crypto";

/** Run at most `n` tasks at once; tasks queue in call order. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= n || queue.length === 0) return;
    active++;
    queue.shift()!();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

/** A run id that sorts by time and reads well in a User-Agent: `r20250101T120000Z-1a2b3c`. */
export function newRunId(now = new Date()): string {
  const ts = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `r${ts}-${randomBytes(3).toString("hex")}`;
}

/** Replace every occurrence of a known secret value (longer than 3 characters) with "(secret)". */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s && s.length > 3) out = out.split(s).join("(secret)");
  return out;
}

export function errorMessage(e: unknown): string {
  const m = (e as Error)?.message ?? String(e);
  return m.split("\n")[0];
}
