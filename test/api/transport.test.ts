/**
 * The transport against a scripted node:http server: retries, create safety, pacing, the concurrency cap,
 * coalescing, the cache, attribution and logging. (Emulator-backed tests live in client.emulator.test.ts.)
 */
import {
  ConfigError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  SpotClient,
  ValidationError,
  VERSION_FOR_TESTS,
  type ClientOptions,
} from "./support/client-under-test";
import { FakeSpot, type Seen } from "./support/fake-spot";

const TOKEN = "unit-test-token-4f9a2c7e1b";
// Rate budgets are shared by clients of the same token (as they are per organization at Spot): a fresh
// token per client keeps one test's learned budget from pacing the next test.
let clients = 0;
const tokenFor = new WeakMap<SpotClient, string>();
let spot: FakeSpot;

beforeAll(async () => {
  spot = await new FakeSpot().start();
});
afterAll(() => spot.stop());

function client(extra: ClientOptions = {}, lines?: string[]): SpotClient {
  const token = `${TOKEN}-${++clients}`;
  const c = new SpotClient({
    token,
    baseUrl: spot.url,
    frontend: "cli",
    runId: "run-unit-1",
    retry: { baseDelayMs: 5, maxDelayMs: 2_000, maxElapsedMs: 10_000, maxAttempts: 4 },
    logger: lines ? (l) => lines.push(l) : undefined,
    ...extra,
  });
  tokenFor.set(c, token);
  return c;
}

const accounts = [
  { accountId: "act-00000001", name: "one", organizationId: "606000000001" },
  { accountId: "act-00000002", name: "two", organizationId: "606000000001" },
  { accountId: "act-00000003", name: "three", organizationId: "606000000001" },
];

describe("attribution and headers", () => {
  test("every request, retries included, carries the User-Agent with the run id and the bearer token", async () => {
    spot.reset((req, n) => (n === 1 ? { status: 503 } : { items: accounts }));
    const c = client();
    await c.accounts.list();
    expect(spot.seen).toHaveLength(2);
    for (const s of spot.seen) {
      expect(s.headers["user-agent"]).toBe(`spot-iac/${VERSION_FOR_TESTS} (cli; run=run-unit-1)`);
      expect(s.headers.authorization).toBe(`Bearer ${tokenFor.get(c)}`);
      expect(s.headers.accept).toBe("application/json");
    }
    expect(c.userAgent).toBe(`spot-iac/${VERSION_FOR_TESTS} (cli; run=run-unit-1)`);
    expect(c.organizationHint).toBe("606000000001");
  });

  test("without a runId every client of the process shares one generated id", () => {
    const a = new SpotClient({ token: TOKEN, baseUrl: spot.url });
    const b = new SpotClient({ token: TOKEN, baseUrl: spot.url, frontend: "pulumi" });
    expect(a.runId).toBe(b.runId);
    expect(a.runId).toMatch(/^[A-Za-z0-9._:-]+$/);
    expect(b.userAgent).toBe(`spot-iac/${VERSION_FOR_TESTS} (pulumi; run=${a.runId})`);
  });

  test("printing a client never prints its token", () => {
    const c = client();
    const util = require("node:util");
    expect(util.inspect(c, { depth: 10 })).not.toContain(TOKEN);
    expect(util.inspect(c, { depth: 10, customInspect: false })).toContain(TOKEN); // the check above means something
    expect(JSON.stringify(c)).not.toContain(TOKEN);
  });
});

