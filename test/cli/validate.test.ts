import Ajv from "ajv";
import { FileError } from "../../src/cli/gitops/loader";
import { buildLayouts } from "../../src/cli/gitops/layout";
import { buildJsonSchema } from "../../src/cli/gitops/schema";
import { loadSpotFile } from "../../src/cli/gitops/validate";
import { fakeKinds } from "./fixtures/fake-kinds";
import { tempDir } from "./fixtures/helpers";

const kinds = fakeKinds();
const env = { TOKEN_A: "tok-a", TOKEN_B: "tok-b", ALICE_PW: "alice-password", AZ: "az-secret-value" };
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const GOOD = `version: 1
organizations:
  - name: platform
    tokenEnv: TOKEN_A
    accounts:
      - name: prod
        aws:
          iamRole: arn:aws:iam::123456789012:role/SpotAccess
      - name: dev
        azure:
          tenantId: t
          clientId: c
          clientSecretEnv: AZ
    users:
      - email: alice@example.com
        firstName: Alice
        lastName: Doe
        passwordEnv: ALICE_PW
    accessPolicies:
      - name: deployers
        actions: [a]
    userAttachments:
      - account: prod
        user: alice@example.com
        role: editor
    programmaticUsers:
      - name: ci
        policies:
          - policy: deployers
            accounts: [prod, { id: act-external }, "*"]
        tokenFile: secrets/ci.token
  - name: data
    tokenEnv: TOKEN_B
    prune: [users]
`;

let n = 0;
function load(text: string, opts: { env?: NodeJS.ProcessEnv; readSecrets?: boolean; requireTokens?: boolean } = {}) {
  const path = tmp.write(`f${++n}.yaml`, text);
  return {
    path,
    file: loadSpotFile(path, {
      kinds,
      env: opts.env ?? env,
      readSecrets: opts.readSecrets ?? true,
      requireTokens: opts.requireTokens ?? true,
    }),
  };
}

/** The problems a file has, as "line:col message" strings. */
function problems(text: string, opts: { env?: NodeJS.ProcessEnv; readSecrets?: boolean } = {}): string[] {
  try {
    load(text, opts);
  } catch (e) {
    if (e instanceof FileError)
      return e.problems.map((p) => `${p.pos?.line}:${p.pos?.col} ${p.where ? p.where + ": " : ""}${p.message}`);
    throw e;
  }
  throw new Error("expected the file to be rejected");
}

/** Replace one line of GOOD (1-based) with another text. */
function edit(line: number, replacement: string): string {
  const lines = GOOD.split("\n");
  lines.splice(line - 1, 1, ...replacement.split("\n"));
  return lines.join("\n");
}

describe("layout", () => {
  it("derives sections, nesting and reference keys from the kinds", () => {
    const l = buildLayouts(kinds);
    expect(l.map((x) => [x.kind.name, x.key, x.parent?.kind ?? null])).toEqual([
      ["Account", "accounts", null],
      ["AwsConnection", "aws", "Account"],
      ["AzureConnection", "azure", "Account"],
      ["User", "users", null],
      ["AccessPolicy", "accessPolicies", null],
      ["UserAttachment", "userAttachments", null],
      ["ProgrammaticUser", "programmaticUsers", null],
    ]);
    const pu = l.find((x) => x.kind.name === "ProgrammaticUser")!;
    expect(pu.fields.map((f) => [f.key, f.mode])).toEqual([
      ["name", "plain"],
      ["policies", "plain"],
      ["token", "secretOut"],
    ]);
    expect(pu.fields[1].nested!.map((f) => [f.field, f.key, f.mode])).toEqual([
      ["policyId", "policy", "ref"],
      ["accountIds", "accounts", "ref"],
    ]);
  });

  it("generates a draft-07 schema that accepts the good file and names every section", () => {
    const schema = buildJsonSchema(kinds);
    const ajv = new Ajv({ strict: true });
    ajv.addKeyword("x-ref");
    expect(ajv.validateSchema(schema)).toBe(true);
    const org = schema.definitions.Organization.properties;
    expect(Object.keys(org)).toEqual([
      "name",
      "tokenEnv",
      "baseUrl",
      "prune",
      "accounts",
      "users",
      "accessPolicies",
      "userAttachments",
      "programmaticUsers",
    ]);
    expect(Object.keys(schema.definitions.User.properties)).toEqual([
      "email",
      "firstName",
      "lastName",
      "passwordEnv",
      "passwordFile",
    ]);
    expect(Object.keys(schema.definitions.Account.properties)).toEqual([
      "name",
      "slackNotificationChannels",
      "aws",
      "azure",
    ]);
    expect(schema.definitions.UserAttachment.required).toEqual(["account", "user"]);
  });
});

