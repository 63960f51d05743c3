/**
 * Audit events (GET /audit/events): one per state-changing request of an authenticated caller, written in the
 * request's transaction. The `context` keeps what was asked, secrets masked and size bounded (auditContext).
 */
import type { AuditInfo, Principal } from "./context";
import type { AuditEvent } from "./model";
import { AUDIT_LIMITS, redact } from "./redact";
import type { Store } from "./store";

export interface AuditInput {
  principal: Principal;
  info: AuditInfo;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Size in bytes of the request body as received. */
  bodyBytes: number;
  /** Why the body was refused (not valid JSON, too large, …): it is then not recorded. */
  bodyError?: string;
  resourceId: string;
  accountId: string | null;
  agent: string;
  status: number;
  now: Date;
}

/** Above this, the recorded body is replaced by the start of its JSON text. */
const CONTEXT_BODY_LIMIT = 8 * 1024;
const PATH_LIMIT = 2048;
const AGENT_LIMIT = 512;

/**
 * The event's `context`: a JSON string of url, query and body with every secret masked, bounded so that one
 * request cannot make the audit log (and every GET /audit/events) large. When something was cut or not recorded,
 * the context says so: `truncated: true` with `originalSize` (bytes of the request body as received), and
 * `bodyError` when the body was refused.
 */
export function auditContext(a: Pick<AuditInput, "path" | "query" | "body" | "bodyBytes" | "bodyError">): string {
  const cut = { value: false };
  let body: unknown = a.bodyError ? {} : redact(a.body ?? {}, AUDIT_LIMITS, cut);
  const text = JSON.stringify(body);
  if (text.length > CONTEXT_BODY_LIMIT) {
    body = `${text.slice(0, CONTEXT_BODY_LIMIT)}…`;
    cut.value = true;
  }
  const query = redact(a.query, AUDIT_LIMITS, cut);
  const url = a.path.length > PATH_LIMIT ? `${a.path.slice(0, PATH_LIMIT)}…` : a.path;
  if (url !== a.path) cut.value = true;
  const context: Record<string, unknown> = { body, url, query };
  if (a.bodyError) context.bodyError = a.bodyError;
  if (cut.value || a.bodyError) Object.assign(context, { truncated: true, originalSize: a.bodyBytes });
  return JSON.stringify(context);
}

/** Records one audit event (see auditContext for what `context` keeps). */
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
    context: auditContext(a),
    source: "API",
    agent: a.agent.length > AGENT_LIMIT ? `${a.agent.slice(0, AGENT_LIMIT)}…` : a.agent,
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
