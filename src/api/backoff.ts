/**
 * Retry timing: exponential backoff with full jitter, and the server's own wait hints
 * (Retry-After, X-RateLimit-Reset). Pure functions, so the bounds are unit-testable.
 */

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  maxAttempts: number;
  /** No retry is started once this much time has passed since the first attempt (waits included). */
  maxElapsedMs: number;
  /** First backoff ceiling; doubles per attempt. */
  baseDelayMs: number;
  /** No single wait is longer than this, server hints included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 300,
  maxDelayMs: 20_000,
};

export function retryPolicy(p: Partial<RetryPolicy> | undefined): RetryPolicy {
  const r = { ...DEFAULT_RETRY };
  for (const k of Object.keys(DEFAULT_RETRY) as (keyof RetryPolicy)[]) {
    const v = p?.[k];
    if (v === undefined) continue;
    if (
      typeof v !== "number" ||
      !Number.isFinite(v) ||
      v < 0 ||
      (k === "maxAttempts" && (v < 1 || !Number.isInteger(v)))
    ) {
      throw new RangeError(
        `retry.${k} must be ${k === "maxAttempts" ? "an integer ≥ 1" : "a number ≥ 0"}; got ${String(v)}`,
      );
    }
    r[k] = v;
  }
  if (r.baseDelayMs > r.maxDelayMs) r.baseDelayMs = r.maxDelayMs;
  return r;
}

/**
 * Full-jitter backoff after the `failures`-th failure (1-based): uniform in [0, min(maxDelay, base·2^(failures-1))].
 * Full jitter spreads a burst of clients that failed together instead of having them retry in lockstep.
 */
export function backoffDelay(failures: number, p: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.floor(clamp01(random()) * exp);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x >= 1 ? 0.999999 : x;
}

type HeaderBag = Record<string, unknown> | undefined;

function header(h: HeaderBag, name: string): string | undefined {
  if (!h) return undefined;
  const lower = name.toLowerCase();
  let v = h[name] ?? h[lower];
  if (v === undefined) {
    // Node lower-cases header names; a hand-made bag may not. Checked on every answer, so no allocation.
    for (const k in h) {
      if (k.length === lower.length && k.toLowerCase() === lower) {
        v = h[k];
        break;
      }
    }
  }
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/** Seconds until the window frees up; an epoch value (some APIs send one) is turned into a delta. */
function secondsToMs(raw: string | undefined, now: number): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n > 1e9) return Math.max(0, n * 1000 - now);
  return Math.ceil(n * 1000);
}

/**
 * The wait the server asks for, in ms, from `Retry-After` (seconds or an HTTP date) and `X-RateLimit-Reset`
 * (seconds until a request is allowed, per Spot's docs). The larger wins: both are lower bounds.
 * Spot sends X-RateLimit-Reset on every answer (0 when a request is allowed), so it means "wait" only on a 429:
 * pass `includeReset = false` for other statuses.
 */
export function serverWaitMs(headers: HeaderBag, now: number = Date.now(), includeReset = true): number | undefined {
  let best: number | undefined;
  const ra = header(headers, "retry-after");
  if (ra !== undefined) {
    let ms = secondsToMs(ra, now);
    if (ms === undefined) {
      const t = Date.parse(ra);
      if (Number.isFinite(t)) ms = Math.max(0, t - now);
    }
    if (ms !== undefined) best = ms;
  }
  const reset = includeReset ? secondsToMs(header(headers, "x-ratelimit-reset"), now) : undefined;
  if (reset !== undefined) best = best === undefined ? reset : Math.max(best, reset);
  return best;
}

export interface RetryDecision {
  /** How long to wait before the next attempt. */
  delayMs: number;
  /** Set when retrying would break the configured bounds; the caller stops and reports this. */
  stop?: string;
}

/**
 * The wait before attempt `failures + 1`. With a server hint, wait the hint plus a little jitter (never less
 * than the hint, never more than maxDelayMs); a hint above maxDelayMs stops retrying instead of retrying early.
 */
