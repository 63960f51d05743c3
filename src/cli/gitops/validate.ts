/**
 * From YAML text to the declared objects of each organization, or a list of problems at file:line:column.
 * Order: YAML syntax → JSON Schema (generated from the registry) → names, references, secrets and the
 * resource engine's own checks. Nothing here calls the API.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { FieldType, Props, ResourceKind } from "../../resources";
import { checkInputs } from "../../resources";
import type { FileField, KindLayout } from "./layout";
import { buildLayouts, childrenOf, labelField, secretKeys, sections } from "./layout";
import { FileError, pathText, SourceFile } from "./loader";
import type { Declared, DocPath, FileProblem, OrgSpec, RefUse, SecretUse, SpotFile } from "./model";
import { buildJsonSchema, ENV_NAME_PATTERN } from "./schema";

export interface LoadOptions {
  kinds: readonly ResourceKind[];
  env: NodeJS.ProcessEnv;
  /** Read secrets from their environment variables / files (plan, apply, drift). */
  readSecrets?: boolean;
  /** Fail when an organization's tokenEnv is not set. */
  requireTokens?: boolean;
}

const validators = new WeakMap<readonly ResourceKind[], ValidateFunction>();

function validatorFor(kinds: readonly ResourceKind[]): ValidateFunction {
  let v = validators.get(kinds);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    ajv.addKeyword("x-ref");
    v = ajv.compile(buildJsonSchema(kinds));
    validators.set(kinds, v);
  }
  return v;
}

function toPath(instancePath: string): DocPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function show(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Edit distance counting a swap of neighbours as one edit ("nmae" → "name"), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

function suggestion(key: string, known: string[]): string {
  const best = known
    .map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const)
    .sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(1, Math.floor(key.length / 4)) ? ` (did you mean "${best[0]}"?)` : "";
}

