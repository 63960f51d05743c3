/** diffResource, fingerprint/movedFields and the normalizing helpers (src/core/diff.ts). */
import {
  UNKNOWN,
  diffResource,
  fingerprint,
  hashSecret,
  movedFields,
  normalize,
  snakeCase,
  stripUndefined,
  tfNameOf,
  type Props,
  type ResourceKind,
} from "../../src/core";
import { azureConnection } from "../../src/resources/azure-connection";
import { user } from "../../src/resources/user";
import { thing as kind } from "./fixtures";

const live = { name: "a", email: "a@b.c", role: "viewer", tags: ["y", "x"], note: "srv", orgId: "1" };
const base = { name: "a", email: "a@b.c", role: "viewer", tags: ["x", "y"] };
const fields = (d: { changes: { field: string }[] }) => d.changes.map((c) => c.field);

describe("diffResource", () => {
  test("sees no change when only set order, duplicates or server-computed fields differ", () => {
    expect(diffResource(kind, base, live).changes).toEqual([]);
    expect(diffResource(kind, { ...base, tags: ["x", "y", "x"] }, live).changes).toEqual([]);
  });

  test("empty and absent are the same; an absent input that Spot does not compute means unset", () => {
    expect(diffResource(kind, { ...base, tags: [] }, { ...live, tags: undefined }).changes).toEqual([]);
    expect(diffResource(kind, { ...base, region: "" }, live).changes).toEqual([]);
    // tags left out: Spot's tags differ from "none".
    const { tags: _omit, ...noTags } = base;
    expect(diffResource(kind, noTags, live).changes).toEqual([
      { field: "tags", before: ["x", "y"], after: undefined, mode: "update" },
    ]);
  });

  test("a computed input is left alone when not given, and compared when given", () => {
    expect(fields(diffResource(kind, base, { ...live, note: "changed by Spot" }))).toEqual([]);
    expect(diffResource(kind, { ...base, note: "mine" }, live).changes).toEqual([
      { field: "note", before: "srv", after: "mine", mode: "update" },
    ]);
  });

  test("classifies update, replace and reject; a refusal carries its hint", () => {
    const d = diffResource(kind, { name: "b", email: "z@b.c", role: "viewer", region: "eu" }, live);
    expect(d.changes.map((c) => [c.field, c.mode])).toEqual([
      ["name", "update"],
      ["email", "reject"],
      ["region", "replace"],
      ["tags", "update"],
    ]);
    expect(d.replace).toBe(true);
    expect(d.rejected).toEqual([
      {
        field: "email",
        before: "a@b.c",
        after: "z@b.c",
        hint: "Create a new user.",
        message: 'email cannot be changed in Spot ("a@b.c" → "z@b.c"). Create a new user.',
      },
    ]);
  });

  test("UNKNOWN desired is a change known after apply, in the field's own mode, never a refusal", () => {
    const d = diffResource(
      kind,
      { ...base, name: UNKNOWN, email: UNKNOWN, region: UNKNOWN, tags: ["x", UNKNOWN] },
      live,
    );
    expect(d.changes).toEqual([
      { field: "name", before: "a", after: UNKNOWN, mode: "update", secret: undefined },
      { field: "email", before: "a@b.c", after: UNKNOWN, mode: "reject", secret: undefined },
      { field: "region", before: undefined, after: UNKNOWN, mode: "replace", secret: undefined },
      { field: "tags", before: ["x", "y"], after: UNKNOWN, mode: "update", secret: undefined },
    ]);
    // The value may turn out to be the same one: nothing is refused yet; a replacement is possible.
    expect(d.rejected).toEqual([]);
    expect(d.replace).toBe(true);
    // A secret's current value is never shown, known or not.
    expect(diffResource(kind, { ...base, password: UNKNOWN }, live).changes).toEqual([
      { field: "password", before: "(secret)", after: UNKNOWN, mode: "update", secret: true },
    ]);
  });

  test("compares secrets by salted hash and never reveals them", () => {
    const stored = { ...live, password: hashSecret("s3cret") };
    expect(diffResource(kind, { ...base, password: "s3cret" }, stored).changes).toEqual([]);
    const d = diffResource(kind, { ...base, password: "new" }, stored);
    expect(d.changes).toEqual([
      { field: "password", before: "(secret)", after: "(secret)", mode: "update", secret: true },
    ]);
    expect(JSON.stringify(d)).not.toContain("new");
    // Not declared: not compared.
    expect(diffResource(kind, base, stored).changes).toEqual([]);
  });

  test("a declared secret with nothing to compare with is an unverified change when Spot can update it", () => {
    // Nothing recorded (an adopted object): sent once, so that the declared value is the one in effect.
    expect(diffResource(kind, { ...base, password: "x" }, live).changes).toEqual([
      { field: "password", before: "(secret)", after: "(secret)", mode: "update", secret: true, unverified: true },
    ]);
    // A secret Spot cannot change is left alone (refusing a value nobody can compare would be a guess).
    const rejectKind: ResourceKind = {
      ...kind,
      fields: { ...kind.fields, password: { ...kind.fields.password, onChange: "reject", rejectHint: "No." } },
    };
    expect(diffResource(rejectKind, { ...base, password: "x" }, live).changes).toEqual([]);
    // … and a refused secret that differs says so without showing either value.
    const d = diffResource(rejectKind, { ...base, password: "x" }, { ...live, password: hashSecret("y") });
    expect(d.rejected).toEqual([
      expect.objectContaining({ field: "password", message: "password cannot be changed in Spot. No.", hint: "No." }),
    ]);
  });

  test("the kind's normalizeLive runs first, and sees known values only", () => {
    const seen: Props[] = [];
    const k: ResourceKind = {
      ...kind,
      normalizeLive: (l, desired) => {
        seen.push(desired);
        return {
          ...l,
          email: String(l.email).toLowerCase() === String(desired.email).toLowerCase() ? desired.email : l.email,
        };
      },
    };
    expect(diffResource(k, { ...base, email: "A@B.C" }, live).changes).toEqual([]);
    diffResource(k, { ...base, name: UNKNOWN, tags: ["x", UNKNOWN] }, live);
    expect(seen[1]).toEqual({ email: "a@b.c", role: "viewer", tags: ["x"] });
  });

  test("real kinds' normalizeLive never meets UNKNOWN (an id from a resource created in the same run)", () => {
    const az = {
      accountId: "act-1",
      clientId: "0f1e2d3c-0000-4000-8000-000000000001",
      tenantId: "aaaaaaaa-1111-2222-3333-444444444444",
      subscriptionId: "cccccccc-1111-2222-3333-444444444444",
      expirationDate: "2031-12-31T23:59:00Z",
    };
    for (const f of ["clientId", "tenantId", "expirationDate"])
      expect(fields(diffResource(azureConnection, { ...az, clientSecret: "s", [f]: UNKNOWN }, az))).toContain(f);
    const u = { email: "a@b.c", firstName: "A", lastName: "B", policies: [{ policyId: "3", accountIds: ["*"] }] };
    expect(fields(diffResource(user as ResourceKind, { ...u, policies: UNKNOWN }, { ...u, userId: "u-1" }))).toEqual([
      "policies",
    ]);
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
      steps: {
        type: {
          list: {
            object: {
              run: { type: "string", required: true, description: "Run." },
              shell: { type: "string", optional: true, computed: true, description: "Default shell." },
            },
          },
        },
        optional: true,
        description: "Steps.",
      },
    },
  };
  const nestedLive = {
    name: "a",
    statements: [
      { effect: "DENY", sid: "s2", createdAt: "t" },
      { effect: "ALLOW", sid: "s1", createdAt: "t" },
    ],
    steps: [
      { run: "a", shell: "sh" },
      { run: "b", shell: "bash" },
    ],
  };
  const desired = {
    name: "a",
    statements: [{ effect: "ALLOW" }, { effect: "DENY" }],
    steps: [{ run: "a" }, { run: "b" }],
  };

  test("ignores nested outputs and unset computed values", () => {
    expect(diffResource(nestedKind, desired, nestedLive).changes).toEqual([]);
  });

  test("a nested computed value given in any element of a set is compared in all of them", () => {
    const d = diffResource(
      nestedKind,
      { ...desired, statements: [{ effect: "ALLOW", sid: "x" }, { effect: "DENY" }] },
      nestedLive,
    );
    expect(fields(d)).toEqual(["statements"]);
  });

  test("list elements align by position: a computed value given in one element is compared in that one only", () => {
    expect(
      diffResource(nestedKind, { ...desired, steps: [{ run: "a", shell: "sh" }, { run: "b" }] }, nestedLive).changes,
    ).toEqual([]);
    expect(
      fields(diffResource(nestedKind, { ...desired, steps: [{ run: "a" }, { run: "b", shell: "sh" }] }, nestedLive)),
    ).toEqual(["steps"]);
    // Order matters in a list.
    expect(fields(diffResource(nestedKind, { ...desired, steps: [{ run: "b" }, { run: "a" }] }, nestedLive))).toEqual([
      "steps",
    ]);
  });
});

