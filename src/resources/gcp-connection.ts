/**
 * GcpConnection: the service-account key Spot uses for an account's GCP project
 * (POST /gcp/setup/credentials?accountId= with Google's JSON key fields in snake_case under `serviceAccount`;
 * read with GET of the same route, which never returns private_key or private_key_id). Posting again replaces
 * the credentials, so everything but the account updates in place. Give either the whole key file
 * (serviceAccountKey) or its fields one by one. State keeps only hashes of the secret parts. Spot has no DELETE.
 */
import { createPrivateKey } from "node:crypto";
import type { GcpServiceAccount, GcpServiceAccountRead } from "../api/types";
import { AlreadyExists } from "../core/errors";
import type { CheckFailure, ResourceContext, ResourceKind } from "../core/kind";
import type { Field } from "../core/schema";
import { hashSecret, secretMatches, secretStandIn } from "../core/secrets";
import { orGone } from "./shared/gone";
import { accountIdField, perAccountOps } from "./shared/per-account";

/** Key fields as declarations write them (camelCase) and as Spot's wire has them (Google's snake_case). */
const KEY_FIELDS = {
  type: "type",
  projectId: "project_id",
  privateKeyId: "private_key_id",
  privateKey: "private_key",
  clientEmail: "client_email",
  clientId: "client_id",
  authUri: "auth_uri",
  tokenUri: "token_uri",
  authProviderX509CertUrl: "auth_provider_x509_cert_url",
  clientX509CertUrl: "client_x509_cert_url",
} as const satisfies Record<string, keyof GcpServiceAccount>;

type KeyField = keyof typeof KEY_FIELDS;
const KEY_FIELD_NAMES = Object.keys(KEY_FIELDS) as KeyField[];
const REQUIRED: KeyField[] = ["projectId", "privateKeyId", "privateKey", "clientEmail", "clientId"];
const PUBLIC: KeyField[] = KEY_FIELD_NAMES.filter((k) => k !== "privateKey" && k !== "privateKeyId");

// Google's values for every service-account key (and Spot's documented defaults).
const DEFAULTS = {
  type: "service_account",
  authUri: "https://accounts.google.com/o/oauth2/auth",
  tokenUri: "https://oauth2.googleapis.com/token",
  authProviderX509CertUrl: "https://www.googleapis.com/oauth2/v1/certs",
};
const certUrlOf = (email: string) => `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`;

export type GcpKeyFields = Record<KeyField, string>;

export interface GcpConnectionInputs extends Partial<GcpKeyFields> {
  accountId: string;
  serviceAccountKey?: string;
}

/** privateKey, privateKeyId and serviceAccountKey hold salted hashes (hashSecret) of what spot-iac last sent. */
export type GcpConnectionOutputs = GcpConnectionInputs;

// ---- checks ------------------------------------------------------------------------------------------------------

