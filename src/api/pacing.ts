/**
 * Scheduling by rate budget. Spot limits each (organization, route, method) over a sliding 60 s window and says
 * so in X-RateLimit-Limit / -Remaining / -Reset; requests sent while blocked push the reset further out. So each
 * key's budget is learned from the headers, and a request waits *before* it is sent once the budget is spent,
 * instead of collecting 429s. Every other key keeps going: waiting is per key, never behind another route.
 *
 * Before the first answer of a key no figure exists. Rather than sending one probe alone (which held every
 * other request of that route behind one round trip), a key starts optimistic with a bounded first wave
 * (`unlearnedInFlight` requests in flight); its answers bring the figure, and a 429 slows the key down to the
 * reset it names.
 *
 * `share` (0 < share ≤ 1) keeps this process to that fraction of every learned limit within any 60 s window,
 * for tokens whose budget other tools use too.
 *
 * Also a plain FIFO semaphore: the connection cap of a client.
 */
import { serverWaitMs } from "./backoff";
import { systemClock, type Clock } from "./clock";
import { Fifo } from "./fifo";

/** Spot's documented window. */
export const RATE_WINDOW_MS = 60_000;
/** Requests in flight on a key before its first answer has told its budget. */
export const DEFAULT_UNLEARNED_IN_FLIGHT = 8;

interface Waiter {
  since: number;
  share: number;
  resolve(ticket: PacerTicket): void;
}

interface Budget {
  key: string;
  limit?: number;
  /** Requests we may still send before resetAt, as far as we know. */
  remaining: number;
  resetAt: number;
  inFlight: number;
  /** The server has sent X-RateLimit-Remaining for this key. */
  learned: boolean;
  /** The server answered without any budget header: nothing to pace by. */
  unpaced: boolean;
  /** A lone request sent to learn the figure again once the window reopened. */
  probing: boolean;
  /** Requests handed out so far (an answer's overlap is counted with it). */
  sent: number;
  waiting: Fifo<Waiter>;
  /** Send times within the last window, kept only while some caller's share is below 1. */
  sends?: Fifo<number>;
  cancelTimer?: () => void;
  timerAt?: number;
}

function num(h: Record<string, unknown> | undefined, name: string): number | undefined {
  if (!h) return undefined;
  const v = h[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) ? n : undefined;
}

export interface PacerTicket {
  waitedMs: number;
  /** Call exactly once, with the answer's status and lower-cased headers (none on a network error). */
  release(status: number | undefined, headers: Record<string, unknown> | undefined): void;
}

export interface PacerOptions {
  unlearnedInFlight?: number;
  clock?: Clock;
}

export class Pacer {
  private readonly budgets = new Map<string, Budget>();
  private readonly clock: Clock;
  private readonly unlearnedInFlight: number;

  constructor(opts: PacerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.unlearnedInFlight = Math.max(1, opts.unlearnedInFlight ?? DEFAULT_UNLEARNED_IN_FLIGHT);
  }

  /** Resolves when a request on `key` fits its budget; the request counts as in flight until released. */
  acquire(key: string, share = 1): Promise<PacerTicket> {
    let b = this.budgets.get(key);
    if (!b) {
      b = {
        key,
        remaining: 0,
        resetAt: 0,
        inFlight: 0,
        learned: false,
        unpaced: false,
        probing: false,
        sent: 0,
        waiting: new Fifo(),
      };
      this.budgets.set(key, b);
    }
    const now = this.clock.now();
    if (share < 1 && !b.sends) b.sends = new Fifo();
    // Requests already queued go first (FIFO), so a newcomer cannot overtake them.
    if (b.waiting.length === 0) {
      const t = this.tryGrant(b, now, share, now);
      if (t) return Promise.resolve(t);
    }
    return new Promise((resolve) => {
      b.waiting.push({ since: now, share, resolve });
      this.arm(b, now);
    });
  }

  /** What the pacer currently believes about a key (tests, debugging). */
  peek(key: string): { limit?: number; remaining: number; resetInMs: number; inFlight: number } | undefined {
    const b = this.budgets.get(key);
    return (
      b && {
        limit: b.limit,
        remaining: b.remaining,
        resetInMs: Math.max(0, b.resetAt - this.clock.now()),
        inFlight: b.inFlight,
      }
    );
  }