describe("fingerprint and movedFields", () => {
  const localKind: ResourceKind = {
    ...kind,
    fields: { ...kind.fields, allowDeletion: { type: "bool", optional: true, local: true, description: "Local." } },
  };

  test("the live values a plan depends on: inputs, normalized; no secrets, local settings or undeclared computed", () => {
    const fp = fingerprint(
      localKind,
      { ...base, password: "p", allowDeletion: true },
      { ...live, password: hashSecret("p") },
    );
    expect(Object.keys(fp).sort()).toEqual(["email", "name", "port", "region", "role", "tags"]);
    expect(fp.tags).toBe(JSON.stringify(["x", "y"]));
    expect(fp.region).toBe("null");
    // Declared, a computed input counts.
    expect(fingerprint(kind, { ...base, note: "mine" }, live).note).toBe('"srv"');
  });

  test("a field planned as UNKNOWN is not part of it (it is set whatever Spot holds)", () => {
    const fp = fingerprint(kind, { ...base, name: UNKNOWN, tags: ["x", UNKNOWN] }, live);
    expect(fp.name).toBeUndefined();
    expect(fp.tags).toBeUndefined();
    expect(fp.email).toBe('"a@b.c"');
  });

  test("movedFields: the fields whose live value changed between two reads", () => {
    const before = fingerprint(kind, base, live);
    expect(movedFields(before, fingerprint(kind, base, { ...live, tags: ["x", "y"] }))).toEqual([]);
    expect(movedFields(before, fingerprint(kind, base, { ...live, name: "b", tags: ["z"], note: "other" }))).toEqual([
      "name",
      "tags",
    ]);
    // Only what both reads compared: a field the apply's inputs leave out is not held against the plan.
    expect(movedFields({ name: '"a"', note: '"x"' }, { name: '"a"' })).toEqual([]);
  });
});

