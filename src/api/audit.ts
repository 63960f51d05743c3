/** Audit events (E1) and the run attribution built on them. */
import { need } from "./area";
import type { Transport } from "./transport";
import type { AuditEvent, AuditQuery } from "./types";

const EVENTS = "/audit/events";

function ms(d: Date | number | undefined, field: string): number {
  const v = d instanceof Date ? d.getTime() : d;
  need(
    "GET",
    EVENTS,
    field,
    typeof v === "number" && Number.isFinite(v) && v >= 0,
    "must be a Date or epoch milliseconds",
    d,
  );
  return v as number;
}

/** The run id in a spot-iac User-Agent ("spot-iac/0.1.0 (cli; run=abc)"), or undefined for other agents. */
export function runIdOfAgent(agent: string | undefined): string | undefined {
  const m = /\bspot-iac\/\S+ \([^;)]*; run=([^)\s;]+)\)/.exec(agent ?? "");
  return m?.[1];
}

export class AuditApi {
  constructor(private readonly t: Transport) {}

  /** Audit events in a time window (Spot's default: successful requests only; `responseStatus: "all"` for all). */
  async events(q: AuditQuery): Promise<AuditEvent[]> {
    const fromDate = ms(q?.from, "fromDate");
    const toDate = ms(q.to ?? Date.now(), "toDate");
    need("GET", EVENTS, "toDate", toDate >= fromDate, "must not be before fromDate");
    // Not cached: the log grows while a run is in progress. Identical concurrent queries still share a request.
    return this.t.request<AuditEvent>({
      method: "GET",
      route: EVENTS,
      query: { fromDate, toDate, accountId: q.accountId, responseStatus: q.responseStatus },
    });
  }

  /**
   * The audit events of one spot-iac run: every event in the window whose agent carries `run=<runId>`,
   * failed requests included, oldest first.
   */
  async trail(
    runId: string,
    window: { from: Date | number; to?: Date | number; accountId?: string },
  ): Promise<AuditEvent[]> {
    need("GET", EVENTS, "runId", typeof runId === "string" && runId.trim() !== "", "is required");
    const events = await this.events({
      from: window?.from,
      to: window.to,
      accountId: window.accountId,
      responseStatus: "all",
    });
    return events
      .filter((e) => runIdOfAgent(e.agent) === runId)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }
}
