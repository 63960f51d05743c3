/**
 * The organization/account lookups against the emulator: the token's organization, accounts (filters), one
 * account (by id or name; none, ambiguous and bad arguments are clear errors), and audit events filtered by run id
 * with secrets masked in the recorded payloads.
 */
import {
  accountLookup,
  accountsLookup,
  auditEventsLookup,
  organizationLookup,
} from "../../src/resources/lookups-accounts";
import { azureConnection } from "../../src/resources/azure-connection";
import { lookups } from "../../src/resources";
import { apply, checkInputs, type Lookup, type Props } from "../../src/core";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor, errorOf, expectNoSecret, expectOutcome, type TestContext } from "./helpers";
import { rejectedBeforeApi, requests, unique } from "./accounts-helpers";

const emu = withEmulator();
let ctx: TestContext;
let oob: SpotClient;

beforeAll(() => {
  ctx = contextFor(emu);
  oob = clientFor(emu);
});

/** As the front-ends run a lookup: schema checks on the arguments first, then run. */
async function run(lookup: Lookup, args: Props): Promise<Props> {
  const { inputs, failures } = checkInputs(lookup.args, args);
  if (failures.length) throw new Error(failures.map((f) => `${f.field} ${f.message}`).join("; "));
  return lookup.run(ctx, inputs);
}

test("the lookups are registered", () => {
  const names = lookups.map((l) => l.name);
  for (const l of [organizationLookup, accountsLookup, accountLookup, auditEventsLookup])
    expect(names).toContain(l.name);
});

test("Organization: the token's organization, its account count and default account", async () => {
  await oob.accounts.create({ name: unique("org-lookup") });
  ctx.client.clearCache();
  const live = await oob.accounts.list();
  const lists = await requests(emu, "GET /setup/account");
  const r = await run(organizationLookup, {});
  expect(r).toEqual({ organizationId: emu.organizationId, accountCount: live.length, defaultAccountId: emu.accountId });
  expect((await requests(emu, "GET /setup/account")) - lists).toBe(1);
});

test("Accounts: all, by name, by linked cloud account", async () => {
  const name = unique("many");
  const a = await oob.accounts.create({ name });
  const b = await oob.accounts.create({ name: `${name}-b` });
  await oob.credentials.setAws(b.accountId, { iamRole: "arn:aws:iam::555566667777:role/Spot" });
  ctx.client.clearCache();

  const all = await run(accountsLookup, {});
  expect(all.accountIds).toEqual(expect.arrayContaining([emu.accountId, a.accountId, b.accountId]));
  expect(all.accounts.find((x: Props) => x.accountId === a.accountId)).toMatchObject({
    name,
    organizationId: emu.organizationId,
    createdAt: expect.any(String),
  });

  const byName = await run(accountsLookup, { name });
  expect(byName.accountIds).toEqual([a.accountId]);
  const byCloud = await run(accountsLookup, { cloudAccountId: "555566667777" });
  expect(byCloud.accounts).toEqual([
    expect.objectContaining({ accountId: b.accountId, providerExternalId: "555566667777" }),
  ]);
  expect((await run(accountsLookup, { name: unique("nobody") })).accounts).toEqual([]);
});

test("Account: by id or by name, with its Slack channels; clear errors otherwise", async () => {
  const name = unique("one");
  const a = await oob.accounts.create({ name });
  await oob.accounts.update(a.accountId, {
    name,
    slackNotificationChannels: ["https://hooks.slack.com/services/T/B/c"],
  });
  ctx.client.clearCache();

  const byId = await run(accountLookup, { accountId: a.accountId });
  expect(byId).toMatchObject({
    accountId: a.accountId,
    name,
    slackNotificationChannels: ["https://hooks.slack.com/services/T/B/c"],
  });
  expect(await run(accountLookup, { name })).toEqual(byId);

  const noName = await errorOf(run(accountLookup, { name: unique("nobody") }));
  expectOutcome(noName, "NotFound");
  expect(noName.message).toMatch(/no existing Account matches name=.*existing names: .*"Default Account"/);
  const noId = await errorOf(run(accountLookup, { accountId: "act-0badc0de" }));
  expectOutcome(noId, "NotFound");
  expect(noId.by).toEqual({ id: "act-0badc0de" });

  const twin = unique("twin");
  const t1 = await oob.accounts.create({ name: twin });
  const t2 = await oob.accounts.create({ name: twin });
  ctx.client.clearCache();
  const err = await errorOf(run(accountLookup, { name: twin }));
  expectOutcome(err, "Ambiguous");
  expect([...err.ids].sort()).toEqual([t1.accountId, t2.accountId].sort());
  expect(err.message).toMatch(/2 Account objects are named/);

  const neither = await rejectedBeforeApi(emu, () => run(accountLookup, {}));
  expectOutcome(neither, "InvalidInputs");
  expect(neither.message).toMatch(/accountId or name: give exactly one \(neither was given\)/);
  const both = await rejectedBeforeApi(emu, () => run(accountLookup, { name, accountId: a.accountId }));
  expectOutcome(both, "InvalidInputs");
  expect(both.message).toMatch(/both were given/);
  expect((await rejectedBeforeApi(emu, () => run(accountLookup, { accountId: name }))).message).toMatch(/act-12ab34cd/);
});

