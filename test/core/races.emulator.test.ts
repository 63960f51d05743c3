/**
 * Two runs creating the same object at the same time (two pipelines, two Terraform working directories): Spot does
 * not keep account, programmatic-user or notification-policy names unique, so both creates succeed. The core's
 * check after a create settles it: the younger run deletes the twin it made and reports AlreadyExists naming the
 * one that stays; exactly one object is left, and the next plan of either run finds it.
 */
import { account } from "../../src/resources/account";
import { programmaticUser } from "../../src/resources/programmatic-user";
import { apply, isOutcome, plan } from "../../src/core";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor } from "../resources/helpers";
import { unique } from "../resources/accounts-helpers";

const emu = withEmulator();

afterEach(async () => {
  await emu.control.clearFaults();
});

/** Both creates pass their "does it exist?" check before either commits: the POSTs are held in flight a moment. */
async function slowCreates(path: string): Promise<void> {
  await emu.control.injectFault({ method: "POST", path, kind: "latency", latencyMs: 300, times: 2 });
}

async function race(kind: typeof account | typeof programmaticUser, desired: Record<string, unknown>) {
  // Two runs: two clients, each with its own cache, as two processes would have.
  const runs = [contextFor(emu), contextFor(emu)];
  const results = await Promise.allSettled(runs.map((ctx) => apply({ kind, ctx, action: "create", desired })));
  return results;
}

test("two runs creating one account end with one account; the younger run reports the other", async () => {
  const name = unique("race");
  await slowCreates("/setup/account");
  const results = await race(account, { name });
  const ok = results.filter((r) => r.status === "fulfilled");
  const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  const left = (await clientFor(emu).accounts.findByName(name, { fresh: true })).map((a) => a.accountId);
  expect(left).toHaveLength(1);
  expect(ok).toHaveLength(1);
  expect(refused).toHaveLength(1);
  expect(isOutcome(refused[0], "AlreadyExists")).toBe(true);
  expect(refused[0].ids).toEqual(left);
  expect(refused[0].message).toMatch(
    /another run created it at the same time; the duplicate this run made \(act-\w+\) was deleted again/,
  );
  // The refused run converges: its next plan finds the account that stays.
  const again = await plan({ kind: account, desired: { name }, ctx: contextFor(emu), locate: true });
  expect(again).toMatchObject({ action: "noop", id: left[0] });
});

test("two runs creating one programmatic user end with one user (no token left alive that nobody received)", async () => {
  const name = unique("race-ci");
  const acct = (await clientFor(emu).accounts.create({ name: unique("race-acct") })).accountId;
  await slowCreates("/setup/user/programmatic");
  const results = await race(programmaticUser, { name, accounts: [{ accountId: acct, role: "viewer" }] });
  const users = (await clientFor(emu).users.listOrganization()).filter(
    (u) => u.type === "programmatic" && u.username === name,
  );
  // Without creation times in Spot's answers a run cannot tell which is older: one that sees a twin yields, so at
  // worst both yield and the next run creates one. Never two.
  expect(users.length).toBeLessThanOrEqual(1);
  const ok = results.filter((r) => r.status === "fulfilled");
  expect(ok.length).toBe(users.length);
  for (const r of results) if (r.status === "rejected") expect(isOutcome(r.reason, "AlreadyExists")).toBe(true);
  if (!users.length) {
    const again = await apply({
      kind: programmaticUser,
      ctx: contextFor(emu),
      action: "create",
      desired: { name, accounts: [{ accountId: acct, role: "viewer" }] },
    });
    expect(again.id).toMatch(/^pu-/);
  }
});
