import { auditItem } from "../audit";
import { requireOrg } from "../auth";
import type { Ctx, RouteDef } from "../context";
import { validationError } from "../errors";
import * as v from "../validate";
import { accountById } from "./common";

function epochMs(name: string, raw: string): number {
  if (!/^\d{1,16}$/.test(raw)) {
    throw validationError(`query.${name}`, `"${name}" must be a Unix timestamp in milliseconds (e.g. 1598918400000)`);
  }
  return Number(raw);
}

/** `GET /audit/events`: the organization's events in [fromDate, toDate], only 200s unless responseStatus=all. */
function listAuditEvents(ctx: Ctx) {
  requireOrg(ctx, "read", "setup:describeAllAuditEvents");
  const from = epochMs("fromDate", v.queryString(ctx.query, "fromDate", true)!);
  const to = epochMs("toDate", v.queryString(ctx.query, "toDate", true)!);
  if (from > to) throw validationError("query.toDate", '"toDate" must be greater than or equal to "fromDate"');
  const status = v.queryString(ctx.query, "responseStatus", false) ?? "success";
  if (status !== "success" && status !== "all") {
    throw validationError("query.responseStatus", '"responseStatus" must be one of [success, all]');
  }
  const accountId = v.queryString(ctx.query, "accountId", false);
  if (accountId !== undefined) accountById(ctx, accountId, "query.accountId");
  const events = ctx.store.queryAudit(ctx.principal.orgId, from, to, accountId ?? null, status === "all");
  return { kind: "spotinst:audit", items: events.map(auditItem) };
}

export const auditRoutes: RouteDef[] = [
  { method: "GET", path: "/audit/events", inSpec: true, handler: listAuditEvents },
];