function schemaProblems(src: SourceFile, errors: ErrorObject[]): FileProblem[] {
  // anyOf failures (references, prune) replace the noise of their branches with one message.
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  const inBranch = (e: ErrorObject) =>
    anyOfs.some(
      (a) => a !== e && e.schemaPath.startsWith(a.schemaPath + "/") && e.instancePath.startsWith(a.instancePath),
    );
  const out: FileProblem[] = [];
  for (const e of errors) {
    if (inBranch(e)) continue;
    const path = toPath(e.instancePath);
    const ps = (e.parentSchema ?? {}) as Props;
    switch (e.keyword) {
      case "additionalProperties": {
        const key = String((e.params as Props).additionalProperty);
        const known = Object.keys(ps.properties ?? {});
        let msg: string;
        if (key === "token" && known.includes("tokenEnv"))
          msg =
            "inline tokens are not allowed; write `tokenEnv: NAME` and export the organization's token in that environment variable";
        else if (known.includes(key + "Env") && known.includes(key + "File"))
          msg = `"${key}" is a secret and is never written inline; use ${key}Env: NAME (an environment variable) or ${key}File: PATH`;
        else if (
          known.includes(key + "File") &&
          (ps.properties[key + "File"]?.description ?? "").startsWith("File spot-iac writes")
        )
          msg = `"${key}" is set by Spot and returned once; write ${key}File: PATH to have spot-iac save it there`;
        else msg = `unknown key "${key}"${suggestion(key, known)}; expected one of ${known.join(", ")}`;
        out.push(src.problem([...path, key], msg, true));
        break;
      }
      case "required": {
        const key = String((e.params as Props).missingProperty);
        const desc = ps.properties?.[key]?.description;
        // At the key that owns the mapping (`azure:`), not at its first child.
        out.push(src.problem(path, `missing required key "${key}"${desc ? ` (${desc})` : ""}`, true));
        break;
      }
      case "type":
        out.push(src.problem(path, `expected ${aOrAn((e.params as Props).type)}, got ${show(e.data)}`));
        break;
      case "enum":
        out.push(
          src.problem(
            path,
            `expected one of ${(e.params as Props).allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}; got ${show(e.data)}`,
          ),
        );
        break;
      case "const":
        out.push(
          src.problem(
            path,
            `must be ${JSON.stringify((e.params as Props).allowedValue)} (the only file format version)`,
          ),
        );
        break;
      case "pattern":
        if (e.schema === ENV_NAME_PATTERN)
          out.push(
            src.problem(path, `${JSON.stringify(e.data)} is not an environment variable name (letters, digits, _)`),
          );
        else if (path[path.length - 1] === "baseUrl")
          out.push(src.problem(path, "must start with http:// or https://"));
        else out.push(src.problem(path, `${JSON.stringify(e.data)} must match ${String(e.schema)}`));
        break;
      case "anyOf":
        if (ps["x-ref"])
          out.push(
            src.problem(
              path,
              `expected the name of ${article(ps["x-ref"])} declared in this organization, { id: "<id>" } for one the file does not manage, or "*"; got ${show(e.data)}`,
            ),
          );
        else if (path[path.length - 1] === "prune") {
          const names = ps.anyOf?.[1]?.items?.enum ?? [];
          out.push(
            src.problem(path, `expected true, false or a list of sections (${names.join(", ")}); got ${show(e.data)}`),
          );
        } else out.push(src.problem(path, e.message ?? "is not valid"));
        break;
      case "minItems":
        out.push(
          src.problem(
            path,
            path.length === 1
              ? "declare at least one organization"
              : `needs at least ${(e.params as Props).limit} entries`,
          ),
        );
        break;
      case "minLength":
        out.push(src.problem(path, "must not be empty"));
        break;
      case "uniqueItems":
        out.push(src.problem(path, "lists a value twice"));
        break;
      default:
        out.push(src.problem(path, e.message ?? "is not valid"));
    }
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const k = `${p.pos?.line}:${p.pos?.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function article(word: string): string {
  return /^[aeiouAEIOU]/.test(word) ? `an ${word}` : `a ${word}`;
}

function aOrAn(type: string): string {
  const t = type === "array" ? "list" : type === "object" ? "mapping (key: value)" : type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function sortProblems(ps: FileProblem[]): FileProblem[] {
  return [...ps].sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
}

const standIns = new Map<string, string>();

/**
 * An id in the shape of the kind's documented example, distinct per referenced object (`act-12ab34cd` →
 * `act-00000001`, `act-00000002`…), so the engine's checks can run before the real ids are known, and
 * still tell two references to the same object from references to two objects.
 */
export function standInId(layouts: KindLayout[], kind: string, name: string): string {
  const key = `${kind}\u0000${name}`;
  let id = standIns.get(key);
  if (!id) {
    const example = layouts.find((l) => l.kind.name === kind)?.kind.importId.example ?? `${kind.toLowerCase()}-1`;
    const n = (standIns.size + 1).toString(16);
    const m = /^(.*?)([0-9a-fA-F]+)$/.exec(example);
    id = m ? m[1] + n.padStart(m[2].length, "0").slice(-Math.max(m[2].length, n.length)) : `${example}-${n}`;
    standIns.set(key, id);
  }
  return id;
}

/** Placeholder in `inputs` for a reference by name, replaced with the id at plan time. */
export const REF_PLACEHOLDER = "\u0000ref";

export function setAt(obj: Props, path: DocPath, value: unknown): void {
  let o: any = obj;
  for (let i = 0; i < path.length - 1; i++) o = o[path[i]];
  o[path[path.length - 1]] = value;
}

export function getAt(obj: unknown, path: DocPath): unknown {
  let o: any = obj;
  for (const p of path) {
    if (o === undefined || o === null) return undefined;
    o = o[p];
  }
  return o;
}

/** The file's way of writing an engine field path (`policies.0.policyId` → `policies[0].policy`). */
export function fileFieldPath(fields: FileField[], enginePath: string): string {
  const parts = enginePath.split(".");
  const out: DocPath = [];
  let current: FileField[] | undefined = fields;
  for (const p of parts) {
    if (/^\d+$/.test(p)) {
      out.push(Number(p));
      continue;
    }
    const f: FileField | undefined = current?.find((x) => x.field === p);
    out.push(f ? (f.mode === "secret" ? f.key + "Env" : f.key) : p);
    current = f?.nested;
  }
  return pathText(out);
}

class Builder {
  problems: FileProblem[] = [];
  /** Objects with a secret that could not be read: reported once, not again by the engine's checks. */
  private unreadable = new Set<Declared>();
  private docPaths = new Map<Declared, Map<string, DocPath>>();

  constructor(
    private src: SourceFile,
    private layouts: KindLayout[],
    private opts: LoadOptions,
  ) {}

  private secretValue(docPath: DocPath, f: FileField, env?: string, file?: string): string | undefined {
    if (!this.opts.readSecrets) return "********";
    const k = secretKeys(f);
    if (env !== undefined) {
      const v = this.opts.env[env];
      if (v === undefined || v === "") {
        this.problems.push(
          this.src.problem([...docPath, k.env], `environment variable ${env} is not set; export the ${f.field} in it`),
        );
        return undefined;
      }
      return v;
    }
    const full = resolve(dirname(this.src.path), file!);
    try {
      // One trailing newline is what editors and `echo >` add; it is not part of the secret.
      return readFileSync(full, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      this.problems.push(
        this.src.problem(
          [...docPath, k.file],
          `cannot read ${full} (${(e as NodeJS.ErrnoException).code}); the file must hold the ${f.field}`,
        ),
      );
      return undefined;
    }
  }

  private convertFields(
    fields: FileField[],
    raw: Props,
    docPath: DocPath,
    inputPath: DocPath,
    target: Props,
    d: Declared,
    paths: Map<string, DocPath>,
  ): void {
    for (const f of fields) {
      const ip = [...inputPath, f.field];
      if (f.mode === "secret") {
        const k = secretKeys(f);
        const env = raw[k.env] as string | undefined;
        const file = raw[k.file] as string | undefined;
        paths.set(ip.join("."), [...docPath, env !== undefined || file === undefined ? k.env : k.file]);
        if (env !== undefined && file !== undefined) {
          this.problems.push(this.src.problem([...docPath, k.file], `give ${k.env} or ${k.file}, not both`, true));
          continue;
        }
        if (env === undefined && file === undefined) {
          if (f.def.required)
            this.problems.push(
              this.src.problem(docPath, `missing the secret ${f.field}: write ${k.env}: NAME or ${k.file}: PATH`),
            );
          continue;
        }
        const sec: SecretUse = {
          field: ip.join("."),
          inputPath: ip,
          docPath: [...docPath, env !== undefined ? k.env : k.file],
          env,
          file,
        };
        d.secrets.push(sec);
        const v = this.secretValue(docPath, f, env, file);
        if (v === undefined) this.unreadable.add(d);
        target[f.field] = v ?? "********";
        continue;
      }
      if (f.mode === "secretOut") {
        const p = raw[f.key + "File"];
        if (typeof p === "string") d.outputFiles[f.field] = resolve(dirname(this.src.path), p);
        continue;
      }
      const v = raw[f.key];
      if (v === undefined || v === null) continue;
      target[f.field] = this.convertValue(f, f.def.type, v, [...docPath, f.key], ip, d, paths);
    }
  }

  private convertValue(
    f: FileField,
    t: FieldType,
    v: unknown,
    docPath: DocPath,
    inputPath: DocPath,
    d: Declared,
    paths: Map<string, DocPath>,
  ): unknown {
    paths.set(inputPath.join("."), docPath);
    if (typeof t === "string") {
      if (f.mode !== "ref") return v;
      const use: RefUse = { inputPath, docPath, kind: f.def.ref! };
      if (v === "*") use.id = "*";
      else if (typeof v === "object" && v !== null) use.id = String((v as Props).id);
      else use.name = String(v);
      d.refs.push(use);
      return use.id ?? REF_PLACEHOLDER;
    }
    if ("list" in t || "set" in t) {
      const inner = "list" in t ? t.list : t.set;
      return (v as unknown[]).map((e, i) =>
        this.convertValue(f, inner, e, [...docPath, i], [...inputPath, i], d, paths),
      );
    }
    if ("map" in t) {
      const r: Props = {};
      for (const [k, e] of Object.entries(v as Props))
        r[k] = this.convertValue(f, t.map, e, [...docPath, k], [...inputPath, k], d, paths);
      return r;
    }
    const r: Props = {};
    this.convertFields(f.nested ?? [], v as Props, docPath, inputPath, r, d, paths);
    return r;
  }

  declare(org: OrgSpec, l: KindLayout, raw: Props, docPath: DocPath, parent?: Declared): Declared {
    const d: Declared = {
      org: org.name,
      layout: l,
      kind: l.kind,
      name: "",
      key: "",
      docPath,
      inputs: {},
      refs: [],
      secrets: [],
      outputFiles: {},
      deps: [],
    };
    const paths = new Map<string, DocPath>();
    this.docPaths.set(d, paths);
    this.convertFields(l.fields, raw, docPath, [], d.inputs, d, paths);
    if (parent && l.parent) {
      d.inputs[l.parent.field] = REF_PLACEHOLDER;
      d.refs.push({ inputPath: [l.parent.field], docPath: parent.docPath, kind: parent.kind.name, name: parent.name });
      paths.set(l.parent.field, docPath);
    }
    d.name = this.label(l, raw, d, parent);
    d.key = `${org.name}/${l.kind.name}/${d.name}`;
    org.objects.push(d);
    for (const child of childrenOf(this.layouts, l.kind.name)) {
      const v = raw[child.key];
      if (v !== undefined && v !== null) this.declare(org, child, v as Props, [...docPath, child.key], d);
    }
    return d;
  }

  private label(l: KindLayout, raw: Props, d: Declared, parent?: Declared): string {
    if (parent) return parent.name;
    const lf = labelField(l);
    if (lf && raw[lf.key] !== undefined) return String(raw[lf.key]);
    // Optional natural-key fields left out (an attachment names its user by e-mail or by reference) are skipped.
    const parts = l.naturalKey.flatMap((f) => {
      if (f.mode === "ref") {
        const r = d.refs.find((x) => x.inputPath.length === 1 && x.inputPath[0] === f.field);
        return r ? [r.name ?? r.id ?? "?"] : [];
      }
      return raw[f.key] === undefined ? [] : [String(raw[f.key])];
    });
    return parts.length ? parts.join("/") : "?";
  }

  /** Duplicates, dangling references, cycles, and the engine's checks with stand-in ids. */
  checkOrg(org: OrgSpec): void {
    const byKind = new Map<string, Map<string, Declared>>();
    for (const d of org.objects) {
      if (!byKind.has(d.kind.name)) byKind.set(d.kind.name, new Map());
      const m = byKind.get(d.kind.name)!;
      const first = m.get(d.name);
      if (first) {
        const at = this.src.position(first.docPath);
        this.problems.push(
          this.src.problem(
            d.docPath,
            `${d.kind.name} "${d.name}" is declared twice in organization "${org.name}"${at ? ` (first at line ${at.line})` : ""}; names are unique per kind`,
          ),
        );
      } else m.set(d.name, d);
    }
    for (const d of org.objects) {
      for (const r of d.refs) {
        if (r.name === undefined) continue;
        const target = byKind.get(r.kind)?.get(r.name);
        if (!target) {
          const declared = [...(byKind.get(r.kind)?.keys() ?? [])];
          const list = declared.length
            ? `declared: ${declared.slice(0, 12).join(", ")}${declared.length > 12 ? ", …" : ""}`
            : `none is declared`;
          const known = this.layouts.some((l) => l.kind.name === r.kind);
          this.problems.push(
            this.src.problem(
              r.docPath,
              known
                ? `no ${r.kind} named "${r.name}" is declared in organization "${org.name}" (${list}); declare it, or write { id: "<id>" } for one this file does not manage`
                : `${r.kind} objects cannot be declared in the file; write { id: "<id>" }`,
            ),
          );
        } else if (target !== d && !d.deps.includes(target.key)) d.deps.push(target.key);
      }
      // Without the secrets (audit) the engine's checks would only trip over the placeholders.
      if (!this.opts.readSecrets || this.unreadable.has(d)) continue;
      // The engine's own checks, with a valid-looking stand-in id for every reference by name.
      const inputs = structuredClone(d.inputs);
      for (const r of d.refs) {
        if (r.name === undefined) continue;
        setAt(inputs, r.inputPath, standInId(this.layouts, r.kind, r.name));
      }
      const { failures } = checkInputs(d.kind, inputs);
      const paths = this.docPaths.get(d)!;
      for (const f of failures) {
        let p: DocPath | undefined;
        const parts = f.field.split(".");
        for (let n = parts.length; n > 0 && !p; n--) p = paths.get(parts.slice(0, n).join("."));
        const where = fileFieldPath(d.layout.fields, f.field);
        this.problems.push({
          ...this.src.problem(p ?? d.docPath, `${d.kind.name} "${d.name}": ${where} ${f.message}`),
        });
      }
    }
    this.checkCycles(org);
  }

  private checkCycles(org: OrgSpec): void {
    const byKey = new Map(org.objects.map((d) => [d.key, d]));
    const state = new Map<string, 1 | 2>();
    const visit = (d: Declared, stack: Declared[]): void => {
      if (state.get(d.key) === 2) return;
      if (state.get(d.key) === 1) {
        const cycle = stack.slice(stack.indexOf(d)).map((x) => `${x.kind.name} "${x.name}"`);
        this.problems.push(
          this.src.problem(d.docPath, `reference cycle: ${[...cycle, `${d.kind.name} "${d.name}"`].join(" → ")}`),
        );
        return;
      }
      state.set(d.key, 1);
      for (const k of d.deps) {
        const t = byKey.get(k);
        if (t) visit(t, [...stack, d]);
      }
      state.set(d.key, 2);
    };
    for (const d of org.objects) visit(d, []);
  }
}

export function loadSpotFile(path: string, opts: LoadOptions): SpotFile {
  const src = SourceFile.read(path);
  return buildSpotFile(src, opts);
}

export function buildSpotFile(src: SourceFile, opts: LoadOptions): SpotFile {
  const validate = validatorFor(opts.kinds);
  if (!validate(src.data)) throw new FileError(sortProblems(schemaProblems(src, validate.errors ?? [])));
  const layouts = buildLayouts(opts.kinds);
  const b = new Builder(src, layouts, opts);
  const data = src.data as { organizations: Props[] };
  const orgs: OrgSpec[] = [];
  const irreversible = new Set(layouts.filter((l) => l.kind.irreversibleDelete).map((l) => l.key));
  data.organizations.forEach((raw, i) => {
    const docPath: DocPath = ["organizations", i];
    const prune =
      raw.prune === true
        ? sections(layouts)
            .map((l) => l.key)
            .filter((k) => !irreversible.has(k))
        : Array.isArray(raw.prune)
          ? raw.prune
          : [];
    const org: OrgSpec = {
      name: raw.name,
      tokenEnv: raw.tokenEnv,
      baseUrl: raw.baseUrl,
      prune: new Set(prune),
      docPath,
      objects: [],
    };
    if (orgs.some((o) => o.name === org.name))
      b.problems.push(
        src.problem([...docPath, "name"], `organization "${org.name}" is declared twice; names are unique`),
      );
    const token = opts.env[org.tokenEnv];
    if (token) org.token = token;
    else if (opts.requireTokens)
      b.problems.push(
        src.problem(
          [...docPath, "tokenEnv"],
          `environment variable ${org.tokenEnv} is not set; export organization "${org.name}"'s Spot token in it`,
        ),
      );
    for (const l of sections(layouts)) {
      const items = (raw[l.key] ?? []) as Props[];
      items.forEach((item, j) => b.declare(org, l, item, [...docPath, l.key, j]));
    }
    b.checkOrg(org);
    orgs.push(org);
  });
  if (b.problems.length) throw new FileError(sortProblems(b.problems));
  return { path: src.path, dir: dirname(src.path), orgs, layouts };
}
