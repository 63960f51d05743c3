/**
 * The Terraform schema, generated from the resource registry (src/resources): every kind becomes a
 * resource `spot_<snake_case name>`, every lookup a data source `spot_<snake_case name>`, every field an attribute
 * named `snakeCase(field)`.
 *
 * Objects are protocol-6 *nested attributes* (`nested_type`), not blocks: a field of type
 * `{object}` / `{list: {object}}` / `{set: {object}}` / `{map: {object}}` is a value in the engine
 * (it can be null, computed, or given whole from a variable), which is exactly a nested attribute;
 * blocks cannot be null-vs-empty, cannot be computed, and their inner optional attributes would be
 * lost in a plain `object` type. CDKTF's generator reads nested attributes too.
 *
 * Secrets (see docs/terraform.md):
 * - a secret *input* is write-only (Terraform 1.11+): it lives in configuration only and is null in
 *   plan and state. Its salted scrypt hash goes to the resource's private state, and a computed
 *   `<name>_version` attribute counts the values applied, so a changed secret shows as a planned change.
 * - a secret *output* (returned once, e.g. a programmatic user's token) is never stored in plain
 *   text: `<name>_public_key` (optional RSA public key, PEM) makes the provider store it sealed to that
 *   key in `encrypted_<name>`; without a key it is discarded with a warning.
 */
import type { Field, FieldType, Fields, Lookup, ResourceKind } from "../core";
import { DELETION_FIELD, isInput, snakeCase, tfNameOf } from "../core";
import type { TfType } from "./codec";

export const PROVIDER_ADDRESS = "registry.terraform.io/spot-iac/spot";
export const PROVIDER_NAME = "spot";
/** The schema version stamped on every resource's state; bump it with an UpgradeResourceState step. */
export const SCHEMA_VERSION = 0;

export type Nesting = "single" | "list" | "set" | "map";

export type AttrRole =
  /** The Spot id (computed). */
  | "id"
  /** One field of the kind's schema. */
  | "field"
  /** `<secret>_version`: counts applied values of a write-only secret input. */
  | "secretVersion"
  /** `encrypted_<secret>`: a secret output sealed to the user's public key. */
  | "sealed"
  /** `<secret>_public_key`: the key secret outputs are sealed to. */
  | "publicKey"
  /** Provider configuration or data source attribute. */
  | "plain";

export interface TfAttr {
  name: string;
  role: AttrRole;
  /** The engine field this attribute carries (role field) or belongs to (secretVersion, sealed, publicKey). */
  field?: string;
  def?: Field;
  /** The attribute's type (for nested attributes: the implied object/collection type). */
  type: TfType;
  nested?: { nesting: Nesting; attrs: TfAttr[] };
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  writeOnly?: boolean;
}

export interface TfBlockSchema {
  typeName: string;
  description: string;
  attrs: TfAttr[];
  /** The object type of the whole resource/data source value. */
  type: TfType;
}

export interface TfResourceSchema extends TfBlockSchema {
  kind: ResourceKind;
  byName: Map<string, TfAttr>;
  /** Top-level secret inputs (write-only), by engine field name. */
  secretInputs: string[];
  /** Top-level secret outputs (sealed), by engine field name. */
  secretOutputs: string[];
}

export interface TfDataSchema extends TfBlockSchema {
  lookup: Lookup;
}

export class SchemaError extends Error {}

function isObjectType(t: FieldType): t is { object: Fields } {
  return typeof t === "object" && "object" in t;
}

/** Plain type of a field type (objects inside collections of collections become cty objects). */
export function tfTypeOf(t: FieldType): TfType {
  if (typeof t === "string") return t;
  if ("list" in t) return ["list", tfTypeOf(t.list)];
  if ("set" in t) return ["set", tfTypeOf(t.set)];
  if ("map" in t) return ["map", tfTypeOf(t.map)];
  const attrs: Record<string, TfType> = {};
  for (const [k, f] of Object.entries(t.object)) attrs[snakeCase(k)] = tfTypeOf(f.type);
  return ["object", attrs];
}

/** Every field name of a schema, nested ones included: the words Terraform users see in snake_case. */
function fieldNames(fields: Fields, out = new Set<string>()): Set<string> {
  for (const [k, f] of Object.entries(fields)) {
    out.add(k);
    const t = f.type;
    const inner =
      typeof t === "object"
        ? "object" in t
          ? t.object
          : [("list" in t && t.list) || ("set" in t && t.set) || ("map" in t && t.map)].find(
              (e): e is { object: Fields } => typeof e === "object" && !!e && "object" in e,
            )?.object
        : undefined;
    if (inner) fieldNames(inner, out);
  }
  return out;
}

