/**
 * GcpConnection against the emulator, through the core lifecycle, with the key given field by field and as a whole key file: create (the
 * memory holds hashes of the secret parts, Google's URIs defaulted) → no diff → a service account changed out of band is
 * detected → update → a new key plans an update by hash → switching between key file and fields with the same key
 * changes nothing → adopt (the key's parts unverified) → forget → gone with its account. The key never appears in outputs or messages.
 */
import { generateKeyPairSync } from "node:crypto";
import { gcpConnection } from "../../src/resources/gcp-connection";
import { adopt, apply, plan, readLive } from "../../src/core";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import {
  Tracked,
  changedFields,
  clientFor,
  contextFor,
  errorOf,
  expectNoop,
  expectNoSecret,
  expectOutcome,
  expectRejectedBeforeApi,
  expectSchemaConventions,
  failuresOf,
  mutations,
  type TestContext,
} from "./helpers";
import { unique } from "./accounts-helpers";
import { hashOf } from "../support/secrets";

const emu = withEmulator();
let ctx: TestContext;
let oob: SpotClient;

const pem = () =>
  generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const KEY = pem();
const KEY_2 = pem();
const KEY_ID = "0123456789abcdef0123456789abcdef01234567";
const KEY_ID_2 = "fedcba9876543210fedcba9876543210fedcba98";
const BODY = (k: string) => k.split("\n")[1]; // a line of the key's base64 body, to search for leaks

function fields(accountId: string, extra: Record<string, unknown> = {}) {
  return {
    accountId,
    projectId: "spot-labs-123",
    privateKeyId: KEY_ID,
    privateKey: KEY,
    clientEmail: "spot@spot-labs-123.iam.gserviceaccount.com",
    clientId: "109876543210987654321",
    ...extra,
  };
}

function keyFile(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: "service_account",
    project_id: "spot-labs-123",
    private_key_id: KEY_ID,
    private_key: KEY,
    client_email: "spot@spot-labs-123.iam.gserviceaccount.com",
    client_id: "109876543210987654321",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url:
      "https://www.googleapis.com/robot/v1/metadata/x509/spot%40spot-labs-123.iam.gserviceaccount.com",
    ...extra,
  });
}

const leaks = [BODY(KEY), BODY(KEY_2), KEY_ID, KEY_ID_2];
// Outputs hold no PEM at all (messages may name the expected "-----BEGIN PRIVATE KEY-----" header).
const outputLeaks = [...leaks, "-----BEGIN"];

beforeAll(() => {
  ctx = contextFor(emu);
  oob = clientFor(emu);
});

async function newAccount(): Promise<string> {
  return (await oob.accounts.create({ name: unique("gcp") })).accountId;
}

