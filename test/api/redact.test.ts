import { redact, REDACTED } from "../../src/api";
import { isSecretKey, registerSecret, registerSecretsIn } from "../../src/api/redact";

describe("redact", () => {
  test("secret fields by name, at any depth, snake or camel case", () => {
    const input = {
      name: "acct",
      password: "p4ssw0rd!",
      credentials: { iamRole: "arn:aws:iam::123:role/x", clientSecret: "cs-1" },
      serviceAccount: {
        private_key: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
        private_key_id: "kid",
        client_email: "a@b.c",
      },
      list: [{ token: "tok-1" }, { personalAccessToken: "pat-1" }],
      empty: { password: "" },
    };
    const out = redact(input);
    expect(out.password).toBe(REDACTED);
    expect(out.credentials.clientSecret).toBe(REDACTED);
    expect(out.credentials.iamRole).toBe("arn:aws:iam::123:role/x");
    expect(out.serviceAccount.private_key).toBe(REDACTED);
    expect(out.serviceAccount.private_key_id).toBe(REDACTED);
    expect(out.serviceAccount.client_email).toBe("a@b.c");
    expect(out.list).toEqual([{ token: REDACTED }, { personalAccessToken: REDACTED }]);
    expect(out.empty.password).toBe("");
    expect(input.password).toBe("p4ssw0rd!"); // a copy, not a mutation
  });

  test("strings: registered values, bearer tokens, PEM keys, JSON fragments, query parameters", () => {
    registerSecret("registered-secret-value-1");
    const s = redact(
      'Authorization: Bearer abc.def-ghi saw registered-secret-value-1 and {"clientSecret": "zzz\\"q"} ' +
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- /x?token=t0k&y=1",
    );
    expect(s).not.toMatch(/abc\.def-ghi|registered-secret-value-1|zzz|MIIB|t0k/);
    expect(s).toContain("&y=1");
  });

  test("registerSecretsIn learns secrets from bodies; short values are not registered", () => {
    registerSecretsIn({ a: [{ clientSecret: "learned-from-body-99" }], token: "abc" });
    expect(redact("x learned-from-body-99 y")).toBe(`x ${REDACTED} y`);
    expect(redact("abc stays")).toBe("abc stays");
  });

  test("cycles and errors do not break it", () => {
    const a: Record<string, unknown> = { password: "pw-123456" };
    a.self = a;
    expect(() => redact(a)).not.toThrow();
    expect(isSecretKey("Client-Secret")).toBe(true);
    expect(isSecretKey("clientId")).toBe(false);
  });
});
