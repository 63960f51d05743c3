/**
 * The committed L1 bindings (constructs/generated) are what @cdktf/provider-generator makes of the provider's
 * current schema: regenerate in memory from the source registry and compare byte for byte. Also: the output
 * is reproducible, the script's --check mode catches a stale tree, and attribute names that collide with
 * Terraform meta-arguments are handled.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { schemaDocument } from "../../src/terraform/install";

const gen = require("../../scripts/generate-constructs.js") as {
  render(doc: unknown): Promise<Record<string, Buffer>>;
  compare(files: Record<string, Buffer>, dir: string): string[];
  write(files: Record<string, Buffer>, dir: string): void;
  PROVIDER_FQN: string;
  SCHEMA_FILE: string;
  DEFAULT_OUT: string;
};

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "generate-constructs.js");

let files: Record<string, Buffer>;
beforeAll(async () => {
  files = await gen.render(schemaDocument());
});

describe("constructs/generated", () => {
  it("is up to date with the provider schema (else: npm run generate:constructs)", () => {
    expect(gen.compare(files, gen.DEFAULT_OUT)).toEqual([]);
  });

  it("holds a binding for every resource and data source, and the schema it came from", () => {
    const doc = schemaDocument() as any;
    const p = doc.provider_schemas[gen.PROVIDER_FQN];
    expect(JSON.parse(files[gen.SCHEMA_FILE].toString())).toEqual({
      format_version: doc.format_version,
      provider_schemas: { [gen.PROVIDER_FQN]: p },
    });
    const index = files["providers/spot/index.ts"].toString();
    for (const type of Object.keys(p.resource_schemas)) {
      const dir = type.replace(/^spot_/, "").replace(/_/g, "-");
      expect(files[`providers/spot/${dir}/index.ts`]?.toString()).toContain(`tfResourceType = "${type}"`);
      expect(index).toContain(`from './${dir}'`);
    }
    for (const type of Object.keys(p.data_source_schemas)) {
      const dir = `data-${type.replace(/_/g, "-")}`;
      expect(files[`providers/spot/${dir}/index.ts`]?.toString()).toContain(`tfResourceType = "${type}"`);
    }
    expect(files["providers/spot/provider/index.ts"].toString()).toContain("terraformProviderSource: 'spot-iac/spot'");
  });

  it("is reproducible: the same schema renders byte-identical files, with no timestamp", async () => {
    const again = await gen.render(schemaDocument());
    expect(Object.keys(again).sort()).toEqual(Object.keys(files).sort());
    for (const p of Object.keys(files)) expect(again[p].equals(files[p])).toBe(true);
    for (const [p, b] of Object.entries(files)) {
      if (p === gen.SCHEMA_FILE) continue;
      expect(b.toString()).not.toMatch(/generated (at|on) \d{4}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/);
    }
  });
});

describe("scripts/generate-constructs.js", () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-constructs-test-"))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env } });

  it("--check passes on the committed tree and fails, listing the files, on a stale one", () => {
    const ok = run("--check");
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/constructs\/generated is up to date \(\d+ files\)/);
    expect(ok.status).toBe(0);

    const out = path.join(tmp, "stale");
    gen.write(files, out);
    fs.appendFileSync(path.join(out, "providers", "spot", "account", "index.ts"), "// edited\n");
    fs.rmSync(path.join(out, "providers", "spot", "user", "index.ts"));
    fs.writeFileSync(path.join(out, "providers", "spot", "leftover.ts"), "");
    const stale = run("--check", "--out", out);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("changed providers/spot/account/index.ts");
    expect(stale.stderr).toContain("missing providers/spot/user/index.ts");
    expect(stale.stderr).toContain("extra providers/spot/leftover.ts");
    expect(stale.stderr).toContain("npm run generate:constructs");
  });

  it("writes a tree (removing stale files) from a schema file", () => {
    const schema = path.join(tmp, "schema.json");
    fs.writeFileSync(schema, JSON.stringify(schemaDocument()));
    const out = path.join(tmp, "fresh");
    fs.mkdirSync(path.join(out, "providers", "spot", "gone"), { recursive: true });
    fs.writeFileSync(path.join(out, "providers", "spot", "gone", "index.ts"), "");
    const r = run("--schema", schema, "--out", out);
    expect(r.status).toBe(0);
    expect(gen.compare(files, out)).toEqual([]);
  });

  it("refuses a schema document without the spot provider", () => {
    const schema = path.join(tmp, "other.json");
    fs.writeFileSync(
      schema,
      JSON.stringify({ format_version: "1.0", provider_schemas: { "registry.terraform.io/x/y": {} } }),
    );
    const r = run("--schema", schema, "--out", path.join(tmp, "never"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no provider "registry.terraform.io\/spot-iac\/spot".*spot-iac terraform schema/);
  });
});

describe("attribute names that are Terraform meta-arguments", () => {
  const doc = (attrs: Record<string, unknown>, kind: "resource_schemas" | "data_source_schemas") => ({
    format_version: "1.0",
    provider_schemas: {
      [gen.PROVIDER_FQN]: {
        provider: { version: 0, block: { attributes: {} } },
        [kind]: {
          spot_thing: { version: 0, block: { attributes: { id: { type: "string", computed: true }, ...attrs } } },
        },
      },
    },
  });

  it("refuses a computed one: the generated getter would shadow the meta-argument", async () => {
    await expect(gen.render(doc({ count: { type: "number", computed: true } }, "data_source_schemas"))).rejects.toThrow(
      /data source spot_thing: the attribute "count" is a Terraform meta-argument name; rename the field/,
    );
  });

  it("refuses an input one: it cannot be set from CDKTF or HCL", async () => {
    await expect(gen.render(doc({ count: { type: "number", optional: true } }, "resource_schemas"))).rejects.toThrow(
      /resource spot_thing: the attribute "count" is a Terraform meta-argument name; rename the field/,
    );
  });
});
