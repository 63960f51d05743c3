import { createHash } from "node:crypto";
import { requireAccount } from "../auth";
import type { Ctx, RouteDef } from "../context";
import { badRequest, notFound, validationError } from "../errors";
import { externalId } from "../ids";
import type { Account, GcpServiceAccount } from "../model";
import * as v from "../validate";
import { accountById, accountFromQuery } from "./common";

const NS = "GENERAL";
// The external id stays valid for this long before it must be regenerated (emulator choice).
const EXTERNAL_ID_TTL_MS = 24 * 3600 * 1000;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A Spot account is linked to one cloud provider; re-posting the same provider replaces its credentials. */
function assertProvider(acc: Account, provider: "AWS" | "AZURE" | "GCP"): void {
  if (acc.cloudProvider && acc.cloudProvider !== provider) {
    throw badRequest(
      "ACCOUNT_ALREADY_CONNECTED",
      `Account ${acc.id} is already connected to ${acc.cloudProvider}; use a separate Spot account for ${provider}`,
    );
  }
}

// ---- AWS -------------------------------------------------------------------------------------------------

function createExternalId(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  const now = ctx.now.getTime();
  // The same external id is returned until it expires, so a retried call never invalidates a role being built.
  if (!acc.awsExternalId || Date.parse(acc.awsExternalId.maxValidUntil) <= now) {
    acc.awsExternalId = { externalId: externalId(), maxValidUntil: new Date(now + EXTERNAL_ID_TTL_MS).toISOString() };
    ctx.store.update("account", acc);
  }
  ctx.audit.resourceId = acc.id;
  return { kind: "spotinst:setup:aws:externalId", items: [{ ...acc.awsExternalId }] };
}

function getExternalId(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId);
  requireAccount(ctx, acc, "read", "setup:describeCredentials");
  if (!acc.awsExternalId) throw notFound("ExternalId", acc.id);
  return {
    kind: "spotinst:setup:aws:externalId",
    items: [{ accountId: acc.id, externalId: acc.awsExternalId.externalId }],
  };
}

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{10,12}):role\/[\w+=,.@/-]+$/;

function setAws(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  const b = v.body(ctx.body, true);
  const c = v.object(b, "credentials", "body.credentials", true);
  const iamRole = v.string(c, "iamRole", "body.credentials.iamRole", { required: true });
  const m = IAM_ROLE_ARN.exec(iamRole);
  if (!m) {
    throw validationError(
      "body.credentials.iamRole",
      '"iamRole" must be an IAM role ARN like arn:aws:iam::123456789012:role/SpotRole',
    );
  }
  const ext = v.string(c, "externalId", "body.credentials.externalId", { nonEmpty: true });
  assertProvider(acc, "AWS");
  acc.aws = { iamRole, externalId: ext ?? acc.awsExternalId?.externalId };
  acc.cloudProvider = "AWS";
  acc.providerExternalId = m[1];
  ctx.store.update("account", acc);
  ctx.audit.resourceId = acc.id;
  return {};
}

function getAws(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read", "setup:describeCredentials");
  const items = acc.aws ? [{ iamRole: acc.aws.iamRole, accountId: acc.id }] : [];
  return { kind: "spotinst:setup:credentials:aws", items };
}

// ---- Azure -----------------------------------------------------------------------------------------------

interface AzureInput {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  subscriptionId?: string;
  expirationDate?: string;
}

function azureInput(ctx: Ctx, withSubscription: boolean, withExpiration: boolean): AzureInput {
  const b = v.body(ctx.body, true);
  const req = { required: true as const };
  const out: AzureInput = {
    clientId: v.string(b, "clientId", "body.clientId", req),
    clientSecret: v.string(b, "clientSecret", "body.clientSecret", req),
    tenantId: v.string(b, "tenantId", "body.tenantId", req),
  };
  if (withSubscription) out.subscriptionId = v.string(b, "subscriptionId", "body.subscriptionId", req);
  if (withExpiration) {
    const exp = v.string(b, "expirationDate", "body.expirationDate", req);
    const t = Date.parse(exp);
    if (Number.isNaN(t)) {
      throw validationError(
        "body.expirationDate",
        '"expirationDate" must be a valid date-time (e.g. 2025-12-31T23:59:00.000Z)',
      );
    }
    out.expirationDate = new Date(t).toISOString();
  }
  return out;
}

function setAzure(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  const input = azureInput(ctx, true, true);
  assertProvider(acc, "AZURE");
  acc.azure = {
    clientId: input.clientId,
    tenantId: input.tenantId,
    subscriptionId: input.subscriptionId!,
    expirationDate: input.expirationDate,
    clientSecretHash: sha256(input.clientSecret),
  };
  acc.cloudProvider = "AZURE";
  acc.providerExternalId = input.subscriptionId!;
  ctx.store.update("account", acc);
  ctx.audit.resourceId = acc.id;
  return {};
}

/** As the OpenAPI documents: client id, tenant id and subscription id; the client secret is never returned. */
function getAzure(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read", "setup:describeCredentials");
  const a = acc.azure;
  const items = a
    ? [
        {
          clientId: a.clientId,
          tenantId: a.tenantId,
          subscriptionId: a.subscriptionId,
          expirationDate: a.expirationDate,
        },
      ]
    : [];
  return { kind: "spotinst:azure:credentials", items };
}

