/**
 * docs/reference/ is generated from the resource schemas by scripts/generate-reference.js. These tests render the
 * pages in-process from the sources (no build, no writing) and compare them with the checked-in files, and check
 * that the examples the pages show are inputs the engine accepts.
 */
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import * as core from "../../src/core";
import * as layout from "../../src/cli/gitops/layout";
import { SourceFile } from "../../src/cli/gitops/loader";
import { buildSpotFile } from "../../src/cli/gitops/validate";
import { kinds, lookups } from "../../src/resources";
import * as terraform from "../../src/terraform/schema";

const gen = require("../../scripts/generate-reference.js");

const registry = { kinds, lookups, core, layout, terraform };
const ROOT = path.join(__dirname, "..", "..");

/** The code block under `### <heading>` of a page. */
function example(page: string, heading: string, lang: string): string | undefined {
  const m = new RegExp("### " + heading + "\\n(?:[^#`][^\\n]*\\n|\\n)*```" + lang + "\\n([\\s\\S]*?)```").exec(page);
  return m?.[1];
}

/** Type errors of TypeScript files that stand in test/docs (so `../../src` resolves), by file name. */
function typeErrors(files: Record<string, string>): string[] {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const virtual = new Map(Object.entries(files).map(([n, t]) => [path.join(__dirname, n), t]));
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const text = virtual.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists(name);
  const program = ts.createProgram([...virtual.keys()], { ...options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && virtual.has(path.resolve(d.file.fileName)))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

let gcpKeyFile: string | undefined;

/** Secret values for the samples' secret inputs (the pages show them as configuration, variables, env names). */
function secretValue(field: string): string {
  if (field !== "serviceAccountKey") return "Example-secret-4f1c9d2e!";
  return (gcpKeyFile ??= JSON.stringify({
    type: "service_account",
    project_id: "my-project-123",
    private_key_id: "0123456789abcdef0123456789abcdef01234567",
    private_key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }),
    client_email: "spot@my-project-123.iam.gserviceaccount.com",
    client_id: "123456789012345678901",
  }));
}

describe("docs/reference", () => {
  let pages: Record<string, string>;
  beforeAll(async () => {
    pages = await gen.render(registry);
  });

  it(`is current (run \`${gen.REGENERATE}\` after changing a schema)`, () => {
    const d = gen.compare(pages, gen.OUT_DIR);
    if (!d.ok) throw new Error(gen.describeDiff(d, gen.OUT_DIR));
  });

  it("has a page per kind and per lookup, and an index linking each", () => {
    const index = pages["README.md"];
    for (const k of kinds) {
      const page = `resources/${core.snakeCase(k.name).replace(/_/g, "-")}.md`;
      expect(pages[page]).toContain(`# ${k.name}\n`);
      expect(index).toContain(`(${page})`);
    }
    for (const l of lookups) {
      const page = `lookups/${core.snakeCase(l.name).replace(/_/g, "-")}.md`;
      expect(pages[page]).toContain(`# ${l.name} (lookup)\n`);
      expect(index).toContain(`(${page})`);
    }
  });

  it("is deterministic", async () => {
    expect(await gen.render(registry)).toEqual(pages);
  });

  it("reports missing, stale and extra pages", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-refdocs-"));
    try {
      gen.write(pages, dir);
      expect(gen.compare(pages, dir).ok).toBe(true);
      fs.rmSync(path.join(dir, "resources", "account.md"));
      fs.writeFileSync(path.join(dir, "README.md"), "old\n");
      fs.writeFileSync(path.join(dir, "lookups", "gone.md"), "old\n");
      const d = gen.compare(pages, dir);
      expect(d).toMatchObject({
        ok: false,
        missing: ["resources/account.md"],
        stale: ["README.md"],
        extra: ["lookups/gone.md"],
      });
      expect(gen.describeDiff(d, dir)).toContain(gen.REGENERATE);
      gen.write(pages, dir);
      expect(gen.compare(pages, dir).ok).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(kinds.map((k) => [k.name, k] as const))("the %s example passes the kind's own checks", (_name, kind) => {
    const inputs = gen.sampleInputs(registry, kind.name, secretValue);
    const { failures } = core.checkInputs(kind.fields, inputs, { check: kind.check?.bind(kind) });
    expect(failures).toEqual([]);
  });

  it.each(lookups.map((l) => [l.name, l] as const))("the %s lookup example passes the schema's checks", (_name, l) => {
    const { failures } = core.checkInputs(l.args, gen.lookupSample(l).args);
    expect(failures).toEqual([]);
  });

  // One TypeScript program over src and @pulumi/pulumi: slow on a loaded machine.
  it("the Pulumi examples type-check against the generated classes", () => {
    const files: Record<string, string> = {};
    for (const [rel, text] of Object.entries(pages)) {
      const code = example(text, "Pulumi \\(TypeScript\\)", "ts");
      if (code) files[`__example_${rel.replace(/\W/g, "_")}.ts`] = code.replace(/from "spot-iac"/g, 'from "../../src"');
    }
    expect(Object.keys(files)).toHaveLength(kinds.length + lookups.length);
    expect(typeErrors(files)).toEqual([]);
  }, 180_000);

  it("the Terraform examples name only attributes of the provider's schema", () => {
    const schemas = terraform.buildSchemas(kinds, lookups);
    const problems: string[] = [];
    let checked = 0;
    for (const [rel, text] of Object.entries(pages)) {
      if (rel === "README.md") continue;
      const hcl = example(text, "Terraform", "hcl");
      expect(hcl).toBeDefined();
      for (const m of hcl!.matchAll(/^(resource|data) "(\w+)" "\w+" \{\n([\s\S]*?)^\}/gm)) {
        const s = m[1] === "resource" ? schemas.resources.get(m[2]) : schemas.dataSources.get(m[2]);
        if (!s) problems.push(`${rel}: no ${m[1]} ${m[2]}`);
        for (const [, name] of m[3].matchAll(/^ {2}(\w+)\s*=/gm)) {
          checked++;
          if (!s?.attrs.some((a) => a.name === name && (a.required || a.optional)))
            problems.push(`${rel}: ${m[2]}.${name} is not an argument`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(kinds.length * 2);
  });

  it("the GitOps examples load: schema, names, references and the engine's checks", () => {
    // Every secret the examples name by environment variable, with a value the kinds accept.
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      // Only the names a file may read (tokens, secrets): the pipeline's own settings (base URLs) stay unset.
      get: (_t, name) =>
        typeof name !== "string" || !/^SPOT_(TOKEN|SECRET)_/.test(name)
          ? undefined
          : name.endsWith("SERVICE_ACCOUNT_KEY")
            ? secretValue("serviceAccountKey")
            : secretValue(name),
    });
    let n = 0;
    for (const [rel, text] of Object.entries(pages)) {
      const yaml = example(text, "GitOps file", "yaml");
      if (!yaml) continue;
      n++;
      const file = buildSpotFile(new SourceFile(path.join(ROOT, "docs", "reference", rel + ".yaml"), yaml), {
        kinds,
        env,
        readSecrets: true,
        requireTokens: true,
      });
      const kind = kinds.find((k) => text.includes(`\n# ${k.name}\n`))!;
      expect(file.orgs[0].objects.map((d) => d.kind.name)).toContain(kind.name);
    }
    expect(n).toBe(kinds.length - 1); // Organization is the file's organization entry, not a declaration
  });
});
