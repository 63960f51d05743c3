import FindMyWay from "find-my-way";
import type { IncomingMessage, ServerResponse } from "node:http";
import { recordAudit } from "./audit";
import { authenticate } from "./auth";
import type { Ctx, Principal, RouteDef } from "./context";
import { handleControl } from "./control";
import { failure, rateLimited, success, type Envelope, type RequestInfo } from "./envelope";
import { SpotError, statusMessage, validationError } from "./errors";
import { Faults, type Fault } from "./faults";
import { requestId } from "./ids";
import { RateLimiter, type RateDecision } from "./rate-limit";
import { redactUrl } from "./redact";
import { allRoutes } from "./routes";
import { Stats } from "./stats";
import type { Store } from "./store";

/** Largest request body the emulator reads (Spot's own limit is not published). Larger ones answer 413. */
export const MAX_BODY = 5 * 1024 * 1024;
/** Past the limit the rest is read and dropped, so that the client can finish sending and read the 413; up to here. */
const DRAIN_LIMIT = 64 * 1024 * 1024;
/** JSON nested deeper than this is refused before anything walks it (legitimate bodies nest about 6 levels). */
export const MAX_DEPTH = 32;

export interface AppOptions {
  adminToken: string;
  rateLimitPerMinute: number;
  log?: (line: string) => void;
}

type Router = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

/**
 * The request pipeline: route (404, or 400 for a path that is not valid percent-encoding) → authenticate (401)
 * → rate limit (429) → injected faults → JSON body (413 too large; 400 not JSON, nested deeper than MAX_DEPTH,
 * or holding a lone UTF-16 surrogate) → handler inside one store transaction → audit event → Spot envelope.
 * Every answer of a Spot route is Spot's envelope, an unexpected failure included (500 INTERNAL_ERROR); refused
 * bodies of state-changing routes are audited like any other refused request.
 */
export class EmulatorApp {
  readonly faults = new Faults();
  readonly stats = new Stats();
  readonly limiter: RateLimiter;
  private readonly router: Router;

  constructor(
    readonly store: Store,
    readonly options: AppOptions,
  ) {
    this.limiter = new RateLimiter(options.rateLimitPerMinute);
    // Case-insensitive: Spot's Java SDK calls e.g. /setup/user/{id}/PolicyMapping.
    this.router = FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
    for (const route of allRoutes) {
      this.router.on(route.method, route.path.replace(/\{(\w+)\}/g, ":$1"), () => undefined, route);
    }
  }

  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      this.options.log?.(`emulator internal error: ${(err as Error)?.stack ?? String(err)}`);
      if (res.headersSent || res.destroyed) return;
      const rawUrl = req.url ?? "/";
      const info: RequestInfo = {
        id: requestId(),
        url: rawUrl,
        method: (req.method ?? "GET").toUpperCase(),
        timestamp: new Date().toISOString(),
      };
      const payload = failure(info, 500, [
        { code: "INTERNAL_ERROR", message: "The emulator failed to handle the request" },
      ]);
      this.send(res, 500, payload, null, { Connection: "close" });
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const received = await readBody(req);
    if (received === undefined) return; // the client went away mid-body: nobody to answer
    // A body past the drain limit is still arriving: answer, then close the connection instead of reading on.
    const extraHeaders: Record<string, string> = received.abandoned ? { Connection: "close" } : {};
    if (received.abandoned) res.on("finish", () => req.destroy());
    if (/^\/emulator(\/|$)/i.test(path)) {
      handleControl(this, req, res, method, path, received);
      return;
    }
    const now = new Date();
    const info: RequestInfo = { id: requestId(), url: rawUrl, method, timestamp: now.toISOString() };
    const done = (status: number, payload: Envelope, rate: RateDecision | null, extra: Record<string, string> = {}) => {
      this.send(res, status, payload, rate, { ...extraHeaders, ...extra });
      this.stats.answered(status);
      this.options.log?.(`${method} ${redactUrl(rawUrl)} ${status} ${(performance.now() - started).toFixed(1)}ms`);
    };

    const found = this.router.find(method as FindMyWay.HTTPMethod, path);
    if (!found && !validPercentEncoding(path)) {
      const rate = this.limiter.hit("-", method, "(unmatched)", now.getTime());
      done(
        400,
        failure(info, 400, [
          { code: "ValidationError", message: "The request path is not valid percent-encoded UTF-8", field: "path" },
        ]),
        rate,
      );
      return;
    }
    if (!found) {
      const rate = this.limiter.hit("-", method, "(unmatched)", now.getTime());
      done(
        404,
        failure(info, 404, [{ code: "UNKNOWN_ROUTE", message: `The Spot API has no route ${method} ${path}` }]),
        rate,
      );
      return;
    }
    const route = found.store as RouteDef;
    const params = { ...(found.params as Record<string, string>) };
    const query: Record<string, string> = qi < 0 ? {} : Object.fromEntries(new URLSearchParams(rawUrl.slice(qi + 1)));
    this.stats.count(method, route.path);