/**
 * Descriptions are written once, with the schema's camelCase field names; in Terraform's schema (and so in
 * `terraform providers schema`, CDKTF's JSDoc and the registry docs) those names read as the attributes are
 * spelled: `allowDeletion` → `allow_deletion`.
 */
function tfText(text: string, names: Set<string>): string {
  return text.replace(/\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b/g, (w) => (names.has(w) ? snakeCase(w) : w));
}

interface BuildCtx {
  /** Field names whose mentions in descriptions are spelled as Terraform attributes. */
  names: Set<string>;
  where: string;
  /** Inside a computed-only parent: every inner attribute is computed-only too. */
  outputOnly: boolean;
  topLevel: boolean;
  resource: boolean;
}

function flagsOf(f: Field, ctx: BuildCtx): Pick<TfAttr, "required" | "optional" | "computed"> {
  if (ctx.outputOnly || !isInput(f)) return { computed: true };
  if (f.required) return { required: true };
  // A default is applied by the engine when the user gives nothing, so Terraform must let the plan fill it.
  return { optional: true, ...(f.computed || f.default !== undefined ? { computed: true } : {}) };
}

function fieldAttr(key: string, f: Field, ctx: BuildCtx): TfAttr {
  const name = snakeCase(key);
  const where = `${ctx.where}.${key}`;
  const t = f.type;
  let nesting: Nesting | undefined;
  let inner: Fields | undefined;
  if (isObjectType(t)) [nesting, inner] = ["single", t.object];
  else if (typeof t === "object" && "list" in t && isObjectType(t.list)) [nesting, inner] = ["list", t.list.object];
  else if (typeof t === "object" && "set" in t && isObjectType(t.set)) [nesting, inner] = ["set", t.set.object];
  else if (typeof t === "object" && "map" in t && isObjectType(t.map)) [nesting, inner] = ["map", t.map.object];

  const flags = flagsOf(f, ctx);
  const attr: TfAttr = {
    name,
    role: "field",
    field: key,
    def: f,
    type: tfTypeOf(t),
    description: tfText(f.description, ctx.names),
    ...flags,
  };
  if (f.secret) {
    attr.sensitive = true;
    if (ctx.resource && isInput(f) && !ctx.outputOnly) {
      if (!ctx.topLevel)
        throw new SchemaError(
          `${where}: a secret input inside an object is not supported by the Terraform provider (write-only ` +
            `attributes are top-level here); make it a top-level field of the kind`,
        );
      if (typeof t === "object" && "set" in t)
        throw new SchemaError(`${where}: Terraform does not allow write-only set attributes; use a list`);
      // Write-only attributes cannot be computed: the engine's default, if any, still applies.
      attr.writeOnly = true;
      delete attr.computed;
    }
  }
  if (nesting && inner) {
    const innerCtx: BuildCtx = {
      names: ctx.names,
      where,
      outputOnly: ctx.outputOnly || !isInput(f),
      topLevel: false,
      resource: ctx.resource,
    };
    attr.nested = { nesting, attrs: Object.entries(inner).map(([k, g]) => fieldAttr(k, g, innerCtx)) };
  }
  return attr;
}

function objectType(attrs: TfAttr[]): TfType {
  const r: Record<string, TfType> = {};
  for (const a of attrs) r[a.name] = a.type;
  return ["object", r];
}

function addUnique(attrs: TfAttr[], a: TfAttr, where: string): void {
  if (attrs.some((x) => x.name === a.name))
    throw new SchemaError(`${where}: attribute "${a.name}" is defined twice (rename the field)`);
  attrs.push(a);
}

