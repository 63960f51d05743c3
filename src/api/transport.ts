/**
 * The one HTTP path every area module goes through: Spot's envelope, error mapping, retries with backoff,
 * pacing and the concurrency cap, read coalescing and the list cache, counters, and redacted logging.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { VERSION } from "../version";
import { cloneJson } from "./area";
import { retryDelay, serverWaitMs, sleep, type RetryPolicy } from "./backoff";
import type { ResolvedConfig } from "./config";
import {
  authHint,
  errorFromResponse,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  SpotApiError,
  ValidationError,
  withAttempts,
  type Frontend,
  type SpotErrorItem,
} from "./errors";
import { sharedPacer, Semaphore, type Pacer } from "./pacing";
import { redact, registerSecret, registerSecretsIn } from "./redact";
import type { SpotEnvelope } from "./types";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface ClientCounters {
  /** HTTP requests actually sent (every attempt), by "METHOD /route/template". */
  requests: Record<string, number>;
  /** Sum of `requests`. */
  total: number;
  /** Attempts after the first. */
  retries: number;
  /** GETs answered from the list cache without a request. */
  cacheHits: number;
  /** GETs that joined an identical in-flight request. */
  coalesced: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Times a request waited for its learned rate budget before being sent, and the total wait. */
  pacedWaits: number;
  pacedMs: number;
  /** Creates that, after an ambiguous failure, were found committed by the caller's findExisting check. */
  recovered: number;
}

export function newCounters(): ClientCounters {
  return {
    requests: {},
    total: 0,
    retries: 0,
    cacheHits: 0,
    coalesced: 0,
    rateLimited: 0,
    pacedWaits: 0,
    pacedMs: 0,
    recovered: 0,
  };
}

/** How old a cached list may be before a miss in it is double-checked with a fresh list. */
export const RECHECK_AGE_MS = 2000;

export type QueryValue = string | number | boolean | undefined | null;

export interface Call {
  method: Method;
  /** Route template, e.g. "/setup/account/{accountId}": the key of counters, pacing and logs. */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** GET only: the collections this answer belongs to. Tagged answers are cached until TTL or invalidation. */
  tags?: string[];
  /** GET: accept a cached answer only if it is at most this old (a "did it vanish?" double check). */
  maxAgeMs?: number;
  /**
   * GET: hand back the cached array itself instead of a copy. Only for callers inside src/api that read it
   * and copy what they return: serving N lookups from one list must not copy the whole list N times.
   */
  shared?: boolean;
  /** Writes: collections whose cached answers become stale. */
  invalidates?: string[];
  /** A POST that can be sent twice without harm (sets a value, validates). PUT/DELETE/GET always are. */
  idempotent?: boolean;
  /**
   * For creating POSTs: after an ambiguous failure (5xx, reset, timeout: the server may have committed), this
   * is asked before re-sending; what it returns is taken as the result instead of posting a duplicate.
   */
  findExisting?: () => Promise<unknown>;
}

export interface TransportOptions {
  config: ResolvedConfig;
  frontend: Frontend;
  runId: string;
  retry: RetryPolicy;
  maxConcurrency: number;
  cacheTtlMs: number;
  timeoutMs: number;
  logger?: (line: string) => void;
  /** Injected in unit tests. */
  random?: () => number;
}

interface CacheEntry {
  fetchedAt: number;
  expires: number;
  items: unknown[];
  tags: string[];
}

interface InFlight {
  promise: Promise<unknown[]>;
  gens: number[];
  tags: string[];
}

interface Answer {
  pacedMs: number;
  elapsedMs: number;
  status: number;
  headers: Record<string, unknown>;
  body: SpotEnvelope | undefined;
  rawText: string;
}

