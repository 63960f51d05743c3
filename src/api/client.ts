/**
 * SpotClient: configuration, one Transport, and one property per API area. Front-ends build one per
 * organization (token); resources receive it through ResourceContext.
 */
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { AccessApi } from "./access";
import { AccountsApi } from "./accounts";
import { AuditApi } from "./audit";
import { retryPolicy, type RetryPolicy } from "./backoff";
import type { Clock } from "./clock";
import { resolveConfig } from "./config";
import { CredentialsApi } from "./credentials";
import { ConfigError, type Frontend } from "./errors";
import { NotificationsApi } from "./notifications";
import { OrganizationsApi } from "./organizations";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_CREATE_TIMEOUT_MS,
  DEFAULT_FAIL_FAST_MS,
  newCounters,
  Transport,
  type ClientCounters,
} from "./transport";
import type { AuditEvent } from "./types";
import { UsersApi } from "./users";
import { processRunId, RUN_ID_PATTERN } from "./run-id";

export { processRunId };

export interface ClientOptions {
  /** Spot API token. Else SPOTINST_TOKEN, else the credentials file. */
  token?: string;
  /** Default account (act-…) for routes that take one. Else the one that came with the token. */
  account?: string;
  /** Else SPOTINST_BASE_URL, else https://api.spotinst.io. */
  baseUrl?: string;
  /** Else SPOTINST_CREDENTIALS_FILE, else ~/.spotinst/credentials. */
  credentialsFile?: string;
  /** Else SPOTINST_CREDENTIALS_PROFILE, else "default". */
  profile?: string;
  /** Goes into the User-Agent (and so into Spot's audit log). Default "sdk". */
  frontend?: Frontend;
  /** Goes into the User-Agent; one id per process when absent. Letters, digits, . _ : - only. */
  runId?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * Connection cap: requests in flight (and sockets) at once, per client, i.e. per organization token. Within
   * it, each route's learned rate budget decides. Default 32.
   */
  maxConcurrency?: number;
  /**
   * The share (0 < x ≤ 1) of each learned rate budget this process may use, for tokens whose budget other tools
   * use too: within any 60 s window at most x · X-RateLimit-Limit requests per route. Else SPOT_IAC_API_SHARE,
   * else 1.
   */
  apiShare?: number;
  /** How long list answers are reused (writes invalidate earlier). Default 30 000 ms; 0 disables the cache. */
  cacheTtlMs?: number;
  /** Per attempt, for every request but creates. Default 30 000 ms. */
  timeoutMs?: number;
  /**
   * Per attempt, for creates (POSTs that make an object): a slow create is waited for, never abandoned and sent
   * again. Default 300 000 ms (at least timeoutMs).
   */
  createTimeoutMs?: number;
  /** Time to open a connection; a connect timeout means the request was never sent. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * Once a request found the API unreachable (refused, DNS, host unreachable, connect timeout) after its retries,
   * later requests fail at once with one UnreachableError for this long, or until a request gets an answer.
   * Default 30 000 ms; 0 = never fail fast.
   */
  failFastMs?: number;
  /** Time source for backoff waits, the fail-fast window and cache ages (tests); rate budgets keep real time. */
  clock?: Clock;
  /** One line per request, secrets redacted. Default: stderr when SPOT_IAC_LOG=debug, else silent. */
  logger?: (line: string) => void;
}

const FRONTENDS: readonly Frontend[] = ["pulumi", "terraform", "cli", "sdk"];

function defaultLogger(): ((line: string) => void) | undefined {
  return process.env.SPOT_IAC_LOG === "debug" ? (line) => process.stderr.write(line + "\n") : undefined;
}

/** SPOT_IAC_API_SHARE, or the option: a fraction 0 < x ≤ 1 (a percentage such as "50%" is accepted too). */
function apiShare(option: number | undefined, env: Record<string, string | undefined> = process.env): number {
  let v: number | undefined = option;
  let source = "option apiShare";
  if (v === undefined && env.SPOT_IAC_API_SHARE !== undefined && env.SPOT_IAC_API_SHARE.trim() !== "") {
    const raw = env.SPOT_IAC_API_SHARE.trim();
    v = raw.endsWith("%") ? Number(raw.slice(0, -1)) / 100 : Number(raw);
    source = `env SPOT_IAC_API_SHARE (${JSON.stringify(raw)})`;
  }
  if (v === undefined) return 1;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > 1) {
    throw new ConfigError(`${source} must be a fraction 0 < x ≤ 1 of each rate budget (e.g. 0.5); got ${String(v)}`);
  }
  return v;
}

function positive(name: string, v: number | undefined, def: number, min: number, integer = false): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new ConfigError(`option ${name} must be ${integer ? "an integer" : "a number"} ≥ ${min}; got ${String(v)}`);
  }
  return v;
}

const shared = new Map<string, SpotClient>();

export class SpotClient {
  readonly runId: string;
  readonly account?: string;
  readonly baseUrl: string;
  readonly frontend: Frontend;
  /** `spot-iac/<version> (<frontend>; run=<runId>)`, sent on every request. */
  readonly userAgent: string;
  /** Where the token came from ("env SPOTINST_TOKEN", …), for messages. Never the token itself. */
  readonly tokenSource: string;
  /** The share of each learned rate budget this client may use (option apiShare, else SPOT_IAC_API_SHARE, else 1). */
  readonly apiShare: number;