describe("helpers", () => {
  test("normalize sorts and dedupes sets, keeps lists in order, drops empties, orders object keys", () => {
    expect(normalize({ set: "string" }, ["b", "a", "b"])).toEqual(["a", "b"]);
    expect(normalize({ list: "string" }, ["b", "a"])).toEqual(["b", "a"]);
    expect(normalize({ list: "string" }, [])).toBeUndefined();
    expect(normalize("string", "")).toBeUndefined();
    expect(normalize({ map: "string" }, { b: "1", a: "", c: "2" })).toEqual({ b: "1", c: "2" });
    const t = {
      object: { b: { type: "string" as const, description: "B." }, a: { type: "string" as const, description: "A." } },
    };
    expect(JSON.stringify(normalize(t, { b: "2", a: "1" }))).toBe('{"a":"1","b":"2"}');
    expect(normalize(t, { a: "" })).toBeUndefined();
  });

  test("stripUndefined removes undefined everywhere", () => {
    expect(stripUndefined({ a: 1, b: undefined, c: [1, undefined], d: { e: undefined } })).toEqual({
      a: 1,
      c: [1],
      d: {},
    });
  });

  test("Terraform names derive from the kind's name", () => {
    expect(snakeCase("organizationId")).toBe("organization_id");
    expect(snakeCase("iamRole")).toBe("iam_role");
    expect(snakeCase("authProviderX509CertUrl")).toBe("auth_provider_x509_cert_url");
    expect(tfNameOf("AwsConnection")).toBe("aws_connection");
    expect(tfNameOf("UserAttachment")).toBe("user_attachment");
  });
});
