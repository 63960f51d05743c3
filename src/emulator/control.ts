import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bootstrapOrganization, ensureBuiltIns, issueToken } from "./bootstrap";
import { parseFault } from "./faults";
import type { RateLimitConfig } from "./rate-limit";
import { MAX_BODY, type EmulatorApp, type ReceivedBody } from "./server";

/**
 * Emulator-only control API under /emulator/ (plain JSON, its own admin token; Spot tokens never work here).
 * The contract is /work/briefs/control-api.md, documented in docs/emulator.md.
 */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string) => new ControlError(400, message);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function asObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad("body is not valid JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("body must be a JSON object");
  return v as Record<string, unknown>;
}

function optString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v === "") throw bad(`${key} must be a non-empty string`);
  return v;
}

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw bad(`${what} must be a positive integer`);
  return v as number;
}

/** A path segment, percent-decoded; bad encoding is the caller's error (400), never a crash. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw bad(`"${raw}" is not valid percent-encoded UTF-8`);
  }
}

export function handleControl(
  app: EmulatorApp,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
  received: ReceivedBody,
): void {
  const reply = (status: number, payload: unknown) => {
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  if (!m || !sameSecret(m[1], app.options.adminToken)) {
    reply(401, { error: "the control API needs Authorization: Bearer <admin token>" });
    return;
  }
  if (received.tooLarge) {
    reply(413, { error: `the body (${received.bytes} bytes) is larger than ${MAX_BODY} bytes` });
    return;
  }
  try {
    const result = route(app, method, path.replace(/\/+$/, ""), received.text);
    reply(200, result);
  } catch (e) {
    if (e instanceof ControlError) reply(e.status, { error: e.message });
    else reply(500, { error: (e as Error)?.message ?? String(e) });
  }
}

function route(app: EmulatorApp, method: string, path: string, bodyText: string): unknown {
  const { store } = app;
  const p = path.toLowerCase();
  if (method === "POST" && p === "/emulator/bootstrap") {
    const b = asObject(bodyText);
    try {
      return bootstrapOrganization(store, {
        organizationName: optString(b, "organizationName"),
        adminEmail: optString(b, "adminEmail"),
        accountName: optString(b, "accountName"),
        token: optString(b, "token"),
      });
    } catch (e) {
      if (e instanceof ControlError) throw e;
      throw bad((e as Error).message);
    }
  }
  if (method === "POST" && p === "/emulator/tokens") {
    const b = asObject(bodyText);
    const userId = optString(b, "userId");
    if (!userId) throw bad("userId is required");
    if (!store.get("user", userId)) throw bad(`user ${userId} does not exist`);
    const memberships = store.membershipsOf(userId);
    // A user who belongs to several (linked) organizations may name the one the token acts in.
    const orgId = b.organizationId === undefined ? memberships[0]?.orgId : String(b.organizationId);
    if (!orgId || !memberships.some((x) => x.orgId === orgId)) {
      throw bad(`user ${userId} is not a member of organization ${orgId ?? "(none)"}`);
    }
    return { token: store.tx(() => issueToken(store, userId, orgId, "minted")) };
  }
  const mfa = /^\/emulator\/users\/([^/]+)\/mfa$/.exec(path);
  if (method === "PUT" && mfa) {
    const b = asObject(bodyText);
    if (typeof b.mfa !== "boolean") throw bad("mfa must be a boolean");
    const userId = segment(mfa[1]);
    store.tx(() => {
      const user = store.get("user", userId);
      if (!user) throw bad(`user ${userId} does not exist`);
      user.mfa = b.mfa as boolean;
      store.update("user", user);
    });
    return {};
  }
  if (method === "POST" && p === "/emulator/reset") {
    store.reset();
    ensureBuiltIns(store);
    app.faults.clear();
    app.limiter.reset();
    app.stats.reset();
    return {};
  }
  if (p === "/emulator/faults") {
    if (method === "POST") {
      const f = parseFault(asObject(bodyText));
      if (typeof f === "string") throw bad(f);
      return { id: app.faults.add(f).id };
    }
    if (method === "GET") return { faults: app.faults.all() };
    if (method === "DELETE") {
      app.faults.clear();
      return {};
    }
  }
  const fault = /^\/emulator\/faults\/([^/]+)$/.exec(path);
  if (method === "DELETE" && fault) {
    if (!app.faults.clear(segment(fault[1]))) throw new ControlError(404, `no fault ${fault[1]}`);
    return {};
  }
  if (method === "PUT" && p === "/emulator/rate-limits") {
    const b = asObject(bodyText);
    const cfg: RateLimitConfig = {};
    if (b.defaultPerMinute !== undefined) cfg.defaultPerMinute = positiveInt(b.defaultPerMinute, "defaultPerMinute");
    if (b.routes !== undefined) {
      if (!Array.isArray(b.routes)) throw bad("routes must be an array");
      cfg.routes = b.routes.map((r: unknown, i: number) => {
        const o = (typeof r === "object" && r !== null ? r : {}) as Record<string, unknown>;
        if (typeof o.method !== "string" || typeof o.path !== "string" || !o.path.startsWith("/")) {
          throw bad(`routes[${i}] needs method and a path template starting with /`);
        }
        return { method: o.method, path: o.path, perMinute: positiveInt(o.perMinute, `routes[${i}].perMinute`) };
      });
    }
    app.limiter.configure(cfg);
    return {};
  }
  if (p === "/emulator/stats") {
    if (method === "GET") return app.stats.snapshot();
    if (method === "DELETE") {
      app.stats.reset();
      return {};
    }
  }
  throw new ControlError(404, `no control route ${method} ${path}`);
}