export function resourceSchema(kind: ResourceKind): TfResourceSchema {
  const where = kind.name;
  const typeName = `${PROVIDER_NAME}_${tfNameOf(kind.name)}`;
  const attrs: TfAttr[] = [];
  const secretInputs: string[] = [];
  const secretOutputs: string[] = [];
  addUnique(
    attrs,
    {
      name: "id",
      role: "id",
      type: "string",
      computed: true,
      description: `The Spot id of the ${kind.name} (import id format: ${kind.importId.format}).`,
    },
    where,
  );
  const names = fieldNames(kind.fields);
  for (const [key, f] of Object.entries(kind.fields)) {
    const ctx: BuildCtx = { names, where, outputOnly: false, topLevel: true, resource: true };
    const name = snakeCase(key);
    if (f.secret && !isInput(f)) {
      // A secret output: never stored in plain text; sealed to the user's key instead.
      if (f.type !== "string") throw new SchemaError(`${where}.${key}: secret outputs must be strings`);
      secretOutputs.push(key);
      addUnique(
        attrs,
        {
          name: `${name}_public_key`,
          role: "publicKey",
          field: key,
          type: "string",
          optional: true,
          description:
            `RSA public key (PEM, at least 2048 bits). Spot returns ${name} only once, at creation; with this ` +
            `key set the provider stores it in encrypted_${name} sealed to the key, otherwise it is discarded. ` +
            `Decrypt with \`spot-iac terraform decrypt --key <private.pem>\`. Changing it later does not re-seal ` +
            `the existing value; replace the resource to get a new ${name} sealed to the new key.`,
        },
        where,
      );
      addUnique(
        attrs,
        {
          name: `encrypted_${name}`,
          role: "sealed",
          field: key,
          type: "string",
          computed: true,
          description: `${tfText(f.description, names)} Sealed to ${name}_public_key (RSA-OAEP-SHA256 + AES-256-GCM, base64); null when no key was given.`,
        },
        where,
      );
      continue;
    }
    const attr = fieldAttr(key, f, ctx);
    addUnique(attrs, attr, where);
    if (attr.writeOnly) {
      secretInputs.push(key);
      addUnique(
        attrs,
        {
          name: `${name}_version`,
          role: "secretVersion",
          field: key,
          type: "number",
          computed: true,
          description:
            `Counts the values of ${name} applied so far. ${name} is write-only (never in plan or state); the ` +
            `provider keeps only a salted hash of it in private state and increments this when the value changes.`,
        },
        where,
      );
    }
  }
  if (kind.irreversibleDelete && !kind.fields[DELETION_FIELD]?.local)
    throw new SchemaError(`${where}: an irreversible kind must declare the local input ${DELETION_FIELD}`);
  return {
    typeName,
    description: tfText(kind.description, names),
    attrs,
    type: objectType(attrs),
    kind,
    byName: new Map(attrs.map((a) => [a.name, a])),
    secretInputs,
    secretOutputs,
  };
}

export function dataSourceSchema(lookup: Lookup): TfDataSchema {
  const where = `lookup ${lookup.name}`;
  const attrs: TfAttr[] = [];
  const names = fieldNames({ ...lookup.args, ...lookup.result });
  for (const [key, f] of Object.entries(lookup.args)) {
    addUnique(attrs, fieldAttr(key, f, { names, where, outputOnly: false, topLevel: true, resource: false }), where);
  }
  for (const [key, f] of Object.entries(lookup.result)) {
    const a = fieldAttr(
      key,
      { ...f, required: false, optional: false },
      {
        names,
        where,
        outputOnly: true,
        topLevel: true,
        resource: false,
      },
    );
    const same = attrs.find((x) => x.name === a.name);
    if (same) {
      // An argument echoed in the result: the user may give it, Spot fills it otherwise.
      same.required = false;
      same.optional = true;
      same.computed = true;
      continue;
    }
    attrs.push(a);
  }
  return {
    typeName: `${PROVIDER_NAME}_${tfNameOf(lookup.name)}`,
    description: tfText(lookup.description, names),
    attrs,
    type: objectType(attrs),
    lookup,
  };
}

export function providerConfigSchema(): TfBlockSchema {
  const attrs: TfAttr[] = [
    {
      name: "token",
      role: "plain",
      type: "string",
      optional: true,
      sensitive: true,
      description:
        "Spot API token. Falls back to SPOTINST_TOKEN, then the credentials file (~/.spotinst/credentials, " +
        "profile from SPOTINST_PROFILE).",
    },
    {
      name: "base_url",
      role: "plain",
      type: "string",
      optional: true,
      description:
        "Spot API base URL (default https://api.spotinst.io). Falls back to SPOTINST_BASE_URL; point it at the emulator for tests.",
    },
    {
      name: "account",
      role: "plain",
      type: "string",
      optional: true,
      description:
        "Default Spot account id (act-…) for account-scoped calls. Falls back to SPOTINST_ACCOUNT, then the credentials file.",
    },
    {
      name: "api_share",
      role: "plain",
      type: "number",
      optional: true,
      description:
        "Share (0 < x ≤ 1) of each of Spot's rate budgets this provider may use, for a token whose budget other tools " +
        "share. Falls back to SPOT_IAC_API_SHARE, else 1.",
    },
  ];
  return {
    typeName: PROVIDER_NAME,
    description: "Spot (spotinst) administration: organizations, accounts, users, connections, policies.",
    attrs,
    type: objectType(attrs),
  };
}

