/**
 * AwsConnection against the emulator: create → no diff → a role changed out of band is detected → update →
 * new role in place → adopt/import → delete forgets with a warning → gone with its account; someone else's
 * connection is not overwritten; ARNs checked before any API call.
 */
import { awsConnection } from "../../src/resources/aws-connection";
import { diffResource } from "../../src/resources";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor, errorOf, expectNoDiff, expectRejectedBeforeApi, type TestContext } from "./helpers";
import { checkedFor, rejectedBeforeApi, requests, unique } from "./accounts-helpers";

const emu = withEmulator();
let ctx: TestContext;
let oob: SpotClient;

const ROLE = "arn:aws:iam::123456789012:role/SpotRole";
const ROLE_2 = "arn:aws:iam::123456789012:role/spot/SpotRoleV2";
const CONSOLE_ROLE = "arn:aws:iam::210987654321:role/Console";

beforeAll(() => {
  ctx = contextFor(emu);
  oob = clientFor(emu);
});

async function newAccount(): Promise<string> {
  return (await oob.accounts.create({ name: unique("aws") })).accountId;
}

test("lifecycle: create, no diff, drift detected and fixed, new role in place, adopt, forget, gone", async () => {
  const accountId = await newAccount();
  const ext = await oob.credentials.createAwsExternalId(accountId);
  const inputs = checkedFor(awsConnection, { accountId, iamRole: ROLE });
  expect(await awsConnection.find(ctx, inputs)).toBeUndefined();

  const { id, outputs } = await awsConnection.create(ctx, inputs);
  expect(id).toBe(accountId);
  expect(outputs).toEqual({ accountId, iamRole: ROLE, providerExternalId: "123456789012" });
  ctx.client.clearCache();
  let live = await awsConnection.read(ctx, id, outputs);
  expectNoDiff(awsConnection, inputs, live);

  // Someone points the account at another role in the console.
  await oob.credentials.setAws(accountId, { iamRole: CONSOLE_ROLE });
  ctx.client.clearCache();
  live = await awsConnection.read(ctx, id, live);
  expect(live).toMatchObject({ iamRole: CONSOLE_ROLE, providerExternalId: "210987654321" });
  const drift = diffResource(awsConnection, inputs, live!);
  expect(drift.changes).toEqual([{ field: "iamRole", before: CONSOLE_ROLE, after: ROLE, mode: "update" }]);
  const fixed = await awsConnection.update(ctx, id, inputs, live!, drift.changes);
  expect(fixed.iamRole).toBe(ROLE);
  oob.clearCache();
  expect((await oob.credentials.getAws(accountId)).iamRole).toBe(ROLE);

  // A new role (with a path) and an explicit external id: in place, one POST.
  const next = checkedFor(awsConnection, { accountId, iamRole: ROLE_2, externalId: ext.externalId });
  const d = diffResource(awsConnection, next, fixed);
  expect(d.changes.map((c) => [c.field, c.mode])).toEqual([
    ["iamRole", "update"],
    ["externalId", "update"],
  ]);
  const posts = await requests(emu, "POST /setup/credentials/aws");
  const updated = await awsConnection.update(ctx, id, next, fixed, d.changes);
  expect(await requests(emu, "POST /setup/credentials/aws")).toBe(posts + 1);
  expect(updated).toMatchObject({ iamRole: ROLE_2, externalId: ext.externalId });
  // Spot does not echo the external id: the read keeps what was sent.
  ctx.client.clearCache();
  live = await awsConnection.read(ctx, id, updated);
  expectNoDiff(awsConnection, next, live);

  // Another account is a replacement.
  const moved = diffResource(awsConnection, { ...next, accountId: "act-00000000" }, live!);
  expect(moved.replace).toBe(true);

  // Adopt by account, import by id.
  const found = await awsConnection.find(ctx, next);
  expect(found?.id).toBe(id);
  expect(found?.outputs.iamRole).toBe(ROLE_2);
  expect((await awsConnection.importById!(ctx, id))?.outputs.iamRole).toBe(ROLE_2);

  // No DELETE in Spot: forgetting warns and sends nothing; the credentials stay.
  await rejectedBeforeApi(emu, async () => {
    await awsConnection.delete(ctx, id, live!);
    throw new Error("forgotten");
  });
  expect(ctx.warnings.pop()).toMatch(/AWS connection of account .* forgotten, not deleted/);
  oob.clearCache();
  expect((await oob.credentials.getAws(accountId)).iamRole).toBe(ROLE_2);

  // Gone with its account.
  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await awsConnection.read(ctx, id, live)).toBeUndefined();
  expect(await awsConnection.find(ctx, next)).toBeUndefined();
});

test("someone else's connection is not overwritten; a retried create of the same role is harmless", async () => {
  const accountId = await newAccount();
  await oob.credentials.setAws(accountId, { iamRole: CONSOLE_ROLE });
  const posts = await requests(emu, "POST /setup/credentials/aws");
  const err = await errorOf(awsConnection.create(ctx, checkedFor(awsConnection, { accountId, iamRole: ROLE })));
  expect(err.message).toContain(`already connected to AWS with role ${CONSOLE_ROLE}`);
  expect(err.message).toMatch(/adopt: true/);
  expect(await requests(emu, "POST /setup/credentials/aws")).toBe(posts);

  const same = await awsConnection.create(ctx, checkedFor(awsConnection, { accountId, iamRole: CONSOLE_ROLE }));
  expect(same.outputs.iamRole).toBe(CONSOLE_ROLE);
});

test("Spot's refusal to connect an account that is connected to another cloud is surfaced", async () => {
  const accountId = await newAccount();
  await oob.credentials.setAzure(accountId, {
    clientId: "11111111-1111-1111-1111-111111111111",
    clientSecret: "azure-secret-value",
    tenantId: "22222222-2222-2222-2222-222222222222",
    subscriptionId: "33333333-3333-3333-3333-333333333333",
    expirationDate: "2031-01-01T00:00:00Z",
  });
  const err = await errorOf(awsConnection.create(ctx, checkedFor(awsConnection, { accountId, iamRole: ROLE })));
  expect(err.message).toMatch(/already connected to AZURE/);
});

describe("bad inputs are rejected before any API call", () => {
  test("role ARNs and account ids", async () => {
    const acc = "act-12ab34cd";
    const cases: [string, RegExp][] = [
      ["SpotRole", /must be an IAM role ARN/],
      ["arn:aws:iam::1234567890:role/SpotRole", /12 digits; got "1234567890"/],
      ["arn:aws:iam::123456789012:user/bob", /user ARN/],
      ["arn:aws:iam::123456789012:role/", /must be an IAM role ARN/],
      ["arn:aws:s3:::bucket", /must be an IAM role ARN/],
    ];
    for (const [iamRole, message] of cases) {
      await expectRejectedBeforeApi(emu, awsConnection, { accountId: acc, iamRole }, "iamRole", message);
    }
    await expectRejectedBeforeApi(emu, awsConnection, { accountId: acc }, "iamRole", /is required/);
    await expectRejectedBeforeApi(emu, awsConnection, { accountId: "prod", iamRole: ROLE }, "accountId", /act-/);
    await expectRejectedBeforeApi(
      emu,
      awsConnection,
      { accountId: acc, iamRole: ROLE, externalId: " " },
      "externalId",
      /empty/,
    );
    // Other partitions are fine.
    checkedFor(awsConnection, { accountId: acc, iamRole: "arn:aws-cn:iam::123456789012:role/Spot" });
    checkedFor(awsConnection, { accountId: acc, iamRole: "arn:aws-us-gov:iam::123456789012:role/a/b/Spot" });
  });
});
