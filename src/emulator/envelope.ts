import { statusMessage, type ErrorItem } from "./errors";

/** The `request` block every Spot answer echoes. */
export interface RequestInfo {
  id: string;
  url: string;
  method: string;
  timestamp: string;
}

export interface Envelope {
  request: RequestInfo;
  response: Record<string, unknown>;
}

/** Success: HTTP 200, `items` always an array (Go decodes `[]json.RawMessage`). No kind/items for empty answers. */
export function success(req: RequestInfo, kind?: string, items?: unknown[], extra?: Record<string, unknown>): Envelope {
  const response: Record<string, unknown> = { status: { code: 200, message: "OK" }, ...extra };
  if (kind !== undefined) {
    const list = items ?? [];
    response.kind = kind;
    response.items = list;
    response.count = list.length;
  }
  return { request: req, response };
}

export function failure(req: RequestInfo, status: number, errors: ErrorItem[]): Envelope {
  return { request: req, response: { status: { code: status, message: statusMessage(status) }, errors } };
}

/** Spot's documented 429 body has `data` and no `errors` array. */
export function rateLimited(req: RequestInfo): Envelope {
  return {
    request: req,
    response: { status: { code: 429, message: "Too Many Requests" }, data: "Rate limit exceeded" },
  };
}
