/**
 * AzureConnection against the emulator: create (state holds the secret's hash only) → no diff (Spot's date format
 * normalised) → a tenant changed out of band is detected → update → a new secret plans an update by hash → adopt →
 * forget → gone with its account. Secrets never appear in outputs, warnings or errors; bad ids and dates are
 * rejected before any API call.
 */
import { azureConnection } from "../../src/resources/azure-connection";
import { diffResource } from "../../src/resources";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import {
  clientFor,
  contextFor,
  errorOf,
  expectNoDiff,
  expectNoSecret,
  expectRejectedBeforeApi,
  type TestContext,
} from "./helpers";
import { checkedFor, rejectedBeforeApi, unique } from "./accounts-helpers";
import { hashOf } from "../support/secrets";

const emu = withEmulator();
let ctx: TestContext;
let oob: SpotClient;

const SECRET = "s3cr3t~azure~client~secret~one";
const SECRET_2 = "s3cr3t~azure~client~secret~two";
const CONSOLE_SECRET = "s3cr3t~set~in~the~console";
const TENANT = "aaaaaaaa-1111-2222-3333-444444444444";
const OTHER_TENANT = "bbbbbbbb-1111-2222-3333-444444444444";

function inputsFor(accountId: string, extra: Record<string, unknown> = {}) {
  return {
    accountId,
    clientId: "0F1E2D3C-0000-4000-8000-000000000001", // upper case: Spot may answer in lower case
    clientSecret: SECRET,
    tenantId: TENANT,
    subscriptionId: "cccccccc-1111-2222-3333-444444444444",
    expirationDate: "2031-12-31 23:59:00+00:00", // Spot's documented format; the emulator answers ISO 8601
    ...extra,
  };
}

beforeAll(() => {
  ctx = contextFor(emu);
  oob = clientFor(emu);
});

async function newAccount(): Promise<string> {
  return (await oob.accounts.create({ name: unique("azure") })).accountId;
}

test("lifecycle: create, no diff, drift detected and fixed, secret rotated, adopt, forget, gone", async () => {
  const secrets = [SECRET, SECRET_2, CONSOLE_SECRET];
  const accountId = await newAccount();
  const inputs = checkedFor(azureConnection, inputsFor(accountId));
  const { id, outputs } = await azureConnection.create(ctx, inputs);
  expect(id).toBe(accountId);
  expect(outputs.clientSecret).toEqual(hashOf(SECRET));
  expectNoSecret(outputs, secrets);

  ctx.client.clearCache();
  let live = await azureConnection.read(ctx, id, outputs);
  expect(live?.expirationDate).not.toBe(inputs.expirationDate); // another format of the same instant
  expectNoDiff(azureConnection, inputs, live);
  expectNoSecret(live, secrets);

  // The console sets another tenant (and secret): the tenant shows; the secret cannot (Spot never returns it).
  await oob.credentials.setAzure(accountId, {
    clientId: inputs.clientId,
    clientSecret: CONSOLE_SECRET,
    tenantId: OTHER_TENANT,
    subscriptionId: inputs.subscriptionId,
    expirationDate: "2031-12-31T23:59:00Z",
  });
  ctx.client.clearCache();
  live = await azureConnection.read(ctx, id, live);
  const drift = diffResource(azureConnection, inputs, live!);
  expect(drift.changes).toEqual([{ field: "tenantId", before: OTHER_TENANT, after: TENANT, mode: "update" }]);
  const fixed = await azureConnection.update(ctx, id, inputs, live!, drift.changes);
  expect(fixed.tenantId).toBe(TENANT);
  expectNoDiff(azureConnection, inputs, fixed);

  // A new secret: the hash differs, so an in-place update is planned, shown only as "(secret)".
  const rotated = checkedFor(
    azureConnection,
    inputsFor(accountId, { clientSecret: SECRET_2, expirationDate: "2032-06-30T00:00:00Z" }),
  );
  const d = diffResource(azureConnection, rotated, fixed);
  expect(d.changes).toEqual([
    { field: "clientSecret", before: "(secret)", after: "(secret)", mode: "update", secret: true },
    { field: "expirationDate", before: fixed.expirationDate, after: "2032-06-30T00:00:00Z", mode: "update" },
  ]);
  expectNoSecret(d, secrets);
  const updated = await azureConnection.update(ctx, id, rotated, fixed, d.changes);
  expect(updated.clientSecret).toEqual(hashOf(SECRET_2));
  ctx.client.clearCache();
  live = await azureConnection.read(ctx, id, updated);
  expectNoDiff(azureConnection, rotated, live);

  // Another account is a replacement.
  expect(diffResource(azureConnection, { ...rotated, accountId: "act-00000000" }, live!).replace).toBe(true);

  // Adopt: found by account; with no recorded hash the secret is not compared (nothing to compare with).
  const found = await azureConnection.find(ctx, rotated);
  expect(found?.id).toBe(id);
  expect(found?.outputs.clientSecret).toBeUndefined();
  expectNoDiff(azureConnection, rotated, found!.outputs);
  expect((await azureConnection.importById!(ctx, id))?.outputs.tenantId).toBe(TENANT);

  await rejectedBeforeApi(emu, async () => {
    await azureConnection.delete(ctx, id, live!);
    throw new Error("forgotten");
  });
  expect(ctx.warnings.pop()).toMatch(/Azure connection of account .* forgotten, not deleted/);

  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await azureConnection.read(ctx, id, live)).toBeUndefined();
  expectNoSecret(ctx.warnings, secrets);
});

