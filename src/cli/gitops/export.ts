/**
 * `spot-iac export`: the GitOps file of an organization as it is live — how an existing organization is brought
 * under management. Every object the token can list is written the way a person would declare it: references by
 * name, server defaults and Spot's built-in viewer policy left out, secrets as `…Env` placeholders (Spot never
 * returns them) with a comment saying what to put there. A `plan` of the exported file against the same
 * organization shows no change (secrets aside: without a journal record they are reported as not verified).
 *
 * The mapping is the inverse of the loader's (validate.ts): the same layouts (layout.ts), read backwards.
 */
import type { Props, ResourceContext, ResourceKind } from "../../core";
import { isInput } from "../../core";
import { Document, isMap, isSeq } from "yaml";
import type { FileField, KindLayout } from "./layout";
import { buildLayouts, childrenOf, sections } from "./layout";
import type { Names } from "./planner";
import { liveName } from "./planner";

export interface ExportOptions {
  /** The organization's label in the file (and in the token variable's name). */
  label: string;
  /** Name of the environment variable the file's `tokenEnv` names. */
  tokenEnv: string;
  /** How secret placeholders are named: `(label, kind, name, field) → NAME`. */
  secretEnv: (label: string, kind: string, name: string, field: string) => string;
  kinds: readonly ResourceKind[];
  /** The organization id, when known, for the header. */
  organizationId?: string;
}

interface Obj {
  layout: KindLayout;
  id: string;
  outputs: Props;
  name: string;
}

/**
 * Fields a declaration writes once although Spot reports them twice: membership is declared on the group
 * (UserGroup.userIds), not again on each member; an attachment names its user once.
 */
const SKIP: Record<string, string[]> = {
  User: ["userGroupIds"],
  ProgrammaticUser: ["userGroupIds"],
};

/** Spot's built-in policies (numeric ids) are mapped by id: they are not objects the file declares. */
const BUILT_IN_POLICY = /^\d+$/;

export async function exportOrganization(ctx: ResourceContext, o: ExportOptions): Promise<string> {
  const layouts = buildLayouts(o.kinds);
  const objects: Obj[] = [];
  const nameOf = new Map<string, string>();
  for (const layout of sections(layouts)) {
    if (!layout.kind.list) continue;
    const found = await layout.kind.list({ ctx });
    for (const f of found) {
      const outputs = layout.kind.normalizeLive ? layout.kind.normalizeLive(f.outputs, {}) : f.outputs;
      objects.push({ layout, id: f.id, outputs, name: "" });
    }
  }
  // Names first (references are written by name), by the rule the plan names live objects with; twice, so that a
  // name made of references (an attachment's account/user) uses the names of what it refers to.
  const byId: Names = { ids: new Map() };
  for (let pass = 0; pass < 2; pass++)
    for (const obj of objects) {
      obj.name = liveName(obj.layout, obj.id, obj.outputs, byId);
      byId.ids.set(obj.id, obj.name);
      nameOf.set(`${obj.layout.kind.name}/${obj.id}`, obj.name);
    }

  const doc = new Document({
    version: 1,
    organizations: [{ name: o.label, tokenEnv: o.tokenEnv }],
  });
  doc.commentBefore =
    ` Exported by \`spot-iac export\`${o.organizationId ? ` from organization ${o.organizationId}` : ""}.\n` +
    ` Secrets are placeholders: Spot never returns them. Export each …Env variable before planning,\n` +
    ` and keep the journal (.spot-iac/) between runs so that secrets can be compared.`;
  const org = (doc.get("organizations") as any).items[0];
  for (const layout of sections(layouts)) {
    const mine = objects.filter((x) => x.layout === layout).sort((a, b) => a.name.localeCompare(b.name));
    if (!mine.length) continue;
    const items = [];
    for (const obj of mine) items.push(await itemOf(ctx, obj, layouts, nameOf, o));
    org.set(layout.key, doc.createNode(items.map((i) => i.value)));
    const seq = org.get(layout.key);
    if (isSeq(seq))
      items.forEach((it, i) => {
        if (it.comment && seq.items[i]) (seq.items[i] as any).commentBefore = it.comment;
      });
  }
  // Comments on the secret placeholders, so nobody mistakes them for values.
  for (const item of (isMap(org) ? org.items : []) as any[]) {
    const seq = item.value;
    if (!isSeq(seq)) continue;
    for (const m of seq.items as any[]) markPlaceholders(m);
  }
  return doc.toString({ lineWidth: 0 });
}

