/** The one "not known yet" marker and its helpers (src/core/unknown.ts). */
import { UNKNOWN, containsUnknown, isUnknown, touchesUnknown, unknownPaths, withoutUnknowns } from "../../src/core";

test("UNKNOWN is one registered symbol, so two copies of the module agree on it", () => {
  expect(typeof UNKNOWN).toBe("symbol");
  expect(UNKNOWN).toBe(Symbol.for("spot-iac.unknown"));
  expect(isUnknown(Symbol.for("spot-iac.unknown"))).toBe(true);
  expect(isUnknown(Symbol("spot-iac.unknown"))).toBe(false);
  for (const v of [undefined, null, "", 0, "UNKNOWN", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"])
    expect(isUnknown(v)).toBe(false);
});

test("containsUnknown looks inside lists and objects, at any depth", () => {
  expect(containsUnknown(UNKNOWN)).toBe(true);
  expect(containsUnknown([1, [2, UNKNOWN]])).toBe(true);
  expect(containsUnknown({ a: { b: [{ c: UNKNOWN }] } })).toBe(true);
  expect(containsUnknown({ a: { b: [{ c: "x" }] }, d: null, e: undefined })).toBe(false);
  expect(containsUnknown([])).toBe(false);
  expect(containsUnknown("x")).toBe(false);
});

test("unknownPaths names every unknown with a dotted path, outermost first", () => {
  expect(unknownPaths(UNKNOWN)).toEqual([""]);
  expect(
    unknownPaths({
      name: "a",
      accountId: UNKNOWN,
      policies: [
        { policyId: "p", accountIds: ["act-1", UNKNOWN] },
        { policyId: UNKNOWN, accountIds: [] },
      ],
    }),
  ).toEqual(["accountId", "policies.0.accountIds.1", "policies.1.policyId"]);
  expect(unknownPaths({ a: 1, b: ["x"] })).toEqual([]);
});

test("touchesUnknown: a path inside, around or equal to an unknown one", () => {
  const unknown = ["policies.0.accountIds.1", "accountId"];
  expect(touchesUnknown("accountId", unknown)).toBe(true);
  expect(touchesUnknown("policies", unknown)).toBe(true); // contains it
  expect(touchesUnknown("policies.0.accountIds.1", unknown)).toBe(true);
  expect(touchesUnknown("policies.0.accountIds.1.x", unknown)).toBe(true); // inside it
  expect(touchesUnknown("policies.1.policyId", unknown)).toBe(false);
  expect(touchesUnknown("accountIds", unknown)).toBe(false); // a prefix of the text, not of the path
  expect(touchesUnknown("name", [""])).toBe(true); // the whole object is unknown
  expect(touchesUnknown("name", [])).toBe(false);
});

test("withoutUnknowns drops unknown keys and list elements, and leaves the rest as it was", () => {
  const v = { a: UNKNOWN, b: [1, UNKNOWN, { c: UNKNOWN, d: 2 }], e: { f: "x" }, g: null };
  expect(withoutUnknowns(v)).toEqual({ b: [1, { d: 2 }], e: { f: "x" }, g: null });
  expect("a" in withoutUnknowns(v)).toBe(false);
  expect(withoutUnknowns(UNKNOWN)).toBeUndefined();
  expect(v.b).toHaveLength(3); // not mutated
});
