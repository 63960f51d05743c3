/**
 * Reaching an organization through the real API client: one SpotClient per organization (its own token,
 * base URL and rate-limit budget), all tagged with the run id so the audit log attributes every change.
 */
import type { Connect, OrgConnection, OrgSpec } from "./model";

export function realConnect(env: NodeJS.ProcessEnv, onWarn: (org: string, message: string) => void): Connect {
  return async (org: OrgSpec, runId: string): Promise<OrgConnection> => {
    if (!org.token)
      throw new Error(
        `environment variable ${org.tokenEnv} is not set; export organization "${org.name}"'s Spot token in it`,
      );
    // Required here, not at the top: `spot-iac --help` must not load the client.
    const api = require("../../api");
    // The environment the command runs with (not necessarily process.env) supplies the default base URL.
    const baseUrl = org.baseUrl ?? (env.SPOTINST_BASE_URL || undefined);
    const client = new api.SpotClient({ token: org.token, baseUrl, frontend: "cli", runId });
    const conn: OrgConnection = {
      ctx: { client, warn: (m: string) => onWarn(org.name, m) },
      // Known once an answer has carried it (the first list call), hence a getter.
      get organizationId() {
        return client.organizationHint;
      },
      auditTrail: (id, window) => client.auditTrail(id, window),
      requestCount: () => {
        const req = client.counters?.requests ?? {};
        return Object.values(req as Record<string, number>).reduce((a, b) => a + b, 0);
      },
    };
    return conn;
  };
}