export function retryDelay(
  failures: number,
  elapsedMs: number,
  p: RetryPolicy,
  hintMs: number | undefined,
  random: () => number = Math.random,
): RetryDecision {
  if (failures >= p.maxAttempts) return { delayMs: 0, stop: `retry limit of ${p.maxAttempts} attempts reached` };
  let delayMs: number;
  if (hintMs !== undefined) {
    if (hintMs > p.maxDelayMs) {
      return {
        delayMs: 0,
        stop: `Spot asked to wait ${(hintMs / 1000).toFixed(1)}s, more than retry.maxDelayMs (${p.maxDelayMs} ms)`,
      };
    }
    const room = Math.min(p.baseDelayMs, p.maxDelayMs - hintMs);
    delayMs = hintMs + Math.floor(clamp01(random()) * room);
  } else {
    delayMs = backoffDelay(failures, p, random);
  }
  if (elapsedMs + delayMs > p.maxElapsedMs) {
    return { delayMs: 0, stop: `retry time budget of ${p.maxElapsedMs} ms would be exceeded` };
  }
  return { delayMs };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * What a failed attempt says about the server's state, which decides whether sending again is safe.
 * - `rate-limited`: a 429; Spot's limiter answers before any handler runs, so nothing was done.
 * - `not-sent`: the connection never carried the request (refused, DNS, unreachable, connect timeout).
 * - `server`: a 5xx (not 501) or a 2xx that is not JSON: the server finished and may have committed.
 * - `broken`: the connection broke mid-exchange (reset, hang-up): it may have committed.
 * - `timeout`: no answer in time: it may have committed, or may still be working on it.
 * - `final`: any other answer (4xx, 501): sending again would get the same.
 */
export type FailureKind = "rate-limited" | "not-sent" | "server" | "broken" | "timeout" | "final";

export interface RetryState {
  kind: FailureKind;
  /** The request can be sent twice without harm (GET, PUT, DELETE, setting POSTs). */
  safeToResend: boolean;
  /** The caller can tell whether an earlier attempt created the object (`findExisting`). */
  canFind: boolean;
  /** Some attempt so far (this one included) may have been applied by the server. */
  ambiguous: boolean;
  /** Some attempt so far (this one included) timed out: the server may still be applying it. */
  mayStillApply: boolean;
  /** Failed attempts so far, this one included. */
  failures: number;
  elapsedMs: number;
  /** The wait the server asked for (429, 503), if any. */
  hintMs?: number;
}

export type RetryVerdict =
  /** Stop with this attempt's error. */
  | { action: "fail" }
  /** Stop: the bounds are reached. `find`: ask findExisting once more first (its answer is the result). */
  | { action: "stop"; why: string; find: boolean }
  /**
   * Wait `delayMs`, then (`find`) ask findExisting, whose answer, if any, is the result; then send again
   * unless `resend` is false, in which case only findExisting is asked again at the next step.
   */
  | { action: "retry"; delayMs: number; find: boolean; resend: boolean };

/**
 * The retry decision, in one place. A create (a POST that is not safe to resend) whose outcome is unknown is
 * never sent again blind: with findExisting the check comes first; without it, the error stands. A create that
 * timed out is not sent again at all, only looked for, since the server may still be creating it.
 */
export function shouldRetry(s: RetryState, p: RetryPolicy, random: () => number = Math.random): RetryVerdict {
  if (s.kind === "final") return { action: "fail" };
  const blind = !s.safeToResend && s.ambiguous;
  if (blind && !s.canFind) return { action: "fail" };
  const d = retryDelay(s.failures, s.elapsedMs, p, s.hintMs, random);
  if (d.stop) return { action: "stop", why: d.stop, find: blind };
  return { action: "retry", delayMs: d.delayMs, find: blind, resend: !(blind && s.mayStillApply) };
}
