import FindMyWay from "find-my-way";
import type { IncomingMessage, ServerResponse } from "node:http";
import { recordAudit } from "./audit";
import { authenticate } from "./auth";
import type { Ctx, Principal, RouteDef } from "./context";
import { handleControl } from "./control";
import { failure, rateLimited, success, type Envelope, type RequestInfo } from "./envelope";
import { SpotError, statusMessage } from "./errors";
import { Faults, type Fault } from "./faults";
import { requestId } from "./ids";
import { RateLimiter, type RateDecision } from "./rate-limit";
import { redactUrl } from "./redact";
import { allRoutes } from "./routes";
import { Stats } from "./stats";
import type { Store } from "./store";

const MAX_BODY = 5 * 1024 * 1024;

export interface AppOptions {
  adminToken: string;
  rateLimitPerMinute: number;
  log?: (line: string) => void;
}

type Router = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

/**
 * The request pipeline: route → authenticate (401) → rate limit (429) → injected faults → JSON body →
 * handler inside one store transaction → audit event → Spot envelope.
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
      this.options.log?.(`emulator internal error: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "internal error" }));
      }
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const bodyText = await readBody(req);
    if (/^\/emulator(\/|$)/i.test(path)) {
      handleControl(this, req, res, method, path, bodyText);
      return;
    }
    const now = new Date();
    const info: RequestInfo = { id: requestId(), url: rawUrl, method, timestamp: now.toISOString() };
    const done = (status: number, payload: Envelope, rate: RateDecision | null, extra: Record<string, string> = {}) => {
      this.send(res, status, payload, rate, extra);
      this.options.log?.(`${method} ${redactUrl(rawUrl)} ${status} ${(performance.now() - started).toFixed(1)}ms`);
    };

    const found = this.router.find(method as FindMyWay.HTTPMethod, path);
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
      ctx.body = parseJson(bodyText);
    } catch (e) {
      bodyError = e as SpotError;
    }
    const agent = String(req.headers["user-agent"] ?? "");
    const auditFailure = (status: number) => {
      if (route.audit) this.store.tx(() => this.audit(ctx, route, status, agent));
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
    if (fault?.kind === "latency") await new Promise((r) => setTimeout(r, fault.latencyMs));

    let status = 200;
    let payload: Envelope;
    try {
      if (bodyError) throw bodyError;
      const result = this.store.tx(() => {
        const r = route.handler(ctx);
        if (route.audit) this.audit(ctx, route, 200, agent);
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

  private audit(ctx: Ctx, route: RouteDef, status: number, agent: string): void {
    // Deleting one's own organization leaves nowhere to record the event.
    if (!this.store.get("org", ctx.principal.orgId)) return;
    const firstParam = Object.values(ctx.params)[0];
    recordAudit(this.store, {
      principal: ctx.principal,
      info: route.audit!,
      path: ctx.path,
      query: ctx.query,
      body: ctx.body,
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** JSON on any method (Go's SDK sends bodies on GET and DELETE); an empty body is "no body". */
function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SpotError(400, [{ code: "ValidationError", message: "Request body is not valid JSON", field: "body" }]);
  }
}
