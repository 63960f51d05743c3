#!/usr/bin/env node
/**
 * Generates the CDKTF L1 bindings in constructs/generated/ from the Terraform provider's own schema — the
 * document `spot-iac terraform schema` prints, computed here from the source registry (src/resources), so
 * neither Terraform, `cdktf get` nor a build is needed.
 *
 *   node scripts/generate-constructs.js            # rewrite constructs/generated/
 *   node scripts/generate-constructs.js --check    # exit 1 when the committed bindings are stale
 *   node scripts/generate-constructs.js --schema schema.json [--out DIR]
 *
 * Output is reproducible: the same schema gives byte-identical files (the generator writes no timestamps;
 * files are listed and compared in sorted order). test/cdktf/generated.test.ts runs the same check.
 */
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_OUT = path.join(ROOT, "constructs", "generated");
/** The provider schema the bindings were generated from, committed beside them so a review sees the input. */
const SCHEMA_FILE = "provider-schema.json";
const PROVIDER_FQN = "registry.terraform.io/spot-iac/spot";
const PROVIDER_SOURCE = "spot-iac/spot";

/**
 * Load a TypeScript module of this repository without a build. Under jest (ts-jest) `.ts` is already
 * handled; from the command line a transpile-only hook is enough because the sources are isolatedModules.
 */
function requireSource(rel) {
  if (!require.extensions[".ts"]) {
    const ts = require("typescript");
    require.extensions[".ts"] = (m, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
        fileName: filename,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          resolveJsonModule: true,
        },
      });
      m._compile(out.outputText, filename);
    };
  }
  return require(path.join(ROOT, rel));
}

/** The `terraform providers schema -json` document of the provider, from the source registry. */
function sourceSchemaDocument() {
  return requireSource("src/terraform/install.ts").schemaDocument();
}

function loadGenerator() {
  // @cdktf/commons (loaded by the generator) reports to HashiCorp's checkpoint service and runs
  // `terraform version` when it is imported; neither is needed to generate code from a schema.
  const saved = {
    CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE,
    TERRAFORM_BINARY_NAME: process.env.TERRAFORM_BINARY_NAME,
  };
  process.env.CHECKPOINT_DISABLE = "1";
  process.env.TERRAFORM_BINARY_NAME = path.join(os.tmpdir(), "spot-iac-no-terraform-needed");
  try {
    return require("@cdktf/provider-generator");
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Every file under dir as { "relative/path": Buffer }, paths with forward slashes. */
function readTree(dir) {
  const files = {};
  const walk = (d, rel) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else if (e.isFile()) files[r] = fs.readFileSync(path.join(d, e.name));
    }
  };
  walk(dir, "");
  return files;
}

/**
 * Terraform meta-arguments, which CDKTF's resource and data source classes already declare as properties
 * (TerraformMetaArguments). An attribute of that name cannot be set in HCL, and the generator would emit a
 * getter over the base class's property (tsc: TS2611), so the resource schema must not use these names.
 */
const META_ARGUMENTS = ["count", "for_each", "depends_on", "provider", "lifecycle", "provisioners", "connection"];

function refuseMetaArguments(provider) {
  const blocks = [
    ...Object.entries(provider.resource_schemas || {}).map(([t, s]) => ["resource", t, s]),
    ...Object.entries(provider.data_source_schemas || {}).map(([t, s]) => ["data source", t, s]),
  ];
  for (const [what, type, schema] of blocks)
    for (const name of Object.keys(schema.block.attributes || {}))
      if (META_ARGUMENTS.includes(name))
        throw new Error(
          `${what} ${type}: the attribute "${name}" is a Terraform meta-argument name; rename the field in its ` +
            "resource schema (src/resources)",
        );
}

/**
 * Render the bindings for a schema document into memory: { "providers/spot/account/index.ts": Buffer, … }.
 * The generator only writes to disk, so it writes into a private temporary directory that is then read back.
 */
