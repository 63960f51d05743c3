/**
 * src/pulumi/generated.ts is generated from the schemas of the real kinds: it must be current, carry what each
 * schema says (enums, defaults, what a change does, secrets, irreversible deletes) into doc comments and types, and
 * type-check against the real @pulumi/pulumi types.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import * as registry from "../../src/resources";
import { ROOT } from "./env";

const gen = require("../../scripts/generate-pulumi-types.js");

/** Type-checks `text` as if it were a file in src/pulumi (so its relative imports resolve). */
function typeErrors(text: string): string[] {
  const file = path.join(ROOT, "src", "pulumi", "__generated_check__.ts");
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    path.resolve(name) === file ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], { ...options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && path.resolve(d.file.fileName) === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("generated Pulumi types", () => {
  let text = "";
  beforeAll(async () => {
    text = await gen.generate(registry);
  });

  /** The body of `export interface <name> … { … }` or `export class <name> … { … }`. */
  function block(kind: "interface" | "class", name: string): string {
    const start = text.indexOf(`export ${kind} ${name} `);
    expect(start).toBeGreaterThanOrEqual(0);
    return text.slice(start, text.indexOf("\n}\n", start));
  }

  it("src/pulumi/generated.ts is current (run scripts/generate-pulumi-types.js after changing a schema)", () => {
    expect(fs.readFileSync(gen.OUT, "utf8")).toBe(text);
  });

  it("has a typed class and arguments per kind, and outputs are not arguments", () => {
    for (const k of registry.kinds) {
      expect(text).toContain(`export class ${k.name} extends SpotResource {`);
      expect(text).toContain(`export interface ${k.name}Args extends SpotResourceArgs {`);
    }
    const args = block("interface", "AccountArgs");
    expect(args).toMatch(/\n {2}name: pulumi\.Input<string>;/);
    expect(args).not.toMatch(/\n {2}(accountId|organizationId|createdAt)\??:/);
    expect(block("class", "Account")).toContain("declare readonly accountId: pulumi.Output<string>;");
  });

  it("carries enums, defaults and what a change does into doc comments and types", () => {
    expect(block("interface", "NotificationPolicyArgs")).toContain(
      '   * One of `"public"`, `"private"`. Default: `"public"`. Changing it replaces the NotificationPolicy.\n' +
        "   */\n" +
        '  privacyLevel?: pulumi.Input<"public" | "private">;',
    );
    expect(block("interface", "UserArgs")).toMatch(
      /Spot cannot change it after creation\. Spot has no API to change it: change the name in the Spot console \(the user's profile\), then update it here to match; or change email to create a new user\.\n {3}\*\/\n {2}firstName: pulumi\.Input<string>;/,
    );
    expect(block("interface", "AccountArgs")).toContain(
      "slackNotificationChannels?: pulumi.Input<pulumi.Input<string>[]>;",
    );
    // Computed and stable outputs exist once the object does; other outputs may be absent.
    expect(block("class", "Account")).toContain("declare readonly slackNotificationChannels: pulumi.Output<string[]>;");
    expect(block("class", "Account")).toContain("declare readonly cloudProvider: pulumi.Output<string | undefined>;");
  });

  it("marks secrets and irreversible deletes", () => {
    expect(block("class", "ProgrammaticUser")).toMatch(
      /Secret: kept encrypted in Pulumi state and shown as \[secret\]\.\n {3}\*\/\n {2}declare readonly token: pulumi\.Output<string \| undefined>;/,
    );
    expect(block("interface", "UserArgs")).toMatch(
      /Secret: kept encrypted in Pulumi state and shown as \[secret\]\.\n {3}\*\/\n {2}password\?:/,
    );
    expect(text).toContain(
      " * Deleting an Account cannot be undone: it is refused unless `allowDeletion` is true in state.\n */\nexport class Account ",
    );
    expect(text).toContain(
      " * Deleting an Organization cannot be undone: it is refused unless `allowDeletion` is true in state.\n */\nexport class Organization ",
    );
    expect(block("class", "User")).not.toContain("cannot be undone");
  });

  it("has a Promise and an Output function per lookup", () => {
    for (const l of registry.lookups) {
      expect(text).toMatch(new RegExp(`export function get${l.name}\\(\\s*args`));
      expect(text).toMatch(new RegExp(`export function get${l.name}Output\\(\\s*args`));
    }
    // Compared without the line breaks prettier chooses.
    const flat = (t: string) => t.replace(/\s+/g, "").replace(/,\)/g, ")");
    expect(flat(text)).toContain(
      flat("export function getAccounts(args?: GetAccountsArgs, opts?: LookupOptions): Promise<GetAccountsResult>"),
    );
    expect(flat(text)).toContain(
      flat(
        "export function getAccountsOutput(args?: GetAccountsOutputArgs, opts?: LookupOptions): pulumi.Output<GetAccountsResult>",
      ),
    );
  });

  it("type-checks, and typed usage works", () => {
    const usage = `${text}
const a = new Account("a", { name: "prod", slackNotificationChannels: ["https://hooks.slack.com/services/T/B/X"] });
const id: pulumi.Output<string> = a.accountId;
new UserAttachment("ua", { accountId: a.id, userEmail: "jane@example.com", role: "editor" });
const ids: Promise<string[]> = getAccounts({ name: "prod" }).then((r) => r.accountIds ?? []);
void id; void ids;
// @ts-expect-error role is an enum
new UserAttachment("bad", { accountId: a.id, userEmail: "jane@example.com", role: "owner" });
// @ts-expect-error name is required
new Account("bad2", {});
// @ts-expect-error accountId is an output, not an argument
new Account("bad3", { name: "x", accountId: "act-1" });
`;
    expect(typeErrors(usage)).toEqual([]);
  });

  it("refuses a field name the front-end reserves", () => {
    const account = registry.kindByName("Account");
    const kind = {
      ...account,
      fields: { ...account.fields, connection: { type: "string", optional: true, description: "x" } },
    };
    expect(() => gen.render({ kinds: [kind], lookups: [] })).toThrow(
      'Account.connection: "connection" is reserved by the Pulumi front-end',
    );
  });
});
