/**
 * Organization against the emulator, through the core lifecycle. Spot cannot read, list or rename organizations,
 * so: create → plans keep the recorded state (never invent, never claim "gone", send nothing) → rename rejected
 * with the console hint → adopt only by "<id>/<name>" with a token of that organization → delete refused by the
 * core until allowDeletion (a local change, no API call) → deleted → gone (checked through the emulator). A create
 * whose answer is lost is not re-posted.
 */
import { organization } from "../../src/resources/organization";
import { UNKNOWN, adopt, apply, plan, readLive } from "../../src/core";
import { withEmulator } from "../support/emulator";
import {
  Tracked,
  contextFor,
  errorOf,
  expectNoop,
  expectOutcome,
  expectRejectedBeforeApi,
  expectSchemaConventions,
  mutations,
  type TestContext,
} from "./helpers";
import { rejectedBeforeApi, requests as count, unique } from "./accounts-helpers";

const emu = withEmulator();
let ctx: TestContext;
const requests = (key: string) => count(emu, key);
const total = async () => (await emu.control.stats()).total;

beforeAll(() => {
  ctx = contextFor(emu);
});

beforeEach(async () => {
  await emu.control.clearFaults();
});

afterEach(() => jest.restoreAllMocks());

/** A context whose token acts in `organizationId` (the bootstrap admin becomes admin of the organizations it creates). */
async function contextIn(organizationId: string): Promise<TestContext> {
  return contextFor(emu, { token: await emu.control.mintToken(emu.userId, organizationId) });
}

test("lifecycle: create, no diff, rename rejected, adopt by id, refused and allowed delete, gone", async () => {
  const name = unique("org");
  // Spot cannot look organizations up: a new one is planned without locating it.
  const t = new Tracked(organization, ctx, false);
  let p = await t.plan({ name });
  expect(p).toMatchObject({ action: "create", problems: [], planned: { organizationId: UNKNOWN } });
  const created = await t.execute({ name }, p);
  const id = created.id!;
  expect(id).toMatch(/^\d+$/);
  expect(id).not.toBe(emu.organizationId);
  expect(created.outputs).toEqual({ organizationId: id, name, allowDeletion: false });

  // The new organization is real: a token of it sees its default account, and its id.
  const inside = await contextIn(id);
  expect((await inside.client.organizations.current()).organizationId).toBe(id);

  // A plan reads what state holds (there is no read endpoint) and sends nothing.
  const before = await total();
  p = await t.plan({ name });
  expectNoop(p);
  expect(p.live).toEqual(created.outputs);
  expect(await total()).toBe(before);

  // A rename cannot be carried out: the plan fails with what to do instead, and so does an apply.
  p = await t.plan({ name: `${name}-x` });
  expect(p.problems).toEqual([
    expect.objectContaining({
      type: "rejected",
      field: "name",
      message: expect.stringMatching(/rename it in the Spot console/),
    }),
  ]);
  const rejected = await errorOf(t.execute({ name: `${name}-x` }, p));
  expectOutcome(rejected, "ChangeRejected");
  expect(rejected.message).toMatch(/cannot be changed/);

  // Adopt by name is impossible and says so; adopt by "<id>/<name>" needs a token of that organization.
  const byName = await errorOf(adopt(organization, ctx, { inputs: { name } }));
  expectOutcome(byName, "NotSupported");
  expect(byName.message).toMatch(/cannot be found by name.*<organizationId>\/<name>/);
  const foreign = await errorOf(adopt(organization, ctx, { id: `${id}/${name}` }));
  expectOutcome(foreign, "NotSupported");
  expect(foreign.message).toMatch(
    new RegExp(`only take over the organization its token belongs to \\(${emu.organizationId}\\)`),
  );
  const imported = await adopt(organization, inside, { id: `${id}/${name}` });
  expect(imported).toEqual({ id, outputs: { organizationId: id, name, allowDeletion: false } });
  expectNoop(await plan({ kind: organization, desired: { name }, id, live: imported.outputs }));
  // Without state and without a name, a read does not guess; a stateless plan takes the declared name.
  const guess = await errorOf(readLive({ kind: organization, ctx: inside, id }));
  expectOutcome(guess, "NotSupported");
  expect(guess.message).toContain(`"${id}/<name>"`);
  expect(await readLive({ kind: organization, ctx: inside, id, desired: { name } })).toMatchObject({ name });

  // Delete is refused by the core (and nothing sent) until allowDeletion has been applied.
  const deletes = await requests("DELETE /setup/organization/{organizationId}");
  p = await t.plan(null);
  expect(p.problems.map((x) => x.type)).toEqual(["irreversible"]);
  expectOutcome(await errorOf(t.execute(null, p)), "DeletionRefused");
  expect(await requests("DELETE /setup/organization/{organizationId}")).toBe(deletes);
  // allowDeletion is local: the plan says so, and applying it calls neither Spot nor the kind.
  p = await t.plan({ name, allowDeletion: true });
  expect(p.changes.map((c) => [c.field, c.mode])).toEqual([["allowDeletion", "update"]]);
  expect(p.localOnly).toBe(true);
  const update = jest.spyOn(organization, "update");
  const mutating = await mutations(emu);
  const allowed = await t.execute({ name, allowDeletion: true }, p);
  expect(allowed.outputs!.allowDeletion).toBe(true);
  expect(update).not.toHaveBeenCalled();
  expect(await mutations(emu)).toBe(mutating);
  p = await t.plan(null);
  expect(p.problems).toEqual([]);
  await t.execute(null, p);
  expect(await requests("DELETE /setup/organization/{organizationId}")).toBe(deletes + 1);

  // Gone: no token can be issued in it any more, and deleting again is harmless.
  await expect(emu.control.mintToken(emu.userId, id)).rejects.toThrow(/not a member/);
  await apply({ kind: organization, ctx, action: "delete", id, prior: allowed.outputs });
});