async function render(schemaDoc) {
  const provider = schemaDoc.provider_schemas && schemaDoc.provider_schemas[PROVIDER_FQN];
  if (!provider)
    throw new Error(
      `the schema document has no provider "${PROVIDER_FQN}" (keys: ${Object.keys(schemaDoc.provider_schemas || {}).join(", ") || "none"}); ` +
        "pass the output of `spot-iac terraform schema`",
    );
  // Only this provider, without provider_versions: the bindings then carry no version, so a release bump
  // does not churn every generated file, and required_providers pins nothing (the mirror decides).
  const input = { format_version: schemaDoc.format_version, provider_schemas: { [PROVIDER_FQN]: provider } };
  // The generator adds to the document it is given (e.g. the provider's `alias`): it gets its own copy, and
  // the committed copy is the schema exactly as the provider reports it.
  refuseMetaArguments(provider);
  const schemaText = JSON.stringify(input, null, 2) + "\n";
  const { TerraformProviderGenerator, CodeMaker } = loadGenerator();
  const { ConstructsMakerProviderTarget, TerraformProviderConstraint, LANGUAGES } = require("@cdktf/commons");
  const code = new CodeMaker();
  const gen = new TerraformProviderGenerator(code, JSON.parse(schemaText));
  gen.generate(
    new ConstructsMakerProviderTarget(
      new TerraformProviderConstraint({ name: "spot", source: PROVIDER_SOURCE }),
      LANGUAGES[0],
    ),
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spot-constructs-"));
  try {
    await gen.save(tmp);
    const files = readTree(tmp);
    files[SCHEMA_FILE] = Buffer.from(schemaText);
    return files;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Paths that differ between the rendered files and a directory: missing, extra or changed. */
function compare(files, dir) {
  const existing = readTree(dir);
  const problems = [];
  for (const p of Object.keys(files).sort()) {
    if (!(p in existing)) problems.push(`missing ${p}`);
    else if (!existing[p].equals(files[p])) problems.push(`changed ${p}`);
  }
  for (const p of Object.keys(existing).sort()) if (!(p in files)) problems.push(`extra ${p}`);
  return problems;
}

/** Replace dir's contents with the rendered files (stale files of removed kinds disappear). */
function write(files, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const p of Object.keys(files).sort()) {
    const abs = path.join(dir, ...p.split("/"));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, files[p]);
  }
}

function parseArgs(argv) {
  const opts = { check: false, out: DEFAULT_OUT, schema: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--check") opts.check = true;
    else if (a === "--out") opts.out = path.resolve(argv[++i] ?? "");
    else if (a === "--schema") opts.schema = path.resolve(argv[++i] ?? "");
    else if (a === "-h" || a === "--help") opts.help = true;
    else throw new Error(`unknown argument "${a}" (use --check, --out DIR, --schema FILE)`);
  }
  return opts;
}

async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write("usage: node scripts/generate-constructs.js [--check] [--out DIR] [--schema FILE]\n");
    return 0;
  }
  const doc = opts.schema ? JSON.parse(fs.readFileSync(opts.schema, "utf8")) : sourceSchemaDocument();
  const files = await render(doc);
  const rel = path.relative(process.cwd(), opts.out) || ".";
  if (opts.check) {
    const problems = compare(files, opts.out);
    if (problems.length) {
      process.stderr.write(
        `${rel} is stale (${problems.length} file(s)):\n  ${problems.slice(0, 20).join("\n  ")}\n` +
          "Regenerate with `npm run generate:constructs` and commit the result.\n",
      );
      return 1;
    }
    process.stdout.write(`${rel} is up to date (${Object.keys(files).length} files)\n`);
    return 0;
  }
  write(files, opts.out);
  process.stdout.write(`wrote ${Object.keys(files).length} files to ${rel}\n`);
  return 0;
}

module.exports = {
  render,
  META_ARGUMENTS,
  compare,
  write,
  sourceSchemaDocument,
  PROVIDER_FQN,
  SCHEMA_FILE,
  DEFAULT_OUT,
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`generate-constructs: ${err && err.message ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