  /** A ticket if a request fits now, else undefined (and nothing changes). */
  private tryGrant(b: Budget, now: number, share: number, since: number): PacerTicket | undefined {
    if (share < 1 && b.limit !== undefined && b.sends) {
      while (b.sends.length && b.sends.peek()! <= now - RATE_WINDOW_MS) b.sends.shift();
      if (b.sends.length >= Math.max(1, Math.floor(b.limit * share))) return undefined;
    }
    let probe = false;
    if (b.unpaced) {
      // Nothing to pace by; the connection cap still bounds concurrency.
    } else if (!b.learned) {
      if (b.inFlight >= Math.max(1, Math.floor(this.unlearnedInFlight * share))) return undefined;
    } else if (b.remaining > 0) {
      b.remaining--;
    } else if (now >= b.resetAt && b.inFlight === 0 && !b.probing) {
      // Spot sends Reset 0 while a request is allowed; once requests in flight have spent what was left, only
      // their answers, not the clock, tell when the next one fits. So one goes alone when nothing is in flight.
      b.probing = probe = true;
    } else {
      return undefined;
    }
    b.sends?.push(now);
    const othersInFlight = b.inFlight++;
    const sentAt = ++b.sent;
    let released = false;
    return {
      waitedMs: now - since,
      release: (status, headers) => {
        if (released) return;
        released = true;
        this.onAnswer(b, probe, othersInFlight + (b.sent - sentAt), status, headers);
      },
    };
  }

  /** Record an answer's rate-limit headers (none on a network error), free its slot, and let waiters go. */
  private onAnswer(
    b: Budget,
    probe: boolean,
    overlapped: number,
    status: number | undefined,
    headers: Record<string, unknown> | undefined,
  ): void {
    b.inFlight = Math.max(0, b.inFlight - 1);
    if (probe) b.probing = false;
    const now = this.clock.now();
    const remaining = num(headers, "x-ratelimit-remaining");
    const limit = num(headers, "x-ratelimit-limit");
    const resetMs = serverWaitMs(headers, now);
    if (limit !== undefined) b.limit = limit;
    if (status === 429) {
      b.learned = true;
      b.unpaced = false;
      b.remaining = 0;
      b.resetAt = Math.max(b.resetAt, now + (resetMs || 1000));
    } else if (remaining !== undefined) {
      // Any request in flight at some point during this one's may have been counted after it, so it may spend
      // from this figure: answers overtake each other, and so do requests on their way in.
      b.learned = true;
      b.unpaced = false;
      b.remaining = Math.max(0, remaining - overlapped);
      // Never earlier: a figure overtaken by a newer one may carry a Reset of 0 where the newer one said wait.
      if (resetMs !== undefined) b.resetAt = Math.max(b.resetAt, now + resetMs);
    } else if (!b.learned && status !== undefined) {
      b.unpaced = true;
    } else if (b.remaining === 0 && now >= b.resetAt) {
      // No headers this time (e.g. a proxy answered): do not stay blocked forever.
      b.remaining = 1;
    }
    this.drain(b, now);
  }

  private drain(b: Budget, now: number): void {
    for (;;) {
      const w = b.waiting.peek();
      if (!w) break;
      const t = this.tryGrant(b, now, w.share, w.since);
      if (!t) break;
      b.waiting.shift();
      w.resolve(t);
    }
    this.arm(b, now);
  }

  /** While requests wait on time (a reset, the share's window), wake up when it passes. */
  private arm(b: Budget, now: number): void {
    if (!b.waiting.length) return;
    let at: number | undefined;
    if (b.learned && !b.unpaced && b.remaining <= 0 && now < b.resetAt) at = b.resetAt;
    const w = b.waiting.peek()!;
    if (w.share < 1 && b.limit !== undefined && b.sends?.length) {
      const cap = Math.max(1, Math.floor(b.limit * w.share));
      if (b.sends.length >= cap) at = Math.max(at ?? 0, b.sends.peek()! + RATE_WINDOW_MS);
    }
    // Waiting only for answers in flight: their release drains. Nothing in flight and no time gate cannot
    // normally happen; a second's timer keeps such a key from stalling.
    if (at === undefined && b.inFlight > 0) return;
    at ??= now + 1000;
    if (b.cancelTimer && b.timerAt !== undefined && b.timerAt <= at) return;
    b.cancelTimer?.();
    b.timerAt = at;
    b.cancelTimer = this.clock.timer(
      () => {
        b.cancelTimer = undefined;
        b.timerAt = undefined;
        this.drain(b, this.clock.now());
      },
      Math.max(1, at - now),
    );
  }
}

// Budgets are the organization's, not the client object's: clients with the same token in one process
// (e.g. several Pulumi resources) share them.
const pacers = new Map<string, Pacer>();

export function sharedPacer(scope: string, opts?: PacerOptions): Pacer {
  let p = pacers.get(scope);
  if (!p) {
    p = new Pacer(opts);
    pacers.set(scope, p);
  }
  return p;
}

/** A counting semaphore: at most `max` holders at once, FIFO, O(1) per operation. */
export class Semaphore {
  private active = 0;
  private readonly queue = new Fifo<() => void>();
  constructor(private readonly max: number) {}

  acquire(): Promise<void> | undefined {
    if (this.active < this.max) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }
}