    let principal: Principal;
    try {
      principal = authenticate(this.store, req.headers.authorization);
    } catch (e) {
      const err = e as SpotError;
      done(err.status, failure(info, err.status, err.errors), this.limiter.hit("-", method, route.path, now.getTime()));
      return;
    }

    const ctx: Ctx = {
      store: this.store,
      request: info,
      method,
      path,
      params,
      query,
      body: undefined,
      principal,
      now,
      audit: {},
    };
    // Parsed now so that audit events of refused requests (429, injected faults) still carry the body.
    let bodyError: SpotError | undefined;
    try {
      ctx.body = parseBody(received);
    } catch (e) {
      bodyError = e as SpotError;
    }
    const agent = String(req.headers["user-agent"] ?? "");
    const body = { bytes: received.bytes, error: bodyError?.errors[0]?.message };
    const auditFailure = (status: number) => {
      if (route.audit) this.store.tx(() => this.audit(ctx, route, status, agent, body));
    };

    const rate = this.limiter.hit(principal.orgId, method, route.path, now.getTime());
    if (!rate.allowed) {
      auditFailure(429);
      done(429, rateLimited(info), rate);
      return;
    }

    const fault = this.faults.take(method, route.path, path, principal.orgId);
    if (fault?.kind === "drop") {
      req.socket.destroy();
      this.options.log?.(`${method} ${redactUrl(rawUrl)} dropped (fault ${fault.id})`);
      return;
    }
    if (fault?.kind === "status") {
      auditFailure(fault.status!);
      this.sendFault(info, fault, fault.status!, rate, done);
      return;
    }
    if (fault?.kind === "latency") {
      await new Promise((r) => setTimeout(r, fault.latencyMs));
      // Latency stands for the network: Spot handles the request when it arrives, so what it records (createdAt,
      // audit time) is the time after the delay, in the order requests are really handled.
      ctx.now = new Date();
    }

    let status = 200;
    let payload: Envelope;
    try {
      if (bodyError) throw bodyError;
      const result = this.store.tx(() => {
        const r = route.handler(ctx);
        if (route.audit) this.audit(ctx, route, 200, agent, body);
        return r;
      });
      payload = success(info, result.kind, result.items, result.extra);
    } catch (e) {
      if (e instanceof SpotError) {
        status = e.status;
        payload = failure(info, e.status, e.errors);
      } else {
        status = 500;
        this.options.log?.(`emulator handler error on ${method} ${route.path}: ${(e as Error)?.stack ?? String(e)}`);
        payload = failure(info, 500, [
          { code: "INTERNAL_ERROR", message: "The emulator failed to handle the request" },
        ]);
      }
      auditFailure(status);
    }

    if (fault?.kind === "commit-then-fail") {
      // The change is stored; the client never learns it.
      if (fault.then === "drop") {
        req.socket.destroy();
        this.options.log?.(`${method} ${redactUrl(rawUrl)} committed then dropped (fault ${fault.id})`);
      } else {
        this.sendFault(info, fault, fault.status ?? 503, rate, done);
      }
      return;
    }
    done(status, payload, rate);
  }

  private sendFault(
    info: RequestInfo,
    fault: Fault,
    status: number,
    rate: RateDecision,
    done: (s: number, p: Envelope, r: RateDecision | null, extra?: Record<string, string>) => void,
  ): void {
    if (status === 429) {
      done(429, rateLimited(info), { ...rate, remaining: 0, reset: Math.max(1, rate.reset) });
      return;
    }
    const code = statusMessage(status)
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, "_");
    done(
      status,
      failure(info, status, [{ code, message: `${statusMessage(status)} (injected fault ${fault.id})` }]),
      rate,
    );
  }

  private audit(
    ctx: Ctx,
    route: RouteDef,
    status: number,
    agent: string,
    body: { bytes: number; error?: string },
  ): void {
    // Deleting one's own organization leaves nowhere to record the event.
    if (!this.store.get("org", ctx.principal.orgId)) return;
    const firstParam = Object.values(ctx.params)[0];
    recordAudit(this.store, {
      principal: ctx.principal,
      info: route.audit!,
      path: ctx.path,
      query: ctx.query,
      body: ctx.body,
      bodyBytes: body.bytes,
      bodyError: body.error,
      resourceId: ctx.audit.resourceId ?? firstParam ?? "",
      accountId: ctx.audit.accountId ?? ctx.params.accountId ?? ctx.query.accountId ?? null,
      agent,
      status,
      now: ctx.now,
    });
  }

  private send(
    res: ServerResponse,
    status: number,
    payload: unknown,
    rate: RateDecision | null,
    extra: Record<string, string>,
  ): void {
    const body = JSON.stringify(payload);
    const headers: Record<string, string | number> = {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
      ...extra,
    };
    if (rate) {
      headers["X-RateLimit-Limit"] = rate.limit;
      headers["X-RateLimit-Remaining"] = rate.remaining;
      headers["X-RateLimit-Reset"] = rate.reset;
    }
    res.writeHead(status, headers);
    res.end(body);
  }
}

