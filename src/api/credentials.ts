/**
 * Cloud connections (C1–C11): AWS external id and IAM role, Azure service principal, GCP service account.
 * Spot has no DELETE for any of them. Setting credentials is a replace-style POST, so it is safe to resend.
 */
import { created, need, needString, single } from "./area";
import { isNotFound } from "./errors";
import type { Transport } from "./transport";
import type {
  AwsCredentials,
  AwsCredentialsInput,
  AwsExternalId,
  AzureCredentials,
  AzureCredentialsInput,
  AzureTenantCredentialsInput,
  GcpServiceAccount,
  GcpServiceAccountRead,
} from "./types";

const EXT_CREATE = "/setup/credentials/aws/externalId";
const EXT_GET = "/setup/credentials/aws/externalId/{accountId}";
const AWS = "/setup/credentials/aws";
const AZURE = "/azure/setup/credentials";
const AZURE_VALIDATE = "/azure/setup/credentials/validation";
const AZURE_TENANT = "/azure/setup/tenant/credentials";
const AZURE_TENANT_VALIDATE = "/azure/setup/tenant/credentials/validation";
const GCP = "/gcp/setup/credentials";
const GCP_VALIDATE = "/gcp/setup/credentials/validation";

const AZURE_FIELDS = ["clientId", "clientSecret", "tenantId", "subscriptionId", "expirationDate"] as const;
const AZURE_TENANT_FIELDS = ["clientId", "clientSecret", "tenantId", "expirationDate"] as const;
const GCP_FIELDS = [
  "type",
  "project_id",
  "private_key_id",
  "private_key",
  "client_email",
  "client_id",
  "auth_uri",
  "token_uri",
  "auth_provider_x509_cert_url",
  "client_x509_cert_url",
] as const;

function tags(accountId: string): string[] {
  return [`credentials:${accountId}`];
}

export class CredentialsApi {
  constructor(private readonly t: Transport) {}

  // ---- AWS -------------------------------------------------------------------------------------------

  /**
   * Generate the external id the customer's IAM role must trust. A retry after an ambiguous failure first
   * reads the account's external id, so it never generates a second one behind the caller's back.
   */
  async createAwsExternalId(accountId: string): Promise<AwsExternalId> {
    needString("POST", EXT_CREATE, "accountId", accountId);
    const items = await this.t.request<AwsExternalId>({
      method: "POST",
      route: EXT_CREATE,
      query: { accountId },
      invalidates: tags(accountId),
      findExisting: async () => {
        try {
          return await this.getAwsExternalId(accountId);
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw e;
        }
      },
    });
    return { accountId, ...created(items, "POST", EXT_CREATE) };
  }

  async getAwsExternalId(accountId: string): Promise<AwsExternalId> {
    needString("GET", EXT_GET, "accountId", accountId);
    const items = await this.t.request<AwsExternalId>({
      method: "GET",
      route: EXT_GET,
      params: { accountId },
      tags: tags(accountId),
    });
    return single(items, "GET", `/setup/credentials/aws/externalId/${accountId}`, `AWS external id of ${accountId}`);
  }

  async setAws(accountId: string, input: AwsCredentialsInput): Promise<void> {
    needString("POST", AWS, "accountId", accountId);
    needString("POST", AWS, "credentials.iamRole", input?.iamRole);
    need(
      "POST",
      AWS,
      "credentials.iamRole",
      /^arn:[^:]+:iam::[^:]*:role\/./.test(input.iamRole),
      "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
      input.iamRole,
    );
    const credentials: Record<string, string> = { iamRole: input.iamRole };
    if (input.externalId !== undefined) credentials.externalId = input.externalId;
    await this.t.request({
      method: "POST",
      route: AWS,
      query: { accountId },
      body: { credentials },
      idempotent: true,
      invalidates: [...tags(accountId), "accounts"],
    });
  }

  /** The account's AWS connection; NotFoundError (Account_DOESNT_EXIST or no item) when there is none. */
  async getAws(accountId: string): Promise<AwsCredentials> {
    needString("GET", AWS, "accountId", accountId);
    const items = await this.t.request<AwsCredentials>({
      method: "GET",
      route: AWS,
      query: { accountId },
      tags: tags(accountId),
    });
    return single(items, "GET", `${AWS}?accountId=${accountId}`, `AWS credentials of ${accountId}`);
  }

  // ---- Azure -----------------------------------------------------------------------------------------

