/**
 * Organization against the emulator. Spot cannot read, list or rename organizations, so the lifecycle is:
 * create → read keeps state (never invents, never claims "gone") → rename rejected with the console hint →
 * adopt only by "<id>/<name>" with a token of that organization → refused and allowed delete → gone
 * (checked through the emulator). A create whose answer is lost is not re-posted.
 */
import { organization } from "../../src/resources/organization";
import { diffResource } from "../../src/resources";
import type { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { clientFor, contextFor, errorOf, expectRejectedBeforeApi, type TestContext } from "./helpers";
import { checkedFor, rejectedBeforeApi, requests as count, unique } from "./accounts-helpers";

const emu = withEmulator();
let ctx: TestContext;
const requests = (key: string) => count(emu, key);

beforeAll(() => {
  ctx = contextFor(emu);
});

beforeEach(async () => {
  await emu.control.clearFaults();
});

/** A context whose token acts in `organizationId` (the bootstrap admin becomes admin of the organizations it creates). */
async function contextIn(organizationId: string): Promise<TestContext> {
  const token = await emu.control.mintToken(emu.userId, organizationId);
  const warnings: string[] = [];
  const client: SpotClient = clientFor(emu, { token });
  return { client, warnings, warn: (m) => warnings.push(m) };
}

test("lifecycle: create, no diff, rename rejected, adopt by id, refused and allowed delete, gone", async () => {
  const inputs = checkedFor(organization, { name: unique("org") });
  const { id, outputs } = await organization.create(ctx, inputs);
  expect(id).toMatch(/^\d+$/);
  expect(id).not.toBe(emu.organizationId);
  expect(outputs).toEqual({ organizationId: id, name: inputs.name, allowDeletion: false });

  // The new organization is real: a token of it sees its default account, and its id.
  const inside = await contextIn(id);
  expect((await inside.client.organizations.current()).organizationId).toBe(id);

  // Read returns what state holds (there is no read endpoint) and sends nothing.
  const total = (await emu.control.stats()).total;
  const live = await organization.read(ctx, id, outputs);
  expect((await emu.control.stats()).total).toBe(total);
  expect(live).toEqual(outputs);
  expect(diffResource(organization, inputs, live!).changes).toEqual([]);

  // A rename cannot be carried out: the plan fails with what to do instead.
  const renamed = checkedFor(organization, { name: `${inputs.name}-x` });
  const d = diffResource(organization, renamed, live!);
  expect(d.rejected).toHaveLength(1);
  expect(d.rejected[0].field).toBe("name");
  expect(d.rejected[0].message).toMatch(/rename it in the Spot console/);
  await expect(organization.update(ctx, id, renamed, live!, d.changes)).rejects.toThrow(/cannot be changed/);

  // Adopt by name is impossible and says so; adopt by "<id>/<name>" needs a token of that organization.
  await expect(organization.find(ctx, inputs)).rejects.toThrow(/cannot be found by name.*<organizationId>\/<name>/);
  const foreign = await errorOf(organization.importById!(ctx, `${id}/${inputs.name}`));
  expect(foreign.message).toMatch(
    new RegExp(`only take over the organization its token belongs to \\(${emu.organizationId}\\)`),
  );
  const imported = await organization.importById!(inside, `${id}/${inputs.name}`);
  expect(imported).toEqual({ id, outputs: { organizationId: id, name: inputs.name, allowDeletion: false } });
  expect(diffResource(organization, inputs, imported!.outputs).changes).toEqual([]);
  // Without state and without a name, read does not guess.
  await expect(organization.read(inside, id)).rejects.toThrow(new RegExp(`"${id}/<name>"`));

  // Delete is refused (and nothing sent) until allowDeletion has been applied.
  const deletes = await requests("DELETE /setup/organization/{organizationId}");
  await expect(organization.delete(ctx, id, live!)).rejects.toThrow(/allowDeletion: true/);
  expect(await requests("DELETE /setup/organization/{organizationId}")).toBe(deletes);
  const allow = checkedFor(organization, { ...inputs, allowDeletion: true });
  const ad = diffResource(organization, allow, live!);
  expect(ad.changes.map((c) => [c.field, c.mode])).toEqual([["allowDeletion", "update"]]);
  const allowed = await organization.update(ctx, id, allow, live!, ad.changes);
  expect(allowed.allowDeletion).toBe(true);
  await organization.delete(ctx, id, (await organization.read(ctx, id, allowed))!);
  expect(await requests("DELETE /setup/organization/{organizationId}")).toBe(deletes + 1);

  // Gone: no token can be issued in it any more, and deleting again is harmless.
  await expect(emu.control.mintToken(emu.userId, id)).rejects.toThrow(/not a member/);
  await organization.delete(ctx, id, allowed);
});

test("a create whose answer is lost is not re-posted, and the error says what to check", async () => {
  const name = unique("lostorg");
  await emu.control.injectFault({ method: "POST", path: "/setup/organization", kind: "commit-then-fail", status: 503 });
  const posts = await requests("POST /setup/organization");
  const err = await errorOf(organization.create(ctx, checkedFor(organization, { name })));
  expect(err.message).toMatch(/may have created it anyway/);
  expect(err.message).toMatch(/check the Spot console/);
  expect(err.message).toContain(`"<organizationId>/${name}"`);
  expect(await requests("POST /setup/organization")).toBe(posts + 1);
});

test("Spot's refusal to delete an organization with linked organizations is surfaced", async () => {
  const parent = await organization.create(ctx, checkedFor(organization, { name: unique("parent") }));
  const inside = await contextIn(parent.id);
  await organization.create(inside, checkedFor(organization, { name: unique("child") }));
  const err = await errorOf(organization.delete(ctx, parent.id, { ...parent.outputs, allowDeletion: true }));
  expect(err.message).toMatch(/linked organizations/);
});

describe("bad inputs are rejected before any API call", () => {
  test("names", async () => {
    await expectRejectedBeforeApi(emu, organization, { name: "2024" }, "name", /at least one letter/);
    await expectRejectedBeforeApi(emu, organization, {}, "name", /is required/);
    await expectRejectedBeforeApi(emu, organization, { name: "ok", organizationId: "1" }, "organizationId", /output/);
  });

  test("import ids", async () => {
    for (const bad of ["606012345678", "acme", "org-1/acme", "606012345678/", "606012345678/123"]) {
      const err = await rejectedBeforeApi(emu, () => organization.importById!(ctx, bad));
      expect(err.message).toMatch(/<organizationId>\/<name>|at least one letter/);
    }
  });
});
