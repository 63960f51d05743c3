/**
 * Reaching an organization through the real API client: one SpotClient per organization (its own token,
 * base URL and rate-limit budget), all tagged with the run id so the audit log attributes every change.
 */
import type { ConnectOptions } from "../../core";
import { connect } from "../../core";
import type { AuditEventLike, Connect, OrgConnection, OrgSpec } from "./model";
import type { Pipeline } from "./pipeline";

export function realConnect(
  pipeline: Pipeline,
  onWarn: (org: string, message: string) => void,
  /** `client`: further client options for every organization (tests: a clock that does not sleep through backoff). */
  opts: { apiShare?: number; client?: ConnectOptions["client"] } = {},
): Connect {
  return async (org: OrgSpec, runId: string): Promise<OrgConnection> => {
    if (!org.token)
      throw new Error(
        `environment variable ${org.tokenEnv} is not set; export organization "${org.name}"'s Spot token in it`,
      );
    // Always explicit: left out, the client would fall back to SPOTINST_BASE_URL of this process, which is
    // not necessarily the environment the command runs with.
    const baseUrl = org.baseUrl ?? pipeline.endpoint(org.name).url;
    const ctx = connect({
      token: org.token,
      baseUrl,
      frontend: "cli",
      runId,
      apiShare: opts.apiShare,
      warn: (m: string) => onWarn(org.name, m),
      client: opts.client,
    });
    const client = ctx.client;
    const conn: OrgConnection = {
      ctx,
      // Known once an answer has carried it (the first list call), hence a getter.
      get organizationId() {
        return client.organizationHint;
      },
      auditTrail: (id, window) => client.auditTrail(id, window) as Promise<AuditEventLike[]>,
      requestCount: () => {
        const req = client.counters?.requests ?? {};
        return Object.values(req as Record<string, number>).reduce((a, b) => a + b, 0);
      },
    };
    return conn;
  };
}
