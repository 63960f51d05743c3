/**
 * The JSON Schema of the GitOps file, generated from the resource registry (through the layout rules).
 * Editors validate the file with it, and the loader validates with it before anything else. Cross-object
 * rules (references, duplicate names, "exactly one of passwordEnv / passwordFile") are checked after it.
 */
import type { FieldType, ResourceKind } from "../../core";
import type { FileField, KindLayout } from "./layout";
import { buildLayouts, childrenOf, secretKeys, sections } from "./layout";

export const FILE_VERSION = 1;
export const SCHEMA_ID = "https://spot-iac.dev/schemas/spot-iac.schema.json";

type Json = Record<string, any>;

/** Keys of an organization entry that are not sections. */
export const ORG_KEYS = ["name", "tokenEnv", "baseUrl", "prune"] as const;

export const ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";

function scalar(t: "string" | "number" | "bool", f?: FileField): Json {
  const s: Json = { type: t === "bool" ? "boolean" : t };
  if (t === "string" && f?.def.enum) s.enum = [...f.def.enum];
  return s;
}

function refSchema(kindName: string): Json {
  return {
    anyOf: [
      {
        type: "string",
        minLength: 1,
        description: `Name of ${/^[AEIOU]/.test(kindName) ? "an" : "a"} ${kindName} declared in this organization ("*" for all).`,
      },
      {
        type: "object",
        properties: {
          id: {
            type: "string",
            minLength: 1,
            description: `Id of ${/^[AEIOU]/.test(kindName) ? "an" : "a"} ${kindName} this file does not manage.`,
          },
        },
        required: ["id"],
        additionalProperties: false,
      },
    ],
    "x-ref": kindName,
  };
}

function typeSchema(t: FieldType, f: FileField): Json {
  if (typeof t === "string") return f.mode === "ref" ? refSchema(f.def.ref!) : scalar(t, f);
  if ("list" in t) return { type: "array", items: typeSchema(t.list, f) };
  if ("set" in t) return { type: "array", items: typeSchema(t.set, f) };
  if ("map" in t) return { type: "object", additionalProperties: typeSchema(t.map, f) };
  return objectSchema(f.nested ?? [], undefined);
}

function describe(f: FileField): string {
  return f.def.description.trim();
}

/** Properties for a list of file fields, plus the keys that are required. */
function objectSchema(fields: FileField[], extra: Record<string, Json> | undefined): Json {
  const properties: Record<string, Json> = {};
  const required: string[] = [];
  for (const f of fields) {
    if (f.mode === "secret") {
      const k = secretKeys(f);
      properties[k.env] = {
        type: "string",
        pattern: ENV_NAME_PATTERN,
        description: `Environment variable holding the secret ${f.field}, matching the pipeline's --secret-env-pattern (default SPOT_SECRET_*): ${describe(f)}`,
      };
      properties[k.file] = {
        type: "string",
        minLength: 1,
        description: `File holding the secret ${f.field}, relative to this file and inside its repository (at most 64 KiB): ${describe(f)}`,
      };
      continue;
    }
    if (f.mode === "secretOut") {
      properties[f.key + "File"] = {
        type: "string",
        minLength: 1,
        description: `File spot-iac writes the ${f.field} to when Spot returns it (mode 0600), relative to this file and inside its repository: ${describe(f)}`,
      };
      continue;
    }
    const s = typeSchema(f.def.type, f);
    s.description = describe(f);
    if (f.def.default !== undefined) s.default = f.def.default;
    properties[f.key] = s;
    if (f.def.required && f.def.default === undefined) required.push(f.key);
  }
  Object.assign(properties, extra ?? {});
  const out: Json = { type: "object", properties, additionalProperties: false };
  if (required.length) out.required = required;
  return out;
}

function kindSchema(layouts: KindLayout[], l: KindLayout): Json {
  const extra: Record<string, Json> = {};
  // A nested kind is identified by its parent: only top-level declarations can pin an id.
  if (!l.parent)
    extra.id = {
      type: "string",
      pattern: "^\\S+$",
      description:
        `The Spot id of the existing ${l.kind.name} this declaration manages (e.g. ${l.kind.importId.example}). ` +
        "Optional: without it the object is found by its natural key, and renaming it in the file creates a new one; " +
        "with it, a rename is an update in place.",
    };
  for (const child of childrenOf(layouts, l.kind.name)) {
    extra[child.key] = { ...kindSchema(layouts, child), description: `${child.kind.name}: ${child.kind.description}` };
  }
  const s = objectSchema(l.fields, extra);
  s.description = `${l.kind.name}: ${l.kind.description}`;
  return s;
}

export function pruneSchema(layouts: KindLayout[]): Json {
  return {
    description:
      "Delete live objects this organization's file does not declare: true for every section except kinds whose deletion is irreversible (accounts), or the list of sections to prune.",
    default: false,
    anyOf: [
      { type: "boolean" },
      sections(layouts).length
        ? { type: "array", items: { type: "string", enum: sections(layouts).map((l) => l.key) }, uniqueItems: true }
        : { type: "array", maxItems: 0 },
    ],
  };
}

export function buildJsonSchema(kinds: readonly ResourceKind[]): Json {
  const layouts = buildLayouts(kinds);
  const defs: Record<string, Json> = {};
  const sectionProps: Record<string, Json> = {};
  for (const l of sections(layouts)) {
    defs[l.kind.name] = kindSchema(layouts, l);
    sectionProps[l.key] = {
      type: "array",
      items: { $ref: `#/definitions/${l.kind.name}` },
      description: `${l.kind.name} objects.`,
    };
  }
  const organization: Json = {
    type: "object",
    description: "One Spot organization, reached with its own token.",
    properties: {
      name: {
        type: "string",
        minLength: 1,
        description: "Label of the organization in output, the journal and errors.",
      },
      tokenEnv: {
        type: "string",
        pattern: ENV_NAME_PATTERN,
        description:
          "Optional: the environment variable holding this organization's Spot token. The pipeline decides it (--token-env-pattern, default SPOT_TOKEN_<NAME upper-cased, other characters as _>); written here it must be that name.",
      },
      baseUrl: {
        type: "string",
        pattern: "^https?://",
        description:
          "Optional: the Spot API base URL, accepted only when the pipeline allows it (--allow-base-url); by default the pipeline's (--base-url, SPOTINST_BASE_URL, then https://api.spotinst.io).",
      },
      prune: pruneSchema(layouts),
      ...sectionProps,
    },
    required: ["name"],
    additionalProperties: false,
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: SCHEMA_ID,
    title: "spot-iac GitOps file",
    description:
      "Spot organizations, accounts, connections, users and policies reconciled by `spot-iac plan|apply|drift`.",
    type: "object",
    properties: {
      version: { const: FILE_VERSION, description: "File format version." },
      organizations: { type: "array", items: { $ref: "#/definitions/Organization" }, minItems: 1 },
    },
    required: ["version", "organizations"],
    additionalProperties: false,
    definitions: { Organization: organization, ...defs },
  };
}

/** The schema file's exact text (what scripts/gitops-schema.js writes and the staleness test compares). */
export function schemaText(kinds: readonly ResourceKind[]): string {
  return JSON.stringify(buildJsonSchema(kinds), null, 2) + "\n";
}
