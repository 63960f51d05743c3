/**
 * Client of the emulator's control API (/emulator/*). Uses Node's global fetch; tests, benchmarks and the
 * demo drive the emulator with it. It never talks to the Spot routes.
 */
import type { FaultKind } from "./faults";

export interface BootstrapRequest {
  organizationName?: string;
  adminEmail?: string;
  accountName?: string;
  token?: string;
}

export interface BootstrapResponse {
  organizationId: string;
  userId: string;
  accountId: string;
  token: string;
}

export interface FaultSpec {
  method: string;
  path: string;
  kind: FaultKind;
  status?: number;
  latencyMs?: number;
  then?: "drop";
  times?: number;
  organizationId?: string;
}

export interface FaultState extends FaultSpec {
  id: string;
  times: number;
  remaining: number | null;
}

export interface RateLimitSettings {
  defaultPerMinute?: number;
  routes?: { method: string; path: string; perMinute: number }[];
}

export interface StatsResponse {
  requests: Record<string, number>;
  total: number;
  /** Answers per HTTP status ("200", "429", …), injected faults included. */
  statuses: Record<string, number>;
}

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "EmulatorControlError";
  }
}

export class EmulatorControl {
  constructor(
    readonly url: string,
    private readonly adminToken: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url.replace(/\/$/, "") + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data: unknown = {};
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new EmulatorControlError(res.status, `emulator control ${method} ${path}: non-JSON answer (${res.status})`);
    }
    if (!res.ok) {
      const msg = (data as { error?: string }).error ?? res.statusText;
      throw new EmulatorControlError(res.status, `emulator control ${method} ${path}: ${res.status} ${msg}`);
    }
    return data as T;
  }

  /** A new organization with an admin user, one default account and a bearer token. */
  bootstrap(opts: BootstrapRequest = {}): Promise<BootstrapResponse> {
    return this.call("POST", "/emulator/bootstrap", opts);
  }

  /** A new bearer token for a user (in its first organization unless `organizationId` names another). */
  async mintToken(userId: string, organizationId?: string): Promise<string> {
    const body: Record<string, string> = { userId };
    if (organizationId !== undefined) body.organizationId = organizationId;
    return (await this.call<{ token: string }>("POST", "/emulator/tokens", body)).token;
  }

  async setMfa(userId: string, mfa: boolean): Promise<void> {
    await this.call("PUT", `/emulator/users/${encodeURIComponent(userId)}/mfa`, { mfa });
  }

  /** Empties the store; faults, rate limits and stats are cleared. */
  async reset(): Promise<void> {
    await this.call("POST", "/emulator/reset");
  }

  async injectFault(f: FaultSpec): Promise<string> {
    return (await this.call<{ id: string }>("POST", "/emulator/faults", f)).id;
  }

  async faults(): Promise<FaultState[]> {
    return (await this.call<{ faults: FaultState[] }>("GET", "/emulator/faults")).faults;
  }

  async clearFaults(id?: string): Promise<void> {
    await this.call("DELETE", id === undefined ? "/emulator/faults" : `/emulator/faults/${encodeURIComponent(id)}`);
  }

  async setRateLimits(cfg: RateLimitSettings): Promise<void> {
    await this.call("PUT", "/emulator/rate-limits", cfg);
  }

  stats(): Promise<StatsResponse> {
    return this.call("GET", "/emulator/stats");
  }

  async resetStats(): Promise<void> {
    await this.call("DELETE", "/emulator/stats");
  }
}
