/** Small helpers: a concurrency limiter, secret scrubbing. */

/** Run at most `n` tasks at once; tasks queue in call order (O(1) per task: no array shifting). */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  let queue: (() => void)[] = [];
  let head = 0;
  const next = () => {
    if (active >= n || head >= queue.length) return;
    active++;
    const start = queue[head++];
    // Drop the consumed prefix now and then, so a long run does not keep every finished task alive.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    start();
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
