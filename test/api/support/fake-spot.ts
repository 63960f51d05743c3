/**
 * A tiny scripted HTTP server for the client's unit tests (no emulator): each test decides the answers.
 * Answers use Spot's envelope so the client code paths are the real ones.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Seen {
  method: string;
  url: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status?: number;
  items?: unknown[];
  errors?: { code: string; message: string; field?: string }[];
  /** A raw body instead of the envelope. */
  raw?: string;
  headers?: Record<string, string | number>;
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
}

export type Handler = (req: Seen, n: number) => Reply | Promise<Reply>;

export function envelope(status: number, req: Seen, items?: unknown[], errors?: Reply["errors"]): unknown {
  const request = {
    id: `req-${Math.random().toString(16).slice(2, 10)}`,
    url: req.url,
    method: req.method,
    timestamp: new Date().toISOString(),
  };
  if (errors) return { request, response: { status: { code: status, message: http.STATUS_CODES[status] }, errors } };
  if (status === 429) {
    return { request, response: { status: { code: 429, message: "Too Many Requests" }, data: "Rate limit exceeded" } };
  }
  return {
    request,
    response: {
      status: { code: status, message: "OK" },
      ...(items ? { kind: "spotinst:test", items, count: items.length } : {}),
    },
  };
}

export class FakeSpot {
  readonly seen: Seen[] = [];
  inFlight = 0;
  maxInFlight = 0;
  handler: Handler = () => ({ items: [], status: 200 });
  private server = http.createServer((req, res) => this.handle(req, res));
  url = "";

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  reset(handler?: Handler): void {
    this.seen.length = 0;
    this.maxInFlight = 0;
    if (handler) this.handler = handler;
  }

  count(method: string, path: string): number {
    return this.seen.filter((s) => s.method === method && s.path === path).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const seen: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        path: (req.url ?? "").split("?")[0],
        headers: req.headers,
        body,
      };
      this.seen.push(seen);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        const r = await this.handler(seen, this.seen.length);
        if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
        if (r.drop) {
          req.socket.destroy();
          return;
        }
        const status = r.status ?? 200;
        const payload = r.raw ?? JSON.stringify(envelope(status, seen, r.items, r.errors));
        res.writeHead(status, { "content-type": "application/json", ...(r.headers ?? {}) });
        res.end(payload);
      } finally {
        this.inFlight--;
      }
    });
  }
}
