import type { Grants } from "./auth";
import type { RequestInfo } from "./envelope";
import type { OrgRole, User } from "./model";
import type { Store } from "./store";

/** Who is calling: a user acting in one organization through one token. */
export interface Principal {
  user: User;
  orgId: string;
  role: OrgRole | null;
  tokenId: number;
}

export interface Ctx {
  store: Store;
  request: RequestInfo;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  principal: Principal;
  now: Date;
  /** Filled in by handlers for the audit event: the object acted on and the account it belongs to. */
  audit: { resourceId?: string; accountId?: string | null };
  /** What the principal's access policies grant, computed on first use in this request (auth.ts). */
  grants?: Grants;
}

export interface Result {
  kind?: string;
  items?: unknown[];
  /** Extra fields of `response` some routes answer with (e.g. `affectedRows`). */
  extra?: Record<string, unknown>;
}

export interface AuditInfo {
  namespace: string;
  actionType: string;
  resourceType: string;
}

export interface RouteDef {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Route template as the OpenAPI writes it (`/setup/account/{accountId}`). */
  path: string;
  /** false for the GETs Spot's own clients call although the OpenAPI omits them. */
  inSpec: boolean;
  handler: (ctx: Ctx) => Result;
  /** For state-changing routes: how the audit event describes the action. */
  audit?: AuditInfo;
}
