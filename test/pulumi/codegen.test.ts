/**
 * src/pulumi/generated.ts is generated from the schemas: it must be current, and what the generator
 * produces must type-check against the real @pulumi/pulumi types.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import * as registry from "../../src/resources";
import { FIXTURE_REGISTRY, ROOT } from "./fixture-env";

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
  it("src/pulumi/generated.ts is current (run scripts/generate-pulumi-types.js after changing a schema)", async () => {
    const expected = await gen.generate(registry);
    expect(fs.readFileSync(gen.OUT, "utf8")).toBe(expected);
  });

  describe("for the fixture kinds", () => {
    let text = "";
    beforeAll(async () => {
      text = await gen.generate(require(FIXTURE_REGISTRY));
    });

    it("has a typed class per kind with doc comments from the schema", () => {
      expect(text).toContain("export class Widget extends SpotResource {");
      expect(text).toContain("export interface WidgetArgs extends SpotResourceArgs {");
      expect(text).toMatch(
        /\/\*\*\n {3}\* Region\.\n {3}\*\n {3}\* One of `"eu"`, `"us"`\. Default: `"eu"`\. Changing it replaces the Widget\.\n {3}\*\/\n {2}region\?: pulumi\.Input<"eu" \| "us">;/,
      );
      expect(text).toMatch(
        /Spot cannot change it after creation\. Create a new Widget for the other owner\.\n {3}\*\/\n {2}owner: pulumi\.Input<string>;/,
      );
      expect(text).toMatch(
        /Secret: kept encrypted in Pulumi state and shown as \[secret\]\.\n {3}\*\/\n {2}declare readonly apiKey: pulumi\.Output<string>;/,
      );
      expect(text).toContain("tags?: pulumi.Input<pulumi.Input<string>[]>;");
      expect(text).toContain("declare readonly tags: pulumi.Output<string[] | undefined>;");
      expect(text).toContain("Deleting a Vault cannot be undone");
      expect(text).not.toMatch(/\n {2}serial\??:/); // outputs are not arguments
    });

    it("has a Promise and an Output function per lookup", () => {
      expect(text).toContain(
        "export function getWidgets(args?: GetWidgetsArgs, opts?: LookupOptions): Promise<GetWidgetsResult>",
      );
      expect(text).toContain(
        "export function getWidgetsOutput(args?: GetWidgetsOutputArgs, opts?: LookupOptions): pulumi.Output<GetWidgetsResult>",
      );
    });

    it("type-checks, and typed usage works", () => {
      const usage = `${text}
const w = new Widget("w", { name: "a", owner: "o@x.io", region: "us", tags: ["x"] });
const serial: pulumi.Output<string> = w.serial;
const names: Promise<string[]> = getWidgets({ region: "eu" }).then((r) => r.names);
void serial; void names;
// @ts-expect-error region is an enum
new Widget("bad", { name: "a", owner: "o@x.io", region: "mars" });
// @ts-expect-error owner is required
new Widget("bad2", { name: "a" });
`;
      expect(typeErrors(usage)).toEqual([]);
    });
  });

  it("refuses a field name the front-end reserves", () => {
    const kind = {
      ...require(FIXTURE_REGISTRY).kinds[0],
      fields: { connection: { type: "string", optional: true, description: "x" } },
    };
    expect(() => gen.render({ kinds: [kind], lookups: [] })).toThrow(
      'Widget.connection: "connection" is reserved by the Pulumi front-end',
    );
  });
});
