/**
 * Scheduling by rate budget (src/api/pacing.ts) on an injected clock: no serial probe, budgets learned from
 * headers, 429s slow a key down, the share of the budget, FIFO order; and the O(1) queue underneath.
 */
import { Fifo } from "../../src/api/fifo";
import { Pacer, RATE_WINDOW_MS, Semaphore, type PacerTicket } from "../../src/api/pacing";
import { FakeClock, flush } from "./support/fake-clock";

const KEY = "GET /setup/accountUserMapping";

function headers(limit: number, remaining: number, resetS = 0): Record<string, unknown> {
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": String(resetS),
  };
}

/** Acquire `n` tickets; returns those granted so far (the rest resolve later into the same array). */
function acquireMany(p: Pacer, n: number, key = KEY, share = 1): PacerTicket[] {
  const got: PacerTicket[] = [];
  for (let i = 0; i < n; i++) void p.acquire(key, share).then((t) => got.push(t));
  return got;
}

describe("Pacer", () => {
  test("an unknown route starts with a first wave in flight at once, not one probe alone", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 4 });
    const got = acquireMany(p, 6);
    await flush();
    expect(got).toHaveLength(4);
    // Another route is not held behind this one.
    const other = acquireMany(p, 4, "GET /setup/user");
    await flush();
    expect(other).toHaveLength(4);
    // The first answer tells the budget: everything waiting fits and goes.
    got[0].release(200, headers(60, 59));
    await flush();
    expect(got).toHaveLength(6);
  });

  test("an answer's figure is reduced by the requests that overlapped it, so answers overtaking each other cannot overrun", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 3 });
    const got = acquireMany(p, 10);
    await flush();
    expect(got).toHaveLength(3);
    // Spot counted all three before answering the first: 5 left of 8. Two others are still in flight.
    got[0].release(200, headers(8, 5));
    await flush();
    expect(got).toHaveLength(6); // 5 - 2 overlapping = 3 more
    expect(p.peek(KEY)).toMatchObject({ limit: 8, remaining: 0, inFlight: 5 });
  });

  test("a spent budget waits for the reset Spot names; then one goes alone to learn the new figure", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 1 });
    const got = acquireMany(p, 4);
    await flush();
    got[0].release(200, headers(2, 0, 5));
    await flush();
    expect(got).toHaveLength(1);
    await clock.advance(4_999);
    expect(got).toHaveLength(1);
    await clock.advance(1);
    expect(got).toHaveLength(2); // the probe
    got[1].release(200, headers(2, 1));
    await flush();
    expect(got).toHaveLength(3);
  });

  test("a 429 slows the key down to the reset it names, and only that key", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 2 });
    const got = acquireMany(p, 3);
    await flush();
    got[0].release(429, headers(10, 0, 2));
    got[1].release(429, headers(10, 0, 2));
    await flush();
    expect(got).toHaveLength(2);
    const other = acquireMany(p, 1, "PUT /setup/account/{accountId}");
    await flush();
    expect(other).toHaveLength(1);
    await clock.advance(2_000);
    expect(got).toHaveLength(3);
  });

  test("apiShare: at most share × limit requests per 60 s window, however much Spot says is left", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 1 });
    const got = acquireMany(p, 8, KEY, 0.5);
    await flush();
    expect(got).toHaveLength(1);
    got[0].release(200, headers(10, 9));
    await flush();
    expect(got).toHaveLength(5); // 10 × 0.5
    for (const t of got.slice(1)) t.release(200, headers(10, 9));
    await flush();
    expect(got).toHaveLength(5);
    await clock.advance(RATE_WINDOW_MS - 1);
    expect(got).toHaveLength(5);
    await clock.advance(1);
    expect(got).toHaveLength(8); // the first wave left the window
  });

  test("a route without budget headers is not paced", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 1 });
    const got = acquireMany(p, 50);
    await flush();
    got[0].release(200, {});
    await flush();
    expect(got).toHaveLength(50);
  });

  test("waiters are served in arrival order", async () => {
    const clock = new FakeClock();
    const p = new Pacer({ clock, unlearnedInFlight: 1 });
    const order: number[] = [];
    const tickets: PacerTicket[] = [];
    for (let i = 0; i < 5; i++)
      void p.acquire(KEY).then((t) => {
        order.push(i);
        tickets.push(t);
      });
    await flush();
    tickets[0].release(200, headers(100, 0, 1));
    await clock.advance(1000);
    for (let i = 1; i < 5; i++) {
      tickets[i].release(200, headers(100, 0, 1));
      await clock.advance(1000);
    }
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("Semaphore and Fifo", () => {
  test("the semaphore is FIFO and never exceeds its cap", async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    expect(s.acquire()).toBeUndefined();
    expect(s.acquire()).toBeUndefined();
    const waits = [0, 1, 2].map((i) => s.acquire()!.then(() => order.push(i)));
    expect(s.waiting).toBe(3);
    s.release();
    s.release();
    s.release();
    await Promise.all(waits);
    expect(order).toEqual([0, 1, 2]);
    expect(s.inUse).toBe(2);
  });

  test("the queue keeps order across its compaction", () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift()!);
    }
    while (q.length) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
  });
});
