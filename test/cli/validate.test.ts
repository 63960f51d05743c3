/**
 * The loader (validate.ts) with the real registry: the file's layout and JSON Schema derived from the kinds, a good
 * file read into declarations, and every kind of mistake reported at line:column with what to do. Loading calls no
 * API, so no emulator is needed.
 */
import { realpathSync } from "node:fs";
import Ajv from "ajv";
import { FileError } from "../../src/cli/gitops/loader";
import { buildLayouts } from "../../src/cli/gitops/layout";
import { buildJsonSchema } from "../../src/cli/gitops/schema";
import { loadSpotFile } from "../../src/cli/gitops/validate";
import { isUnknown, registry } from "../../src/core";
import { tempDir } from "./fixtures/helpers";

const kinds = registry().kinds;
const env = {
  SPOT_TOKEN_PLATFORM: "tok-a",
  SPOT_TOKEN_DATA: "tok-b",
  SPOT_SECRET_ALICE_PW: "alice-passw0rd",
  SPOT_SECRET_AZ: "az-secret-value",
};
const tmp = tempDir();

const GOOD = `version: 1
organizations:
  - name: platform
    tokenEnv: SPOT_TOKEN_PLATFORM
    accounts:
      - name: prod
        aws:
          iamRole: arn:aws:iam::123456789012:role/SpotAccess
      - name: dev
        azure:
          tenantId: 8d2a4c0e-1b3f-4a5d-9e7c-6f8a1b2c3d4e
          clientId: 3f6b9e2a-7c1d-4e8f-a0b5-c2d4e6f8a1b3
          clientSecretEnv: SPOT_SECRET_AZ
          subscriptionId: 5c7e9a1b-3d5f-4b7a-8c9e-0a2b4c6d8e0f
          expirationDate: 2027-12-31T23:59:00Z
    users:
      - email: alice@example.com
        firstName: Alice
        lastName: Doe
        passwordEnv: SPOT_SECRET_ALICE_PW
    accessPolicies:
      - name: deployers
        statements:
          - { effect: ALLOW, actions: ["ocean:createCluster"], resources: ["*"] }
    userAttachments:
      - account: prod
        user: alice@example.com
        role: editor
    programmaticUsers:
      - name: ci
        policies:
          - policy: deployers
            accounts: [prod, { id: act-12ab34cd }]
        tokenFile: secrets/ci.token
  - name: data
    tokenEnv: SPOT_TOKEN_DATA
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

/** The problems a file has, as "line:col where: message" strings. */
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
      ["AwsExternalId", "awsExternalId", "Account"],
      ["AwsConnection", "aws", "Account"],
      ["AzureConnection", "azure", "Account"],
      ["GcpConnection", "gcp", "Account"],
      ["User", "users", null],
      ["ProgrammaticUser", "programmaticUsers", null],
      ["UserAttachment", "userAttachments", null],
      ["UserGroup", "userGroups", null],
      ["AccessPolicy", "accessPolicies", null],
      ["NotificationPolicy", "notificationPolicies", null],
    ]);
    const pu = l.find((x) => x.kind.name === "ProgrammaticUser")!;
    expect(pu.fields.map((f) => [f.key, f.mode])).toEqual([
      ["name", "plain"],
      ["description", "plain"],
      ["accounts", "plain"],
      ["policies", "plain"],
      ["userGroups", "ref"],
      ["token", "secretOut"],
    ]);
    expect(pu.fields[3].nested!.map((f) => [f.field, f.key, f.mode])).toEqual([
      ["policyId", "policy", "ref"],
      ["accountIds", "accounts", "ref"],
    ]);
    // A kind named by references only: its label joins the referenced names.
    expect(l.find((x) => x.kind.name === "UserAttachment")!.naturalKey.map((f) => f.key)).toEqual([
      "account",
      "userEmail",
      "user",
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
      "programmaticUsers",
      "userAttachments",
      "userGroups",
      "accessPolicies",
      "notificationPolicies",
    ]);
    expect(Object.keys(schema.definitions.User.properties)).toEqual([
      "email",
      "firstName",
      "lastName",
      "passwordEnv",
      "passwordFile",
      "role",
      "policies",
      "userGroups",
      "id",
    ]);
    expect(Object.keys(schema.definitions.Account.properties)).toEqual([
      "name",
      "slackNotificationChannels",
      "allowDeletion",
      "id",
      "awsExternalId",
      "aws",
      "azure",
      "gcp",
    ]);
    expect(schema.definitions.UserAttachment.required).toEqual(["account"]);
    expect(ajv.compile(schema)(load(GOOD).file && (require("yaml") as typeof import("yaml")).parse(GOOD))).toBe(true);
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
      "platform/ProgrammaticUser/ci",
      "platform/UserAttachment/prod/alice@example.com",
      "platform/AccessPolicy/deployers",
    ]);
    const byKey = new Map(p.objects.map((d) => [d.key, d]));
    expect(byKey.get("platform/AwsConnection/prod")!.deps).toEqual(["platform/Account/prod"]);
    expect(byKey.get("platform/UserAttachment/prod/alice@example.com")!.deps).toEqual([
      "platform/Account/prod",
      "platform/User/alice@example.com",
    ]);
    const ci = byKey.get("platform/ProgrammaticUser/ci")!;
    expect(ci.deps).toEqual(["platform/AccessPolicy/deployers", "platform/Account/prod"]);
    // "{ id }" passes through as an id; names wait for resolution.
    expect(ci.inputs.policies[0].accountIds[1]).toBe("act-12ab34cd");
    expect(ci.outputFiles.token).toBe(`${realpathSync(tmp.dir)}/secrets/ci.token`);
    expect(byKey.get("platform/User/alice@example.com")!.inputs.password).toBe("alice-passw0rd");
    expect(byKey.get("platform/AzureConnection/dev")!.inputs.clientSecret).toBe("az-secret-value");
    // A list names the sections to prune.
    expect([...file.orgs[1].prune]).toEqual(["users"]);
  });

  it("prune: true covers every section but irreversible ones (accounts)", () => {
    const { file } = load(edit(5, "    prune: true\n    accounts:"));
    expect([...file.orgs[0].prune].sort()).toEqual([
      "accessPolicies",
      "notificationPolicies",
      "programmaticUsers",
      "userAttachments",
      "userGroups",
      "users",
    ]);
  });

  it("reads secrets from files relative to the YAML file, without the trailing newline", () => {
    tmp.write("alice.pw", "from-a-file-1\n");
    const { file } = load(GOOD.replace("passwordEnv: SPOT_SECRET_ALICE_PW", "passwordFile: alice.pw"));
    expect(file.orgs[0].objects.find((d) => d.kind.name === "User")!.inputs.password).toBe("from-a-file-1");
  });

  it("without reading secrets (validate), secrets and references are unknown, and no token is needed", () => {
    const { file } = load(GOOD, { env: {}, readSecrets: false, requireTokens: false });
    const user = file.orgs[0].objects.find((d) => d.kind.name === "User")!;
    expect(isUnknown(user.inputs.password)).toBe(true);
    expect(file.orgs[0].token).toBeUndefined();
  });

  it("an id pinned on a declaration", () => {
    const { file } = load(edit(6, "      - name: prod\n        id: act-0a1b2c3d"));
    expect(file.orgs[0].objects[0]).toMatchObject({ name: "prod", id: "act-0a1b2c3d" });
    expect(problems(edit(6, "      - name: prod\n        id: u-0a1b2c3d"))).toEqual([
      '7:13 organizations[0].accounts[0].id: must be an Account id like "act-12ab34cd"; got "u-0a1b2c3d"',
    ]);
    expect(
      problems(
        edit(9, "      - name: dev\n        id: act-0a1b2c3d").replace(
          "name: prod",
          "name: prod\n        id: act-0a1b2c3d",
        ),
      ),
    ).toEqual([
      '11:13 organizations[0].accounts[1].id: Account "dev" pins id act-0a1b2c3d, which Account "prod" pins too; an object is declared once',
    ]);
  });
});

describe("bad files are rejected with positions and the fix", () => {
  it("unknown keys, with a suggestion and the expected keys", () => {
    expect(problems(edit(6, "      - nmae: prod"))).toEqual([
      expect.stringMatching(/^6:9 organizations\[0\]\.accounts\[0\]: missing required key "name"/),
      '6:9 organizations[0].accounts[0].nmae: unknown key "nmae" (did you mean "name"?); expected one of name, slackNotificationChannels, allowDeletion, id, awsExternalId, aws, azure, gcp',
    ]);
  });

  it("an inline token", () => {
    expect(problems(edit(4, "    token: abc123"))).toEqual([
      "4:5 organizations[0].token: inline tokens are not allowed; remove it: the pipeline passes this organization's token in the environment variable SPOT_TOKEN_PLATFORM (pattern SPOT_TOKEN_{LABEL})",
    ]);
  });

  it("inline secrets, never quoted", () => {
    const ps = problems(
      GOOD.replace("passwordEnv: SPOT_SECRET_ALICE_PW", "password: hunter22").replace(
        "clientSecretEnv: SPOT_SECRET_AZ",
        "clientSecret: s3cr3t",
      ),
    );
    expect(ps).toEqual([
      '13:11 organizations[0].accounts[1].azure.clientSecret: "clientSecret" is a secret and is never written inline; use clientSecretEnv: NAME (an environment variable) or clientSecretFile: PATH',
      '20:9 organizations[0].users[0].password: "password" is a secret and is never written inline; use passwordEnv: NAME (an environment variable) or passwordFile: PATH',
    ]);
    expect(ps.join("\n")).not.toMatch(/hunter22|s3cr3t/);
  });

  it("an output secret written as a value, and output-only fields", () => {
    expect(problems(GOOD.replace("tokenFile: secrets/ci.token", "token: abc"))).toEqual([
      '34:9 organizations[0].programmaticUsers[0].token: "token" is set by Spot and returned once; write tokenFile: PATH to have spot-iac save it there',
    ]);
    expect(problems(edit(6, "      - name: prod\n        organizationId: '1'"))[0]).toMatch(
      /^7:9 .*unknown key "organizationId"/,
    );
  });

  it("wrong types and enum values", () => {
    expect(
      problems(GOOD.replace("role: editor", "role: owner").replace('actions: ["ocean:createCluster"]', "actions: a")),
    ).toEqual([
      '24:39 organizations[0].accessPolicies[0].statements[0].actions: expected a list, got string "a"',
      '28:15 organizations[0].userAttachments[0].role: expected one of "viewer", "editor"; got string "owner"',
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
      '26:18 organizations[0].userAttachments[0].account: no Account named "prd" is declared in organization "platform" (declared: prod, dev); declare it, or write { id: "<id>" } for one this file does not manage',
    ]);
    expect(
      problems(GOOD.replace("accounts: [prod, { id: act-12ab34cd }]", "accounts: [prod, { name: x }]"))[0],
    ).toMatch(
      /^33:30 organizations\[0\]\.programmaticUsers\[0\]\.policies\[0\]\.accounts\[1\]: expected the name of an Account declared in this organization/,
    );
  });

  it("references never cross organizations", () => {
    const text =
      GOOD +
      "    users:\n      - email: x@example.com\n        firstName: X\n        lastName: Y\n    userAttachments:\n      - account: prod\n        user: x@example.com\n        role: viewer\n";
    expect(problems(text)).toEqual([
      expect.stringMatching(/^43:18 .*no Account named "prod" is declared in organization "data" \(none is declared\)/),
    ]);
  });

  it("duplicate names and duplicate organizations", () => {
    expect(problems(edit(9, "      - name: prod"))).toEqual([
      expect.stringMatching(
        /^9:9 organizations\[0\]\.accounts\[1\]: Account "prod" is declared twice in organization "platform" \(first at line 6\)/,
      ),
    ]);
    expect(problems(GOOD.replace("name: data", "name: platform"))).toEqual([
      expect.stringMatching(/^35:11 organizations\[1\]\.name: organization "platform" is declared twice/),
    ]);
  });

  it("the kinds' own checks, at the field", () => {
    expect(
      problems(
        GOOD.replace("role/SpotAccess", "user/Bob")
          .replace("- name: dev", "- name: '123'")
          .replace("alice@example.com\n        firstName", "alice.example.com\n        firstName"),
      ),
    ).toEqual([
      expect.stringMatching(
        /^8:20 organizations\[0\]\.accounts\[0\]\.aws\.iamRole: AwsConnection "prod": iamRole must be /,
      ),
      expect.stringMatching(
        /^9:15 organizations\[0\]\.accounts\[1\]\.name: Account "123": name must contain at least one letter/,
      ),
      '17:16 organizations[0].users[0].email: User "alice.example.com": email must be an e-mail address like "jane@example.com"; got "alice.example.com"',
      // The user is now named by its (bad) e-mail: the attachment's reference no longer finds it.
      expect.stringMatching(
        /^27:15 organizations\[0\]\.userAttachments\[0\]\.user: no User named "alice@example.com" is declared in organization "platform" \(declared: alice\.example\.com\)/,
      ),
    ]);
  });

  it("secrets and tokens that cannot be read", () => {
    const ps = problems(GOOD.replace("passwordEnv: SPOT_SECRET_ALICE_PW", "passwordFile: missing.pw"), {
      env: { SPOT_TOKEN_PLATFORM: "x" },
    });
    expect(ps).toEqual([
      "13:28 organizations[0].accounts[1].azure.clientSecretEnv: environment variable SPOT_SECRET_AZ is not set; export the clientSecret in it",
      expect.stringMatching(
        /^20:23 organizations\[0\]\.users\[0\]\.passwordFile: cannot read .*missing\.pw \(ENOENT\); the file must hold the password$/,
      ),
      '36:15 organizations[1].tokenEnv: environment variable SPOT_TOKEN_DATA is not set; export organization "data"\'s Spot token in it',
    ]);
    expect(
      problems(
        GOOD.replace("passwordEnv: SPOT_SECRET_ALICE_PW", "passwordEnv: SPOT_SECRET_ALICE_PW\n        passwordFile: x"),
      ),
    ).toEqual(["21:9 organizations[0].users[0].passwordFile: give passwordEnv or passwordFile, not both"]);
  });

  it("YAML syntax errors and duplicate keys", () => {
    expect(
      problems(
        GOOD.replace(
          "    tokenEnv: SPOT_TOKEN_PLATFORM",
          "    tokenEnv: SPOT_TOKEN_PLATFORM\n    tokenEnv: SPOT_TOKEN_DATA",
        ),
      ),
    ).toEqual([expect.stringMatching(/^5:5 YAML: Map keys must be unique/)]);
    expect(problems("version: 1\norganizations: [\n")[0]).toMatch(/^\d+:\d+ YAML: /);
  });

  it("a missing file, an empty organization list, a bad variable name and prune value", () => {
    expect(() => loadSpotFile(`${tmp.dir}/nope.yaml`, { kinds, env })).toThrow(/nope\.yaml: file not found/);
    expect(problems("version: 1\norganizations: []\n")).toEqual([
      "2:16 organizations: declare at least one organization",
    ]);
    expect(
      problems("version: 1\norganizations:\n  - name: a\n    tokenEnv: 9BAD\n    prune: sometimes\n", {
        env: { SPOT_TOKEN_A: "x" },
      }),
    ).toEqual([
      '4:15 organizations[0].tokenEnv: "9BAD" is not an environment variable name (letters, digits, _)',
      '5:12 organizations[0].prune: expected true, false or a list of sections (accounts, users, programmaticUsers, userAttachments, userGroups, accessPolicies, notificationPolicies); got string "sometimes"',
    ]);
  });
});