test("someone else's service principal is not overwritten; errors never show the secret", async () => {
  const accountId = await newAccount();
  await oob.credentials.setAzure(accountId, {
    clientId: "99999999-1111-2222-3333-444444444444",
    clientSecret: CONSOLE_SECRET,
    tenantId: TENANT,
    subscriptionId: "cccccccc-1111-2222-3333-444444444444",
    expirationDate: "2031-01-01T00:00:00Z",
  });
  const err = await errorOf(azureConnection.create(ctx, checkedFor(azureConnection, inputsFor(accountId))));
  expect(err.message).toMatch(/already connected to Azure \(client 99999999-/);
  expectNoSecret(err.message, [SECRET, CONSOLE_SECRET]);

  // Spot's own failure (no such account) carries no secret either.
  const missing = await errorOf(azureConnection.create(ctx, checkedFor(azureConnection, inputsFor("act-0badc0de"))));
  expect(missing.message).toMatch(/Account_DOESNT_EXIST|does not exist/);
  expectNoSecret([missing.message, missing.stack], [SECRET]);
});

describe("bad inputs are rejected before any API call", () => {
  test("ids, dates and the secret", async () => {
    const acc = "act-12ab34cd";
    await expectRejectedBeforeApi(emu, azureConnection, inputsFor(acc, { clientId: "my-app" }), "clientId", /UUID/);
    await expectRejectedBeforeApi(
      emu,
      azureConnection,
      inputsFor(acc, { tenantId: "contoso.onmicrosoft.com" }),
      "tenantId",
      /UUID/,
    );
    await expectRejectedBeforeApi(
      emu,
      azureConnection,
      inputsFor(acc, { subscriptionId: "123" }),
      "subscriptionId",
      /UUID/,
    );
    await expectRejectedBeforeApi(
      emu,
      azureConnection,
      inputsFor(acc, { expirationDate: "next year" }),
      "expirationDate",
      /date-time/,
    );
    await expectRejectedBeforeApi(
      emu,
      azureConnection,
      inputsFor(acc, { expirationDate: "2031-12-31" }),
      "expirationDate",
      /time zone/,
    );
    await expectRejectedBeforeApi(
      emu,
      azureConnection,
      inputsFor(acc, { clientSecret: undefined }),
      "clientSecret",
      /required/,
    );
    const msg = await expectRejectedBeforeApi(
      emu,
      azureConnection,
      inputsFor(acc, { clientSecret: "  " }),
      "clientSecret",
      /empty/,
    );
    expectNoSecret(msg, [SECRET]);
  });
});
