/** Secret hashes, the secret memory and what is remembered when (src/core/secrets.ts). */
import {
  NO_MEMORY,
  hashSecret,
  isSecretHash,
  memoryOf,
  recalled,
  registerSecrets,
  rememberSecrets,
  scrub,
  secretInputs,
  secretMatches,
  secretStandIn,
  type Fields,
} from "../../src/core";
import { hashOf } from "../support/secrets";

const fields: Fields = {
  name: { type: "string", required: true, description: "Name." },
  password: { type: "string", optional: true, secret: true, description: "Password." },
  keyId: { type: "string", optional: true, secret: true, description: "Derived from the key file." },
  token: { type: "string", secret: true, description: "Output only: returned once." },
};

test("salted hashes: two hashes of one value differ, both verify, others do not", () => {
  const a = hashSecret("hunter2");
  const b = hashSecret("hunter2");
  expect(a).not.toBe(b);
  expect(a).toMatch(/^scrypt:[\w-]+:[\w-]+$/);
  expect(isSecretHash(a)).toBe(true);
  expect(secretMatches("hunter2", a)).toBe(true);
  expect(secretMatches("hunter2", b)).toBe(true);
  expect(secretMatches("hunter3", a)).toBe(false);
  expect(secretMatches("hunter2", "scrypt:bogus")).toBe(false);
  expect(secretMatches("hunter2", "hunter2")).toBe(false); // a plaintext is no stand-in
  expect(a).not.toContain("hunter2");
});

test("secretStandIn: a plaintext becomes its hash, a hash is kept, nothing stays nothing", () => {
  const h = hashSecret("x-secret");
  expect(secretStandIn(h)).toBe(h);
  expect(secretStandIn("x-secret")).toEqual(hashOf("x-secret"));
  for (const v of [undefined, null, "", 42]) expect(secretStandIn(v)).toBeUndefined();
});

test("memoryOf keeps hashes in a plain record; NO_MEMORY knows nothing and forgets", () => {
  const m = memoryOf({ password: "scrypt:a:b" });
  expect(m.get("password")).toBe("scrypt:a:b");
  m.set("keyId", "scrypt:c:d");
  expect(m.record).toEqual({ password: "scrypt:a:b", keyId: "scrypt:c:d" });
  NO_MEMORY.set("password", "scrypt:a:b");
  expect(NO_MEMORY.get("password")).toBeUndefined();
  expect(secretInputs(fields)).toEqual(["password", "keyId"]);
});

describe("rememberSecrets", () => {
  test("a new plaintext is hashed, or the kind's own hash of it is taken", () => {
    const m = memoryOf();
    rememberSecrets(fields, m, { name: "a", password: "pw-one" }, { name: "a" });
    expect(m.record).toEqual({ password: hashOf("pw-one") });
    const fromKind = hashSecret("pw-two");
    rememberSecrets(fields, m, { name: "a", password: "pw-two" }, { password: fromKind });
    expect(m.record.password).toBe(fromKind);
  });

  test("an unchanged secret keeps its recorded hash: a fresh salt would make it look changed", () => {
    const h = hashSecret("pw-one");
    const m = memoryOf({ password: h });
    rememberSecrets(fields, m, { password: "pw-one" }, { password: hashSecret("pw-one") });
    expect(m.record.password).toBe(h);
    rememberSecrets(fields, m, { password: "pw-changed" }, {});
    expect(m.record.password).toEqual(hashOf("pw-changed"));
  });

  test("a derived secret the kind returned as a hash is recorded; an output-only secret is not", () => {
    const derived = hashSecret("key-id-1");
    const m = memoryOf();
    rememberSecrets(fields, m, { name: "a" }, { keyId: derived, token: hashSecret("tok-1") });
    expect(m.record).toEqual({ keyId: derived });
    // The same hash again: nothing to record.
    const set = jest.spyOn(m, "set");
    rememberSecrets(fields, m, { name: "a" }, { keyId: derived });
    expect(set).not.toHaveBeenCalled();
  });

  test("recalled: the recorded hashes as `prior` for a read", () => {
    expect(recalled(fields, memoryOf({ password: "scrypt:a:b", other: "x" }))).toEqual({ password: "scrypt:a:b" });
    expect(recalled(fields, undefined)).toEqual({});
  });
});

test("registered secrets are masked in any text the process writes, nested ones included", () => {
  const nested: Fields = {
    ...fields,
    items: {
      type: { list: { object: { key: { type: "string", secret: true, description: "Key." } } } },
      optional: true,
      description: "Items.",
    },
  };
  registerSecrets(nested, { password: "p4ss-w0rd-registered", items: [{ key: "n3sted-k3y-registered" }] }, undefined);
  const text = scrub("login with p4ss-w0rd-registered failed; key n3sted-k3y-registered");
  expect(text).not.toContain("p4ss-w0rd-registered");
  expect(text).not.toContain("n3sted-k3y-registered");
  expect(scrub("an extra one: abcdef-extra", ["abcdef-extra"])).not.toContain("abcdef-extra");
});