test("AuditEvents: one run's events, failed ones included, payload secrets masked", async () => {
  const from = new Date(Date.now() - 1000).toISOString();
  const runId = `lookup-run-${Date.now().toString(36)}`;
  const spot = clientFor(emu, { runId });
  const runCtx = { client: spot, warn: () => undefined };
  const acc = await spot.accounts.create({ name: unique("audited") });
  const secret = "a-very-secret-azure-client-secret";
  await apply({
    kind: azureConnection,
    ctx: runCtx,
    action: "create",
    desired: {
      accountId: acc.accountId,
      clientId: "11111111-1111-1111-1111-111111111111",
      clientSecret: secret,
      tenantId: "22222222-2222-2222-2222-222222222222",
      subscriptionId: "33333333-3333-3333-3333-333333333333",
      expirationDate: "2031-01-01T00:00:00Z",
    },
  });
  await spot.accounts.delete(emu.accountId).catch(() => undefined); // refused by Spot: a failed request of the run
  await oob.accounts.create({ name: unique("not-this-run") });

  const r = await run(auditEventsLookup, { from, runId });
  const actions = r.events.map((e: Props) => e.actionType);
  expect(actions).toEqual(["Create Account", "Set Azure Credentials", "Delete Account"]);
  expect(r.eventCount).toBe(3);
  expect(r.events.every((e: Props) => e.runId === runId)).toBe(true);
  expect(r.events[2].responseStatus).toBe(400);
  expect(r.events[1]).toMatchObject({ resourceType: "Credentials", accountId: acc.accountId });
  expect(r.events[1].context).toContain("clientSecret");
  expectNoSecret(r, [secret]);

  // Only successful requests when asked; the other run's events are not there.
  const ok = await run(auditEventsLookup, { from, runId, responseStatus: "success" });
  expect(ok.events.map((e: Props) => e.actionType)).toEqual(["Create Account", "Set Azure Credentials"]);
  const everyone = await run(auditEventsLookup, { from: String(Date.parse(from)), to: new Date().toISOString() });
  expect(everyone.eventCount).toBeGreaterThanOrEqual(3);
  expect(everyone.events.some((e: Props) => e.runId !== runId)).toBe(true);
  const scoped = await run(auditEventsLookup, { from, runId, accountId: acc.accountId });
  expect(scoped.events.map((e: Props) => e.actionType)).toEqual(["Create Account", "Set Azure Credentials"]);
});

test("AuditEvents: bad windows and ids are rejected before any API call", async () => {
  const cases: [Props, RegExp][] = [
    [{}, /from is required/],
    [{ from: "yesterday" }, /from must be a date-time/],
    [{ from: "2026-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }, /before from.*swap/],
    [{ from: "2026-01-01T00:00:00Z", runId: "run id with spaces" }, /runId must be a spot-iac run id/],
    [{ from: "2026-01-01T00:00:00Z", responseStatus: "failed" }, /responseStatus must be one of/],
    [{ from: "2026-01-01T00:00:00Z", accountId: "prod" }, /accountId must be a Spot account id/],
  ];
  for (const [args, message] of cases) {
    const err = await rejectedBeforeApi(emu, () => run(auditEventsLookup, args));
    expect(err.message).toMatch(message);
  }
});

test("AuditEvents masks secrets even when Spot records them in the payload", async () => {
  const secret = "plain-text-secret-recorded-by-spot";
  const agent = "spot-iac/0.1.0 (cli; run=r-1)";
  const stub = {
    client: {
      audit: {
        events: async () => [
          {
            createdAt: "2026-01-01T00:00:01.000Z",
            actionType: "Set Azure Credentials",
            agent,
            responseStatus: 200,
            context: JSON.stringify({ body: { clientId: "x", clientSecret: secret }, url: "/azure/setup/credentials" }),
          },
          {
            createdAt: "2026-01-01T00:00:00.000Z",
            actionType: "Create Account",
            agent,
            responseStatus: 200,
            resourceId: 42,
          },
        ],
      },
    },
    warn: () => undefined,
  } as any;
  const r: Props = await auditEventsLookup.run(stub, {
    from: "2026-01-01T00:00:00Z",
    to: "2026-01-02T00:00:00Z",
    runId: "r-1",
  });
  expect(r.events.map((e: Props) => e.actionType)).toEqual(["Create Account", "Set Azure Credentials"]);
  expect(r.events[0].resourceId).toBe("42");
  expect(r.events[1].context).toContain("clientSecret");
  expectNoSecret(r, [secret]);
});