describe("logging and sharing", () => {
  test("SPOT_IAC_LOG=debug logs one redacted line per request to stderr; silent otherwise", async () => {
    spot.reset(() => ({ items: [] }));
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stderr, "write")
      .mockImplementation((chunk: any) => (written.push(String(chunk)), true));
    const saved = process.env.SPOT_IAC_LOG;
    try {
      delete process.env.SPOT_IAC_LOG;
      await new SpotClient({ token: `${TOKEN}-silent`, baseUrl: spot.url }).accounts.list();
      expect(written).toHaveLength(0);
      process.env.SPOT_IAC_LOG = "debug";
      const c = new SpotClient({ token: `${TOKEN}-debug`, baseUrl: spot.url });
      await c.credentials.setAzure("act-00000001", {
        clientId: "cid",
        clientSecret: "debug-log-client-secret",
        tenantId: "tid",
        subscriptionId: "sid",
        expirationDate: "2030-01-01T00:00:00.000Z",
      });
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(
        /^spot-iac POST \/azure\/setup\/credentials\?accountId=act-00000001 200 \d+ms req=req-\w+ run=\S+ body=/,
      );
      expect(written[0]).not.toContain("debug-log-client-secret");
      expect(written[0]).not.toContain(TOKEN);
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env.SPOT_IAC_LOG;
      else process.env.SPOT_IAC_LOG = saved;
    }
  });

  test("SpotClient.shared gives one client per configuration", () => {
    const a = SpotClient.shared({ token: `${TOKEN}-shared`, baseUrl: spot.url, frontend: "pulumi" });
    expect(SpotClient.shared({ token: `${TOKEN}-shared`, baseUrl: spot.url, frontend: "pulumi" })).toBe(a);
    expect(SpotClient.shared({ token: `${TOKEN}-other`, baseUrl: spot.url, frontend: "pulumi" })).not.toBe(a);
    expect(SpotClient.shared({ token: `${TOKEN}-shared`, baseUrl: spot.url, frontend: "cli" })).not.toBe(a);
  });
});