/**
 * Node's answer to a request it cannot parse (malformed HTTP, headers over its limit) is a bare status line;
 * this one is Spot's envelope, so that no answer of the emulator is outside it. Attach to the server's
 * `clientError` event.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: import("node:stream").Duplex): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const message =
    status === 431
      ? "The request's headers (URL included) are larger than the server accepts"
      : status === 408
        ? "The request was not received in time"
        : "The request is not valid HTTP";
  const info: RequestInfo = { id: requestId(), url: "", method: "", timestamp: new Date().toISOString() };
  const code = statusMessage(status)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_");
  const body = JSON.stringify(failure(info, status, [{ code, message }]));
  socket.end(
    `HTTP/1.1 ${status} ${statusMessage(status)}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A request body as read: its text, its size, and whether it was over MAX_BODY (then not kept). */
export interface ReceivedBody {
  text: string;
  bytes: number;
  tooLarge: boolean;
  /** Past DRAIN_LIMIT: the rest was not read, and the connection closes after the answer. */
  abandoned: boolean;
}

/**
 * Reads the body, keeping at most MAX_BODY bytes. A larger body is read to its end and dropped (so that the
 * client, which is still sending, gets the 413 instead of a reset connection), or, past DRAIN_LIMIT, abandoned.
 * Resolves undefined when the client aborts.
 */
function readBody(req: IncomingMessage): Promise<ReceivedBody | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (v: ReceivedBody | undefined) => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT) {
      req.pause();
      finish({ text: "", bytes: declared, tooLarge: true, abandoned: true });
      return;
    }
    req.on("data", (c: Buffer) => {
      bytes += c.length;
      if (bytes <= MAX_BODY) chunks.push(c);
      else chunks.length = 0;
      if (bytes > DRAIN_LIMIT) {
        req.pause();
        finish({ text: "", bytes, tooLarge: true, abandoned: true });
      }
    });
    req.on("end", () => {
      const tooLarge = bytes > MAX_BODY;
      finish({
        text: tooLarge || chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8"),
        bytes,
        tooLarge,
        abandoned: false,
      });
    });
    req.on("error", () => finish(undefined));
    req.on("aborted", () => finish(undefined));
  });
}

/** Whether a path decodes as percent-encoded UTF-8 (find-my-way finds no route for one that does not). */
function validPercentEncoding(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * JSON on any method (Go's SDK sends bodies on GET and DELETE); an empty body is "no body". Refuses, in Spot's
 * envelope: too large (413), not JSON, nested deeper than MAX_DEPTH, or any key or string with a lone UTF-16
 * surrogate (JSON escapes allow "\ud800"; such text cannot be stored or echoed as UTF-8).
 */
function parseBody(received: ReceivedBody): unknown {
  if (received.tooLarge) {
    throw new SpotError(413, [
      {
        code: "PAYLOAD_TOO_LARGE",
        message: `The request body (${received.bytes} bytes) is larger than the ${MAX_BODY} bytes the API accepts`,
        field: "body",
      },
    ]);
  }
  const text = received.text;
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validationError("body", "Request body is not valid JSON");
  }
  checkShape(value);
  return value;
}

/** Depth and lone-surrogate checks, without recursion (the value may be nested arbitrarily deep). */
function checkShape(value: unknown): void {
  const stack: { v: unknown; depth: number; field: string }[] = [{ v: value, depth: 0, field: "body" }];
  while (stack.length > 0) {
    const { v, depth, field } = stack.pop()!;
    if (typeof v === "string") {
      if (LONE_SURROGATE.test(v)) throw surrogateError(field);
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth >= MAX_DEPTH) {
      throw validationError("body", `Request body is nested too deeply (more than ${MAX_DEPTH} levels)`);
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, field: `${field}[${i}]` }));
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (LONE_SURROGATE.test(k)) throw surrogateError(field);
      stack.push({ v: x, depth: depth + 1, field: `${field}.${k}` });
    }
  }
}

function surrogateError(field: string): SpotError {
  const leaf = field.slice(field.lastIndexOf(".") + 1);
  return validationError(field, `"${leaf}" must be valid Unicode text (it holds a lone UTF-16 surrogate)`);
}
