import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { schemaText } from "../../src/cli/gitops/schema";
import { kinds } from "../../src/resources";

describe("schemas/spot-iac.schema.json", () => {
  it("is generated from the current resource registry (run scripts/gitops-schema.js when this fails)", () => {
    const committed = readFileSync(join(__dirname, "../../schemas/spot-iac.schema.json"), "utf8");
    // Not toEqual on the whole text: a one-line hint beats a 2,000-line diff.
    if (committed !== schemaText(kinds)) {
      throw new Error(
        "schemas/spot-iac.schema.json is stale: run `npx tsc -p tsconfig.build.json && node scripts/gitops-schema.js`",
      );
    }
  });

  it("is a valid draft-07 schema with a section per top-level kind", () => {
    const schema = JSON.parse(schemaText(kinds));
    const ajv = new Ajv({ strict: true });
    ajv.addKeyword("x-ref");
    expect(ajv.validateSchema(schema)).toBe(true);
    // The pipeline decides the token variable; the file may only repeat it.
    expect(schema.definitions.Organization.required).toEqual(["name"]);
    for (const k of kinds.filter((x) => x.name !== "Organization")) {
      expect(JSON.stringify(schema)).toContain(`"${k.name}: `);
    }
  });
});

describe("the validator the build compiles ahead of time (dist/, scripts/compile-file-validator.js)", () => {
  // jest runs the sources; `npm test` builds dist/ first, which is what the CLI loads.
  const built = join(__dirname, "../../dist/cli/gitops/file-validator.generated.js");

  it("matches the registry's schema, and reports what a runtime compile reports", () => {
    const { buildJsonSchema } = require("../../src/cli/gitops/schema");
    const { newAjv, schemaHash } = require("../../src/cli/gitops/validate");
    const m = require(built);
    const schema = buildJsonSchema(kinds);
    expect(m.schemaHash).toBe(schemaHash(schema));
    const runtime = newAjv().compile(schema);
    const bad = {
      version: 1,
      organizations: [{ name: "o", acounts: [], accounts: [{ nmae: "x" }], users: [{ email: 3 }] }],
    };
    expect(m.validate(bad)).toBe(false);
    expect(runtime(bad)).toBe(false);
    const shape = (errs: any[]) => errs.map((e) => [e.instancePath, e.keyword, e.message, e.params]);
    expect(shape(m.validate.errors)).toEqual(shape(runtime.errors!));
    expect(m.validate.errors.length).toBeGreaterThan(2);
  });
});
