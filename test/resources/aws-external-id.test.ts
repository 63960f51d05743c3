/**
 * AwsExternalId against the emulator, through the core lifecycle: create → no diff (maxValidUntil kept from the
 * create) → asking again gives the same id (safe to retry) → adopt/import → another account is a replacement →
 * delete forgets with a warning (nothing sent) → the account deleted out of band reads as gone; bad account ids
 * rejected before any API call.
 */
import { awsExternalId } from "../../src/resources/aws-external-id";
import { adopt, apply, readLive } from "../../src/core";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import {
  Tracked,
  clientFor,
  contextFor,
  errorOf,
  expectNoop,
  expectOutcome,
  expectRejectedBeforeApi,
  expectSchemaConventions,
  mutations,
  type TestContext,
} from "./helpers";
import { rejectedBeforeApi, unique } from "./accounts-helpers";

const emu = withEmulator();
let ctx: TestContext;
let oob: SpotClient;

beforeAll(() => {
  ctx = contextFor(emu);
  oob = clientFor(emu);
});

async function newAccount(): Promise<string> {
  return (await oob.accounts.create({ name: unique("ext") })).accountId;
}

test("lifecycle: create, no diff, retry-safe, adopt, forget with a warning, gone with its account", async () => {
  const accountId = await newAccount();
  const inputs = { accountId };
  const t = new Tracked(awsExternalId, ctx);
  let p = await t.plan(inputs);
  expect(p).toMatchObject({ action: "create", gone: false });

  const created = await t.execute(inputs, p);
  const id = created.id!;
  const outputs = created.outputs!;
  expect(id).toBe(accountId);
  expect(outputs.externalId).toEqual(expect.any(String));
  expect(Date.parse(outputs.maxValidUntil)).toBeGreaterThan(Date.now());

  ctx.client.clearCache();
  p = await t.plan(inputs);
  expectNoop(p);
  expect(p.live).toEqual(outputs);

  // Creating again (a retried apply) returns the same external id: a role built with it stays valid.
  const again = await apply({ kind: awsExternalId, ctx, action: "create", desired: inputs });
  expect(again.outputs!.externalId).toBe(outputs.externalId);

  // Adopt by account and import by id.
  expect(await adopt(awsExternalId, ctx, { inputs })).toEqual({
    id,
    outputs: { accountId, externalId: outputs.externalId },
  });
  expect((await adopt(awsExternalId, ctx, { id })).outputs.externalId).toBe(outputs.externalId);

  // Another account is a replacement.
  p = await t.plan({ accountId: "act-00000000" });
  expect(p).toMatchObject({ action: "replace", replaceFields: ["accountId"] });

  // Spot has no DELETE: forgetting sends nothing and warns; the external id stays.
  const before = await mutations(emu);
  p = await t.plan(null);
  await t.execute(null, p);
  expect(await mutations(emu)).toBe(before);
  expect(ctx.warnings.pop()).toMatch(new RegExp(`AWS external id of account ${accountId} forgotten, not deleted`));
  ctx.client.clearCache();
  expect((await readLive({ kind: awsExternalId, ctx, id, prior: outputs }))?.externalId).toBe(outputs.externalId);

  // Out of band: the account is deleted, and with it the external id.
  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await readLive({ kind: awsExternalId, ctx, id, prior: outputs })).toBeUndefined();
  expectOutcome(await errorOf(adopt(awsExternalId, ctx, { inputs })), "NotFound");
});

test("bad account ids are rejected before any API call", async () => {
  await expectRejectedBeforeApi(emu, awsExternalId, { accountId: "prod" }, "accountId", /not its name/);
  await expectRejectedBeforeApi(emu, awsExternalId, {}, "accountId", /is required/);
  const e = await rejectedBeforeApi(emu, () => adopt(awsExternalId, ctx, { id: "act 1" }));
  expectOutcome(e, "InvalidImportId");
  expect(e.message).toMatch(/act-12ab34cd/);
});

test("the schema follows the conventions", () => {
  expectSchemaConventions(awsExternalId);
});
