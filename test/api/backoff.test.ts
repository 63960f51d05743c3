import { backoffDelay, DEFAULT_RETRY, retryDelay, serverWaitMs, shouldRetry, type RetryPolicy } from "../../src/api";
import { retryPolicy } from "../../src/api/backoff";

const policy: RetryPolicy = { maxAttempts: 6, maxElapsedMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000 };

// A deterministic spread of "random" values including both ends.
const randoms = [0, 1e-9, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999999, 1];

describe("backoffDelay (full jitter)", () => {
  test("stays within [0, min(maxDelay, base·2^(n-1))] for every attempt and random value", () => {
    for (let n = 1; n <= 40; n++) {
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      for (const r of randoms) {
        const d = backoffDelay(n, policy, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(cap + 1);
        expect(d).toBeLessThanOrEqual(policy.maxDelayMs);
      }
    }
  });

  test("the ceiling doubles until maxDelayMs", () => {
    const top = (n: number) => backoffDelay(n, policy, () => 0.999999);
    expect(top(1)).toBe(99);
    expect(top(2)).toBe(199);
    expect(top(3)).toBe(399);
    expect(top(5)).toBe(999);
    expect(top(20)).toBe(999);
  });
});

describe("serverWaitMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  test("Retry-After seconds, HTTP date, X-RateLimit-Reset seconds; the larger wins", () => {
    expect(serverWaitMs({ "retry-after": "2" }, now)).toBe(2000);
    expect(serverWaitMs({ "retry-after": new Date(now + 3000).toUTCString() }, now)).toBe(3000);
    expect(serverWaitMs({ "x-ratelimit-reset": "1.5" }, now)).toBe(1500);
    expect(serverWaitMs({ "Retry-After": "1", "X-RateLimit-Reset": "4" }, now)).toBe(4000);
    expect(serverWaitMs({ "x-ratelimit-reset": String(now / 1000 + 7) }, now)).toBe(7000);
    // Outside a 429, X-RateLimit-Reset is bookkeeping, not a request to wait.
    expect(serverWaitMs({ "Retry-After": "1", "X-RateLimit-Reset": "4" }, now, false)).toBe(1000);
    expect(serverWaitMs({ "X-RateLimit-Reset": "0" }, now, false)).toBeUndefined();
  });
  test("absent or garbage → undefined", () => {
    expect(serverWaitMs({}, now)).toBeUndefined();
    expect(serverWaitMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(serverWaitMs({ "x-ratelimit-reset": "-3" }, now)).toBeUndefined();
    expect(serverWaitMs(undefined, now)).toBeUndefined();
  });
});

describe("retryDelay bounds", () => {
  test("a server hint is honoured (never shorter) and never exceeds maxDelayMs", () => {
    for (const hint of [0, 1, 250, 900, 999, 1000]) {
      for (const r of randoms) {
        const d = retryDelay(1, 0, policy, hint, () => r);
        expect(d.stop).toBeUndefined();
        expect(d.delayMs).toBeGreaterThanOrEqual(hint);
        expect(d.delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
      }
    }
  });

  test("a hint above maxDelayMs stops retrying instead of retrying early", () => {
    const d = retryDelay(1, 0, policy, 1001, () => 0.5);
    expect(d.stop).toMatch(/asked to wait 1\.0s, more than retry\.maxDelayMs/);
  });

  test("the attempt limit and the total time budget stop retrying", () => {
    expect(retryDelay(6, 0, policy, undefined).stop).toMatch(/6 attempts/);
    expect(retryDelay(5, 0, policy, undefined).stop).toBeUndefined();
    expect(retryDelay(1, 9_950, policy, 100, () => 0).stop).toMatch(/time budget/);
    expect(retryDelay(1, 9_900, policy, 100, () => 0).stop).toBeUndefined();
  });

  test("policy validation and defaults", () => {
    expect(retryPolicy(undefined)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy({ baseDelayMs: 5000, maxDelayMs: 100 }).baseDelayMs).toBe(100);
    expect(() => retryPolicy({ maxAttempts: 1.5 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ maxDelayMs: -1 })).toThrow(/maxDelayMs/);
  });
});

describe("shouldRetry (the retry decision)", () => {
  const base = {
    safeToResend: true,
    canFind: false,
    ambiguous: false,
    mayStillApply: false,
    failures: 1,
    elapsedMs: 0,
  };
  const half = () => 0.5;

  test("answers that would come out the same are not retried", () => {
    expect(shouldRetry({ ...base, kind: "final" }, policy, half)).toEqual({ action: "fail" });
  });

  test("reads and idempotent writes retry every transient failure", () => {
    for (const kind of ["rate-limited", "not-sent", "server", "broken", "timeout"] as const) {
      const v = shouldRetry({ ...base, kind, ambiguous: kind !== "rate-limited" && kind !== "not-sent" }, policy, half);
      expect(v).toMatchObject({ action: "retry", find: false, resend: true });
    }
  });

  test("a create that may have committed is never re-sent blind", () => {
    const create = { ...base, safeToResend: false, ambiguous: true };
    expect(shouldRetry({ ...create, kind: "server" }, policy, half)).toEqual({ action: "fail" });
    // With findExisting: look first, then send again.
    expect(shouldRetry({ ...create, kind: "server", canFind: true }, policy, half)).toMatchObject({
      action: "retry",
      find: true,
      resend: true,
    });
    // Timed out: the server may still be creating it; only look.
    expect(shouldRetry({ ...create, kind: "timeout", canFind: true, mayStillApply: true }, policy, half)).toMatchObject(
      { action: "retry", find: true, resend: false },
    );
  });

  test("a create that nothing can have applied (429, refused) is retried without a check", () => {
    for (const kind of ["rate-limited", "not-sent"] as const)
      expect(shouldRetry({ ...base, safeToResend: false, kind }, policy, half)).toMatchObject({
        action: "retry",
        find: false,
        resend: true,
      });
  });

  test("at the bounds it stops, and a create still asks findExisting one last time", () => {
    const v = shouldRetry(
      { ...base, safeToResend: false, ambiguous: true, canFind: true, kind: "broken", failures: policy.maxAttempts },
      policy,
      half,
    );
    expect(v).toMatchObject({ action: "stop", find: true });
    expect(shouldRetry({ ...base, kind: "rate-limited", hintMs: 5_000 }, policy, half)).toMatchObject({
      action: "stop",
      find: false,
    });
  });
});