function markPlaceholders(node: any): void {
  if (!isMap(node)) return;
  for (const pair of node.items as any[]) {
    const key = String(pair.key?.value ?? pair.key);
    if (key.endsWith("Env") && typeof pair.value?.value === "string")
      pair.value.comment = " set this variable to the secret before planning";
    else markPlaceholders(pair.value);
  }
}

async function itemOf(
  ctx: ResourceContext,
  obj: Obj,
  layouts: KindLayout[],
  names: Map<string, string>,
  o: ExportOptions,
): Promise<{ value: Props; comment?: string }> {
  const value: Props = {};
  const comments: string[] = [];
  writeFields(obj.layout, obj.layout.fields, obj.outputs, value, names, o, obj.name, comments);
  if (obj.layout.kind.name === "UserAttachment") {
    // The user is named once: by reference when it is exported, else by its e-mail.
    if (value.user !== undefined && typeof value.user === "string") delete value.userEmail;
    else delete value.user;
  }
  for (const child of childrenOf(layouts, obj.layout.kind.name)) {
    const live = await child.kind.read({ ctx, id: obj.id });
    if (!live) continue;
    const childValue: Props = {};
    writeFields(child, child.fields, live, childValue, names, o, obj.name, comments);
    value[child.key] = childValue;
  }
  return { value, comment: comments.length ? comments.map((c) => ` ${c}`).join("\n") : undefined };
}

function writeFields(
  layout: KindLayout,
  fields: FileField[],
  live: Props,
  out: Props,
  names: Map<string, string>,
  o: ExportOptions,
  objName: string,
  comments: string[],
): void {
  const kind = layout.kind;
  const whole = WHOLE[kind.name];
  for (const f of fields) {
    if ((SKIP[kind.name] ?? []).includes(f.field)) continue;
    if (whole && f.field !== whole && !f.def.required) continue;
    if (f.mode === "secretOut") {
      comments.push(
        `${f.field}: returned by Spot only at creation; it cannot be exported (replace the object to mint a new one)`,
      );
      continue;
    }
    if (f.mode === "secret") {
      if (!f.def.required && f.field !== whole) continue;
      out[`${f.key}Env`] = o.secretEnv(o.label, kind.name, objName, f.field);
      continue;
    }
    const v = live[f.field];
    if (v === undefined || v === null || !isInput(f.def)) continue;
    if (f.def.local && JSON.stringify(v) === JSON.stringify(f.def.default)) continue;
    if (f.def.default !== undefined && JSON.stringify(v) === JSON.stringify(f.def.default) && !f.def.required) continue;
    // An empty optional list reads the same as none; leaving it out keeps the file short.
    if (Array.isArray(v) && v.length === 0 && !f.def.required) continue;
    const fv = fileValue(f, f.def.type, v, names);
    if (fv !== undefined) out[f.key] = fv;
  }
}

/**
 * Kinds exported as one secret that stands for several fields: a GCP connection as its whole key file (its private
 * parts are secrets Spot never returns, and the key file excludes the fields given one by one).
 */
const WHOLE: Record<string, string> = { GcpConnection: "serviceAccountKey" };

function fileValue(f: FileField, t: FileField["def"]["type"], v: unknown, names: Map<string, string>): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof t === "string") {
    if (f.mode !== "ref" || typeof v !== "string") return v;
    if (v === "*") return "*";
    const name = names.get(`${f.def.ref}/${v}`);
    if (name !== undefined) return name;
    return { id: v };
  }
  if ("list" in t || "set" in t) {
    const inner = "list" in t ? t.list : t.set;
    return (v as unknown[]).map((e) => fileValue(f, inner, e, names));
  }
  if ("map" in t) {
    const r: Props = {};
    for (const [k, e] of Object.entries(v as Props)) r[k] = fileValue(f, t.map, e, names);
    return r;
  }
  const r: Props = {};
  for (const nf of f.nested ?? []) {
    const e = (v as Props)[nf.field];
    if (e === undefined || e === null || !isInput(nf.def)) continue;
    if (nf.mode === "ref" && nf.def.ref === "AccessPolicy" && typeof e === "string" && BUILT_IN_POLICY.test(e)) {
      r[nf.key] = { id: e };
      continue;
    }
    r[nf.key] = fileValue(nf, nf.def.type, e, names);
  }
  return r;
}
