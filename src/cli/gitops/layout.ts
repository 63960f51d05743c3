/**
 * How resource kinds appear in the GitOps file. Everything here is derived from the registry's schemas;
 * the only hand-written facts are the friendly names of the nested connection sections (HINTS), so a kind
 * added to the registry shows up in the file (and its JSON Schema) without touching the CLI.
 */
import type { Field, FieldType, ResourceKind } from "../../core";
import { isInput } from "../../core";

/** Friendlier keys than the generic rules give. Unknown kinds fall back to the generic rules. */
const HINTS: Record<string, { key?: string; skip?: boolean }> = {
  // An organization is the scope a token reaches, not an object the file creates.
  Organization: { skip: true },
  AwsConnection: { key: "aws" },
  AzureConnection: { key: "azure" },
  GcpConnection: { key: "gcp" },
};

/** One input field as the file writes it. */
export interface FileField {
  /** The engine's field name (`accountId`). */
  field: string;
  /** The file key (`account`; for secrets the stem: `password` → `passwordEnv` / `passwordFile`). */
  key: string;
  def: Field;
  /**
   * - plain: written as is.
   * - ref: the name of a declared object (or `{ id }`, or "*"); `def.ref` names the kind.
   * - secret: an input secret, only `<key>Env` or `<key>File`.
   * - secretOut: an output-only secret; `<key>File` names where spot-iac writes it.
   */
  mode: "plain" | "ref" | "secret" | "secretOut";
  /** For object-typed fields (directly or as list/set/map elements): their own file fields. */
  nested?: FileField[];
}

export interface KindLayout {
  kind: ResourceKind;
  /** Key of the list under the organization, or of the object nested in the parent item. */
  key: string;
  /** Set for a kind identified by one reference alone: nested in that kind's items, one per parent. */
  parent?: { kind: string; field: string };
  fields: FileField[];
  /** Natural-key fields as file fields (labels are built from them). */
  naturalKey: FileField[];
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function plural(s: string): string {
  if (/[^aeiou]y$/.test(s)) return s.slice(0, -1) + "ies";
  if (/(s|x|ch|sh)$/.test(s)) return s + "es";
  return s + "s";
}

/** `accountId` → `account`, `accountIds` → `accounts`, `policyIds` → `policies`; other names unchanged. */
export function refKey(field: string): string {
  if (/[a-z]Ids$/.test(field)) return plural(field.slice(0, -3));
  if (/[a-z]Id$/.test(field)) return field.slice(0, -2);
  return field;
}

function elementObject(t: FieldType): Record<string, Field> | undefined {
  if (typeof t === "string") return undefined;
  if ("object" in t) return t.object;
  if ("list" in t) return elementObject(t.list);
  if ("set" in t) return elementObject(t.set);
  if ("map" in t) return elementObject(t.map);
  return undefined;
}

/** File fields of a field map (inputs, plus output secrets at the top level of a kind). */
export function fileFields(fields: Record<string, Field>, topLevel: boolean): FileField[] {
  const out: FileField[] = [];
  const names = new Set(Object.keys(fields));
  for (const [field, def] of Object.entries(fields)) {
    if (!isInput(def)) {
      if (topLevel && def.secret) out.push({ field, key: field, def, mode: "secretOut" });
      continue;
    }
    let mode: FileField["mode"] = "plain";
    let key = field;
    if (def.secret) mode = "secret";
    else if (def.ref) {
      mode = "ref";
      const k = refKey(field);
      // Keep the engine's name when the short one is taken by another field.
      if (k === field || !names.has(k)) key = k;
    }
    const obj = elementObject(def.type);
    out.push({ field, key, def, mode, nested: obj ? fileFields(obj, false) : undefined });
  }
  return out;
}

export function buildLayouts(kinds: readonly ResourceKind[]): KindLayout[] {
  const layouts: KindLayout[] = [];
  for (const kind of kinds) {
    const hint = HINTS[kind.name] ?? {};
    if (hint.skip) continue;
    const fields = fileFields(kind.fields, true);
    let parent: KindLayout["parent"];
    if (kind.naturalKey.length === 1) {
      const f = kind.fields[kind.naturalKey[0]];
      if (f?.ref && typeof f.type === "string" && HINTS[f.ref]?.skip !== true)
        parent = { kind: f.ref, field: kind.naturalKey[0] };
    }
    const key = hint.key ?? (parent ? lowerFirst(kind.name) : plural(lowerFirst(kind.name)));
    const naturalKey = kind.naturalKey
      .map((n) => fields.find((f) => f.field === n))
      .filter((f): f is FileField => f !== undefined);
    layouts.push({
      kind,
      key,
      parent,
      fields: parent ? fields.filter((f) => f.field !== parent.field) : fields,
      naturalKey,
    });
  }
  // A nested kind whose parent is not in the file becomes a top-level section instead.
  for (const l of layouts) {
    if (l.parent && !layouts.some((p) => p.kind.name === l.parent!.kind && !p.parent)) {
      l.fields = fileFields(l.kind.fields, true);
      l.key = plural(lowerFirst(l.kind.name));
      l.parent = undefined;
    }
  }
  return layouts;
}

/** Top-level sections (lists under an organization). */
export function sections(layouts: KindLayout[]): KindLayout[] {
  return layouts.filter((l) => !l.parent);
}

export function childrenOf(layouts: KindLayout[], kindName: string): KindLayout[] {
  return layouts.filter((l) => l.parent?.kind === kindName);
}

/**
 * The field an object's name comes from when its natural key is one plain field (`name`, a user's `email`).
 * Otherwise the name joins the natural key's parts (`prod/alice@example.com`).
 */
export function labelField(layout: KindLayout): FileField | undefined {
  const nk = layout.naturalKey;
  return nk.length === 1 && nk[0].mode === "plain" ? nk[0] : undefined;
}

/** The file key(s) a secret input accepts. */
export function secretKeys(f: FileField): { env: string; file: string } {
  return { env: f.key + "Env", file: f.key + "File" };
}
