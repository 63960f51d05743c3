/**
 * Time as the client sees it. Injected in tests (ClientOptions.clock) so that backoff waits, the unreachable
 * window and pacing can be driven without sleeping.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Call `fn` after `ms`; the returned function cancels it. */
  timer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  timer: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};
