/**
 * AwsConnection against the emulator, through the core lifecycle: create → no diff → a role changed out of band
 * is detected → update → new role in place → adopt/import → delete forgets with a warning → gone with its
 * account; someone else's connection is not overwritten; ARNs checked before any API call.
 */
import { awsConnection } from "../../src/resources/aws-connection";
import { UNKNOWN, adopt, apply, readLive } from "../../src/core";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import {
  Tracked,
  checked,
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
import { requests, unique } from "./accounts-helpers";

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

const create = (desired: Record<string, unknown>) => apply({ kind: awsConnection, ctx, action: "create", desired });

test("lifecycle: create, no diff, drift detected and fixed, new role in place, adopt, forget, gone", async () => {
  const accountId = await newAccount();
  const ext = await oob.credentials.createAwsExternalId(accountId);
  const inputs = { accountId, iamRole: ROLE };
  const t = new Tracked(awsConnection, ctx);
  let p = await t.plan(inputs);
  expect(p.action).toBe("create");

  const created = await t.execute(inputs, p);
  const id = created.id!;
  expect(id).toBe(accountId);
  expect(created.outputs).toEqual({ accountId, iamRole: ROLE, providerExternalId: "123456789012" });
  ctx.client.clearCache();
  expectNoop(await t.plan(inputs));

  // Someone points the account at another role in the console.
  await oob.credentials.setAws(accountId, { iamRole: CONSOLE_ROLE });
  ctx.client.clearCache();
  p = await t.plan(inputs);
  expect(p.live).toMatchObject({ iamRole: CONSOLE_ROLE, providerExternalId: "210987654321" });
  expect(p.changes).toEqual([{ field: "iamRole", before: CONSOLE_ROLE, after: ROLE, mode: "update" }]);
  expect(p.drift).toEqual([{ field: "iamRole", before: ROLE, after: CONSOLE_ROLE, mode: "update" }]);
  // The AWS account number follows the role: not promised through the update.
  expect(p.planned.providerExternalId).toBe(UNKNOWN);
  const fixed = await t.execute(inputs, p);
  expect(fixed.outputs!.iamRole).toBe(ROLE);
  oob.clearCache();
  expect((await oob.credentials.getAws(accountId)).iamRole).toBe(ROLE);

  // A new role (with a path) and an explicit external id: in place, one POST.
  const next = { accountId, iamRole: ROLE_2, externalId: ext.externalId };
  p = await t.plan(next);
  expect(p.changes.map((c) => [c.field, c.mode])).toEqual([
    ["iamRole", "update"],
    ["externalId", "update"],
  ]);
  const posts = await requests(emu, "POST /setup/credentials/aws");
  const updated = await t.execute(next, p);
  expect(await requests(emu, "POST /setup/credentials/aws")).toBe(posts + 1);
  expect(updated.outputs).toMatchObject({ iamRole: ROLE_2, externalId: ext.externalId });
  // Spot does not echo the external id: the read keeps what was sent.
  ctx.client.clearCache();
  expectNoop(await t.plan(next));

  // Another account is a replacement.
  expect(await t.plan({ ...next, accountId: "act-00000000" })).toMatchObject({ action: "replace" });

  // Adopt by account, import by id.
  const found = await adopt(awsConnection, ctx, { inputs: next });
  expect(found.id).toBe(id);
  expect(found.outputs.iamRole).toBe(ROLE_2);
  expect((await adopt(awsConnection, ctx, { id })).outputs.iamRole).toBe(ROLE_2);

  // No DELETE in Spot: forgetting warns and sends nothing; the credentials stay.
  const last = t.state!;
  const before = await mutations(emu);
  await t.execute(null, await t.plan(null));
  expect(await mutations(emu)).toBe(before);
  expect(ctx.warnings.pop()).toMatch(/AWS connection of account .* forgotten, not deleted/);
  oob.clearCache();
  expect((await oob.credentials.getAws(accountId)).iamRole).toBe(ROLE_2);

  // Gone with its account.
  await oob.accounts.delete(accountId);
  ctx.client.clearCache();
  expect(await readLive({ kind: awsConnection, ctx, id, prior: last })).toBeUndefined();
  expectOutcome(await errorOf(adopt(awsConnection, ctx, { inputs: next })), "NotFound");
});

test("someone else's connection is not overwritten; a retried create of the same role is harmless", async () => {
  const accountId = await newAccount();
  await oob.credentials.setAws(accountId, { iamRole: CONSOLE_ROLE });
  const posts = await requests(emu, "POST /setup/credentials/aws");
  const e = await errorOf(create({ accountId, iamRole: ROLE }));
  expectOutcome(e, "AlreadyExists");
  expect(e).toMatchObject({ ids: [accountId], what: `for account ${accountId}` });
  expect(e.message).toContain(`it uses role ${CONSOLE_ROLE}`);
  expect(await requests(emu, "POST /setup/credentials/aws")).toBe(posts);

  const same = await create({ accountId, iamRole: CONSOLE_ROLE });
  expect(same.outputs!.iamRole).toBe(CONSOLE_ROLE);
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
  const e = await errorOf(create({ accountId, iamRole: ROLE }));
  expect(e.message).toMatch(/already connected to AZURE/);
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
    checked(awsConnection, { accountId: acc, iamRole: "arn:aws-cn:iam::123456789012:role/Spot" });
    checked(awsConnection, { accountId: acc, iamRole: "arn:aws-us-gov:iam::123456789012:role/a/b/Spot" });
  });
});

test("the schema follows the conventions", () => {
  expectSchemaConventions(awsConnection);
});