/** Errors of a connection that never reached the server: safe to resend any request. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

function fillRoute(route: string, method: Method, params: Record<string, string> | undefined): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (typeof v !== "string" || v.trim() === "" || /[\s/?#]/.test(v)) {
      throw new ValidationError({
        method,
        path: route,
        code: "CLIENT_VALIDATION",
        field: name,
        spotMessage: `${name} must be a non-empty id without spaces or slashes; got ${JSON.stringify(v)}`,
        hint: `pass a valid ${name}`,
      });
    }
    return encodeURIComponent(v);
  });
}

function normalizeErrors(body: SpotEnvelope | undefined): SpotErrorItem[] {
  const raw = body?.response?.errors;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e) => e && typeof e === "object")
    .map((e) => ({
      code: String(e.code ?? ""),
      message: String(e.message ?? ""),
      ...(e.field ? { field: String(e.field) } : {}),
    }));
}

function describeNetworkError(e: unknown): { code: string; message: string; timeout: boolean } {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? "ENETWORK";
  const timeout = code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(err.message ?? "");
  return { code: timeout ? "TIMEOUT" : code, message: err.message ?? String(e), timeout };
}

export class Transport {
  readonly counters: ClientCounters = newCounters();
  readonly userAgent: string;
  organizationHint?: string;

  private readonly http: AxiosInstance;
  private readonly pacer: Pacer;
  private readonly scope: string;
  private readonly sem: Semaphore;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, InFlight>();
  private readonly gens = new Map<string, number>();
  private readonly log?: (line: string) => void;
  private readonly random: () => number;
  private readonly agents: [http.Agent, https.Agent];

  constructor(private readonly opts: TransportOptions) {
    registerSecret(opts.config.token);
    this.userAgent = `spot-iac/${VERSION} (${opts.frontend}; run=${opts.runId})`;
    const fp = createHash("sha256").update(opts.config.token).digest("hex").slice(0, 16);
    this.scope = `${opts.config.baseUrl}#${fp}`;
    this.pacer = sharedPacer(this.scope);
    this.sem = new Semaphore(opts.maxConcurrency);
    this.random = opts.random ?? Math.random;
    const logger = opts.logger;
    this.log = logger && ((line: string) => logger(redact(line)));
    const agentOpts = { keepAlive: true, maxSockets: opts.maxConcurrency };
    // Idle keep-alive sockets do not hold the process open (Node unrefs them); close() frees them at once.
    this.agents = [new http.Agent(agentOpts), new https.Agent(agentOpts)];
    this.http = axios.create({
      baseURL: opts.config.baseUrl,
      timeout: opts.timeoutMs,
      // Statuses and bodies are interpreted here (Spot's envelope), never by axios.
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(d) => d],
      maxRedirects: 0,
      httpAgent: this.agents[0],
      httpsAgent: this.agents[1],
      headers: {
        Authorization: `Bearer ${opts.config.token}`,
        "Content-Type": "application/json",
        Accept: "application/json",
        "User-Agent": this.userAgent,
      },
    });
  }

  get baseUrl(): string {
    return this.opts.config.baseUrl;
  }

  /** Drop cached answers of these collections (and keep in-flight reads from refilling them). */
  invalidate(tags: string[]): void {
    for (const t of tags) this.gens.set(t, (this.gens.get(t) ?? 0) + 1);
    for (const [k, e] of this.cache) if (e.tags.some((t) => tags.includes(t))) this.cache.delete(k);
  }

  /** Close idle connections. The client stays usable (new connections are opened on demand). */
  close(): void {
    for (const a of this.agents) a.destroy();
  }

  /** Forget every cached answer. */
  clearCache(): void {
    this.invalidate([...new Set([...this.cache.values()].flatMap((e) => e.tags))]);
    this.cache.clear();
  }

  /** Perform a call; resolves to the envelope's items. */
  async request<T>(call: Call): Promise<T[]> {
    const path = fillRoute(call.route, call.method, call.params) + encodeQuery(call.query);
    if (call.method !== "GET") {
      const tags = call.invalidates ?? [];
      this.invalidate(tags);
      try {
        return (await this.withRetries(call, path)) as T[];
      } finally {
        // A failed write may still have committed: whatever the outcome, cached lists are suspect.
        this.invalidate(tags);
      }
    }
    return (await this.cachedGet(call, path)) as T[];
  }

  private genSnapshot(tags: string[]): number[] {
    return tags.map((t) => this.gens.get(t) ?? 0);
  }

  private async cachedGet(call: Call, path: string): Promise<unknown[]> {
    const tags = call.tags ?? [];
    const now = Date.now();
    // The fetched array stays pristine (cache and joiners share it); mutable callers get their own copy.
    const out = (items: unknown[]) => (call.shared ? items : cloneJson(items));
    if (tags.length && this.opts.cacheTtlMs > 0) {
      const hit = this.cache.get(path);
      if (hit && hit.expires > now && (call.maxAgeMs === undefined || now - hit.fetchedAt <= call.maxAgeMs)) {
        this.counters.cacheHits++;
        return out(hit.items);
      }
      if (hit && hit.expires <= now) this.cache.delete(path);
    }
    const gens = this.genSnapshot(tags);
    const running = this.inflight.get(path);
    if (running && running.gens.every((g, i) => g === gens[i])) {
      this.counters.coalesced++;
      return out(await running.promise);
    }
    const promise = this.withRetries(call, path);
    const entry: InFlight = { promise, gens, tags };
    this.inflight.set(path, entry);
    try {
      const items = await promise;
      const fresh = this.genSnapshot(tags).every((g, i) => g === gens[i]);
      if (tags.length && this.opts.cacheTtlMs > 0 && fresh) {
        const at = Date.now();
        this.cache.set(path, { fetchedAt: at, expires: at + this.opts.cacheTtlMs, items, tags });
      }
      return out(items);
    } finally {
      if (this.inflight.get(path) === entry) this.inflight.delete(path);
    }
  }

  private async withRetries(call: Call, path: string): Promise<unknown[]> {
    const { method, route } = call;
    const key = `${method} ${route}`;
    const start = Date.now();
    const safeToResend = method !== "POST" || !!call.idempotent;
    let ambiguous = false; // a previous attempt may have been applied by the server
    let failures = 0;
    if (call.body !== undefined) registerSecretsIn(call.body);

    for (;;) {
      const attempt = failures + 1;
      let err: SpotApiError;
      let hintMs: number | undefined;
      let committedMaybe: boolean; // could this failed attempt have changed server state?
      const answer = await this.send(call, path, key);
      // Duration of the HTTP exchange itself; time spent waiting for the rate budget is logged apart.
      const ms = answer.elapsedMs;
      const line = (status: string, requestId: string | undefined, note?: string, body?: unknown) =>
        this.logLine({ method, path, status, ms, requestId, attempt, pacedMs: answer.pacedMs, note, body });

      if ("status" in answer) {
        const { status, body, headers } = answer;
        const requestId = body?.request?.id ?? (headers["x-request-id"] as string | undefined);
        if (status >= 200 && status < 300) {
          if (!body && answer.rawText.trim() !== "") {
            err = new ServerError({
              method,
              path,
              status,
              requestId,
              spotMessage: "the answer is not JSON (a proxy in the way?)",
            });
            committedMaybe = true;
          } else {
            const items = this.itemsOf(body, method);
            line(String(status), requestId, undefined, call.body);
            return items;
          }
        } else {
          if (status === 429) this.counters.rateLimited++;
          // A hint of 0 says nothing: fall back to backoff so a failing server is not hammered.
          const hint =
            status === 429
              ? serverWaitMs(headers)
              : status === 503
                ? serverWaitMs(headers, Date.now(), false)
                : undefined;
          hintMs = hint ? hint : undefined;
          err = errorFromResponse({ method, path, status, requestId }, normalizeErrors(body), {
            statusText:
              body?.response?.status?.message ?? (answer.rawText && !body ? answer.rawText.slice(0, 200) : undefined),
            retryAfterMs: hintMs,
            authHint: authHint(this.opts.frontend, this.opts.config.tokenSource),
          });
          // Spot's rate limiter answers before any handler runs.
          committedMaybe = status !== 429;
        }
      } else {
        const { code, message } = answer.network;
        err = new NetworkError({ method, path, code, spotMessage: `${message} (${this.opts.config.baseUrl})` });
        committedMaybe = !NOT_SENT_CODES.has(code);
      }

      // A DELETE whose earlier attempt may have gone through: "not found" now means it did.
      if (err instanceof NotFoundError && method === "DELETE" && ambiguous) {
        line(`${err.status ?? "-"} ${err.code ?? ""}`.trim(), err.requestId, "(already deleted by an earlier attempt)");
        return [];
      }

      const transient = err instanceof RateLimitedError || err instanceof ServerError || err instanceof NetworkError;
      failures++;
      if (committedMaybe) ambiguous = true;
      // Re-sending a create is safe only if no attempt so far can have been applied, or the caller can tell.
      const retryable = transient && err.status !== 501 && (safeToResend || !ambiguous || !!call.findExisting);

      if (!retryable) {
        line(this.statusText(err), err.requestId, undefined, call.body);
        throw failures > 1 ? withAttempts(err, failures, Date.now() - start) : err;
      }
      const decision = retryDelay(failures, Date.now() - start, this.opts.retry, hintMs, this.random);
      if (decision.stop) {
        line(this.statusText(err), err.requestId, `giving up: ${decision.stop}`, call.body);
        if (ambiguous && call.findExisting) {
          const found = await this.tryFind(call);
          if (found !== undefined) return [found];
        }
        throw withAttempts(err, failures, Date.now() - start, decision.stop);
      }
      const why = `${this.statusText(err)}${hintMs !== undefined ? `, server asked ${hintMs}ms` : ""}`;
      line(this.statusText(err), err.requestId, `retry in ${decision.delayMs}ms (${why})`, call.body);
      this.counters.retries++;
      await sleep(decision.delayMs);
      if (ambiguous && method === "POST" && !call.idempotent && call.findExisting) {
        const found = await this.tryFind(call);
        if (found !== undefined) return [found];
      }
    }
  }

  private async tryFind(call: Call): Promise<unknown> {
    this.invalidate(call.invalidates ?? []);
    const found = await call.findExisting!();
    if (found !== undefined) {
      this.counters.recovered++;
      this.log?.(`spot-iac ${call.method} ${call.route}: the earlier attempt was committed; using the existing object`);
    }
    return found;
  }

  private statusText(err: SpotApiError): string {
    if (!err.status) return err.code ?? "network error";
    return err.code && err.code !== String(err.status) ? `${err.status} ${err.code}` : String(err.status);
  }

  private itemsOf(body: SpotEnvelope | undefined, method: Method): unknown[] {
    const raw = body?.response?.items;
    // The OpenAPI shows a bare object for a few routes; real clients need arrays. Accept both.
    const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
    registerSecretsIn(items);
    // Only reads describe the token's own organization (creating one answers with the new organization's id).
    if (!this.organizationHint && method === "GET") {
      for (const it of items) {
        const org = (it as { organizationId?: unknown })?.organizationId;
        if (typeof org === "string" || typeof org === "number") {
          this.organizationHint = String(org);
          break;
        }
      }
    }
    return items;
  }

  private async send(
    call: Call,
    path: string,
    key: string,
  ): Promise<Answer | { pacedMs: number; elapsedMs: number; network: ReturnType<typeof describeNetworkError> }> {
    const ticket = await this.pacer.acquire(key);
    if (ticket.waitedMs > 0) {
      this.counters.pacedWaits++;
      this.counters.pacedMs += ticket.waitedMs;
    }
    await this.sem.acquire();
    this.counters.requests[key] = (this.counters.requests[key] ?? 0) + 1;
    this.counters.total++;
    let res: AxiosResponse<string> | undefined;
    const t0 = Date.now();
    try {
      res = await this.http.request<string>({
        method: call.method,
        url: path,
        data: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
    } catch (e) {
      ticket.release(undefined, undefined);
      return { pacedMs: ticket.waitedMs, elapsedMs: Date.now() - t0, network: describeNetworkError(e) };
    } finally {
      this.sem.release();
    }
    const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const elapsedMs = Date.now() - t0;
    ticket.release(res.status, headers);
    const rawText = typeof res.data === "string" ? res.data : "";
    let body: SpotEnvelope | undefined;
    if (rawText.trim()) {
      try {
        body = JSON.parse(rawText) as SpotEnvelope;
      } catch {
        body = undefined;
      }
    }
    return { pacedMs: ticket.waitedMs, elapsedMs, status: res.status, headers, body, rawText };
  }

  private logLine(e: {
    method: string;
    path: string;
    status: string;
    ms: number;
    requestId?: string;
    attempt: number;
    pacedMs: number;
    note?: string;
    body?: unknown;
  }): void {
    if (!this.log) return;
    let line = `spot-iac ${e.method} ${e.path} ${e.status} ${e.ms}ms req=${e.requestId ?? "-"} run=${this.opts.runId}`;
    if (e.attempt > 1) line += ` attempt=${e.attempt}`;
    if (e.pacedMs > 0) line += ` paced=${e.pacedMs}ms`;
    if (e.note) line += ` ${e.note}`;
    if (e.body !== undefined && e.method !== "GET") {
      const text = JSON.stringify(redact(e.body));
      line += ` body=${text.length > 400 ? text.slice(0, 400) + "…" : text}`;
    }
    this.log(line);
  }
}
