/**
 * The one HTTP path every area module goes through: Spot's envelope, error mapping, the retry decision, pacing
 * by rate budget and the connection cap, fail-fast when the API is unreachable, read coalescing and the list
 * cache (read-cache.ts), counters, and redacted logging.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import axios, { AxiosHeaders, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from "axios";
import { VERSION } from "../version";
import { cloneJson } from "./area";
import { serverWaitMs, shouldRetry, type FailureKind, type RetryPolicy } from "./backoff";
import { systemClock, type Clock } from "./clock";
import type { ResolvedConfig } from "./config";
import {
  authHint,
  errorFromResponse,
  NetworkError,
  NotFoundError,
  ServerError,
  SpotApiError,
  UnreachableError,
  ValidationError,
  withAttempts,
  type Frontend,
  type SpotErrorItem,
} from "./errors";
import { sharedPacer, Semaphore, type Pacer } from "./pacing";
import { CachedList, ReadCache, type CachePatch, type ListSpec } from "./read-cache";
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
  /** Requests failed at once, unsent, because the API had just been found unreachable. */
  failedFast: number;
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
    failedFast: 0,
  };
}

/** How old a cached list may be before a miss in it is double-checked with a fresh list. */
export const RECHECK_AGE_MS = 2000;
/** As `maxAgeMs`: no cached answer is young enough, the list is read from Spot. */
export const FRESH = -1;

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
  /** GET: how the answer's items are keyed and indexed for lookups (see `Transport.list`). */
  list?: ListSpec;
  /** GET: a cached list with items added from a write's answer (partial items) will do. */
  acceptPartial?: boolean;
  /** GET: accept a cached answer only if it is at most this old (a "did it vanish?" double check). */
  maxAgeMs?: number;
  /**
   * GET: hand back the cached array itself instead of a copy. Only for callers inside src/api that read it
   * and copy what they return: serving N lookups from one list must not copy the whole list N times.
   */
  shared?: boolean;
  /** Writes: collections whose cached answers become stale. */
  invalidates?: string[];
  /**
   * Writes: how a successful answer changes cached lists (by path); those lists stay cached, updated, while the
   * other lists of `invalidates` are dropped. Without it every list of `invalidates` is dropped.
   */
  patch?: (items: unknown[]) => CachePatch[];
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
  /** Connection cap: requests in flight (and sockets) at once for this client. */
  maxConcurrency: number;
  cacheTtlMs: number;
  /** Per attempt, for every request but creates. */
  timeoutMs: number;
  /** Per attempt, for creating POSTs: long, so that a slow create is waited for rather than abandoned. */
  createTimeoutMs?: number;
  /** Time to open a TCP (and TLS) connection; a connect timeout proves nothing was sent. */
  connectTimeoutMs?: number;
  /** Fraction (0 < x ≤ 1) of each learned rate budget this process may use. */
  apiShare?: number;
  /** After the API was found unreachable, how long later requests fail at once (0 = never). */
  failFastMs?: number;
  /** Requests in flight on a route before its budget is known. */
  unlearnedInFlight?: number;
  logger?: (line: string) => void;
  /** Injected in unit tests. */
  random?: () => number;
  clock?: Clock;
}

export const DEFAULT_CREATE_TIMEOUT_MS = 300_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_FAIL_FAST_MS = 30_000;

interface InFlight {
  path: string;
  promise: Promise<CachedList>;
  gens: number[];
  tags: string[];
  /**
   * Writes on the list's collections that succeeded while it was in flight, each with its patch of this list: the
   * answer may or may not include them, and their patches (upserts, removals) hold either way, so the list is
   * stored with them replayed instead of being thrown away — an apply of N creates would otherwise read the list
   * again after nearly every write (O(N) lists of O(N) items).
   */
  replays: CachePatch[];
  /** A write on its collections failed or changed it without a patch of this path: the answer is not stored. */
  spoiled: boolean;
}