describe("loading a good file", () => {
  it("declares every object with names, references, secrets and dependencies", () => {
    const { file } = load(GOOD);
    expect(file.orgs.map((o) => o.name)).toEqual(["platform", "data"]);
    const p = file.orgs[0];
    expect(p.token).toBe("tok-a");
    expect(p.objects.map((d) => d.key)).toEqual([
      "platform/Account/prod",
      "platform/AwsConnection/prod",
      "platform/Account/dev",
      "platform/AzureConnection/dev",
      "platform/User/alice@example.com",
      "platform/AccessPolicy/deployers",
      "platform/UserAttachment/prod/alice@example.com",
      "platform/ProgrammaticUser/ci",
    ]);
    const byKey = new Map(p.objects.map((d) => [d.key, d]));
    expect(byKey.get("platform/AwsConnection/prod")!.deps).toEqual(["platform/Account/prod"]);
    expect(byKey.get("platform/UserAttachment/prod/alice@example.com")!.deps).toEqual([
      "platform/Account/prod",
      "platform/User/alice@example.com",
    ]);
    const ci = byKey.get("platform/ProgrammaticUser/ci")!;
    expect(ci.deps).toEqual(["platform/AccessPolicy/deployers", "platform/Account/prod"]);
    // "{ id }" and "*" pass through as ids; names wait for resolution.
    expect(ci.inputs.policies[0].accountIds.slice(1)).toEqual(["act-external", "*"]);
    expect(ci.outputFiles.token).toBe(`${tmp.dir}/secrets/ci.token`);
    expect(byKey.get("platform/User/alice@example.com")!.inputs.password).toBe("alice-password");
    expect(byKey.get("platform/AzureConnection/dev")!.inputs.clientSecret).toBe("az-secret-value");
    // prune: true skips irreversible kinds; a list names sections.
    expect([...file.orgs[1].prune]).toEqual(["users"]);
  });

  it("prune: true covers every section but irreversible ones", () => {
    const { file } = load(edit(5, "    prune: true\n    accounts:"));
    expect([...file.orgs[0].prune].sort()).toEqual(["accessPolicies", "programmaticUsers", "userAttachments", "users"]);
  });

  it("reads secrets from files relative to the YAML file, without the trailing newline", () => {
    tmp.write("alice.pw", "from-a-file\n");
    const { file } = load(GOOD.replace("passwordEnv: ALICE_PW", "passwordFile: alice.pw"));
    expect(file.orgs[0].objects.find((d) => d.kind.name === "User")!.inputs.password).toBe("from-a-file");
  });
});

