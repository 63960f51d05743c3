/**
 * Sliding 60-second window per (organization, route, method), counted in one-second buckets.
 * Blocked requests count too: as Spot documents, hammering while blocked pushes the reset further out.
 */
const WINDOW = 60;

interface Window {
  counts: Int32Array;
  seconds: Float64Array;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  reset: number; // seconds until a request is allowed again (0 when one is allowed now)
}

export interface RateLimitConfig {
  defaultPerMinute?: number;
  routes?: { method: string; path: string; perMinute: number }[];
}

export class RateLimiter {
  private windows = new Map<string, Window>();
  private routeLimits = new Map<string, number>();
  private defaultPerMinute: number;

  constructor(private readonly initialDefault: number) {
    this.defaultPerMinute = initialDefault;
  }

  configure(cfg: RateLimitConfig): void {
    if (cfg.defaultPerMinute !== undefined) this.defaultPerMinute = cfg.defaultPerMinute;
    if (cfg.routes !== undefined) {
      this.routeLimits.clear();
      for (const r of cfg.routes) this.routeLimits.set(routeKey(r.method, r.path), r.perMinute);
    }
    // A new configuration starts from empty windows so its effect is predictable.
    this.windows.clear();
  }

  reset(): void {
    this.defaultPerMinute = this.initialDefault;
    this.routeLimits.clear();
    this.windows.clear();
  }

  limitFor(method: string, template: string): number {
    return this.routeLimits.get(routeKey(method, template)) ?? this.defaultPerMinute;
  }

  /** Counts one request and says whether it may proceed. */
  hit(orgId: string, method: string, template: string, nowMs: number): RateDecision {
    const limit = this.limitFor(method, template);
    const key = `${orgId} ${method} ${template}`;
    let w = this.windows.get(key);
    if (!w) {
      w = { counts: new Int32Array(WINDOW), seconds: new Float64Array(WINDOW).fill(-1) };
      this.windows.set(key, w);
    }
    const now = Math.floor(nowMs / 1000);
    const slot = now % WINDOW;
    if (w.seconds[slot] !== now) {
      w.seconds[slot] = now;
      w.counts[slot] = 0;
    }
    let used = 0;
    for (let i = 0; i < WINDOW; i++) if (w.seconds[i] > now - WINDOW) used += w.counts[i];
    const allowed = used < limit;
    w.counts[slot]++;
    used++;
    const remaining = Math.max(0, limit - used);
    let reset = 0;
    if (remaining === 0) {
      // Walk forward second by second until enough old buckets have left the window.
      let inWindow = used;
      for (let d = 1; d <= WINDOW; d++) {
        const leaving = now - WINDOW + d;
        const i = ((leaving % WINDOW) + WINDOW) % WINDOW;
        if (w.seconds[i] === leaving) inWindow -= w.counts[i];
        if (inWindow < limit) {
          reset = d;
          break;
        }
      }
    }
    return { allowed, limit, remaining, reset };
  }
}

function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.toLowerCase()}`;
}