/** The emulator cannot reach Azure: validation checks the request's shape only and stores nothing. */
function validateAzure(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  azureInput(ctx, true, false);
  ctx.audit.resourceId = acc.id;
  return {};
}

function setAzureTenant(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  const input = azureInput(ctx, false, true);
  acc.azureTenant = {
    clientId: input.clientId,
    tenantId: input.tenantId,
    expirationDate: input.expirationDate,
    clientSecretHash: sha256(input.clientSecret),
  };
  ctx.store.update("account", acc);
  ctx.audit.resourceId = acc.id;
  return {};
}

function validateAzureTenant(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  azureInput(ctx, false, true);
  ctx.audit.resourceId = acc.id;
  return {};
}

// ---- GCP -------------------------------------------------------------------------------------------------

const GCP_DEFAULTS = {
  auth_uri: "https://accounts.google.com/o/oauth2/auth",
  token_uri: "https://oauth2.googleapis.com/token",
  auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
};

function gcpInput(ctx: Ctx): GcpServiceAccount {
  const b = v.body(ctx.body, true);
  const sa = v.object(b, "serviceAccount", "body.serviceAccount", true);
  const f = (k: string, required = true) =>
    v.string(sa, k, `body.serviceAccount.${k}`, {
      required,
      nonEmpty: true,
      maxLength: k === "private_key" ? v.LIMITS.privateKey : v.LIMITS.text,
    }) as string;
  const type = v.string(sa, "type", "body.serviceAccount.type", { required: true, oneOf: ["service_account"] });
  const clientEmail = f("client_email");
  const privateKey = f("private_key");
  if (!privateKey.includes("PRIVATE KEY")) {
    throw validationError(
      "body.serviceAccount.private_key",
      '"private_key" must be the PEM private key of the JSON key file',
    );
  }
  return {
    type,
    project_id: f("project_id"),
    client_email: clientEmail,
    client_id: f("client_id"),
    auth_uri: f("auth_uri", false) ?? GCP_DEFAULTS.auth_uri,
    token_uri: f("token_uri", false) ?? GCP_DEFAULTS.token_uri,
    auth_provider_x509_cert_url: f("auth_provider_x509_cert_url", false) ?? GCP_DEFAULTS.auth_provider_x509_cert_url,
    client_x509_cert_url:
      f("client_x509_cert_url", false) ??
      `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    privateKeyHash: sha256(privateKey),
    privateKeyIdHash: sha256(f("private_key_id")),
  };
}

function setGcp(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  const sa = gcpInput(ctx);
  assertProvider(acc, "GCP");
  acc.gcp = sa;
  acc.cloudProvider = "GCP";
  acc.providerExternalId = sa.project_id;
  ctx.store.update("account", acc);
  ctx.audit.resourceId = acc.id;
  return {};
}

/** Items wrapped in `serviceAccount` as Go's SDK reads them; private_key and private_key_id are never echoed. */
function getGcp(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "read", "setup:describeCredentials");
  if (!acc.gcp) throw notFound("ServiceAccount", acc.id);
  const { privateKeyHash: _k, privateKeyIdHash: _i, ...publicFields } = acc.gcp;
  return { kind: "spotinst:gcp:credentials", items: [{ serviceAccount: publicFields }] };
}

function validateGcp(ctx: Ctx) {
  const acc = accountFromQuery(ctx, true);
  requireAccount(ctx, acc, "write", "setup:createCredentials");
  gcpInput(ctx);
  ctx.audit.resourceId = acc.id;
  return {};
}

const cred = (actionType: string, resourceType = "Credentials") => ({ namespace: NS, actionType, resourceType });

export const credentialRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/setup/credentials/aws/externalId",
    inSpec: true,
    handler: createExternalId,
    audit: cred("Create AWS External Id", "ExternalId"),
  },
  { method: "GET", path: "/setup/credentials/aws/externalId/{accountId}", inSpec: false, handler: getExternalId },
  { method: "POST", path: "/setup/credentials/aws", inSpec: true, handler: setAws, audit: cred("Set AWS Credentials") },
  { method: "GET", path: "/setup/credentials/aws", inSpec: false, handler: getAws },
  {
    method: "POST",
    path: "/azure/setup/credentials",
    inSpec: true,
    handler: setAzure,
    audit: cred("Set Azure Credentials"),
  },
  { method: "GET", path: "/azure/setup/credentials", inSpec: true, handler: getAzure },
  {
    method: "POST",
    path: "/azure/setup/credentials/validation",
    inSpec: true,
    handler: validateAzure,
    audit: cred("Validate Azure Credentials"),
  },
  {
    method: "POST",
    path: "/azure/setup/tenant/credentials",
    inSpec: true,
    handler: setAzureTenant,
    audit: cred("Set Azure Tenant Credentials"),
  },
  {
    method: "POST",
    path: "/azure/setup/tenant/credentials/validation",
    inSpec: true,
    handler: validateAzureTenant,
    audit: cred("Validate Azure Tenant Credentials"),
  },
  { method: "POST", path: "/gcp/setup/credentials", inSpec: true, handler: setGcp, audit: cred("Set GCP Credentials") },
  { method: "GET", path: "/gcp/setup/credentials", inSpec: false, handler: getGcp },
  {
    method: "POST",
    path: "/gcp/setup/credentials/validation",
    inSpec: true,
    handler: validateGcp,
    audit: cred("Validate GCP Credentials"),
  },
];