interface Answer {
  pacedMs: number;
  elapsedMs: number;
  status: number;
  headers: Record<string, unknown>;
  body: SpotEnvelope | undefined;
  rawText: string;
}

interface NetworkFailure {
  pacedMs: number;
  elapsedMs: number;
  network: { code: string; message: string; kind: FailureKind };
}

/** Errors of a connection that never carried the request: safe to resend any request, and a sign the API is down. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "ECONNECT_TIMEOUT",
]);

function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  let out = "";
  for (const k in query) {
    const v = query[k];
    if (v === undefined || v === null) continue;
    out += `${out ? "&" : "?"}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
  }
  return out;
}

const PARAM = /\{(\w+)\}/g;
const BAD_ID = /[\s/?#]/;

function fillRoute(route: string, method: Method, params: Record<string, string> | undefined): string {
  if (route.indexOf("{") < 0) return route;
  return route.replace(PARAM, (_, name: string) => {
    const v = params?.[name];
    if (typeof v !== "string" || v.trim() === "" || BAD_ID.test(v)) {
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

/** The request path of a call (what the cache is keyed by), for areas that describe cache patches. */
export function pathOf(route: string, params?: Record<string, string>, query?: Record<string, QueryValue>): string {
  return fillRoute(route, "GET", params) + encodeQuery(query);
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

function describeNetworkError(e: unknown): NetworkFailure["network"] {
  const err = e as { code?: string; message?: string; syscall?: string; cause?: { code?: string; syscall?: string } };
  const raw = err.code ?? err.cause?.code ?? "ENETWORK";
  const syscall = err.syscall ?? err.cause?.syscall;
  const message = err.message ?? String(e);
  // The OS's own connect timeout (SYN unanswered) also says ETIMEDOUT, with syscall "connect".
  if (raw === "ETIMEDOUT" && syscall === "connect") return { code: "ECONNECT_TIMEOUT", message, kind: "not-sent" };
  if (NOT_SENT_CODES.has(raw)) return { code: raw, message, kind: "not-sent" };
  if (raw === "ECONNABORTED" || raw === "ETIMEDOUT" || /timeout/i.test(message))
    return { code: "TIMEOUT", message, kind: "timeout" };
  return { code: raw, message, kind: "broken" };
}

/**
 * Keep-alive agents whose new sockets must connect within `connectMs`: a connect timeout is told apart from a
 * slow answer, since it proves the request never left (safe to resend, and a sign the API is unreachable).
 */
function agents(maxSockets: number, connectMs: number): [http.Agent, https.Agent] {
  const opts = { keepAlive: true, maxSockets };
  const guard = (socket: Socket) => {
    if (!socket.connecting) return socket;
    const timer = setTimeout(() => {
      const e = new Error(`connect timeout after ${connectMs} ms`) as NodeJS.ErrnoException;
      e.code = "ECONNECT_TIMEOUT";
      socket.destroy(e);
    }, connectMs);
    timer.unref?.();
    socket.once("connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
    return socket;
  };
  class HttpAgent extends http.Agent {
    createConnection(...args: unknown[]): Socket {
      const create = (http.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket })
        .createConnection;
      return guard(create.apply(this, args));
    }
  }
  class HttpsAgent extends https.Agent {
    createConnection(...args: unknown[]): Socket {
      const create = (https.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket })
        .createConnection;
      return guard(create.apply(this, args));
    }
  }
  return [new HttpAgent(opts), new HttpsAgent(opts)];
}

/** Whether the environment names a proxy for this URL's scheme (the variables axios reads). */
function proxyConfigured(baseUrl: string, env: Record<string, string | undefined> = process.env): boolean {
  const proto = baseUrl.startsWith("https:") ? "https" : "http";
  return [`${proto}_proxy`, "all_proxy"].some((k) => !!(env[k] || env[k.toUpperCase()]));
}

/** The API was found unreachable: later requests fail at once until `until` (or a request gets through). */
interface Down {
  until: number;
  code: string;
  message: string;
}

