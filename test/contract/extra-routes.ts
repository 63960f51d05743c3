/**
 * Schemas for the GETs Spot's own clients call although the OpenAPI omits them, written from what those clients
 * decode (shared/reference/spot-api.md §3 A3, §4 C2/C4/C10). Same envelope as every other answer.
 */
const envelope = (item: Record<string, unknown>) => ({
  type: "object",
  required: ["request", "response"],
  properties: {
    response: {
      type: "object",
      required: ["status", "kind", "items", "count"],
      properties: { items: { type: "array", items: item }, count: { type: "integer" }, kind: { type: "string" } },
    },
  },
});

export const EXTRA_ROUTE_SCHEMAS: Record<string, Record<string, unknown>> = {
  // GO service/account/providers/common/account.go Account; TF reads `name`.
  "GET /setup/account/{accountId}": envelope({
    type: "object",
    required: ["id", "name", "organizationId"],
    properties: {
      id: { type: "string", pattern: "^act-" },
      accountId: { type: "string" },
      name: { type: "string" },
      organizationId: { type: "string" },
      providerExternalId: { type: "string" },
      cloudProvider: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
    },
  }),
  // GO providers/aws/awsexternalId.go ReadAWSAccountExternalId
  "GET /setup/credentials/aws/externalId/{accountId}": envelope({
    type: "object",
    required: ["accountId", "externalId"],
    properties: { accountId: { type: "string" }, externalId: { type: "string" } },
  }),
  // GO providers/aws/awscredentials.go; TF writes both back into state (ForceNew), so both must be echoed.
  "GET /setup/credentials/aws": envelope({
    type: "object",
    required: ["iamRole", "accountId"],
    properties: { iamRole: { type: "string" }, accountId: { type: "string" } },
  }),
  // GO providers/gcp/gcpcredentials.go reads item["serviceAccount"]; private keys are never echoed.
  "GET /gcp/setup/credentials": envelope({
    type: "object",
    required: ["serviceAccount"],
    properties: {
      serviceAccount: {
        type: "object",
        required: ["type", "project_id", "client_email", "client_id"],
        properties: { type: { const: "service_account" }, project_id: { type: "string" } },
        not: { anyOf: [{ required: ["private_key"] }, { required: ["private_key_id"] }] },
      },
    },
  }),
};