describe("bad files are rejected with positions and the fix", () => {
  it("unknown keys, with a suggestion and the expected keys", () => {
    expect(problems(edit(6, "      - nmae: prod"))).toEqual([
      expect.stringMatching(/^6:9 organizations\[0\]\.accounts\[0\]: missing required key "name"/),
      '6:9 organizations[0].accounts[0].nmae: unknown key "nmae" (did you mean "name"?); expected one of name, slackNotificationChannels, aws, azure',
    ]);
  });

  it("an inline token", () => {
    expect(problems(edit(4, "    token: abc123"))).toEqual([
      expect.stringMatching(/^3:5 organizations\[0\]: missing required key "tokenEnv"/),
      "4:5 organizations[0].token: inline tokens are not allowed; write `tokenEnv: NAME` and export the organization's token in that environment variable",
    ]);
  });

  it("inline secrets", () => {
    const ps = problems(
      GOOD.replace("passwordEnv: ALICE_PW", "password: hunter22").replace(
        "clientSecretEnv: AZ",
        "clientSecret: s3cr3t",
      ),
    );
    expect(ps).toEqual([
      '13:11 organizations[0].accounts[1].azure.clientSecret: "clientSecret" is a secret and is never written inline; use clientSecretEnv: NAME (an environment variable) or clientSecretFile: PATH',
      '18:9 organizations[0].users[0].password: "password" is a secret and is never written inline; use passwordEnv: NAME (an environment variable) or passwordFile: PATH',
    ]);
    expect(ps.join("\n")).not.toMatch(/hunter22|s3cr3t/);
  });

  it("an output secret written as a value, and output-only fields", () => {
    expect(problems(GOOD.replace("tokenFile: secrets/ci.token", "token: abc"))).toEqual([
      '31:9 organizations[0].programmaticUsers[0].token: "token" is set by Spot and returned once; write tokenFile: PATH to have spot-iac save it there',
    ]);
    expect(problems(edit(6, "      - name: prod\n        organizationId: '1'"))[0]).toMatch(
      /^7:9 .*unknown key "organizationId"/,
    );
  });

  it("wrong types and enum values", () => {
    expect(problems(GOOD.replace("role: editor", "role: owner").replace("actions: [a]", "actions: a"))).toEqual([
      '21:18 organizations[0].accessPolicies[0].actions: expected a list, got string "a"',
      '25:15 organizations[0].userAttachments[0].role: expected one of "viewer", "editor"; got string "owner"',
    ]);
    expect(problems(GOOD.replace("version: 1", "version: 2"))).toEqual([
      "1:10 version: must be 1 (the only file format version)",
    ]);
    expect(
      problems(
        GOOD.replace("        aws:\n          iamRole: arn:aws:iam::123456789012:role/SpotAccess", "        aws: arn"),
      ),
    ).toEqual(['7:14 organizations[0].accounts[0].aws: expected a mapping (key: value), got string "arn"']);
  });

  it("dangling references, with what is declared", () => {
    expect(problems(GOOD.replace("      - account: prod", "      - account: prd"))).toEqual([
      '23:18 organizations[0].userAttachments[0].account: no Account named "prd" is declared in organization "platform" (declared: prod, dev); declare it, or write { id: "<id>" } for one this file does not manage',
    ]);
    expect(problems(GOOD.replace("accounts: [prod, { id: act-external }", "accounts: [prod, { name: x }"))[0]).toMatch(
      /^30:30 organizations\[0\]\.programmaticUsers\[0\]\.policies\[0\]\.accounts\[1\]: expected the name of an Account declared in this organization/,
    );
  });

  it("references never cross organizations", () => {
    const text =
      GOOD +
      "    users:\n      - email: x@example.com\n        firstName: X\n        lastName: Y\n    userAttachments:\n      - account: prod\n        user: x@example.com\n";
    expect(problems(text)).toEqual([
      expect.stringMatching(/^40:18 .*no Account named "prod" is declared in organization "data" \(none is declared\)/),
    ]);
  });

  it("duplicate names and duplicate organizations", () => {
    const text = edit(9, "      - name: prod");
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^9:9 organizations\[0\]\.accounts\[1\]: Account "prod" is declared twice in organization "platform" \(first at line 6\)/,
      ),
    ]);
    expect(problems(GOOD.replace("name: data", "name: platform"))).toEqual([
      expect.stringMatching(/^32:11 organizations\[1\]\.name: organization "platform" is declared twice/),
    ]);
  });

  it("the engine's own checks, at the field", () => {
    expect(problems(GOOD.replace("role/SpotAccess", "user/Bob").replace("- name: dev", "- name: '123'"))).toEqual([
      '8:20 organizations[0].accounts[0].aws.iamRole: AwsConnection "prod": iamRole must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)',
      '9:15 organizations[0].accounts[1].name: Account "123": name must contain at least one letter a-z or A-Z',
    ]);
  });

  it("secrets and tokens that cannot be read", () => {
    const ps = problems(GOOD.replace("passwordEnv: ALICE_PW", "passwordFile: missing.pw"), { env: { TOKEN_A: "x" } });
    expect(ps).toEqual([
      "13:28 organizations[0].accounts[1].azure.clientSecretEnv: environment variable AZ is not set; export the clientSecret in it",
      expect.stringMatching(
        /^18:23 organizations\[0\]\.users\[0\]\.passwordFile: cannot read .*missing\.pw \(ENOENT\); the file must hold the password$/,
      ),
      '33:15 organizations[1].tokenEnv: environment variable TOKEN_B is not set; export organization "data"\'s Spot token in it',
    ]);
    expect(problems(GOOD.replace("passwordEnv: ALICE_PW", "passwordEnv: ALICE_PW\n        passwordFile: x"))).toEqual([
      "19:9 organizations[0].users[0].passwordFile: give passwordEnv or passwordFile, not both",
    ]);
  });

  it("YAML syntax errors and duplicate keys", () => {
    expect(problems(GOOD.replace("    tokenEnv: TOKEN_A", "    tokenEnv: TOKEN_A\n    tokenEnv: TOKEN_B"))).toEqual([
      expect.stringMatching(/^5:5 YAML: Map keys must be unique/),
    ]);
    expect(problems("version: 1\norganizations: [\n")[0]).toMatch(/^\d+:\d+ YAML: /);
  });

  it("a missing file and an empty organization list", () => {
    expect(() => loadSpotFile(`${tmp.dir}/nope.yaml`, { kinds, env })).toThrow(/nope\.yaml: file not found/);
    expect(problems("version: 1\norganizations: []\n")).toEqual([
      "2:16 organizations: declare at least one organization",
    ]);
    expect(problems("version: 1\norganizations:\n  - name: a\n    tokenEnv: 9BAD\n    prune: sometimes\n")).toEqual([
      '4:15 organizations[0].tokenEnv: "9BAD" is not an environment variable name (letters, digits, _)',
      '5:12 organizations[0].prune: expected true, false or a list of sections (accounts, users, accessPolicies, userAttachments, programmaticUsers); got string "sometimes"',
    ]);
  });
});