export class Transport {
  readonly counters: ClientCounters = newCounters();
  readonly userAgent: string;
  organizationHint?: string;

  /** axios's own HTTP adapter, and the request config resolved once: no per-request merging of defaults. */
  private readonly adapter: AxiosAdapter;
  private readonly template: InternalAxiosRequestConfig;
  private readonly headers: Record<string, string>;
  private readonly pacer: Pacer;
  private readonly scope: string;
  private readonly sem: Semaphore;
  private readonly cache: ReadCache;
  private readonly inflight = new Map<string, InFlight>();
  // Every list read on its way, also those a newer read of the same path replaced in `inflight` (a FRESH read
  // does): each must hear of the writes that finish before its answer, or it would store a list without them.
  private readonly reading = new Set<InFlight>();
  private readonly log?: (line: string) => void;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly agents: [http.Agent, https.Agent];
  private readonly share: number;
  private readonly createTimeoutMs: number;
  private readonly failFastMs: number;
  private down?: Down;

  constructor(private readonly opts: TransportOptions) {
    registerSecret(opts.config.token);
    this.userAgent = `spot-iac/${VERSION} (${opts.frontend}; run=${opts.runId})`;
    const fp = createHash("sha256").update(opts.config.token).digest("hex").slice(0, 16);
    this.scope = `${opts.config.baseUrl}#${fp}`;
    this.clock = opts.clock ?? systemClock;
    // The pacer is shared by every client of this token, so it keeps real time (a client's injected clock is its own).
    this.pacer = sharedPacer(this.scope, { unlearnedInFlight: opts.unlearnedInFlight });
    this.sem = new Semaphore(opts.maxConcurrency);
    this.cache = new ReadCache(opts.cacheTtlMs);
    this.random = opts.random ?? Math.random;
    this.share = opts.apiShare ?? 1;
    this.createTimeoutMs = opts.createTimeoutMs ?? Math.max(DEFAULT_CREATE_TIMEOUT_MS, opts.timeoutMs);
    this.failFastMs = opts.failFastMs ?? DEFAULT_FAIL_FAST_MS;
    const logger = opts.logger;
    this.log = logger && ((line: string) => logger(redact(line)));
    // Idle keep-alive sockets do not hold the process open (Node unrefs them); close() frees them at once.
    this.agents = agents(opts.maxConcurrency, opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.headers = {
      Authorization: `Bearer ${opts.config.token}`,
      "Content-Type": "application/json",
      Accept: "application/json",
      "User-Agent": this.userAgent,
    };
    const instance = axios.create({
      baseURL: opts.config.baseUrl,
      timeout: opts.timeoutMs,
      // Statuses and bodies are interpreted here (Spot's envelope), never by axios.
      validateStatus: () => true,
      responseType: "text",
      responseEncoding: "utf8",
      transformRequest: [(d) => d],
      transformResponse: [(d) => d],
      maxRedirects: 0,
      // axios looks the proxy up in the environment on every request; with none configured, say so once.
      ...(proxyConfigured(opts.config.baseUrl) ? {} : { proxy: false as const }),
      httpAgent: this.agents[0],
      httpsAgent: this.agents[1],
      headers: this.headers,
    });
    // What axios.request would do on every call (merge the instance defaults into the call's config, run the
    // interceptor chain and the transforms) is done once here; each request then hands the HTTP adapter a
    // config that inherits this template and sets only method, url, body, timeout and a fresh header set.
    this.template = { ...instance.defaults } as unknown as InternalAxiosRequestConfig;
    this.adapter = axios.getAdapter(instance.defaults.adapter ?? ["http"]);
  }

  get baseUrl(): string {
    return this.opts.config.baseUrl;
  }

  /** Drop cached answers of these collections (and keep in-flight reads from refilling them). */
  invalidate(tags: string[]): void {
    this.cache.bump(tags);
    this.cache.drop(tags);
    this.touchInFlight(tags);
  }

  /** Tell the list reads in flight on `tags` about a write: its patch of their path, or (none) that they are spoiled. */
  private touchInFlight(tags: string[], patches?: CachePatch[]): void {
    if (!tags.length || !this.reading.size) return;
    for (const entry of this.reading) {
      if (!entry.tags.some((t) => tags.includes(t))) continue;
      const mine = patches?.filter((p) => p.path === entry.path);
      if (mine?.length) entry.replays.push(...mine);
      else entry.spoiled = true;
    }
  }

  /** Close idle connections. The client stays usable (new connections are opened on demand). */
  close(): void {
    for (const a of this.agents) a.destroy();
  }

  /** Forget every cached answer. */
  clearCache(): void {
    this.cache.clear();
    for (const entry of this.reading) entry.spoiled = true;
  }

  /** Perform a call; resolves to the envelope's items (a copy, unless `shared`). */
  async request<T>(call: Call): Promise<T[]> {
    const path = fillRoute(call.route, call.method, call.params) + encodeQuery(call.query);
    if (call.method === "GET") {
      const list = await this.readList(call, path);
      return (call.shared ? list.all() : cloneJson(list.all())) as T[];
    }
    const tags = call.invalidates ?? [];
    // Reads in flight now may or may not see this write: they must not be cached, whatever its outcome.
    this.cache.bump(tags);
    let items: unknown[];
    try {
      items = await this.withRetries(call, path);
    } catch (e) {
      // A failed write may still have committed: the lists it touches are suspect.
      this.invalidate(tags);
      throw e;
    }
    this.cache.bump(tags);
    const patches = call.patch?.(items);
    if (patches) this.cache.patch(tags, patches);
    else this.cache.drop(tags);
    this.touchInFlight(tags, patches);
    return items as T[];
  }

  /**
   * A GET's answer as a cached list with indexes (`call.list`), coalesced with identical reads in flight. The
   * list is shared: callers read it and copy what they hand out.
   */
  list(call: Call): Promise<CachedList> {
    return this.readList(call, fillRoute(call.route, "GET", call.params) + encodeQuery(call.query));
  }

  /** Put an item into a cached list if that list is cached (e.g. the full item after reading one object). */
  upsertCached(path: string, item: unknown): void {
    this.cache.patch([], [{ path, apply: (l) => l.upsert(item) }]);
  }

  private async readList(call: Call, path: string): Promise<CachedList> {
    const tags = call.tags ?? [];
    if (tags.length && this.cache.enabled) {
      const hit = this.cache.lookup(path, this.clock.now(), call.maxAgeMs);
      if (hit && (call.acceptPartial || !hit.list.hasPartial)) {
        this.counters.cacheHits++;
        return hit.list;
      }
    }
    const gens = this.cache.snapshot(tags);
    const running = this.inflight.get(path);
    // Joining a read in flight is right while no write has spoiled it: the writes since it started are replayed
    // into its answer. A FRESH read joins only a read that started after every write it could need to see.
    const joinable = call.maxAgeMs === FRESH ? running?.gens.every((g, i) => g === gens[i]) : !running?.spoiled;
    if (running && joinable) {
      this.counters.coalesced++;
      return running.promise;
    }
    const entry: InFlight = {
      path,
      promise: undefined as unknown as Promise<CachedList>,
      gens,
      tags,
      replays: [],
      spoiled: false,
    };
    this.reading.add(entry);
    entry.promise = this.withRetries(call, path).then((items) => {
      this.reading.delete(entry);
      const list = new CachedList(call.list, items);
      if (entry.spoiled) return list;
      for (const p of entry.replays) if (!p.apply(list)) entry.spoiled = true;
      // Writes still in flight patch the stored list when they succeed and drop it when they fail.
      if (!entry.spoiled) this.cache.store(path, tags, list, this.clock.now());
      return list;
    });
    entry.promise.catch(() => this.reading.delete(entry));
    this.inflight.set(path, entry);
    try {
      return await entry.promise;
    } finally {
      if (this.inflight.get(path) === entry) this.inflight.delete(path);
    }
  }

  /** The error for a request not sent because the API was just found unreachable. */
  private unreachable(call: Call, path: string, d: Down, attempts?: number, elapsedMs?: number): UnreachableError {
    const cfg = this.opts.config;
    const where = cfg.baseUrlSource ? ` (from ${cfg.baseUrlSource})` : "";
    const setting =
      this.opts.frontend === "terraform"
        ? "the provider's base_url, SPOTINST_BASE_URL"
        : this.opts.frontend === "pulumi"
          ? "spot:baseUrl, SPOTINST_BASE_URL"
          : "SPOTINST_BASE_URL";
    return new UnreachableError({
      method: call.method,
      path,
      code: d.code,
      spotMessage: `the Spot API at ${cfg.baseUrl}${where} is unreachable: ${d.message}`,
      attempts,
      elapsedMs,
      gaveUp: attempts === undefined ? "not sent: an earlier request found the API unreachable" : undefined,
      hint: `check ${setting} and the network (proxy, DNS, firewall), then run again`,
    });
  }

  /** Fails at once while the API is known to be unreachable; the window passing lets requests try again. */
  private checkReachable(call: Call, path: string): void {
    const d = this.down;
    if (!d) return;
    if (this.clock.now() >= d.until) {
      this.down = undefined;
      return;
    }
    this.counters.failedFast++;
    throw this.unreachable(call, path, d);
  }

  private async withRetries(call: Call, path: string): Promise<unknown[]> {
    const { method, route } = call;
    const key = `${method} ${route}`;
    const start = this.clock.now();
    const safeToResend = method !== "POST" || !!call.idempotent;
    const timeout = safeToResend ? this.opts.timeoutMs : this.createTimeoutMs;
    let ambiguous = false; // a previous attempt may have been applied by the server
    let mayStillApply = false; // a previous attempt timed out: the server may still be applying it
    let failures = 0;
    let resend = true;
    let err!: SpotApiError;
    let kind: FailureKind = "final";
    let hintMs: number | undefined;
    let pacedMs = 0;
    let ms = 0;
    let networkMessage = "";
    if (call.body !== undefined) registerSecretsIn(call.body);
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);

    for (;;) {
      const attempt = failures + 1;
      const line = (status: string, requestId: string | undefined, note?: string, body?: unknown) =>
        this.logLine({ method, path, status, ms, requestId, attempt, pacedMs, note, body });

      if (resend) {
        this.checkReachable(call, path);
        const answer = await this.send(call, path, key, payload, timeout);
        // Duration of the HTTP exchange itself; time spent waiting for the rate budget is logged apart.
        ms = answer.elapsedMs;
        pacedMs = answer.pacedMs;
        hintMs = undefined;
        if ("status" in answer) {
          // Any answer proves the API is reachable.
          this.down = undefined;
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
              kind = "server";
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
                  ? serverWaitMs(headers, this.clock.now(), false)
                  : undefined;
            hintMs = hint ? hint : undefined;
            err = errorFromResponse({ method, path, status, requestId }, normalizeErrors(body), {
              statusText:
                body?.response?.status?.message ?? (answer.rawText && !body ? answer.rawText.slice(0, 200) : undefined),
              retryAfterMs: hintMs,
              authHint: authHint(this.opts.frontend, this.opts.config.tokenSource),
            });
            kind = status === 429 ? "rate-limited" : status >= 500 && status !== 501 ? "server" : "final";
          }
        } else {
          const { code, message } = answer.network;
          kind = answer.network.kind;
          networkMessage = message;
          err = new NetworkError({ method, path, code, spotMessage: `${message} (${this.opts.config.baseUrl})` });
        }

        // A DELETE whose earlier attempt may have gone through: "not found" now means it did.
        if (err instanceof NotFoundError && method === "DELETE" && ambiguous) {
          line(
            `${err.status ?? "-"} ${err.code ?? ""}`.trim(),
            err.requestId,
            "(already deleted by an earlier attempt)",
          );
          return [];
        }
        if (kind === "server" || kind === "broken" || kind === "timeout") ambiguous = true;
        if (kind === "timeout") mayStillApply = true;
      }
      failures++;

      const v = shouldRetry(
        {
          kind,
          safeToResend,
          canFind: !!call.findExisting,
          ambiguous,
          mayStillApply,
          failures,
          elapsedMs: this.clock.now() - start,
          hintMs,
        },
        this.opts.retry,
        this.random,
      );
      if (v.action === "fail" || v.action === "stop") {
        if (v.action === "stop") {
          line(this.statusText(err), err.requestId, `giving up: ${v.why}`, call.body);
          if (v.find) {
            const found = await this.tryFind(call);
            if (found !== undefined) return [found];
          }
        } else {
          line(this.statusText(err), err.requestId, undefined, call.body);
        }
        const elapsed = this.clock.now() - start;
        if (kind === "not-sent" && !ambiguous) {
          // Every attempt failed to connect: the API is unreachable. Later requests fail at once, unsent.
          const d: Down = {
            until: this.clock.now() + this.failFastMs,
            code: err.code ?? "ENETWORK",
            message: networkMessage,
          };
          if (this.failFastMs > 0) {
            if (!this.down)
              this.log?.(
                `spot-iac ${this.opts.config.baseUrl} unreachable (${d.code}): later requests fail at once for ${this.failFastMs} ms`,
              );
            this.down = d;
          }
          throw this.unreachable(call, path, d, failures, elapsed);
        }
        const why =
          v.action === "stop" && v.find && mayStillApply
            ? `${v.why}; the create timed out and may still complete in Spot: it was not sent again, to avoid a duplicate — run again to find and adopt it`
            : v.action === "stop"
              ? v.why
              : undefined;
        throw failures > 1 || why ? withAttempts(err, failures, elapsed, why) : err;
      }
      const why = `${this.statusText(err)}${hintMs !== undefined ? `, server asked ${hintMs}ms` : ""}`;
      line(
        this.statusText(err),
        err.requestId,
        v.resend ? `retry in ${v.delayMs}ms (${why})` : `checking in ${v.delayMs}ms whether it was created (${why})`,
        call.body,
      );
      if (v.resend) this.counters.retries++;
      await this.clock.sleep(v.delayMs);
      if (v.find) {
        const found = await this.tryFind(call);
        if (found !== undefined) return [found];
      }
      resend = v.resend;
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
    payload: string | undefined,
    timeout: number,
  ): Promise<Answer | NetworkFailure> {
    const ticket = await this.pacer.acquire(key, this.share);
    if (ticket.waitedMs > 0) {
      this.counters.pacedWaits++;
      this.counters.pacedMs += ticket.waitedMs;
    }
    const slot = this.sem.acquire();
    if (slot) await slot;
    this.counters.requests[key] = (this.counters.requests[key] ?? 0) + 1;
    this.counters.total++;
    let res: AxiosResponse<string>;
    const t0 = Date.now();
    try {
      const cfg = Object.create(this.template) as InternalAxiosRequestConfig;
      cfg.method = call.method;
      cfg.url = path;
      cfg.data = payload;
      cfg.timeout = timeout;
      // The adapter adds Content-Length and others to the header set it is given: a fresh one per request.
      cfg.headers = new AxiosHeaders(this.headers);
      res = (await this.adapter(cfg)) as AxiosResponse<string>;
    } catch (e) {
      ticket.release(undefined, undefined);
      return { pacedMs: ticket.waitedMs, elapsedMs: Date.now() - t0, network: describeNetworkError(e) };
    } finally {
      this.sem.release();
    }
    const elapsedMs = Date.now() - t0;
    // Node gives lower-cased header names already; axios keeps them.
    const headers = (res.headers ?? {}) as Record<string, unknown>;
    ticket.release(res.status, headers);
    const rawText = typeof res.data === "string" ? res.data : "";
    let body: SpotEnvelope | undefined;
    if (rawText.length) {
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