  async setAzure(accountId: string, input: AzureCredentialsInput): Promise<void> {
    needString("POST", AZURE, "accountId", accountId);
    for (const f of AZURE_FIELDS) needString("POST", AZURE, f, input?.[f]);
    await this.t.request({
      method: "POST",
      route: AZURE,
      query: { accountId },
      // Flat body, not wrapped (as Spot's Go SDK sends it).
      body: pick(input, AZURE_FIELDS),
      idempotent: true,
      invalidates: [...tags(accountId), "accounts"],
    });
  }

  async getAzure(accountId: string): Promise<AzureCredentials> {
    needString("GET", AZURE, "accountId", accountId);
    const items = await this.t.request<AzureCredentials>({
      method: "GET",
      route: AZURE,
      query: { accountId },
      tags: tags(accountId),
    });
    return single(items, "GET", `${AZURE}?accountId=${accountId}`, `Azure credentials of ${accountId}`);
  }

  /** Test credentials without saving them. */
  async validateAzure(accountId: string, input: Omit<AzureCredentialsInput, "expirationDate">): Promise<void> {
    needString("POST", AZURE_VALIDATE, "accountId", accountId);
    for (const f of AZURE_FIELDS.filter((x) => x !== "expirationDate"))
      needString("POST", AZURE_VALIDATE, f, (input as any)?.[f]);
    await this.t.request({
      method: "POST",
      route: AZURE_VALIDATE,
      query: { accountId },
      body: pick(input, ["clientId", "clientSecret", "tenantId", "subscriptionId"] as const),
      idempotent: true,
    });
  }

  /** Tenant-level credentials (Savings Plans / Reservations). */
  async setAzureTenant(accountId: string, input: AzureTenantCredentialsInput): Promise<void> {
    needString("POST", AZURE_TENANT, "accountId", accountId);
    for (const f of AZURE_TENANT_FIELDS) needString("POST", AZURE_TENANT, f, input?.[f]);
    await this.t.request({
      method: "POST",
      route: AZURE_TENANT,
      query: { accountId },
      body: pick(input, AZURE_TENANT_FIELDS),
      idempotent: true,
      invalidates: tags(accountId),
    });
  }

  async validateAzureTenant(accountId: string, input: AzureTenantCredentialsInput): Promise<void> {
    needString("POST", AZURE_TENANT_VALIDATE, "accountId", accountId);
    for (const f of AZURE_TENANT_FIELDS) needString("POST", AZURE_TENANT_VALIDATE, f, input?.[f]);
    await this.t.request({
      method: "POST",
      route: AZURE_TENANT_VALIDATE,
      query: { accountId },
      body: pick(input, AZURE_TENANT_FIELDS),
      idempotent: true,
    });
  }

  // ---- GCP -------------------------------------------------------------------------------------------

  async setGcp(accountId: string, serviceAccount: GcpServiceAccount): Promise<void> {
    needString("POST", GCP, "accountId", accountId);
    for (const f of GCP_FIELDS) needString("POST", GCP, `serviceAccount.${f}`, serviceAccount?.[f]);
    need(
      "POST",
      GCP,
      "serviceAccount.type",
      serviceAccount.type === "service_account",
      'must be "service_account"',
      serviceAccount.type,
    );
    await this.t.request({
      method: "POST",
      route: GCP,
      query: { accountId },
      body: { serviceAccount: pick(serviceAccount, GCP_FIELDS) },
      idempotent: true,
      invalidates: [...tags(accountId), "accounts"],
    });
  }

  /** The account's GCP service account, unwrapped from Spot's `{serviceAccount: …}` item. */
  async getGcp(accountId: string): Promise<GcpServiceAccountRead> {
    needString("GET", GCP, "accountId", accountId);
    const items = await this.t.request<{ serviceAccount?: GcpServiceAccountRead } & GcpServiceAccountRead>({
      method: "GET",
      route: GCP,
      query: { accountId },
      tags: tags(accountId),
    });
    const item = single(items, "GET", `${GCP}?accountId=${accountId}`, `GCP credentials of ${accountId}`);
    return item.serviceAccount ?? item;
  }

  async validateGcp(accountId: string, serviceAccount: GcpServiceAccount): Promise<void> {
    needString("POST", GCP_VALIDATE, "accountId", accountId);
    for (const f of GCP_FIELDS) needString("POST", GCP_VALIDATE, `serviceAccount.${f}`, serviceAccount?.[f]);
    await this.t.request({
      method: "POST",
      route: GCP_VALIDATE,
      query: { accountId },
      body: { serviceAccount: pick(serviceAccount, GCP_FIELDS) },
      idempotent: true,
    });
  }
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
