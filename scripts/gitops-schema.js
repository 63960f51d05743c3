#!/usr/bin/env node
// Writes schemas/spot-iac.schema.json (the GitOps file's JSON Schema) from the resource registry in dist/.
// Usage: npx tsc -p tsconfig.build.json && node scripts/gitops-schema.js [--check]
const { readFileSync, writeFileSync, mkdirSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const { kinds } = require(join(root, "dist/resources"));
const { schemaText } = require(join(root, "dist/cli/gitops/schema"));
const target = join(root, "schemas/spot-iac.schema.json");
const text = schemaText(kinds);

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${target} is stale: run \`npx tsc -p tsconfig.build.json && node scripts/gitops-schema.js\``);
    process.exit(1);
  }
  console.log(`${target} is up to date (${kinds.length} resource kinds)`);
} else {
  mkdirSync(join(root, "schemas"), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target} (${kinds.length} resource kinds)`);
}
