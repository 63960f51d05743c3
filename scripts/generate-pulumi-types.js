#!/usr/bin/env node
/**
 * Generates src/pulumi/generated.ts — one typed Pulumi class per registered resource kind and one pair of
 * functions per lookup — from the resource schemas, with their descriptions as doc comments.
 *
 *   npx tsc -p tsconfig.build.json && node scripts/generate-pulumi-types.js
 *
 * It reads the *built* registry (dist/resources). test/pulumi/codegen.test.ts renders the same file from
 * the source registry and fails when the checked-in copy is stale.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const OUT = path.join(__dirname, "..", "src", "pulumi", "generated.ts");
const RESERVED = new Set(["id", "urn", "connection", "adopt"]);

const isInput = (f) => !!(f.required || f.optional);

function scalar(t, f) {
  if (t === "string") return f && f.enum ? f.enum.map((e) => JSON.stringify(e)).join(" | ") : "string";
  if (t === "number") return "number";
  if (t === "bool") return "boolean";
  throw new Error(`unknown scalar type ${JSON.stringify(t)}`);
}

/** Plain TypeScript type (outputs, lookup results, lookup args). `f` carries enums for string elements. */
function plainType(t, f) {
  if (typeof t === "string") return scalar(t, f);
  if ("list" in t || "set" in t) return `${wrap(plainType(t.list ?? t.set, f))}[]`;
  if ("map" in t) return `Record<string, ${plainType(t.map)}>`;
  return objectType(
    t.object,
    (g) => plainType(g.type, g),
    (g) => isInput(g) && !g.required,
  );
}

/** Input type: every level accepts an Output, like Pulumi's generated SDKs. */
function inputType(t, f) {
  if (typeof t === "string") return `pulumi.Input<${scalar(t, f)}>`;
  if ("list" in t || "set" in t) return `pulumi.Input<${inputType(t.list ?? t.set, f)}[]>`;
  if ("map" in t) return `pulumi.Input<Record<string, ${inputType(t.map)}>>`;
  return `pulumi.Input<${objectType(
    t.object,
    (g) => inputType(g.type, g),
    (g) => !g.required,
    (g) => isInput(g),
  )}>`;
}

function wrap(s) {
  return /[ |]/.test(s) && !s.startsWith("{") && !s.startsWith("Record<") ? `(${s})` : s;
}

function objectType(fields, typeOf, optional, include = () => true) {
  const lines = Object.entries(fields)
    .filter(([, g]) => include(g))
    .map(([k, g]) => `${doc(g, "  ")}  ${k}${optional(g) ? "?" : ""}: ${typeOf(g)};`);
  return `{\n${lines.join("\n")}\n}`;
}

function comment(text) {
  return String(text).replace(/\*\//g, "*\\/");
}

/** Doc comment for a field: its description, then what a change does, defaults, secrecy, references. */
function doc(f, indent, kindName) {
  const notes = [];
  if (f.enum) notes.push(`One of ${f.enum.map((e) => `\`${JSON.stringify(e)}\``).join(", ")}.`);
  if (f.default !== undefined) notes.push(`Default: \`${JSON.stringify(f.default)}\`.`);
  if (f.ref) notes.push(`The id of a {@link ${f.ref}}.`);
  if (isInput(f) && kindName) {
    if (f.onChange === "replace") notes.push(`Changing it replaces the ${kindName}.`);
    if (f.onChange === "reject") notes.push(`Spot cannot change it after creation. ${f.rejectHint ?? ""}`.trim());
  }
  if (!isInput(f)) notes.push("Set by Spot.");
  else if (f.computed) notes.push("Spot fills it in when not given.");
  if (f.local) notes.push("A spot-iac setting: never sent to Spot.");
  if (f.secret) notes.push("Secret: kept encrypted in Pulumi state and shown as [secret].");
  const body = [comment(f.description), ...(notes.length ? ["", comment(notes.join(" "))] : [])];
  return `${indent}/**\n${body.map((l) => `${indent} *${l ? " " + l : ""}`).join("\n")}\n${indent} */\n`;
}

function checkNames(owner, fields) {
  for (const k of Object.keys(fields)) {
    if (RESERVED.has(k)) throw new Error(`${owner}.${k}: "${k}" is reserved by the Pulumi front-end; rename the field`);
  }
}

function renderKind(kind) {
  checkNames(kind.name, kind.fields);
  const n = kind.name;
  const inputs = Object.entries(kind.fields).filter(([, f]) => isInput(f));
  const args = inputs.map(([k, f]) => `${doc(f, "  ", n)}  ${k}${f.required ? "" : "?"}: ${inputType(f.type, f)};`);
  const outs = Object.entries(kind.fields).map(([k, f]) => {
    // Stable outputs (ids, creation time) exist from creation on: no `| undefined` for them.
    const always = f.required || f.computed || f.stable || (f.default !== undefined && isInput(f));
    return `${doc(f, "  ", n)}  declare readonly ${k}: pulumi.Output<${plainType(f.type, f)}${always ? "" : " | undefined"}>;`;
  });
  const adoptNote = `Adopt an existing one: \`adopt: true\` finds it by ${kind.naturalKey.join(", ") || "its natural key"}; \`adopt: "${kind.importId.example}"\` names it (${kind.importId.format}).`;
  return `
/** Arguments of {@link ${n}}. */
export interface ${n}Args extends SpotResourceArgs {
${args.join("\n")}
}

/**
 * ${comment(kind.description)}
 *
 * ${comment(adoptNote)}${kind.irreversibleDelete ? `\n *\n * Deleting ${/^[AEIOU]/.test(n) ? "an" : "a"} ${n} cannot be undone: it is refused unless \`allowDeletion\` is true in state.` : ""}
 */
