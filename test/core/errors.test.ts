/** Typed outcomes (src/core/errors.ts): what a front-end reads off them, across copies of the module. */
import {
  AlreadyExists,
  Ambiguous,
  ChangedSincePlan,
  CreatedNotFinished,
  DeletionRefused,
  InvalidImportId,
  NotFound,
  WrongKind,
  isOutcome,
} from "../../src/core";

test("each outcome carries its name, its kind and a message in Spot's terms (no front-end commands)", () => {
  const cause = new Error("Spot answered 500:\n  internal error");
  const c = new CreatedNotFinished("Account", "act-1", { accountId: "act-1" }, "setting its Slack channels", cause);
  expect(c).toMatchObject({ outcome: "CreatedNotFinished", name: "CreatedNotFinished", kind: "Account", id: "act-1" });
  expect(c.message).toBe(
    "Account act-1 was created, but setting its Slack channels failed: Spot answered 500: internal error",
  );
  expect(c.cause).toBe(cause);
  expect(new AlreadyExists("Account", ["act-1"], 'named "prod"', "take it over").message).toBe(
    'an Account named "prod" already exists (act-1); take it over',
  );
  expect(new AlreadyExists("User", [], "with e-mail a@b.c").message).toBe("a User with e-mail a@b.c already exists");
  expect(new Ambiguous("Account", ["act-1", "act-2"], 'named "x"').message).toBe(
    '2 Account objects are named "x" (act-1, act-2), so that does not identify one',
  );
  expect(new ChangedSincePlan("Account", "act-1", ["name"]).message).toBe(
    "Account act-1 changed in Spot since the plan (name)",
  );
  expect(new ChangedSincePlan("Account", "act-1", [], true).message).toMatch(/no longer exists in Spot/);
  expect(new WrongKind("User", "pu-1", "ProgrammaticUser").message).toBe(
    "pu-1 is a ProgrammaticUser, not a User; declare it as a ProgrammaticUser",
  );
  expect(new WrongKind("ProgrammaticUser", "u-1", "User").message).toBe(
    "u-1 is a User, not a ProgrammaticUser; declare it as a User",
  );
  expect(new NotFound("User", { key: 'email="a@b.c"' }).message).toBe('no existing User matches email="a@b.c"');
  expect(new InvalidImportId("Account", "prod", "act-<id>", "act-12ab34cd").message).toBe(
    'import id must look like act-12ab34cd (act-<id>); got "prod"',
  );
  const words = [c, new DeletionRefused("Account", "act-1", "irreversible", "delete", "set allowDeletion")].map(
    (e) => e.message,
  );
  for (const w of words) expect(w).not.toMatch(/terraform|pulumi|state rm|retainOnDelete|adopt: true/i);
});

test("isOutcome tells outcomes by name, and holds across two copies of the module where instanceof does not", () => {
  const e = new NotFound("User", { id: "u-1" });
  expect(isOutcome(e)).toBe(true);
  expect(isOutcome(e, "NotFound")).toBe(true);
  expect(isOutcome(e, "AlreadyExists")).toBe(false);
  for (const v of [new Error("NotFound"), { outcome: "NotFound" }, null, undefined, "NotFound"])
    expect(isOutcome(v)).toBe(false);
  jest.isolateModules(() => {
    const copy = require("../../src/core/errors") as typeof import("../../src/core/errors");
    const other = new copy.NotFound("User", { id: "u-1" });
    expect(other instanceof NotFound).toBe(false);
    expect(isOutcome(other, "NotFound")).toBe(true);
    expect(copy.isOutcome(e, "NotFound")).toBe(true);
  });
});
