import {
  checkInputs,
  diffResource,
  hashSecret,
  normalize,
  secretMatches,
  stripUndefined,
} from "../../src/resources/engine";
import type { ResourceKind } from "../../src/resources/types";
import { snakeCase } from "../../src/resources/schema";

const kind: ResourceKind = {
  name: "Thing",
  tfName: "thing",
  description: "test kind",
  importId: { format: "th-…", example: "th-1" },
  naturalKey: ["name"],
  fields: {
    name: { type: "string", required: true, description: "Name." },
    role: { type: "string", optional: true, default: "viewer", enum: ["viewer", "editor"], description: "Role." },
    email: {
      type: "string",
      required: true,
      onChange: "reject",
      rejectHint: "Create a new user.",
      description: "E-mail.",
    },
    region: { type: "string", optional: true, onChange: "replace", description: "Region." },
    tags: { type: { set: "string" }, optional: true, description: "Tags." },
    note: { type: "string", optional: true, computed: true, description: "Server fills it." },
    password: { type: "string", optional: true, secret: true, description: "Password." },
    orgId: { type: "string", computed: true, description: "Output." },
    port: {
      type: "number",
      optional: true,
      validate: (v) => (v > 65535 ? "must be ≤ 65535" : undefined),
      description: "Port.",
    },
  },
  read: async () => undefined,
  create: async () => ({ id: "x", outputs: {} }),
  update: async () => ({}),
  delete: async () => undefined,
  find: async () => undefined,
};

describe("checkInputs", () => {
  it("applies defaults and accepts good input", () => {
    const r = checkInputs(kind, { name: "a", email: "a@b.c" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ name: "a", email: "a@b.c", role: "viewer" });
  });
  it("names every bad field with a fix", () => {
    const r = checkInputs(kind, { role: "admin", tags: "x", orgId: "1", bogus: 1, port: 70000 });
    const byField = Object.fromEntries(r.failures.map((f) => [f.field, f.message]));
    expect(byField.name).toMatch(/is required/);
    expect(byField.email).toMatch(/is required/);
    expect(byField.role).toMatch(/one of "viewer", "editor"/);
    expect(byField.tags).toMatch(/list of string/);
    expect(byField.orgId).toMatch(/output set by Spot/);
    expect(byField.bogus).toMatch(/not a known field; expected one of name, role/);
    expect(byField.port).toBe("must be ≤ 65535");
  });
});

describe("diffResource", () => {
  const live = { name: "a", email: "a@b.c", role: "viewer", tags: ["y", "x"], note: "srv", orgId: "1" };
  it("sees no change when only order or server-computed fields differ", () => {
    const d = diffResource(kind, { name: "a", email: "a@b.c", role: "viewer", tags: ["x", "y"] }, live);
    expect(d.changes).toEqual([]);
  });
  it("classifies update, replace and reject", () => {
    const d = diffResource(kind, { name: "b", email: "z@b.c", role: "viewer", region: "eu" }, live);
    expect(d.changes.map((c) => [c.field, c.mode])).toEqual([
      ["name", "update"],
      ["email", "reject"],
      ["region", "replace"],
      ["tags", "update"],
    ]);
    expect(d.replace).toBe(true);
    expect(d.rejected[0].message).toMatch(/email cannot be changed in Spot .*Create a new user\./);
  });
  it("compares secrets by hash and never reveals them", () => {
    const base = { name: "a", email: "a@b.c", role: "viewer", tags: ["x", "y"] };
    expect(
      diffResource(kind, { ...base, password: "s3cret" }, { ...live, password: hashSecret("s3cret") }).changes,
    ).toEqual([]);
    const d = diffResource(kind, { ...base, password: "new" }, { ...live, password: hashSecret("s3cret") });
    expect(d.changes).toEqual([
      { field: "password", before: "(secret)", after: "(secret)", mode: "update", secret: true },
    ]);
    expect(JSON.stringify(d)).not.toContain("new");
    // Spot returns nothing to compare with: unknown, not a change
    expect(diffResource(kind, { ...base, password: "x" }, live).changes).toEqual([]);
  });
});

describe("helpers", () => {
  it("normalizes and strips", () => {
    expect(normalize({ set: "string" }, ["b", "a", "b"])).toEqual(["a", "b"]);
    expect(normalize({ list: "string" }, [])).toBeUndefined();
    expect(stripUndefined({ a: 1, b: undefined, c: [1, undefined], d: { e: undefined } })).toEqual({
      a: 1,
      c: [1],
      d: {},
    });
    expect(snakeCase("organizationId")).toBe("organization_id");
    expect(snakeCase("iamRole")).toBe("iam_role");
  });
});

describe("nested objects", () => {
  const nestedKind: ResourceKind = {
    ...kind,
    fields: {
      name: { type: "string", required: true, description: "Name." },
      statements: {
        type: {
          set: {
            object: {
              effect: { type: "string", required: true, description: "Effect." },
              sid: { type: "string", optional: true, computed: true, description: "Server id when not given." },
              createdAt: { type: "string", computed: true, description: "Output." },
            },
          },
        },
        optional: true,
        description: "Statements.",
      },
    },
  };
  it("ignores nested outputs and unset computed values but sees real changes", () => {
    const live = {
      name: "a",
      statements: [
        { effect: "DENY", sid: "s2", createdAt: "t" },
        { effect: "ALLOW", sid: "s1", createdAt: "t" },
      ],
    };
    expect(
      diffResource(nestedKind, { name: "a", statements: [{ effect: "ALLOW" }, { effect: "DENY" }] }, live).changes,
    ).toEqual([]);
    const d = diffResource(
      nestedKind,
      { name: "a", statements: [{ effect: "ALLOW", sid: "x" }, { effect: "DENY" }] },
      live,
    );
    expect(d.changes.map((c) => c.field)).toEqual(["statements"]);
  });
});

it("never echoes a secret given with the wrong type", () => {
  const r = checkInputs(kind, { name: "a", email: "a@b.c", password: 123456789 });
  expect(r.failures).toEqual([{ field: "password", message: "must be a string, got (secret)" }]);
});

it("salts secret hashes: two hashes of one value differ, both verify, others do not", () => {
  const a = hashSecret("hunter2");
  const b = hashSecret("hunter2");
  expect(a).not.toBe(b);
  expect(secretMatches("hunter2", a)).toBe(true);
  expect(secretMatches("hunter2", b)).toBe(true);
  expect(secretMatches("hunter3", a)).toBe(false);
  expect(secretMatches("hunter2", "scrypt:bogus")).toBe(false);
  expect(a).not.toContain("hunter2");
});
