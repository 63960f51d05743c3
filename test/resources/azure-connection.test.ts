/**
 * AzureConnection against the emulator, through the core lifecycle: create (the memory holds the secret's hash
 * only) → no diff (Spot's date format normalised) → a tenant changed out of band is detected → update (the
 * unchanged secret keeps its hash) → a new secret plans an update by hash → adopt (the secret unverified, sent once
 * by a take-over) → forget → gone with its account. Secrets never appear in outputs, plans, warnings or errors;
 * bad ids and dates are rejected before any API call.
 */
import { azureConnection } from "../../src/resources/azure-connection";
import { adopt, apply, memoryOf, plan, readLive, takeOver, type ChangePlan } from "../../src/core";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import {
  Tracked,
  clientFor,
  contextFor,
  errorOf,
  expectNoop,
  expectNoSecret,
  expectOutcome,
  expectRejectedBeforeApi,
  expectSchemaConventions,
  mutations,
  requests,
  type TestContext,
} from "./helpers";
import { unique } from "./accounts-helpers";
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

/** What a front-end shows of a plan (the declared inputs are the caller's own, and hold the plaintext). */
const shown = (p: ChangePlan) => ({
  changes: p.changes,
  drift: p.drift,
  live: p.live,
  problems: p.problems,
  basis: p.basis,
});

async function newAccount(): Promise<string> {
  return (await oob.accounts.create({ name: unique("azure") })).accountId;
}

test("lifecycle: create, no diff, drift detected and fixed, secret rotated, adopt, forget, gone", async () => {
  const secrets = [SECRET, SECRET_2, CONSOLE_SECRET];
  const accountId = await newAccount();
  const inputs = inputsFor(accountId);
  const t = new Tracked(azureConnection, ctx);
  let p = await t.plan(inputs);
  expect(p.action).toBe("create");
  const created = await t.execute(inputs, p);
  const id = created.id!;
  expect(id).toBe(accountId);
  expect(created.outputs!.clientSecret).toEqual(hashOf(SECRET));
  expect(t.memory.record).toEqual({ clientSecret: hashOf(SECRET) });
  expectNoSecret(created.outputs, secrets);

  ctx.client.clearCache();
  p = await t.plan(inputs);
  expect(p.live?.expirationDate).not.toBe(inputs.expirationDate); // another format of the same instant
  expectNoop(p);
  expectNoSecret(shown(p), secrets);

  // The console sets another tenant (and secret): the tenant shows; the secret cannot (Spot never returns it).
  await oob.credentials.setAzure(accountId, {
    clientId: inputs.clientId,
    clientSecret: CONSOLE_SECRET,
    tenantId: OTHER_TENANT,
    subscriptionId: inputs.subscriptionId,
    expirationDate: "2031-12-31T23:59:00Z",
  });
  ctx.client.clearCache();
  p = await t.plan(inputs);
  expect(p.changes).toEqual([{ field: "tenantId", before: OTHER_TENANT, after: TENANT, mode: "update" }]);
  const hash = t.memory.record.clientSecret;
  const fixed = await t.execute(inputs, p);
  expect(fixed.outputs!.tenantId).toBe(TENANT);
  // The secret was sent again (Spot takes the credentials whole) but did not change: its hash is kept as is.
  expect(t.memory.record.clientSecret).toBe(hash);
  ctx.client.clearCache();
  expectNoop(await t.plan(inputs));

  // A new secret: the hash differs, so an in-place update is planned, shown only as "(secret)".
  const rotated = inputsFor(accountId, { clientSecret: SECRET_2, expirationDate: "2032-06-30T00:00:00Z" });
  p = await t.plan(rotated);
  expect(p.changes).toEqual([
    { field: "clientSecret", before: "(secret)", after: "(secret)", mode: "update", secret: true },
    { field: "expirationDate", before: p.live!.expirationDate, after: "2032-06-30T00:00:00Z", mode: "update" },
  ]);
  expectNoSecret(shown(p), secrets);
  const updated = await t.execute(rotated, p);
  expect(updated.outputs!.clientSecret).toEqual(hashOf(SECRET_2));
  expect(t.memory.record.clientSecret).toEqual(hashOf(SECRET_2));
  ctx.client.clearCache();
  expectNoop(await t.plan(rotated));

  // Another account is a replacement.
  expect(await t.plan({ ...rotated, accountId: "act-00000000" })).toMatchObject({ action: "replace" });

  // Adopt: found by account; with no recorded hash the secret cannot be compared, so it is an unverified change…
  const found = await adopt(azureConnection, ctx, { inputs: rotated });
  expect(found.id).toBe(id);
  expect(found.outputs.clientSecret).toBeUndefined();
  const ap = await plan({ kind: azureConnection, desired: rotated, id, live: found.outputs });
  expect(ap.changes).toEqual([
    { field: "clientSecret", before: "(secret)", after: "(secret)", mode: "update", secret: true, unverified: true },
  ]);
  expect((await adopt(azureConnection, ctx, { id })).outputs.tenantId).toBe(TENANT);
  // … which a take-over sends once and remembers, after which nothing is left to do.
  const memory = memoryOf();
  const posts = await requests(emu, "POST /azure/setup/credentials");
  const taken = await takeOver({ kind: azureConnection, ctx, desired: rotated, by: { id }, secrets: memory });
  expect(taken.id).toBe(id);
  expect(await requests(emu, "POST /azure/setup/credentials")).toBe(posts + 1);
  expect(memory.record).toEqual({ clientSecret: hashOf(SECRET_2) });
  ctx.client.clearCache();
  expectNoop(await plan({ kind: azureConnection, desired: rotated, id, ctx, secrets: memory }));

  const last = t.state!;
  const before = await mutations(emu);
  await t.execute(null, await t.plan(null));
  expect(await mutations(emu)).toBe(before);
  expect(ctx.warnings.pop()).toMatch(/Azure connection of account .* forgotten, not deleted/);

  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await readLive({ kind: azureConnection, ctx, id, prior: last })).toBeUndefined();
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
  const e = await errorOf(apply({ kind: azureConnection, ctx, action: "create", desired: inputsFor(accountId) }));
  expectOutcome(e, "AlreadyExists");
  expect(e.message).toMatch(/it uses client 99999999-/);
  expectNoSecret([e.message, e.stack], [SECRET, CONSOLE_SECRET]);

  // Spot's own failure (no such account) carries no secret either.
  const missing = await errorOf(
    apply({ kind: azureConnection, ctx, action: "create", desired: inputsFor("act-0badc0de") }),
  );
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

test("the schema follows the conventions", () => {
  expectSchemaConventions(azureConnection);
});
