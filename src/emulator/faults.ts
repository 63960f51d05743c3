import { randomBytes } from "node:crypto";

export type FaultKind = "status" | "latency" | "drop" | "commit-then-fail";

export interface FaultInput {
  method: string;
  path: string;
  kind: FaultKind;
  status?: number;
  latencyMs?: number;
  then?: "drop";
  times?: number;
  organizationId?: string;
}

export interface Fault extends FaultInput {
  id: string;
  times: number;
  /** Matching requests still to affect; null = until cleared (times 0). */
  remaining: number | null;
}

const KINDS: FaultKind[] = ["status", "latency", "drop", "commit-then-fail"];

/** Validates a fault definition from the control API; returns an error message or the normalised fault. */
export function parseFault(raw: unknown): FaultInput | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "body must be a JSON object";
  const f = raw as Record<string, unknown>;
  if (typeof f.method !== "string" || !/^(\*|GET|POST|PUT|DELETE|PATCH|HEAD)$/i.test(f.method)) {
    return "method must be an HTTP method or *";
  }
  if (typeof f.path !== "string" || !f.path.startsWith("/"))
    return "path must be a route template or path starting with /";
  if (typeof f.kind !== "string" || !KINDS.includes(f.kind as FaultKind))
    return `kind must be one of ${KINDS.join(", ")}`;
  const kind = f.kind as FaultKind;
  const out: FaultInput = { method: f.method.toUpperCase(), path: f.path, kind };
  if (f.status !== undefined) {
    if (!Number.isInteger(f.status) || (f.status as number) < 400 || (f.status as number) > 599) {
      return "status must be an integer between 400 and 599";
    }
    out.status = f.status as number;
  }
  if (kind === "status" && out.status === undefined) return 'kind "status" needs a status';
  if (f.latencyMs !== undefined) {
    if (!Number.isInteger(f.latencyMs) || (f.latencyMs as number) < 0)
      return "latencyMs must be a non-negative integer";
    out.latencyMs = f.latencyMs as number;
  }
  if (kind === "latency" && out.latencyMs === undefined) return 'kind "latency" needs latencyMs';
  if (f.then !== undefined) {
    if (f.then !== "drop" || kind !== "commit-then-fail")
      return 'then: "drop" is only valid with kind "commit-then-fail"';
    out.then = "drop";
  }
  if (f.times !== undefined) {
    if (!Number.isInteger(f.times) || (f.times as number) < 0) return "times must be a non-negative integer";
    out.times = f.times as number;
  }
  if (f.organizationId !== undefined && f.organizationId !== null) out.organizationId = String(f.organizationId);
  return out;
}

/** Injected faults, applied in creation order to matching requests. */
export class Faults {
  private list: Fault[] = [];

  add(input: FaultInput): Fault {
    const times = input.times ?? 1;
    const fault: Fault = {
      ...input,
      id: "flt-" + randomBytes(4).toString("hex"),
      times,
      remaining: times === 0 ? null : times,
    };
    this.list.push(fault);
    return fault;
  }

  all(): Fault[] {
    return this.list.map((f) => ({ ...f }));
  }

  clear(id?: string): boolean {
    if (id === undefined) {
      this.list = [];
      return true;
    }
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return this.list.length !== before;
  }

  /** The first fault matching the request, consumed by one use. */
  take(method: string, template: string, path: string, orgId: string | null): Fault | undefined {
    if (this.list.length === 0) return undefined;
    const t = template.toLowerCase();
    const p = stripSlash(path).toLowerCase();
    for (const f of this.list) {
      if (f.method !== "*" && f.method !== method) continue;
      const fp = stripSlash(f.path).toLowerCase();
      if (fp !== t && fp !== p) continue;
      if (f.organizationId !== undefined && f.organizationId !== orgId) continue;
      if (f.remaining !== null) {
        f.remaining--;
        if (f.remaining <= 0) this.list = this.list.filter((x) => x !== f);
      }
      return { ...f };
    }
    return undefined;
  }
}

function stripSlash(p: string): string {
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}
