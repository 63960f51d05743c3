/**
 * Failure modes against the real emulator and a closed port: fail-fast when the API is unreachable, slow creates
 * waited for instead of re-posted, a timed-out create looked for instead of re-posted. Time that the code waits
 * (backoff, the fail-fast window) runs on an injected clock; only the emulator's injected latency is real.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../src/api/clock";
import {
  isUnreachable,
  NetworkError,
  SpotClient,
  UnreachableError,
  type ClientOptions,
} from "./support/client-under-test";
import { withEmulator } from "../support/emulator";

const emu = withEmulator();

/** Real time plus whatever the code slept: sleeps return at once, so backoff costs no wall time. */
class SkipClock implements Clock {
  skipped = 0;
  onSleep?: (ms: number, n: number) => Promise<void> | void;
  private n = 0;
  now(): number {
    return Date.now() + this.skipped;
  }
  async sleep(ms: number): Promise<void> {
    this.skipped += ms;
    await this.onSleep?.(ms, ++this.n);
  }
  timer(fn: () => void, ms: number): () => void {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }
}

async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const unique = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

function client(extra: ClientOptions = {}): SpotClient {
  return new SpotClient({
    token: emu.token,
    baseUrl: emu.url,
    runId: "resilience",
    retry: { baseDelayMs: 50, maxDelayMs: 2_000, maxElapsedMs: 20_000, maxAttempts: 4 },
    ...extra,
  });
}

beforeEach(async () => {
  await emu.control.clearFaults();
});

describe("an unreachable API fails fast", () => {
  test("after the first request's retries, every later request fails at once with one clear error", async () => {
    const port = await closedPort();
    const clock = new SkipClock();
    const c = new SpotClient({
      token: "unreachable-token-1234",
      baseUrl: `http://127.0.0.1:${port}`,
      frontend: "terraform",
      retry: { maxAttempts: 4 },
      clock,
    });
    const first = await c.accounts.list().catch((e) => e);
    expect(first).toBeInstanceOf(UnreachableError);
    expect(first).toBeInstanceOf(NetworkError);
    expect(first.attempts).toBe(4);
    expect(first.message).toContain(`http://127.0.0.1:${port}`);
    expect(first.message).toContain("ECONNREFUSED");
    expect(first.message).toMatch(/base_url.*SPOTINST_BASE_URL/);
    expect(c.counters.total).toBe(4);

    // A plan of many objects: every later read fails without a connection attempt.
    const later = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.users.get(`u-${String(i).padStart(8, "0")}`, { direct: true }).catch((e) => e),
      ),
    );
    expect(later.every((e) => isUnreachable(e))).toBe(true);
    expect(later[0].message).toContain("not sent");
    expect(c.counters.total).toBe(4);
    expect(c.counters.failedFast).toBe(50);
    c.close();
  });

  test("once the window has passed, requests try again, and an answer re-opens the client", async () => {
    const port = await closedPort();
    const clock = new SkipClock();
    const c = new SpotClient({
      token: "unreachable-token-5678",
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { maxAttempts: 2 },
      failFastMs: 30_000,
      clock,
    });
    await expect(c.accounts.list()).rejects.toBeInstanceOf(UnreachableError);
    await expect(c.accounts.list()).rejects.toThrow(/not sent/);
    expect(c.counters.total).toBe(2);

    // The API comes back on the same address.
    const server = http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ request: { id: "r1" }, response: { status: { code: 200 }, items: [] } }));
    });
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    try {
      await expect(c.accounts.list()).rejects.toBeInstanceOf(UnreachableError); // still inside the window
      clock.skipped += 30_000;
      await expect(c.accounts.list()).resolves.toEqual([]);
      expect(c.counters.total).toBe(3);
      await expect(c.users.listOrganization()).resolves.toEqual([]);
    } finally {
      c.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test("failFastMs: 0 keeps the old behaviour: every request retries on its own", async () => {
    const port = await closedPort();
    const c = new SpotClient({
      token: "unreachable-token-9012",
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { maxAttempts: 2 },
      failFastMs: 0,
      clock: new SkipClock(),
    });
    await expect(c.accounts.list()).rejects.toBeInstanceOf(UnreachableError);
    await expect(c.users.listOrganization()).rejects.toBeInstanceOf(UnreachableError);
    expect(c.counters.total).toBe(4);
    expect(c.counters.failedFast).toBe(0);
  });
});

describe("creates are waited for, never re-posted blind", () => {
  test("a create slower than the read timeout is waited for: one POST, no retry", async () => {
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "latency", latencyMs: 400 });
    await emu.control.resetStats();
    const c = client({ timeoutMs: 100 });
    const name = unique("slow");
    const acct = await c.accounts.create(
      { name },
      { findExisting: async () => (await c.accounts.findByName(name))[0] },
    );
    expect(acct.name).toBe(name);
    expect(c.counters.retries).toBe(0);
    expect((await emu.control.stats()).requests["POST /setup/account"]).toBe(1);
  });

  test("a create that timed out is looked for, not sent again, until the server has finished it", async () => {
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "latency", latencyMs: 500 });
    await emu.control.resetStats();
    const name = unique("timed-out");
    const observer = client({ cacheTtlMs: 0 });
    const exists = async () => (await observer.accounts.list()).some((a) => a.name === name);
    const clock = new SkipClock();
    // The first look comes before the server has committed (it is still in its injected latency); the second
    // waits until the account exists.
    clock.onSleep = async (_ms, n) => {
      if (n < 2) return;
      while (!(await exists())) await new Promise((r) => setTimeout(r, 50));
    };
    const c = client({ createTimeoutMs: 100, clock });
    let looks = 0;
    const acct = await c.accounts.create(
      { name },
      {
        findExisting: async () => {
          looks++;
          return (await c.accounts.findByName(name))[0];
        },
      },
    );
    expect(looks).toBe(2);
    expect(c.counters.recovered).toBe(1);
    expect((await emu.control.stats()).requests["POST /setup/account"]).toBe(1);
    const same = (await observer.accounts.list()).filter((a) => a.name === name);
    expect(same).toHaveLength(1);
    expect(acct.accountId).toBe(same[0].accountId);
  });

  test("a timed-out create that never shows up fails saying so, after a single POST", async () => {
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "latency", latencyMs: 400 });
    await emu.control.resetStats();
    const c = client({ createTimeoutMs: 50, clock: new SkipClock(), retry: { maxAttempts: 3 } });
    const err = await c.accounts
      .create({ name: unique("never") }, { findExisting: async () => undefined })
      .catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toMatch(/may still complete.*not sent again/);
    expect((await emu.control.stats()).requests["POST /setup/account"]).toBe(1);
  });

  test("commit-then-fail (503) without findExisting: an error, one POST, one account", async () => {
    const name = unique("ctf");
    await emu.control.injectFault({ method: "POST", path: "/setup/account", kind: "commit-then-fail", status: 503 });
    await emu.control.resetStats();
    const c = client({ clock: new SkipClock() });
    await expect(c.accounts.create({ name })).rejects.toThrow(/503/);
    expect((await emu.control.stats()).requests["POST /setup/account"]).toBe(1);
    expect((await client({ cacheTtlMs: 0 }).accounts.list()).filter((a) => a.name === name)).toHaveLength(1);
  });
});
