import type { AuditInfo, Principal } from "./context";
import type { AuditEvent } from "./model";
import { redact } from "./redact";
import type { Store } from "./store";

export interface AuditInput {
  principal: Principal;
  info: AuditInfo;
  path: string;
  query: Record<string, string>;
  body: unknown;
  resourceId: string;
  accountId: string | null;
  agent: string;
  status: number;
  now: Date;
}

/** Records one audit event; `context` is a JSON string of url, query and body with every secret masked. */
export function recordAudit(store: Store, a: AuditInput): void {
  const u = a.principal.user;
  const event: AuditEvent = {
    orgId: a.principal.orgId,
    accountId: a.accountId,
    user: u.type === "personal" ? (u.email ?? u.id) : (u.name ?? u.id),
    namespace: a.info.namespace,
    actionType: a.info.actionType,
    resourceType: a.info.resourceType,
    resourceId: a.resourceId,
    createdAt: a.now.toISOString(),
    createdMs: a.now.getTime(),
    context: JSON.stringify({ body: redact(a.body ?? {}), url: a.path, query: redact(a.query) }),
    source: "API",
    agent: a.agent,
    responseStatus: a.status,
  };
  store.addAudit(event);
}

/** The wire shape of an event (the stored row also carries orgId/accountId for filtering). */
export function auditItem(e: AuditEvent): Record<string, unknown> {
  return {
    user: e.user,
    namespace: e.namespace,
    actionType: e.actionType,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    createdAt: e.createdAt,
    context: e.context,
    source: e.source,
    agent: e.agent,
    responseStatus: e.responseStatus,
    accountId: e.accountId ?? undefined,
  };
}