const PROJECT_ID = /^([a-z][a-z0-9.-]*\.[a-z]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function httpsProblem(v: string): string | undefined {
  try {
    if (new URL(v).protocol === "https:") return undefined;
  } catch {
    // fall through
  }
  return `must be an https:// URL as in the key file; got ${JSON.stringify(v)}`;
}

/** Messages never quote the key: it is a secret. */
function privateKeyProblem(v: string): string | undefined {
  if (!v.includes("\n") && v.includes("\\n")) {
    return (
      "holds \\n escapes instead of line breaks (copied from the JSON text?); give the decoded private_key of the " +
      "key file, or the whole key file as serviceAccountKey"
    );
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(v)) {
    return 'must be the PEM private key of the JSON key file (starting with "-----BEGIN PRIVATE KEY-----")';
  }
  try {
    createPrivateKey(v);
  } catch {
    return "is not a readable PEM private key (truncated or altered?); copy private_key from the JSON key file again";
  }
  return undefined;
}

const FIELD_CHECKS: Partial<Record<KeyField, (v: string) => string | undefined>> = {
  type: (v) => (v === "service_account" ? undefined : `must be "service_account"; got ${JSON.stringify(v)}`),
  projectId: (v) =>
    PROJECT_ID.test(v)
      ? undefined
      : `must be a GCP project id (6-30 lowercase letters, digits and hyphens, starting with a letter), e.g. "my-project-123"; got ${JSON.stringify(v)}`,
  privateKeyId: (v) =>
    /^[0-9a-f]{8,}$/i.test(v) ? undefined : "must be the hexadecimal private_key_id of the key file",
  privateKey: privateKeyProblem,
  clientEmail: (v) =>
    EMAIL.test(v)
      ? undefined
      : `must be the service account's e-mail (…@<project>.iam.gserviceaccount.com); got ${JSON.stringify(v)}`,
  clientId: (v) =>
    /^\d+$/.test(v) ? undefined : `must be the numeric client_id of the key file; got ${JSON.stringify(v)}`,
  authUri: httpsProblem,
  tokenUri: httpsProblem,
  authProviderX509CertUrl: httpsProblem,
  clientX509CertUrl: httpsProblem,
};

/** The key file's fields, or a failure that never quotes the file (it holds the private key). */
function parseKeyFile(text: string): { key?: Partial<GcpKeyFields>; problem?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {
      problem:
        "is not valid JSON; give the whole JSON key file downloaded from Google Cloud (IAM → Service accounts → Keys)",
    };
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { problem: "must be a JSON object (the key file)" };
  const key: Partial<GcpKeyFields> = {};
  for (const k of KEY_FIELD_NAMES) {
    const v = (raw as Record<string, unknown>)[KEY_FIELDS[k]];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") return { problem: `field ${KEY_FIELDS[k]} of the key file must be a string` };
    key[k] = v;
  }
  return { key };
}

/** The resolved key fields: from the key file or the individual inputs, with Google's defaults. */
function resolveKey(inputs: GcpConnectionInputs): Partial<GcpKeyFields> {
  const src: Partial<GcpKeyFields> = inputs.serviceAccountKey
    ? (parseKeyFile(inputs.serviceAccountKey).key ?? {})
    : inputs;
  const out: Partial<GcpKeyFields> = {};
  for (const k of KEY_FIELD_NAMES) if (src[k] !== undefined) out[k] = src[k];
  out.type ??= DEFAULTS.type;
  out.authUri ??= DEFAULTS.authUri;
  out.tokenUri ??= DEFAULTS.tokenUri;
  out.authProviderX509CertUrl ??= DEFAULTS.authProviderX509CertUrl;
  if (out.clientEmail) out.clientX509CertUrl ??= certUrlOf(out.clientEmail);
  return out;
}

function toWire(key: Partial<GcpKeyFields>): GcpServiceAccount {
  const w = {} as Record<string, string>;
  for (const k of KEY_FIELD_NAMES) if (key[k] !== undefined) w[KEY_FIELDS[k]] = key[k]!;
  return w as unknown as GcpServiceAccount;
}

function check(inputs: GcpConnectionInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const given = KEY_FIELD_NAMES.filter((k) => inputs[k] !== undefined);
  let source: Partial<GcpKeyFields> = inputs;
  let prefix = "";
  if (inputs.serviceAccountKey !== undefined) {
    if (given.length) {
      return [
        {
          field: given[0],
          message:
            `cannot be given together with serviceAccountKey (also given: ${given.join(", ")}); give either the ` +
            `whole key file as serviceAccountKey or its fields one by one`,
        },
      ];
    }
    const parsed = parseKeyFile(inputs.serviceAccountKey);
    if (parsed.problem) return [{ field: "serviceAccountKey", message: parsed.problem }];
    source = parsed.key!;
    prefix = "serviceAccountKey.";
  }
  for (const k of REQUIRED) {
    if (source[k] === undefined || source[k] === "") {
      failures.push(
        prefix
          ? { field: "serviceAccountKey", message: `lacks ${KEY_FIELDS[k]}; give the whole JSON key file` }
          : {
              field: k,
              message: `is required (${KEY_FIELDS[k]} of the JSON key file), or give the whole key file as serviceAccountKey`,
            },
      );
    }
  }
  for (const k of KEY_FIELD_NAMES) {
    const v = source[k];
    if (v === undefined || v === "") continue;
    const problem = FIELD_CHECKS[k]?.(v);
    if (problem) {
      failures.push(
        prefix
          ? { field: "serviceAccountKey", message: `${KEY_FIELDS[k]} ${problem}` }
          : { field: k, message: problem },
      );
    }
  }
  return failures;
}

// ---- read --------------------------------------------------------------------------------------------------------

function fromWire(sa: GcpServiceAccountRead): Partial<GcpKeyFields> {
  const out: Partial<GcpKeyFields> = {};
  for (const k of PUBLIC) {
    const v = sa[KEY_FIELDS[k]];
    if (typeof v === "string" && v !== "") out[k] = v;
  }
  return out;
}

async function readConnection(
  ctx: ResourceContext,
  accountId: string,
  prior?: Partial<GcpConnectionOutputs>,
): Promise<GcpConnectionOutputs | undefined> {
  const sa = await orGone(ctx.client.credentials.getGcp(accountId));
  if (!sa || !sa.client_email) return undefined;
  return {
    accountId,
    ...fromWire(sa),
    // Spot never returns these; a value it did return is hashed, never kept in plain text.
    privateKey: secretStandIn(sa.private_key) ?? secretStandIn(prior?.privateKey),
    privateKeyId: secretStandIn(sa.private_key_id) ?? secretStandIn(prior?.privateKeyId),
    serviceAccountKey: secretStandIn(prior?.serviceAccountKey),
  };
}

/** What spot-iac remembers after it sent `inputs`: salted hashes of every secret part. */
function sentHashes(inputs: GcpConnectionInputs): Partial<GcpConnectionOutputs> {
  const key = resolveKey(inputs);
  return {
    privateKey: key.privateKey && hashSecret(key.privateKey),
    privateKeyId: key.privateKeyId && hashSecret(key.privateKeyId),
    serviceAccountKey: inputs.serviceAccountKey && hashSecret(inputs.serviceAccountKey),
  };
}

const MISMATCH = "(differs from Spot)";

function keyField(name: KeyField, description: string, extra: Partial<Field> = {}): Field {
  return {
    type: "string",
    optional: true,
    computed: !extra.secret,
    validate: FIELD_CHECKS[name],
    description: `${description} (${KEY_FIELDS[name]} in the JSON key file). Updated in place.`,
    ...extra,
  };
}

export const gcpConnection: ResourceKind<GcpConnectionInputs, GcpConnectionOutputs> = {
  name: "GcpConnection",
  description:
    "Connects a Spot account to a GCP project through a service-account key. Give either the whole JSON key file " +
    "(serviceAccountKey) or its fields (projectId, privateKeyId, privateKey, clientEmail, clientId; the URIs " +
    "default to Google's). Everything except the account is updated in place (Spot replaces the credentials). " +
    "Spot never returns the private key: spot-iac keeps salted hashes, so a new key plans an update, but a key changed " +
    "outside spot-iac with the same service account is not detected. A Spot account connects to one cloud only. " +
    "Spot has no DELETE for credentials: removing it only stops managing them (with a warning).",
  importId: { format: "act-<id> (the account id)", example: "act-12ab34cd" },
  naturalKey: ["accountId"],
  fields: {
    accountId: accountIdField("to connect to GCP"),
    serviceAccountKey: {
      type: "string",
      optional: true,
      secret: true,
      description:
        "The whole JSON key file of the service account, as downloaded from Google Cloud (IAM → Service accounts " +
        "→ Keys), instead of the individual fields. Secret: never shown or stored in plain text. Updated in place.",
    },
    type: keyField("type", 'Key type; must be "service_account" (the default)'),
    projectId: keyField("projectId", "Id of the GCP project Spot manages; required unless serviceAccountKey is given"),
    privateKeyId: keyField("privateKeyId", "Id of the key; required unless serviceAccountKey is given. Secret", {
      secret: true,
    }),
    privateKey: keyField(
      "privateKey",
      "PEM private key (-----BEGIN PRIVATE KEY-----…); required unless serviceAccountKey is given. Secret: never " +
        "shown or stored in plain text",
      { secret: true },
    ),
    clientEmail: keyField(
      "clientEmail",
      "E-mail of the service account (…@<project>.iam.gserviceaccount.com); required unless serviceAccountKey is given",
    ),
    clientId: keyField(
      "clientId",
      "Numeric client id of the service account; required unless serviceAccountKey is given",
    ),
    authUri: keyField("authUri", `OAuth authorization URI; default ${DEFAULTS.authUri}`),
    tokenUri: keyField("tokenUri", `OAuth token URI; default ${DEFAULTS.tokenUri}`),
    authProviderX509CertUrl: keyField(
      "authProviderX509CertUrl",
      `URL of Google's certificates; default ${DEFAULTS.authProviderX509CertUrl}`,
    ),
    clientX509CertUrl: keyField(
      "clientX509CertUrl",
      "URL of the service account's certificates; default https://www.googleapis.com/robot/v1/metadata/x509/<clientEmail>",
    ),
  },

  check,

  read({ ctx, id, prior }) {
    return readConnection(ctx, id, prior);
  },

  normalizeLive(live, desired) {
    if (desired.serviceAccountKey === undefined) return live;
    // Nothing recorded to compare with (an import, a lost journal): not known, so the core plans the key file as
    // an unverified change and sends it once, rather than assuming it matches.
    if (live.serviceAccountKey === undefined && live.privateKey === undefined && live.privateKeyId === undefined)
      return { ...live, serviceAccountKey: undefined };
    // The key file is compared whole: equal when its public fields match Spot's and its secret parts match what
    // state recorded (unknown secret parts, e.g. after an import, are not held against it).
    const key = resolveKey(desired);
    const publicSame = PUBLIC.every((k) => key[k] === undefined || live[k] === undefined || key[k] === live[k]);
    const secretSame = (["privateKey", "privateKeyId"] as const).every(
      (k) => live[k] === undefined || key[k] === undefined || secretMatches(key[k]!, live[k]!),
    );
    const fileSame =
      live.serviceAccountKey === undefined || secretMatches(desired.serviceAccountKey, live.serviceAccountKey);
    return {
      ...live,
      serviceAccountKey:
        publicSame && secretSame && fileSame
          ? (live.serviceAccountKey ?? hashSecret(desired.serviceAccountKey))
          : MISMATCH,
    };
  },

  async create({ ctx, inputs }) {
    const key = resolveKey(inputs);
    const existing = await orGone(ctx.client.credentials.getGcp(inputs.accountId));
    if (
      existing?.client_email &&
      (existing.client_email !== key.clientEmail || existing.project_id !== key.projectId)
    ) {
      throw new AlreadyExists(
        "GcpConnection",
        [inputs.accountId],
        `for account ${inputs.accountId}`,
        `it uses service account ${existing.client_email} of project ${existing.project_id}; take it over, then change it`,
      );
    }
    await ctx.client.credentials.setGcp(inputs.accountId, toWire(key));
    const prior = { ...inputs, ...sentHashes(inputs) };
    const outputs = await readConnection(ctx, inputs.accountId, prior);
    return { id: inputs.accountId, outputs: outputs ?? { accountId: inputs.accountId, ...sentHashes(inputs) } };
  },

  async update({ ctx, id, inputs }) {
    await ctx.client.credentials.setGcp(id, toWire(resolveKey(inputs)));
    const sent = { ...inputs, ...sentHashes(inputs) };
    return (await readConnection(ctx, id, sent)) ?? sent;
  },

  ...perAccountOps("GcpConnection", "GCP connection", (ctx, id) => readConnection(ctx, id)),
};
