/**
 * NotificationPolicy against the emulator, through the core lifecycle: the full lifecycle, a private policy with
 * dynamic rules read back without a diff, a lost create answer, bad inputs refused before any API call.
 */
import type { SpotClient } from "../../src/api";
import { adopt, apply, readLive } from "../../src/core";
import { notificationPolicy } from "../../src/resources/notification-policy";
import { withEmulator } from "../support/emulator";
import {
  clientFor,
  contextFor,
  expectNoDiff,
  expectRejectedBeforeApi,
  runLifecycle,
  expectSchemaConventions,
} from "./helpers";

const emu = withEmulator();
let spot: SpotClient;
let account2: string;

beforeAll(async () => {
  spot = clientFor(emu);
  account2 = (await spot.accounts.create({ name: "second" })).accountId;
});

afterEach(() => emu.control.clearFaults());

const SLACK = "https://hooks.slack.com/services/T000/B000/XXXX";
const ops = () => ({
  accountId: emu.accountId,
  name: "ops",
  description: "capacity alerts",
  subscriptions: [
    { type: "email", endpoint: "ops@example.com" },
    { type: "slack", endpoint: SLACK },
  ],
  registeredUsers: [{ userEmail: "admin@example.com", subscriptionTypes: ["email", "console"] }],
  events: [
    { event: "Maximum capacity reached", type: "WARN" },
    { event: "Instance launch failure", type: "ERROR" },
  ],
  shouldIncludeAllResources: true,
});

test("lifecycle: create, drift, update, replacing changes, adopt, delete", async () => {
  const r = await runLifecycle({
    emu,
    kind: notificationPolicy,
    inputs: ops(),
    outOfBand: {
      change: (other, id) =>
        other.notifications.update(id, {
          isActive: false,
          subscriptions: [{ type: "webhook", endpoint: "https://x.example/hook" }],
        }),
      fields: ["isActive", "subscriptions"],
    },
    update: {
      inputs: {
        ...ops(),
        description: undefined,
        name: "ops-sig",
        events: [{ event: "Maximum capacity reached", type: "ERROR" }],
        shouldIncludeAllResources: false,
        resourceIds: ["sig-12345678", "o-1234abcd"],
        registeredUsers: [],
      },
      fields: ["description", "events", "name", "registeredUsers", "resourceIds", "shouldIncludeAllResources"],
    },
    replace: {
      inputs: { ...ops(), accountId: account2, privacyLevel: "private", subscriptions: [] },
      fields: ["accountId", "privacyLevel"],
    },
    importId: (id) => `${emu.accountId}/${id}`,
  });
  expect(r.id).toMatch(/^snp-/);
  expect(r.created).toMatchObject({
    policyId: r.id,
    accountId: emu.accountId,
    privacyLevel: "public",
    isActive: true,
    owner: "admin@example.com",
  });
  expect(r.live.description).toBeUndefined();
});

test("private policy with dynamic rules: read back without a diff", async () => {
  const ctx = contextFor(emu);
  const inputs = {
    accountId: account2,
    name: "mine",
    privacyLevel: "private",
    registeredUsers: [{ userEmail: "admin@example.com", subscriptionTypes: ["console"] }],
    events: [{ event: "Maximum capacity reached", type: "INFO" }],
    dynamicRules: [
      {
        filterConditions: [
          { identifier: "tag", operator: "contains", expression: "team=ops" },
          { identifier: "region", operator: "equals", expression: "us-east-1" },
        ],
      },
    ],
  };
  const { id, outputs } = await apply({ kind: notificationPolicy, ctx, action: "create", desired: inputs });
  await expectNoDiff(notificationPolicy, inputs, outputs);
  expect(outputs!.dynamicRules[0].filterConditions).toHaveLength(2);
  ctx.client.clearCache();
  await expectNoDiff(
    notificationPolicy,
    inputs,
    await readLive({ kind: notificationPolicy, ctx, id: id!, prior: outputs }),
  );
  expect((await adopt(notificationPolicy, ctx, { id: id! })).outputs.accountId).toBe(account2);
  await apply({ kind: notificationPolicy, ctx, action: "delete", id, prior: outputs });
});

test("a lost create answer is recovered without a duplicate", async () => {
  const ctx = contextFor(emu);
  await emu.control.injectFault({
    method: "POST",
    path: "/notificationCenter/policy",
    kind: "commit-then-fail",
    status: 503,
  });
  const inputs = { ...ops(), name: "flaky" };
  const { id, outputs } = await apply({ kind: notificationPolicy, ctx, action: "create", desired: inputs });
  expect(ctx.client.counters.recovered).toBe(1);
  await expectNoDiff(notificationPolicy, inputs, outputs);
  const same = (await spot.notifications.list({ accountId: emu.accountId })).filter((p) => p.name === "flaky");
  expect(same.map((p) => p.policyId)).toEqual([id]);
  await apply({ kind: notificationPolicy, ctx, action: "delete", id, prior: outputs });
});

test("bad inputs are refused before any API call", async () => {
  const ok = ops();
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, shouldIncludeAllResources: false },
    "shouldIncludeAllResources",
    /exactly one selector/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, resourceIds: ["sig-1"] },
    "shouldIncludeAllResources",
    /keep exactly one/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, privacyLevel: "private" },
    "subscriptions",
    /only allowed on public/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, subscriptions: [{ type: "email", endpoint: "https://not-mail" }] },
    "subscriptions.0.endpoint",
    /e-mail address for type email/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, subscriptions: [{ type: "slack", endpoint: "#ops" }] },
    "subscriptions.0.endpoint",
    /http\(s\) URL/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, subscriptions: [{ type: "sns", endpoint: "ops-topic" }] },
    "subscriptions.0.endpoint",
    /SNS topic ARN/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, subscriptions: [{ type: "sms", endpoint: "123" }] },
    "subscriptions.0.type",
    /"email", "webhook", "slack", "sns"/,
  );
  await expectRejectedBeforeApi(emu, notificationPolicy, { ...ok, events: [] }, "events", /at least one/);
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, events: [{ event: "x", type: "CRITICAL" }] },
    "events.0.type",
    /"INFO", "WARN", "ERROR"/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, registeredUsers: [{ userEmail: "admin@example.com", subscriptionTypes: ["sms"] }] },
    "registeredUsers.0.subscriptionTypes.0",
    /"email", "console"/,
  );
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    {
      ...ok,
      shouldIncludeAllResources: false,
      dynamicRules: [{ filterConditions: [{ identifier: "colour", operator: "equals", expression: "x" }] }],
    },
    "dynamicRules.0.filterConditions.0.identifier",
    /resource_name/,
  );
  await expectRejectedBeforeApi(emu, notificationPolicy, { ...ok, accountId: "default" }, "accountId", /act-/);
  await expectRejectedBeforeApi(
    emu,
    notificationPolicy,
    { ...ok, privacyLevel: "team" },
    "privacyLevel",
    /"public", "private"/,
  );
});

test("the schema follows the conventions (documented, refused changes explained, refs)", () => {
  expectSchemaConventions(notificationPolicy);
});