test("lifecycle with individual fields: create, no diff, drift, update, new key, adopt, forget, gone", async () => {
  const accountId = await newAccount();
  const inputs = fields(accountId);
  const t = new Tracked(gcpConnection, ctx);
  const created = await t.execute(inputs, await t.plan(inputs));
  const id = created.id!;
  expect(id).toBe(accountId);
  expect(created.outputs).toMatchObject({
    type: "service_account",
    projectId: "spot-labs-123",
    authUri: "https://accounts.google.com/o/oauth2/auth",
    tokenUri: "https://oauth2.googleapis.com/token",
    authProviderX509CertUrl: "https://www.googleapis.com/oauth2/v1/certs",
    clientX509CertUrl: "https://www.googleapis.com/robot/v1/metadata/x509/spot%40spot-labs-123.iam.gserviceaccount.com",
    privateKey: hashOf(KEY),
    privateKeyId: hashOf(KEY_ID),
  });
  expect(t.memory.record).toEqual({ privateKey: hashOf(KEY), privateKeyId: hashOf(KEY_ID) });
  expectNoSecret(created.outputs, outputLeaks);
  ctx.client.clearCache();
  expectNoop(await t.plan(inputs));

  // The console connects another service account of another project.
  await oob.credentials.setGcp(accountId, {
    type: "service_account",
    project_id: "other-project-9",
    private_key_id: KEY_ID_2,
    private_key: KEY_2,
    client_email: "other@other-project-9.iam.gserviceaccount.com",
    client_id: "1",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url: "https://www.googleapis.com/robot/v1/metadata/x509/other",
  });
  ctx.client.clearCache();
  let p = await t.plan(inputs);
  expect(changedFields(p)).toEqual(["clientEmail", "clientId", "projectId"]);
  expect(p.changes.every((c) => c.mode === "update")).toBe(true);
  const fixed = await t.execute(inputs, p);
  await expectNoop(await plan({ kind: gcpConnection, desired: inputs, id, live: fixed.outputs }));
  oob.clearCache();
  expect((await oob.credentials.getGcp(accountId)).project_id).toBe("spot-labs-123");

  // A new key of the same service account: only the hashes tell, and they do.
  const rotated = fields(accountId, { privateKey: KEY_2, privateKeyId: KEY_ID_2 });
  p = await t.plan(rotated);
  expect(p.changes).toEqual([
    { field: "privateKeyId", before: "(secret)", after: "(secret)", mode: "update", secret: true },
    { field: "privateKey", before: "(secret)", after: "(secret)", mode: "update", secret: true },
  ]);
  const updated = await t.execute(rotated, p);
  expect(updated.outputs!.privateKey).toEqual(hashOf(KEY_2));
  expect(t.memory.record).toEqual({ privateKey: hashOf(KEY_2), privateKeyId: hashOf(KEY_ID_2) });
  expectNoSecret(updated.outputs, outputLeaks);

  // The same key given as a whole key file instead: nothing to change.
  const asFile = { accountId, serviceAccountKey: keyFile({ private_key: KEY_2, private_key_id: KEY_ID_2 }) };
  ctx.client.clearCache();
  expectNoop(await t.plan(asFile));
  // A different key file (another key) is an update of serviceAccountKey.
  expect(changedFields(await t.plan({ accountId, serviceAccountKey: keyFile() }))).toEqual(["serviceAccountKey"]);

  expect(await t.plan({ ...rotated, accountId: "act-00000000" })).toMatchObject({ action: "replace" });

  // Adopted: the public fields match; the key's parts cannot be compared (Spot never returns them), so they are
  // unverified changes, sent once by a take-over.
  const found = await adopt(gcpConnection, ctx, { inputs: rotated });
  expect(found.id).toBe(id);
  const ap = await plan({ kind: gcpConnection, desired: rotated, id, live: found.outputs });
  expect(ap.changes.map((c) => [c.field, c.unverified])).toEqual([
    ["privateKeyId", true],
    ["privateKey", true],
  ]);
  expect((await adopt(gcpConnection, ctx, { id })).outputs.clientEmail).toBe(rotated.clientEmail);

  const last = t.state!;
  const before = await mutations(emu);
  await t.execute(null, await t.plan(null));
  expect(await mutations(emu)).toBe(before);
  expect(ctx.warnings.pop()).toMatch(/GCP connection of account .* forgotten, not deleted/);

  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await readLive({ kind: gcpConnection, ctx, id, prior: last })).toBeUndefined();
  expectOutcome(await errorOf(adopt(gcpConnection, ctx, { inputs: rotated })), "NotFound");
});