  readonly organizations: OrganizationsApi;
  readonly accounts: AccountsApi;
  readonly credentials: CredentialsApi;
  readonly users: UsersApi;
  readonly access: AccessApi;
  readonly notifications: NotificationsApi;
  readonly audit: AuditApi;

  private readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    const frontend = options.frontend ?? "sdk";
    if (!FRONTENDS.includes(frontend)) {
      throw new ConfigError(`option frontend must be one of ${FRONTENDS.join(", ")}; got ${JSON.stringify(frontend)}`);
    }
    if (options.runId !== undefined && !RUN_ID_PATTERN.test(options.runId)) {
      throw new ConfigError(
        `option runId must be 1-64 letters, digits, ".", "_", ":" or "-"; got ${JSON.stringify(options.runId)}`,
      );
    }
    const config = resolveConfig(options);
    let retry: RetryPolicy;
    try {
      retry = retryPolicy(options.retry);
    } catch (e) {
      throw new ConfigError(`option ${(e as Error).message}`);
    }
    this.frontend = frontend;
    this.runId = options.runId ?? processRunId();
    this.account = config.account;
    this.baseUrl = config.baseUrl;
    this.tokenSource = config.tokenSource;
    const timeoutMs = positive("timeoutMs", options.timeoutMs, 30_000, 1);
    this.apiShare = apiShare(options.apiShare);
    this.transport = new Transport({
      config,
      frontend,
      runId: this.runId,
      retry,
      maxConcurrency: positive("maxConcurrency", options.maxConcurrency, 32, 1, true),
      apiShare: this.apiShare,
      cacheTtlMs: positive("cacheTtlMs", options.cacheTtlMs, 30_000, 0),
      timeoutMs,
      createTimeoutMs: positive(
        "createTimeoutMs",
        options.createTimeoutMs,
        Math.max(DEFAULT_CREATE_TIMEOUT_MS, timeoutMs),
        1,
      ),
      connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 1),
      failFastMs: positive("failFastMs", options.failFastMs, DEFAULT_FAIL_FAST_MS, 0),
      clock: options.clock,
      logger: options.logger ?? defaultLogger(),
    });
    this.userAgent = this.transport.userAgent;
    this.accounts = new AccountsApi(this.transport);
    this.organizations = new OrganizationsApi(this.transport, this.accounts);
    this.credentials = new CredentialsApi(this.transport);
    this.users = new UsersApi(this.transport);
    this.access = new AccessApi(this.transport);
    this.notifications = new NotificationsApi(this.transport, () => this.account);
    this.audit = new AuditApi(this.transport);
  }

  /**
   * One client per distinct configuration in this process, so that front-ends which build a client per
   * operation (Pulumi's dynamic providers) still share the list cache, coalescing and pacing.
   */
  static shared(options: ClientOptions = {}): SpotClient {
    const config = resolveConfig(options);
    const key = JSON.stringify({
      t: createHash("sha256").update(config.token).digest("hex"),
      b: config.baseUrl,
      a: config.account,
      f: options.frontend ?? "sdk",
      r: options.runId ?? processRunId(),
      o: [
        options.retry,
        options.maxConcurrency,
        options.cacheTtlMs,
        options.timeoutMs,
        !!options.logger,
        options.apiShare ?? process.env.SPOT_IAC_API_SHARE,
        options.createTimeoutMs,
        options.connectTimeoutMs,
        options.failFastMs,
        !!options.clock,
      ],
    });
    let c = shared.get(key);
    if (!c) {
      c = new SpotClient(options);
      shared.set(key, c);
    }
    return c;
  }

  /** The token's organization id, once any answer has carried it (e.g. after accounts.list()). */
  get organizationHint(): string | undefined {
    return this.transport.organizationHint;
  }

  /** Live counters: requests by "METHOD /route/template", retries, cache hits, coalesced reads, 429s, … */
  get counters(): ClientCounters {
    return this.transport.counters;
  }

  resetCounters(): void {
    Object.assign(this.transport.counters, newCounters());
  }

  /** Close idle keep-alive connections (e.g. before a short-lived process exits). */
  close(): void {
    this.transport.close();
  }

  /** Forget cached list answers (e.g. before a drift check that must see out-of-band changes). */
  clearCache(): void {
    this.transport.clearCache();
  }

  /** The audit events of a run (this process's run id, or another run's), oldest first. */
  auditTrail(
    runId: string,
    window: { from: Date | number; to?: Date | number; accountId?: string },
  ): Promise<AuditEvent[]> {
    return this.audit.trail(runId, window);
  }

  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      account: this.account,
      frontend: this.frontend,
      runId: this.runId,
      tokenSource: this.tokenSource,
    };
  }

  // console.log(client) must not print the token held by the transport.
  [inspect.custom](): string {
    return `SpotClient ${JSON.stringify(this.toJSON())}`;
  }
}
