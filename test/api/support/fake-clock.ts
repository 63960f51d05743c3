/** A clock for the client's time-driven parts (pacing, backoff, fail-fast windows): time moves only when told. */
import type { Clock } from "../../../src/api/clock";

export class FakeClock implements Clock {
  private t = 1_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  /** Every sleep the code asked for, in order. */
  readonly sleeps: number[] = [];

  now(): number {
    return this.t;
  }

  timer(fn: () => void, ms: number): () => void {
    const entry = { at: this.t + Math.max(0, ms), fn, live: true };
    this.timers.push(entry);
    return () => {
      entry.live = false;
    };
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.timer(resolve, ms));
  }

  /** Move time forward, firing due timers in order (and letting promise callbacks run between them). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      due.live = false;
      this.timers = this.timers.filter((x) => x.live);
      due.fn();
    }
    this.t = end;
    await flush();
  }

  get pendingTimers(): number {
    return this.timers.filter((x) => x.live).length;
  }
}

/** Let queued promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