test("a create whose answer is lost is not re-posted, and the outcome is unknown", async () => {
  const name = unique("lostorg");
  await emu.control.injectFault({ method: "POST", path: "/setup/organization", kind: "commit-then-fail", status: 503 });
  const posts = await requests("POST /setup/organization");
  const e = await errorOf(apply({ kind: organization, ctx, action: "create", desired: { name } }));
  expectOutcome(e, "OutcomeUnknown");
  expect(e.message).toMatch(/may have created it anyway/);
  expect(e.message).toMatch(/check the Spot console/);
  expect(e.message).toContain(`"<organizationId>/${name}"`);
  expect(await requests("POST /setup/organization")).toBe(posts + 1);
});

test("Spot's refusal to delete an organization with linked organizations is surfaced", async () => {
  const parent = await apply({ kind: organization, ctx, action: "create", desired: { name: unique("parent") } });
  const inside = await contextIn(parent.id!);
  await apply({ kind: organization, ctx: inside, action: "create", desired: { name: unique("child") } });
  const e = await errorOf(
    apply({ kind: organization, ctx, action: "delete", id: parent.id, prior: parent.outputs, allowDeletion: true }),
  );
  expect(e.message).toMatch(/linked organizations/);
});

describe("bad inputs are rejected before any API call", () => {
  test("names", async () => {
    await expectRejectedBeforeApi(emu, organization, { name: "2024" }, "name", /at least one letter/);
    await expectRejectedBeforeApi(emu, organization, {}, "name", /is required/);
    await expectRejectedBeforeApi(emu, organization, { name: "ok", organizationId: "1" }, "organizationId", /output/);
  });

  test("import ids", async () => {
    for (const bad of ["606012345678", "acme", "org-1/acme", "606012345678/", "606012345678/123"]) {
      const e = await rejectedBeforeApi(emu, () => adopt(organization, ctx, { id: bad }));
      expectOutcome(e, "InvalidImportId");
      expect(e.message).toMatch(/<organizationId>\/<name>|at least one letter/);
    }
  });
});

test("the schema follows the conventions (documented, irreversible with allowDeletion)", () => {
  expectSchemaConventions(organization);
});
