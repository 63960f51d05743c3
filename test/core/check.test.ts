/** checkInputs: the schema's rules, defaults and the cross-field check, and what UNKNOWN does to each. */
import { UNKNOWN, checkInputs, formatFailures, type CheckFailure, type Props } from "../../src/core";
import { thingFields as fields } from "./fixtures";

const byField = (failures: CheckFailure[]) => Object.fromEntries(failures.map((f) => [f.field, f.message]));

describe("known values", () => {
  test("applies defaults and accepts good input", () => {
    const r = checkInputs(fields, { name: "a", email: "a@b.c" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ name: "a", email: "a@b.c", role: "viewer" });
    expect(r.unknown).toEqual([]);
  });

  test("a default is a copy: changing the inputs never changes the schema", () => {
    const f = { list: { type: { list: "string" as const }, optional: true, default: ["a"], description: "List." } };
    const r = checkInputs(f, {});
    (r.inputs.list as string[]).push("b");
    expect(checkInputs(f, {}).inputs.list).toEqual(["a"]);
  });

  test("names every bad field with a fix", () => {
    const r = checkInputs(fields, { role: "admin", tags: "x", orgId: "1", bogus: 1, port: 70000 });
    const m = byField(r.failures);
    expect(m.name).toMatch(/is required/);
    expect(m.email).toMatch(/is required/);
    expect(m.role).toMatch(/one of "viewer", "editor"/);
    expect(m.tags).toMatch(/list of string/);
    expect(m.orgId).toMatch(/output set by Spot/);
    expect(m.bogus).toMatch(/not a known field; expected one of name, role/);
    expect(m.port).toBe("must be ≤ 65535");
  });

  test("never echoes a secret given with the wrong type", () => {
    const r = checkInputs(fields, { name: "a", email: "a@b.c", password: 123456789 });
    expect(r.failures).toEqual([{ field: "password", message: "must be a string, got (secret)" }]);
  });

  test("the cross-field check runs after the schema's, on checked inputs, and only when they pass", () => {
    const check = jest.fn((i: Props) =>
      i.region && !i.tags ? [{ field: "tags", message: "needed with region" }] : [],
    );
    expect(checkInputs(fields, { name: "a", email: "a@b.c", region: "eu" }, { check }).failures).toEqual([
      { field: "tags", message: "needed with region" },
    ]);
    expect(check).toHaveBeenLastCalledWith({ name: "a", email: "a@b.c", region: "eu", role: "viewer" });
    check.mockClear();
    checkInputs(fields, { name: "a", region: "eu" }, { check });
    expect(check).not.toHaveBeenCalled();
  });

  test("formatFailures names the kind, the resource and the field", () => {
    const r = checkInputs(fields, { name: "a", email: "a@b.c", role: "x", port: 70000 });
    expect(formatFailures("Thing", "prod", r.failures)).toBe(
      'Thing "prod": role must be one of "viewer", "editor"; got "x"\nThing "prod": port must be ≤ 65535',
    );
  });
});

describe("UNKNOWN values", () => {
  test("kept as they are with allowUnknown, reported by path, and no failure for them", () => {
    const r = checkInputs(fields, { name: UNKNOWN, email: "a@b.c", tags: ["x", UNKNOWN] }, { allowUnknown: true });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ name: UNKNOWN, email: "a@b.c", role: "viewer", tags: ["x", UNKNOWN] });
    expect(r.unknown).toEqual(["name", "tags.1"]);
  });

  test("a failure without allowUnknown (apply): every value must be known by then", () => {
    const r = checkInputs(fields, { name: UNKNOWN, email: "a@b.c", tags: ["x", UNKNOWN] });
    expect(r.failures).toEqual([
      { field: "name", message: "is not known yet; it must be known when the change is applied" },
      { field: "tags.1", message: "is not known yet; it must be known when the change is applied" },
    ]);
    expect(r.unknown).toEqual([]);
  });

  test("a required value that is unknown is given; a default does not replace an unknown value", () => {
    const r = checkInputs(fields, { name: UNKNOWN, email: UNKNOWN, role: UNKNOWN }, { allowUnknown: true });
    expect(r.failures).toEqual([]);
    expect(r.inputs.role).toBe(UNKNOWN);
    // Defaults still apply to what is not given at all.
    expect(checkInputs(fields, { name: UNKNOWN, email: "a@b.c" }, { allowUnknown: true }).inputs.role).toBe("viewer");
  });

  test("validators and enums skip unknown values (they would misread the marker), and still check known ones", () => {
    const validate = jest.fn((v: string[]) => (v.includes("bad") ? "no bad tags" : undefined));
    const f = { ...fields, tags: { ...fields.tags, enum: ["x", "bad"], validate } };
    let r = checkInputs(f, { name: "a", email: "a@b.c", tags: ["x", UNKNOWN], port: UNKNOWN }, { allowUnknown: true });
    expect(r.failures).toEqual([]);
    expect(validate).not.toHaveBeenCalled();
    r = checkInputs(f, { name: "a", email: "a@b.c", tags: ["bad"], port: 70000, role: "x" }, { allowUnknown: true });
    expect(byField(r.failures)).toEqual({ tags: "no bad tags", port: "must be ≤ 65535", role: expect.any(String) });
  });

  test("the cross-field check waits until nothing is unknown; other failures are reported meanwhile", () => {
    const check = jest.fn(() => [{ field: "name", message: "cross-field" }]);
    const r = checkInputs(fields, { name: "a", email: UNKNOWN, role: "owner" }, { check, allowUnknown: true });
    expect(check).not.toHaveBeenCalled();
    expect(byField(r.failures)).toEqual({ role: expect.stringMatching(/one of/) });
    expect(checkInputs(fields, { name: "a", email: "a@b.c" }, { check, allowUnknown: true }).failures).toEqual([
      { field: "name", message: "cross-field" },
    ]);
  });

  test("inside nested objects: an unknown element or field is kept, its known siblings are checked", () => {
    const f = {
      items: {
        type: {
          list: {
            object: {
              id: { type: "string" as const, required: true, description: "Id." },
              kind: { type: "string" as const, optional: true, enum: ["a", "b"], description: "Kind." },
            },
          },
        },
        optional: true,
        description: "Items.",
      },
    };
    const r = checkInputs(f, { items: [UNKNOWN, { id: UNKNOWN, kind: "c" }, { kind: "a" }] }, { allowUnknown: true });
    expect(r.inputs.items).toEqual([UNKNOWN, { id: UNKNOWN, kind: "c" }, { kind: "a" }]);
    expect(r.unknown).toEqual(["items.0", "items.1.id"]);
    expect(byField(r.failures)).toEqual({
      "items.1.kind": expect.stringMatching(/one of "a", "b"/),
      "items.2.id": expect.stringMatching(/is required/),
    });
  });
});