describe("retries", () => {
  test("GET: 503 three times then success; counted and logged with the reason", async () => {
    spot.reset((req, n) => (n <= 3 ? { status: 503 } : { items: accounts }));
    const lines: string[] = [];
    const c = client({}, lines);
    expect(await c.accounts.list()).toHaveLength(3);
    expect(spot.count("GET", "/setup/account")).toBe(4);
    expect(c.counters.retries).toBe(3);
    expect(c.counters.requests["GET /setup/account"]).toBe(4);
    expect(lines.filter((l) => /GET \/setup\/account 503 .*retry in \d+ms/.test(l))).toHaveLength(3);
    expect(lines[3]).toMatch(/^spot-iac GET \/setup\/account 200 \d+ms req=req-\w+ run=run-unit-1 attempt=4$/);
  });

  test("gives up after maxAttempts with the attempts in the message", async () => {
    spot.reset(() => ({ status: 500, errors: [{ code: "INTERNAL", message: "boom" }] }));
    const c = client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const err = await c.accounts.list().catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(
      /GET \/setup\/account: 500 INTERNAL: boom \(request: req-\w+\) \[after 3 attempts over .*retry limit of 3 attempts reached\]/,
    );
    expect(spot.seen).toHaveLength(3);
  });

  test("429 then success honours X-RateLimit-Reset, even for a create (the limiter ran no handler)", async () => {
    spot.reset((req, n) =>
      n === 1
        ? { status: 429, headers: { "X-RateLimit-Limit": 10, "X-RateLimit-Remaining": 0, "X-RateLimit-Reset": 1 } }
        : { items: [{ id: "act-0000000a", name: "new", organizationId: "606000000001" }] },
    );
    const lines: string[] = [];
    const c = client({}, lines);
    const t0 = Date.now();
    const acct = await c.accounts.create({ name: "new" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(acct.accountId).toBe("act-0000000a");
    expect(spot.count("POST", "/setup/account")).toBe(2);
    expect(c.counters.rateLimited).toBe(1);
    const wait = Number(/retry in (\d+)ms/.exec(lines.join("\n"))?.[1]);
    expect(wait).toBeGreaterThanOrEqual(1000);
    expect(wait).toBeLessThanOrEqual(2000);
  });

  test("Retry-After is honoured too", async () => {
    spot.reset((req, n) => (n === 1 ? { status: 503, headers: { "Retry-After": "1" } } : { items: accounts }));
    const lines: string[] = [];
    await client({}, lines).accounts.list();
    expect(Number(/retry in (\d+)ms/.exec(lines.join("\n"))?.[1])).toBeGreaterThanOrEqual(1000);
  });

  test("a 429 asking to wait longer than maxDelayMs fails fast with RateLimitedError", async () => {
    spot.reset(() => ({ status: 429, headers: { "X-RateLimit-Reset": 45 } }));
    const err = await client()
      .accounts.list()
      .catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBe(45_000);
    expect(err.message).toMatch(/Spot asked to wait 45\.0s, more than retry\.maxDelayMs/);
    expect(spot.seen).toHaveLength(1);
  });

  test("the total time budget bounds retrying", async () => {
    spot.reset(() => ({ status: 503 }));
    const c = client({ retry: { maxAttempts: 50, baseDelayMs: 40, maxDelayMs: 40, maxElapsedMs: 150 } });
    const err = await c.accounts.list().catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toMatch(/time budget of 150 ms/);
    expect(spot.seen.length).toBeLessThan(50);
  });

  test("dropped connection then success (GET)", async () => {
    spot.reset((req, n) => (n === 1 ? { drop: true } : { items: accounts }));
    const c = client();
    expect(await c.accounts.list()).toHaveLength(3);
    expect(c.counters.retries).toBe(1);
  });

  test("timeouts are network errors and retried", async () => {
    spot.reset((req, n) => (n === 1 ? { delayMs: 400, items: [] } : { items: accounts }));
    const c = client({ timeoutMs: 100 });
    expect(await c.accounts.list()).toHaveLength(3);
    spot.reset(() => ({ delayMs: 300, items: [] }));
    const err = await client({ timeoutMs: 50, retry: { maxAttempts: 2, baseDelayMs: 1 } })
      .accounts.list()
      .catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe("TIMEOUT");
  });

  test("4xx other than 429 is never retried", async () => {
    spot.reset(() => ({
      status: 400,
      errors: [{ code: "ValidationError", message: "bad", field: "body.account.name" }],
    }));
    const err = await client()
      .accounts.update("act-00000001", { name: "ok name" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.field).toBe("body.account.name");
    expect(spot.seen).toHaveLength(1);
  });
});

describe("create safety", () => {
  test("a create that fails ambiguously (503) is not re-posted without findExisting", async () => {
    spot.reset(() => ({ status: 503 }));
    const err = await client()
      .accounts.create({ name: "x1" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(spot.count("POST", "/setup/account")).toBe(1);
  });

  test("with findExisting: a committed create is found, not duplicated", async () => {
    spot.reset(() => ({ drop: true }));
    const c = client();
    let asked = 0;
    const acct = await c.accounts.create(
      { name: "x2" },
      {
        findExisting: async () => {
          asked++;
          return { accountId: "act-000000f0", name: "x2" };
        },
      },
    );
    expect(acct.accountId).toBe("act-000000f0");
    expect(asked).toBe(1);
    expect(spot.count("POST", "/setup/account")).toBe(1);
    expect(c.counters.recovered).toBe(1);
  });

  test("with findExisting: nothing found → the create is sent again", async () => {
    spot.reset((req, n) => (n === 1 ? { status: 502 } : { items: [{ id: "act-000000f1", name: "x3" }] }));
    let asked = 0;
    const acct = await client().accounts.create({ name: "x3" }, { findExisting: async () => (asked++, undefined) });
    expect(acct.accountId).toBe("act-000000f1");
    expect(asked).toBe(1);
    expect(spot.count("POST", "/setup/account")).toBe(2);
  });

  test("a DELETE whose first attempt may have committed: not-found on the retry means done", async () => {
    spot.reset((req, n) =>
      n === 1
        ? { drop: true }
        : { status: 400, errors: [{ code: "Account_DOESNT_EXIST", message: "Account does not exist" }] },
    );
    await expect(client().accounts.delete("act-00000002")).resolves.toBeUndefined();
    expect(spot.count("DELETE", "/setup/account/act-00000002")).toBe(2);
  });

  test("a DELETE of something that never existed still fails with NotFoundError", async () => {
    spot.reset(() => ({ status: 400, errors: [{ code: "Account_DOESNT_EXIST", message: "Account does not exist" }] }));
    await expect(client().accounts.delete("act-00000009")).rejects.toBeInstanceOf(NotFoundError);
  });

  test("idempotent POSTs (credentials) are retried like PUTs", async () => {
    spot.reset((req, n) => (n === 1 ? { status: 503 } : { items: [] }));
    await client().credentials.setAws("act-00000001", { iamRole: "arn:aws:iam::123456789012:role/Spot" });
    expect(spot.count("POST", "/setup/credentials/aws")).toBe(2);
    expect(spot.seen[1].url).toBe("/setup/credentials/aws?accountId=act-00000001");
    expect(spot.seen[1].body).toEqual({ credentials: { iamRole: "arn:aws:iam::123456789012:role/Spot" } });
  });
});

describe("reads: coalescing, cache, not-found", () => {
  test("N concurrent reads of N accounts cost one list call", async () => {
    spot.reset(() => ({ delayMs: 30, items: accounts }));
    const c = client();
    const got = await Promise.all(accounts.map((a) => c.accounts.get(a.accountId)));
    expect(got.map((a) => a.name)).toEqual(["one", "two", "three"]);
    expect(spot.seen).toHaveLength(1);
    expect(c.counters.coalesced).toBe(2);
    // …and later reads in the run come from the cache.
    await c.accounts.get("act-00000002");
    expect(spot.seen).toHaveLength(1);
    expect(c.counters.cacheHits).toBe(1);
  });

  test("a write updates the cached list it changes, and drops the lists it cannot tell", async () => {
    spot.reset((req) => (req.method === "GET" ? { items: accounts } : { items: [] }));
    const c = client();
    await c.accounts.list();
    await c.accounts.list();
    expect(spot.count("GET", "/setup/account")).toBe(1);
    await c.users.listOrganization();
    await c.accounts.update("act-00000001", { name: "renamed" });
    // The rename is applied to the cached list: no second read, and the list shows it.
    expect((await c.accounts.list()).map((a) => a.name)).toEqual(["renamed", "two", "three"]);
    expect(spot.count("GET", "/setup/account")).toBe(1);
    await c.users.listOrganization(); // untouched by an account rename
    expect(spot.count("GET", "/setup/organization/user")).toBe(1);
    // Linking AWS may set the account's providerExternalId, which only Spot knows: the list is read again.
    await c.credentials.setAws("act-00000002", { iamRole: "arn:aws:iam::123456789012:role/Spot" });
    await c.accounts.list();
    expect(spot.count("GET", "/setup/account")).toBe(2);
  });

  test("a list read in flight during a write keeps the write: its patch is replayed into the answer", async () => {
    let version = 1;
    spot.reset((req) =>
      req.method === "GET"
        ? { delayMs: 80, items: [{ accountId: "act-00000001", name: `v${version}` }] }
        : ((version = 2), { items: [] }),
    );
    const c = client();
    const before = c.accounts.list();
    await new Promise((r) => setTimeout(r, 20));
    await c.accounts.update("act-00000001", { name: "v2" });
    // The answer on its way was made before the rename: joined afterwards, it must show the rename anyway.
    const after = await c.accounts.list();
    expect((await before)[0].name).toBe("v2");
    expect(after[0].name).toBe("v2");
    expect((await c.accounts.list())[0].name).toBe("v2");
    expect(spot.count("GET", "/setup/account")).toBe(1);
  });

  test("a write that cannot patch a list in flight spoils it: neither joined afterwards nor cached", async () => {
    let external = "";
    spot.reset((req) =>
      req.method === "GET"
        ? { delayMs: 80, items: [{ accountId: "act-00000001", name: "a", providerExternalId: external }] }
        : ((external = "123456789012"), { items: [] }),
    );
    const c = client();
    const before = c.accounts.list();
    await new Promise((r) => setTimeout(r, 20));
    // Linking AWS changes what only Spot knows (providerExternalId): no patch can say it.
    await c.credentials.setAws("act-00000001", { iamRole: "arn:aws:iam::123456789012:role/Spot" });
    const after = await c.accounts.list();
    await before;
    expect(after[0].providerExternalId).toBe("123456789012");
    expect((await c.accounts.list())[0].providerExternalId).toBe("123456789012");
    expect(spot.count("GET", "/setup/account")).toBe(2);
  });

  test("creates racing list reads do not make every later read fetch the list again", async () => {
    const made: { accountId: string; name: string; createdAt: string }[] = [];
    spot.reset((req) => {
      if (req.method === "GET") return { delayMs: 30, items: made.map((a) => ({ ...a })) };
      const a = {
        accountId: `act-${String(made.length + 1).padStart(8, "0")}`,
        name: (req.body as { account: { name: string } }).account.name,
        createdAt: "2026-12-02T00:00:00.000Z",
      };
      made.push(a);
      return { delayMs: 20, items: [a] };
    });
    const c = client();
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        // Staggered, as an apply's creates are: some write is always under way while the list is read.
        await new Promise((r) => setTimeout(r, i * 7));
        await c.accounts.create({ name: `n${i}` });
        expect((await c.accounts.findByName(`n${i}`)).map((a) => a.name)).toEqual([`n${i}`]);
      }),
    );
    // Before: a list answer was thrown away whenever a write ran during its flight, and each later reader sent its
    // own read: one list per create.
    expect(spot.count("GET", "/setup/account")).toBeLessThanOrEqual(3);
    expect((await c.accounts.list()).map((a) => a.name).sort()).toEqual(made.map((a) => a.name).sort());
  });

  test("callers cannot corrupt the cache by mutating what they got", async () => {
    spot.reset(() => ({ items: accounts }));
    const c = client();
    const first = await c.accounts.list();
    first[0].name = "mutated";
    first.pop();
    const one = await c.accounts.get("act-00000001");
    one.name = "mutated too";
    expect((await c.accounts.list()).map((a) => a.name)).toEqual(["one", "two", "three"]);
    expect((await c.accounts.get("act-00000001")).name).toBe("one");
    expect(await c.accounts.list()).toBeInstanceOf(Array);
    expect(spot.seen).toHaveLength(1);
  });

  test("cacheTtlMs: 0 disables the cache but keeps coalescing", async () => {
    spot.reset(() => ({ delayMs: 20, items: accounts }));
    const c = client({ cacheTtlMs: 0 });
    await Promise.all([c.accounts.list(), c.accounts.list()]);
    await c.accounts.list();
    expect(spot.seen).toHaveLength(2);
  });

  test("an id absent from a fresh list is NotFoundError; an old cached list is re-checked first", async () => {
    spot.reset(() => ({ items: accounts }));
    const c = client();
    const err = await c.accounts.get("act-0000dead").catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toMatch(/account act-0000dead is not in Spot's list/);
    expect(spot.seen).toHaveLength(1);
  });

  test("Spot's not-found codes map to NotFoundError on direct reads", async () => {
    spot.reset(() => ({ status: 400, errors: [{ code: "ServiceAccount_DOESNT_EXIST", message: "no" }] }));
    await expect(client().credentials.getGcp("act-00000001")).rejects.toBeInstanceOf(NotFoundError);
    spot.reset(() => ({ items: [] }));
    await expect(client().credentials.getAws("act-00000001")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("pacing and the concurrency cap", () => {
  test("the learned budget makes the client wait instead of collecting 429s", async () => {
    // A strict sliding window: 3 requests per 600 ms per route, 429 beyond.
    const hits: number[] = [];
    const WINDOW = 600;
    spot.reset(() => {
      const now = Date.now();
      while (hits.length && hits[0] <= now - WINDOW) hits.shift();
      const reset = hits.length ? ((hits[0] + WINDOW - now) / 1000).toFixed(3) : "0.6";
      if (hits.length >= 3)
        return {
          status: 429,
          headers: { "X-RateLimit-Limit": 3, "X-RateLimit-Remaining": 0, "X-RateLimit-Reset": reset },
        };
      hits.push(now);
      const nextReset = ((hits[0] + WINDOW - now) / 1000).toFixed(3);
      return {
        items: [],
        headers: { "X-RateLimit-Limit": 3, "X-RateLimit-Remaining": 3 - hits.length, "X-RateLimit-Reset": nextReset },
      };
    });
    const c = client({ cacheTtlMs: 0 });
    // One answer teaches the budget; then a burst larger than it.
    await c.users.accountMappings("first@example.com");
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.users.accountMappings(`u${i}@example.com`)));
    expect(c.counters.rateLimited).toBe(0);
    expect(spot.seen).toHaveLength(9);
    expect(c.counters.pacedWaits).toBeGreaterThan(0);
  });

  test("Spot's Reset of 0 and requests or answers overtaking each other do not overrun the window", async () => {
    // As Spot answers: X-RateLimit-Reset is 0 while a request is allowed, so the clock cannot tell when the slots
    // that in-flight requests spend come back. Requests wait a varying time before the window counts them, and
    // answers a varying time after, so both overtake each other, as they may on separate connections.
    const hits: number[] = [];
    const WINDOW = 400;
    spot.reset(async (_req, n) => {
      await new Promise((r) => setTimeout(r, ((n * 7) % 3) * 15));
      const now = Date.now();
      while (hits.length && hits[0] <= now - WINDOW) hits.shift();
      const untilFree = () => (hits.length ? ((hits[0] + WINDOW - now) / 1000).toFixed(3) : "0");
      if (hits.length >= 3)
        return {
          status: 429,
          headers: { "X-RateLimit-Limit": 3, "X-RateLimit-Remaining": 0, "X-RateLimit-Reset": untilFree() },
        };
      hits.push(now);
      const remaining = 3 - hits.length;
      return {
        delayMs: n % 2 ? 60 : 5,
        items: [],
        headers: {
          "X-RateLimit-Limit": 3,
          "X-RateLimit-Remaining": remaining,
          "X-RateLimit-Reset": remaining > 0 ? "0" : untilFree(),
        },
      };
    });
    const c = client({ cacheTtlMs: 0, maxConcurrency: 4 });
    await c.users.accountMappings("first@example.com");
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.users.accountMappings(`r${i}@example.com`)));
    expect(c.counters.rateLimited).toBe(0);
    expect(spot.seen).toHaveLength(13);
  });

  test("at most maxConcurrency requests are in flight", async () => {
    spot.reset(() => ({ delayMs: 30, items: [] }));
    const c = client({ maxConcurrency: 2, cacheTtlMs: 0 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.users.accountMappings(`c${i}@example.com`)));
    expect(spot.seen).toHaveLength(8);
    expect(spot.maxInFlight).toBe(2);
  });
});

describe("input checks and odd answers", () => {
  test("bad input fails before any request, naming the field and the fix", async () => {
    spot.reset(() => ({ items: [] }));
    const c = client();
    const err = await c.accounts.create({ name: "1234" }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(
      'POST /setup/account: (not sent) name must contain at least one letter a-z or A-Z; got "1234" (field: name) — fix name (checked before calling Spot)',
    );
    await expect(c.accounts.get("")).rejects.toThrow(/accountId is required/);
    await expect(c.users.create({ firstName: "a+b", lastName: "c", email: "x@y.z" })).rejects.toThrow(
      /firstName cannot contain/,
    );
    await expect(
      c.notifications.create({ privacyLevel: "public", computePolicyConfig: { events: [] } }, { accountId: "act-1" }),
    ).rejects.toThrow(/computePolicyConfig\.events must be a non-empty list/);
    await expect(
      c.notifications.create({
        privacyLevel: "public",
        computePolicyConfig: { events: [{ event: "e", type: "INFO" }] },
      }),
    ).rejects.toThrow(/accountId is required/);
    expect(spot.seen).toHaveLength(0);
  });

  test("a non-JSON error page becomes a readable ServerError", async () => {
    spot.reset(() => ({ status: 502, raw: "<html><body>Bad Gateway</body></html>" }));
    const err = await client({ retry: { maxAttempts: 1 } })
      .accounts.list()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toContain("502");
    expect(err.message).toContain("Bad Gateway");
  });

  test("a bad token is an AuthenticationError pointing at the right setting", async () => {
    spot.reset(() => ({ status: 401, errors: [{ code: "UNAUTHORIZED", message: "Unauthorized" }] }));
    const err = await client({ frontend: "terraform" })
      .accounts.list()
      .catch((e) => e);
    expect(err.name).toBe("AuthenticationError");
    expect(err.message).toMatch(
      /check the provider's token argument or SPOTINST_TOKEN: the token \(from option token\)/,
    );
    expect(err.message).not.toContain(TOKEN);
  });

  test("ConfigError when there is no token at all", () => {
    const env = { ...process.env };
    try {
      delete process.env.SPOTINST_TOKEN;
      process.env.SPOTINST_CREDENTIALS_FILE = "/nonexistent/spot-credentials";
      expect(() => new SpotClient({ baseUrl: spot.url })).toThrow(ConfigError);
    } finally {
      process.env = env;
    }
  });
});

describe("wire shapes", () => {
  test("bodies and routes as Spot documents them", async () => {
    const sent: Seen[] = [];
    spot.reset((req) => {
      sent.push(req);
      if (req.path === "/gcp/setup/credentials" && req.method === "GET")
        return { items: [{ serviceAccount: { project_id: "p1", client_email: "a@p1" } }] };
      if (req.path === "/setup/organization")
        return { items: [{ organizationId: 606012341234, organizationName: "acme" }] };
      if (req.path === "/setup/user/programmatic")
        return { items: [{ id: "pu-0000abcd", name: "ci", token: "programmatic-token-value-123" }] };
      if (req.path === "/setup/access/policy") return { items: [{ id: "pol-0000abcd", name: "p" }] };
      return { items: [] };
    });
    const c = client({ account: "act-default1" });
    expect(await c.credentials.getGcp("act-00000001")).toEqual({ project_id: "p1", client_email: "a@p1" });
    expect(await c.organizations.create({ name: "acme" })).toEqual({
      organizationId: "606012341234",
      organizationName: "acme",
    });
    await c.credentials.setAzure("act-00000001", {
      clientId: "cid",
      clientSecret: "azure-client-secret-xyz",
      tenantId: "tid",
      subscriptionId: "sid",
      expirationDate: "2030-01-01T00:00:00.000Z",
    });
    const pu = await c.users.createProgrammatic({ name: "ci", policies: [{ policyId: "pol-1", accountIds: ["*"] }] });
    expect(pu.token).toBe("programmatic-token-value-123");
    await c.access.policies.create({
      name: "p",
      policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:*"], resources: ["*"] }] },
    });
    await c.accounts.detachUser("act-00000001", "u@example.com");
    await c.notifications.list();
    await c.audit.events({ from: 1000, to: 2000 });
    const byRoute = (m: string, p: string) => sent.find((s) => s.method === m && s.path === p)!;
    expect(byRoute("POST", "/setup/organization").body).toEqual({ organization: { name: "acme" } });
    expect(byRoute("POST", "/azure/setup/credentials").body).toMatchObject({
      clientId: "cid",
      clientSecret: "azure-client-secret-xyz",
    });
    expect(byRoute("POST", "/setup/access/policy").body).toMatchObject({ policy: { name: "p" } });
    expect(byRoute("DELETE", "/setup/account/act-00000001/user").body).toEqual({ userEmail: "u@example.com" });
    // As in Spot's Go SDK, notification routes carry the configured account.
    expect(byRoute("GET", "/notificationCenter/policy").url).toBe("/notificationCenter/policy?accountId=act-default1");
    expect(byRoute("GET", "/audit/events").url).toBe("/audit/events?fromDate=1000&toDate=2000");
  });
});

describe("reads that depend on a list do not wait for it", () => {
  // Each list answer below is held until the detail request has arrived: a client that asked in series would
  // never send it, and the test would time out.
  test("a user's details are asked for while the organization's user list decides existence", async () => {
    let detailsArrived!: () => void;
    const arrived = new Promise<void>((r) => (detailsArrived = r));
    spot.reset(async (req) => {
      if (req.path === "/setup/organization/user") {
        await arrived;
        return { items: [{ userId: "u-00000001", email: "a@example.com", type: "personal" }] };
      }
      detailsArrived();
      return { items: [{ userId: "u-00000001", email: "a@example.com", firstName: "A", lastName: "B" }] };
    });
    const c = client();
    expect((await c.users.get("u-00000001")).firstName).toBe("A");
    spot.reset(() => ({ items: [] }));
    // Gone from the list: NotFound, whatever the details said.
    await expect(client().users.get("u-00000002")).rejects.toThrow(/u-00000002/);
  });

  test("an attachment's roles are asked for with the remembered e-mail while the user list answers", async () => {
    const { userAttachment } = require("../../src/resources/user-attachment");
    let mappingArrived!: () => void;
    const arrived = new Promise<void>((r) => (mappingArrived = r));
    const mapping = { accountId: "act-00000001", userId: "u-00000001", role: "viewer", userEmail: "a@example.com" };
    spot.reset(async (req) => {
      if (req.path === "/setup/user") {
        await arrived;
        return { items: [{ userId: "u-00000001", email: "a@example.com", mappedAccountIds: ["act-00000001"] }] };
      }
      mappingArrived();
      return { items: [mapping] };
    });
    const ctx = { client: client(), warn: () => undefined };
    const live = await userAttachment.read({
      ctx,
      id: "act-00000001/u-00000001",
      prior: { userEmail: "a@example.com" },
    });
    expect(live).toMatchObject({ accountId: "act-00000001", userId: "u-00000001", role: "viewer" });
    expect(spot.count("GET", "/setup/accountUserMapping")).toBe(1);
  });
});
