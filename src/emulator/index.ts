import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { bootstrapOrganization, ensureBuiltIns } from "./bootstrap";
import { EmulatorControl } from "./control-client";
import { answerClientError, EmulatorApp } from "./server";
import { Store } from "./store";

export { EmulatorControl, EmulatorControlError } from "./control-client";
export type {
  BootstrapRequest,
  BootstrapResponse,
  FaultSpec,
  FaultState,
  RateLimitSettings,
  StatsResponse,
} from "./control-client";

export interface EmulatorOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (a free port); the returned url carries the real port. */
  port?: number;
  /** Directory for the SQLite store (WAL); created if missing. */
  data?: string;
  /** In-memory store; the default when `data` is not given. */
  memory?: boolean;
  /** With an empty store: bootstrap "Default Organization", admin admin@example.com, one account, this token. */
  token?: string;
  /** Protects /emulator/*; random when absent (returned). */
  adminToken?: string;
  /** Default budget per (organization, route, method) per sliding minute. Default 6000. */
  rateLimitPerMinute?: number;
  /** Request log (secrets redacted); silent by default. */
  log?: (line: string) => void;
}

export interface RunningEmulator {
  url: string;
  adminToken: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 6000;

/** Starts the Spot API emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const store = new Store(options.memory || !options.data ? undefined : options.data);
  let server: Server | undefined;
  try {
    ensureBuiltIns(store);
    if (options.token && store.listAll("org").length === 0) bootstrapOrganization(store, { token: options.token });
    const adminToken = options.adminToken ?? randomBytes(24).toString("hex");
    const app = new EmulatorApp(store, {
      adminToken,
      rateLimitPerMinute: options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      log: options.log,
    });
    const srv = createServer({ keepAliveTimeout: 65_000 }, app.handler);
    srv.on("clientError", answerClientError);
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(options.port ?? 0, host, () => {
        srv.off("error", reject);
        resolve();
      });
    });
    const port = (srv.address() as AddressInfo).port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    let closed = false;
    return {
      url,
      adminToken,
      control: new EmulatorControl(url, adminToken),
      close: async () => {
        if (closed) return;
        closed = true;
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeAllConnections();
        });
        await store.close();
      },
    };
  } catch (e) {
    server?.close();
    await store.close();
    throw e;
  }
}
