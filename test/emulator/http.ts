import http from "node:http";

/** Minimal HTTP helper for the emulator tests (deliberately not src/api: the emulator is checked independently). */
export interface SpotAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  userAgent?: string;
}

const agent = new http.Agent({ keepAlive: true });

/** node:http rather than fetch: Go's SDK sends JSON bodies on GET, which fetch refuses to do. */
export function call(base: string, method: string, path: string, opts: CallOptions = {}): Promise<SpotAnswer> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.userAgent) headers["User-Agent"] = opts.userAgent;
  let payload: string | undefined;
  if (opts.rawBody !== undefined) payload = opts.rawBody;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: any = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, body });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** Shorthand bound to one emulator and token. */
export function client(get: () => { url: string; token: string }) {
  return (method: string, path: string, body?: unknown, token?: string | null) =>
    call(get().url, method, path, { body, token: token === undefined ? get().token : token });
}

export function items(a: SpotAnswer): any[] {
  return a.body?.response?.items ?? [];
}

export function errorCode(a: SpotAnswer): string | undefined {
  return a.body?.response?.errors?.[0]?.code;
}
