/**
 * AwsExternalId against the emulator: create → read (no diff; maxValidUntil kept from the create) → asking again
 * gives the same id (safe to retry) → adopt/import → delete forgets with a warning (no API call) → the account
 * deleted out of band reads as gone; bad account ids rejected before any API call.
 */
import { awsExternalId } from "../../src/resources/aws-external-id";
import { diffResource } from "../../src/resources";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor, expectNoDiff, expectRejectedBeforeApi, type TestContext } from "./helpers";
import { checkedFor, rejectedBeforeApi, unique } from "./accounts-helpers";

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
  const inputs = checkedFor(awsExternalId, { accountId });
  expect(await awsExternalId.find(ctx, inputs)).toBeUndefined();

  const { id, outputs } = await awsExternalId.create(ctx, inputs);
  expect(id).toBe(accountId);
  expect(outputs.externalId).toEqual(expect.any(String));
  expect(Date.parse(outputs.maxValidUntil!)).toBeGreaterThan(Date.now());

  ctx.client.clearCache();
  const live = await awsExternalId.read(ctx, id, outputs);
  expect(live).toEqual(outputs);
  expectNoDiff(awsExternalId, inputs, live);

  // Creating again (a retried apply) returns the same external id: a role built with it stays valid.
  const again = await awsExternalId.create(ctx, inputs);
  expect(again.outputs.externalId).toBe(outputs.externalId);

  // Adopt by account and import by id.
  const found = await awsExternalId.find(ctx, inputs);
  expect(found).toEqual({ id, outputs: { accountId, externalId: outputs.externalId } });
  expect((await awsExternalId.importById!(ctx, id))?.outputs.externalId).toBe(outputs.externalId);

  // Another account is a replacement.
  const d = diffResource(awsExternalId, checkedFor(awsExternalId, { accountId: "act-00000000" }), live!);
  expect(d.replace).toBe(true);
  expect(d.changes.map((c) => c.field)).toEqual(["accountId"]);

  // Spot has no DELETE: forgetting sends nothing and warns.
  await rejectedBeforeApi(emu, async () => {
    await awsExternalId.delete(ctx, id, live!);
    throw new Error("forgotten");
  });
  expect(ctx.warnings.pop()).toMatch(new RegExp(`AWS external id of account ${accountId} forgotten, not deleted`));
  ctx.client.clearCache();
  expect((await awsExternalId.read(ctx, id, live))?.externalId).toBe(outputs.externalId);

  // Out of band: the account is deleted, and with it the external id.
  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await awsExternalId.read(ctx, id, live)).toBeUndefined();
  expect(await awsExternalId.find(ctx, inputs)).toBeUndefined();
});

test("bad account ids are rejected before any API call", async () => {
  await expectRejectedBeforeApi(emu, awsExternalId, { accountId: "prod" }, "accountId", /not its name/);
  await expectRejectedBeforeApi(emu, awsExternalId, {}, "accountId", /is required/);
  const err = await rejectedBeforeApi(emu, () => awsExternalId.importById!(ctx, "act 1"));
  expect(err.message).toMatch(/act-12ab34cd/);
});