test("lifecycle with a whole key file: create, no diff, drift detected, update", async () => {
  const accountId = await newAccount();
  const inputs = { accountId, serviceAccountKey: keyFile() };
  const t = new Tracked(gcpConnection, ctx);
  const created = await t.execute(inputs, await t.plan(inputs));
  const id = created.id!;
  expect(created.outputs!.serviceAccountKey).toEqual(hashOf(inputs.serviceAccountKey));
  expect(created.outputs!.clientEmail).toBe("spot@spot-labs-123.iam.gserviceaccount.com");
  expect(t.memory.record).toMatchObject({ serviceAccountKey: hashOf(inputs.serviceAccountKey) });
  expectNoSecret(created.outputs, outputLeaks);
  ctx.client.clearCache();
  expectNoop(await t.plan(inputs));

  // Out of band another project: with a key file the whole file is what differs.
  await oob.credentials.setGcp(accountId, {
    type: "service_account",
    project_id: "other-project-9",
    private_key_id: KEY_ID,
    private_key: KEY,
    client_email: "spot@spot-labs-123.iam.gserviceaccount.com",
    client_id: "109876543210987654321",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url: "https://www.googleapis.com/robot/v1/metadata/x509/x",
  });
  ctx.client.clearCache();
  const p = await t.plan(inputs);
  expect(p.changes).toEqual([
    { field: "serviceAccountKey", before: "(secret)", after: "(secret)", mode: "update", secret: true },
  ]);
  await t.execute(inputs, p);
  ctx.client.clearCache();
  expect((await t.refresh())?.projectId).toBe("spot-labs-123");
  expectNoop(await t.plan(inputs));

  // Adopted without any recorded hash: Spot shows only the public fields, so the key file itself cannot be verified
  // (a rotated key for the same service account would look the same); it is planned as unverified, sent once.
  const found = await adopt(gcpConnection, ctx, { inputs });
  expect(found.outputs.serviceAccountKey).toBeUndefined();
  const adopted = await plan({ kind: gcpConnection, desired: inputs, id, live: found.outputs });
  expect(adopted.changes).toEqual([
    {
      field: "serviceAccountKey",
      before: "(secret)",
      after: "(secret)",
      mode: "update",
      secret: true,
      unverified: true,
    },
  ]);
});

test("someone else's service account is not overwritten, and the refusal shows no key", async () => {
  const accountId = await newAccount();
  await oob.credentials.setGcp(
    accountId,
    JSON.parse(keyFile({ client_email: "ops@spot-labs-123.iam.gserviceaccount.com" })),
  );
  const e = await errorOf(apply({ kind: gcpConnection, ctx, action: "create", desired: fields(accountId) }));
  expectOutcome(e, "AlreadyExists");
  expect(e.message).toMatch(/it uses service account ops@/);
  expectNoSecret([e.message, e.stack], leaks);
});

describe("bad inputs are rejected before any API call, without quoting the key", () => {
  const acc = "act-12ab34cd";
  test("individual fields", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [fields(acc, { projectId: undefined }), "projectId", /required.*or give the whole key file/],
      [fields(acc, { privateKey: undefined }), "privateKey", /required/],
      [fields(acc, { projectId: "My Project" }), "projectId", /GCP project id/],
      [fields(acc, { clientEmail: "spot" }), "clientEmail", /e-mail/],
      [fields(acc, { clientId: "abc" }), "clientId", /numeric/],
      [fields(acc, { type: "user" }), "type", /service_account/],
      [fields(acc, { tokenUri: "http://oauth2.googleapis.com/token" }), "tokenUri", /https/],
      [fields(acc, { privateKey: KEY.replace(/\n/g, "\\n") }), "privateKey", /escapes instead of line breaks/],
      [fields(acc, { privateKey: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" }), "privateKey", /PEM private key/],
      [fields(acc, { privateKey: KEY.replace(/\n[A-Za-z0-9+/]{20}/, "\n") }), "privateKey", /not a readable PEM/],
    ];
    for (const [raw, field, message] of cases) {
      const msg = await expectRejectedBeforeApi(emu, gcpConnection, raw, field, message);
      expectNoSecret(msg, leaks);
    }
  });

  test("key file", async () => {
    const file = (s: string) => ({ accountId: acc, serviceAccountKey: s });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [file(keyFile().slice(0, 200)), "serviceAccountKey", /not valid JSON/],
      [file("[]"), "serviceAccountKey", /JSON object/],
      [file(keyFile({ client_email: undefined })), "serviceAccountKey", /lacks client_email/],
      [file(keyFile({ project_id: 7 })), "serviceAccountKey", /project_id of the key file must be a string/],
      [file(keyFile({ private_key: "garbage" })), "serviceAccountKey", /private_key must be the PEM/],
      [{ ...file(keyFile()), projectId: "spot-labs-123" }, "projectId", /together with serviceAccountKey/],
    ];
    for (const [raw, field, message] of cases) {
      const msg = await expectRejectedBeforeApi(emu, gcpConnection, raw, field, message);
      expectNoSecret(msg, leaks);
    }
    expect(failuresOf(gcpConnection, file(keyFile()))).toEqual({});
  });
});

test("the schema follows the conventions", () => {
  expectSchemaConventions(gcpConnection);
});
