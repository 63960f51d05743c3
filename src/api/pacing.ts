/**
 * Client-side pacing. Spot limits each (organization, route, method) over a sliding 60 s window and says so in
 * X-RateLimit-Limit / -Remaining / -Reset; hitting 429 while blocked pushes the reset further out. So the client
 * learns each budget from the headers and waits *before* sending once it is spent, instead of collecting 429s.
 * Plus a plain concurrency cap per client.
 */
import { serverWaitMs, sleep } from "./backoff";

interface Budget {
  limit?: number;
  /** Requests we may still send before resetAt, as far as we know. */
  remaining: number;
  resetAt: number;
  inFlight: number;
  /** With no current figure (first use, window reopened), one request goes first to learn the budget. */
  probing: boolean;
  /** The server has sent X-RateLimit-Remaining for this key. */
  learned: boolean;
  /** Requests handed out so far. */
  sent: number;
}

function num(h: Record<string, unknown> | undefined, name: string): number | undefined {
  if (!h) return undefined;
  const v = h[name] ?? h[name.toLowerCase()];
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) ? n : undefined;
}

export interface PacerTicket {
  waitedMs: number;
  release(status: number | undefined, headers: Record<string, unknown> | undefined): void;
}

export class Pacer {
  private budgets = new Map<string, Budget>();
  private waiters = new Set<() => void>();

  /**
   * Wait until a request on `key` fits the learned budget, then count it as in flight. The ticket's release
   * must be called exactly once, with the answer's status and headers (none on a network error).
   */
  async acquire(key: string): Promise<PacerTicket> {
    const start = Date.now();
    for (;;) {
      const b = this.budgets.get(key);
      const now = Date.now();
      if (!b) {
        // The first request of a route goes alone: a burst before the budget is known could overrun it.
        this.budgets.set(key, { remaining: 0, resetAt: 0, inFlight: 1, probing: true, learned: false, sent: 1 });
        return this.ticket(key, now - start, true, 0, 1);
      }
      if (b.remaining > 0) {
        b.remaining--;
        return this.ticket(key, now - start, false, b.inFlight++, ++b.sent);
      }
      // Spot sends Reset 0 while a request is allowed; when requests in flight have spent what was left since,
      // their answers, not the clock, tell when the next one fits: probing now could overrun the window (a 429).
      if (now >= b.resetAt && !b.probing && b.inFlight === 0) {
        b.probing = true;
        return this.ticket(key, now - start, true, b.inFlight++, ++b.sent);
      }
      // Wake at the reset time, or earlier when a response brings a fresh figure.
      const wait = now < b.resetAt ? b.resetAt - now : 1000;
      await this.waitForChange(wait);
    }
  }

  /** `othersInFlight` and `sentAt` (this request's number) let its answer know which requests overlapped it. */
  private ticket(key: string, waitedMs: number, probe: boolean, othersInFlight: number, sentAt: number): PacerTicket {
    let released = false;
    return {
      waitedMs,
      release: (status, headers) => {
        if (released) return;
        released = true;
        const b = this.budgets.get(key);
        this.release(key, probe, othersInFlight + (b ? b.sent - sentAt : 0), status, headers);
      },
    };
  }

  /** Record a response's rate-limit headers (or none, on a network error) and free the slot. */
  private release(
    key: string,
    probe: boolean,
    overlapped: number,
    status: number | undefined,
    headers: Record<string, unknown> | undefined,
  ): void {
    const b = this.budgets.get(key);
    if (!b) return;
    b.inFlight = Math.max(0, b.inFlight - 1);
    if (probe) b.probing = false;
    const now = Date.now();
    const remaining = num(headers, "x-ratelimit-remaining");
    const limit = num(headers, "x-ratelimit-limit");
    const resetMs = serverWaitMs(headers, now);
    if (limit !== undefined) b.limit = limit;
    if (status === 429) {
      b.remaining = 0;
      b.resetAt = Math.max(b.resetAt, now + (resetMs ?? 1000));
    } else if (remaining !== undefined) {
      // Any request in flight at some point during this one's (answered or not) may have been handled after it,
      // so it may spend from this figure: answers overtake each other, and so do requests on their way in.
      b.learned = true;
      b.remaining = Math.max(0, remaining - overlapped);
      // Never earlier: a figure overtaken by a newer one may carry a Reset of 0 where the newer one said wait.
      if (resetMs !== undefined) b.resetAt = Math.max(b.resetAt, now + resetMs);
    } else if (!b.learned && status !== undefined) {
      // The server publishes no budget for this route: nothing to pace by.
      b.remaining = Infinity;
    } else if (b.remaining === 0 && now >= b.resetAt) {
      // No headers this time (e.g. a proxy answered): do not stay blocked forever.
      b.remaining = 1;
    }
    this.notify();
  }

  /** What the pacer currently believes about a key (tests, debugging). */
  peek(key: string): { limit?: number; remaining: number; resetInMs: number } | undefined {
    const b = this.budgets.get(key);
    return b && { limit: b.limit, remaining: b.remaining, resetInMs: Math.max(0, b.resetAt - Date.now()) };
  }

  private notify(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.waiters.delete(finish);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(1, ms));
      this.waiters.add(finish);
    });
  }
}

// Budgets are the organization's, not the client object's: two clients with the same token in one process
// (e.g. several Pulumi resources) share them.
const pacers = new Map<string, Pacer>();

export function sharedPacer(scope: string): Pacer {
  let p = pacers.get(scope);
  if (!p) {
    p = new Pacer();
    pacers.set(scope, p);
  }
  return p;
}

/** A counting semaphore: at most `max` holders at once, FIFO. */
export class Semaphore {
  private active = 0;
  private queue: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }

  get inUse(): number {
    return this.active;
  }
}

export { sleep };