export class ${n} extends SpotResource {
${outs.join("\n")}

  constructor(name: string, args: ${n}Args, opts?: SpotResourceOptions) {
    super(${JSON.stringify(n)}, name, args, opts);
  }

  /** Reads an existing ${n} by id without managing it (refreshed on every run, never changed or deleted). */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: SpotResourceOptions & { connection?: Connection }): ${n} {
    const { connection, ...rest } = opts ?? {};
    return new ${n}(name, { connection } as ${n}Args, { ...rest, id });
  }
}
`;
}

function renderLookup(l) {
  checkNames(`get${l.name}`, l.args);
  const fn = `get${l.name}`;
  const T = l.name.charAt(0).toUpperCase() + l.name.slice(1);
  const argList = Object.entries(l.args).filter(([, f]) => isInput(f));
  const optionalArgs = argList.every(([, f]) => !f.required);
  const plainArgs = argList.map(([k, f]) => `${doc(f, "  ")}  ${k}${f.required ? "" : "?"}: ${plainType(f.type, f)};`);
  const inArgs = argList.map(([k, f]) => `${doc(f, "  ")}  ${k}${f.required ? "" : "?"}: ${inputType(f.type, f)};`);
  const result = Object.entries(l.result).map(
    ([k, f]) => `${doc(f, "  ")}  ${k}${f.required || f.computed ? "" : "?"}: ${plainType(f.type, f)};`,
  );
  const q = optionalArgs ? "?" : "";
  // A lookup without arguments still gets both names, as an empty object type.
  const argsType = (name, lines) =>
    lines.length
      ? `export interface ${name} {\n${lines.join("\n")}\n}`
      : `export type ${name} = Record<string, never>;`;
  return `
/** Arguments of {@link ${fn}}. */
${argsType(`Get${T}Args`, plainArgs)}

/** Arguments of {@link ${fn}Output}. */
${argsType(`Get${T}OutputArgs`, inArgs)}

/** Result of {@link ${fn}}. */
export interface Get${T}Result {
${result.join("\n")}
}

/** ${comment(l.description)} */
export function ${fn}(args${q}: Get${T}Args, opts?: LookupOptions): Promise<Get${T}Result> {
  return invokeLookup<Get${T}Result>(${JSON.stringify(l.name)}, args, opts);
}

/** ${comment(l.description)} Takes Outputs as arguments and returns an Output. */
export function ${fn}Output(args${q}: Get${T}OutputArgs, opts?: LookupOptions): pulumi.Output<Get${T}Result> {
  return invokeLookupOutput<Get${T}Result>(${JSON.stringify(l.name)}, args, opts);
}
`;
}

/** The file's text before formatting. */
function render({ kinds, lookups }) {
  const imports = [];
  if (kinds.length || lookups.length) imports.push(`import type * as pulumi from "@pulumi/pulumi";`);
  if (kinds.length) {
    imports.push(`import { SpotResource } from "./resource";`);
    imports.push(`import type { Connection, SpotResourceArgs, SpotResourceOptions } from "./resource";`);
  }
  if (lookups.length) {
    imports.push(`import { invokeLookup, invokeLookupOutput } from "./lookups";`);
    imports.push(`import type { LookupOptions } from "./lookups";`);
  }
  const header = `// Generated by scripts/generate-pulumi-types.js from the resource schemas in src/resources. Do not edit:
// change the schema and run \`npx tsc -p tsconfig.build.json && node scripts/generate-pulumi-types.js\`.
`;
  const body = [...kinds.map(renderKind), ...lookups.map(renderLookup)].join("");
  return `${header}${imports.join("\n")}\n${body || "\nexport {};\n"}`;
}

/**
 * The file's text, formatted with the project's prettier settings. Prettier runs in a child process: its
 * API loads plugins with a dynamic import(), which jest's module sandbox cannot do.
 */
async function generate(registry) {
  const bin = require.resolve("prettier/bin/prettier.cjs");
  const r = spawnSync(process.execPath, [bin, "--stdin-filepath", OUT], { input: render(registry), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`prettier failed: ${r.stderr}`);
  return r.stdout;
}

async function main() {
  const registry = require(path.join(__dirname, "..", "dist", "resources"));
  const text = await generate(registry);
  fs.writeFileSync(OUT, text);
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), OUT)}: ${registry.kinds.length} resource classes, ${registry.lookups.length} lookups\n`,
  );
}

module.exports = { render, generate, OUT };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`generate-pulumi-types: ${e.message}\n`);
    process.exitCode = 1;
  });
}