/** The full set of schemas for a registry. Throws SchemaError naming the kind and field when one cannot be mapped. */
export interface ProviderSchemas {
  provider: TfBlockSchema;
  resources: Map<string, TfResourceSchema>;
  dataSources: Map<string, TfDataSchema>;
}

export function buildSchemas(kinds: readonly ResourceKind[], lookups: readonly Lookup[]): ProviderSchemas {
  const resources = new Map<string, TfResourceSchema>();
  for (const k of kinds) {
    const s = resourceSchema(k);
    if (resources.has(s.typeName)) throw new SchemaError(`two kinds map to the Terraform type ${s.typeName}`);
    resources.set(s.typeName, s);
  }
  const dataSources = new Map<string, TfDataSchema>();
  for (const l of lookups) {
    const s = dataSourceSchema(l);
    if (dataSources.has(s.typeName)) throw new SchemaError(`two lookups map to the data source ${s.typeName}`);
    dataSources.set(s.typeName, s);
  }
  return { provider: providerConfigSchema(), resources, dataSources };
}

// ---------------------------------------------------------------------------------------------------
// Wire forms: the GetProviderSchema protobuf message, and the `terraform providers schema -json` document.

const NESTING_PROTO: Record<Nesting, string> = { single: "SINGLE", list: "LIST", set: "SET", map: "MAP" };

function attrToProto(a: TfAttr): Record<string, unknown> {
  return {
    name: a.name,
    type: a.nested ? Buffer.alloc(0) : Buffer.from(JSON.stringify(a.type)),
    nested_type: a.nested
      ? { attributes: a.nested.attrs.map(attrToProto), nesting: NESTING_PROTO[a.nested.nesting] }
      : null,
    description: a.description,
    description_kind: "PLAIN",
    required: !!a.required,
    optional: !!a.optional,
    computed: !!a.computed,
    sensitive: !!a.sensitive,
    write_only: !!a.writeOnly,
  };
}

export function blockToProto(s: TfBlockSchema, version = 0): Record<string, unknown> {
  return {
    version,
    block: { version, attributes: s.attrs.map(attrToProto), description: s.description, description_kind: "PLAIN" },
  };
}

function attrToJson(a: TfAttr): Record<string, unknown> {
  const j: Record<string, unknown> = {};
  if (a.nested) {
    const attributes: Record<string, unknown> = {};
    for (const x of a.nested.attrs) attributes[x.name] = attrToJson(x);
    j.nested_type = { attributes, nesting_mode: a.nested.nesting };
  } else j.type = a.type;
  if (a.description) {
    j.description = a.description;
    j.description_kind = "plain";
  }
  if (a.required) j.required = true;
  if (a.optional) j.optional = true;
  if (a.computed) j.computed = true;
  if (a.sensitive) j.sensitive = true;
  if (a.writeOnly) j.write_only = true;
  return j;
}

function blockToJson(s: TfBlockSchema, version = 0): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const a of s.attrs) attributes[a.name] = attrToJson(a);
  const block: Record<string, unknown> = { attributes };
  if (s.description) {
    block.description = s.description;
    block.description_kind = "plain";
  }
  return { version, block };
}

function sortedRecord<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The document `terraform providers schema -json` prints for this provider. CDKTF's generator reads this
 * format, so bindings can be generated without Terraform.
 */
export function providerSchemaDocument(schemas: ProviderSchemas): Record<string, unknown> {
  const provider: Record<string, unknown> = { provider: blockToJson(schemas.provider) };
  // Terraform leaves empty maps out; so do we, so the two documents compare equal.
  if (schemas.resources.size)
    provider.resource_schemas = sortedRecord(
      [...schemas.resources.values()].map((s) => [s.typeName, blockToJson(s, SCHEMA_VERSION)]),
    );
  if (schemas.dataSources.size)
    provider.data_source_schemas = sortedRecord(
      [...schemas.dataSources.values()].map((s) => [s.typeName, blockToJson(s)]),
    );
  return { format_version: "1.0", provider_schemas: { [PROVIDER_ADDRESS]: provider } };
}
