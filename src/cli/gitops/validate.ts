/**
 * From YAML text to the declared objects of each organization, or a list of problems at file:line:column.
 * Order: YAML syntax → JSON Schema (generated from the registry), with where each organization's token goes
 * → names, references, secrets (only the variables and paths the pipeline allows: ./pipeline, ./paths) and
 * the resource engine's own checks. Nothing here calls the API.
 */
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { FieldType, Props, ResourceKind } from "../../core";
import { UNKNOWN, checkInputs } from "../../core";
import type { FileField, KindLayout } from "./layout";
import { buildLayouts, childrenOf, labelField, secretKeys, sections } from "./layout";
import { FileError, pathText, SourceFile } from "./loader";
import type { Declared, DocPath, FileProblem, OrgSpec, RefUse, SecretUse, SpotFile } from "./model";
import type { Root } from "./paths";
import { checkOutputPath, findRoot, PathRefusal, readBounded, resolveInside, SECRET_FILE_LIMIT } from "./paths";
import { Pipeline } from "./pipeline";
import { buildJsonSchema, ENV_NAME_PATTERN } from "./schema";

export interface LoadOptions {
  kinds: readonly ResourceKind[];
  env: NodeJS.ProcessEnv;
  /** Read secrets from their environment variables / files (plan, apply, drift). */
  readSecrets?: boolean;
  /** Fail when an organization's token variable is not set. */
  requireTokens?: boolean;
  /** Base URLs and variable-name patterns (default: from `env` with the default patterns). */
  pipeline?: Pipeline;
  /** `--root DIR`: the directory `…File` paths stay in (default: the file's git work tree, else its directory). */
  root?: string;
  /** `--org LABEL`: only these organizations are loaded (the others need no token, secret or check). */
  orgs?: string[];
}

const validators = new WeakMap<readonly ResourceKind[], ValidateFunction>();

/** The options the schema is compiled with, here and by scripts/compile-file-validator.js. */
export function newAjv(extra: { code?: { source: boolean } } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, ...extra });
  ajv.addKeyword("x-ref");
  return ajv;
}

export function schemaHash(schema: object): string {
  return createHash("sha256").update(JSON.stringify(schema)).digest("hex");
}

/** Where the build puts the schema's validator compiled ahead of time (not in the source tree). */
export const PRECOMPILED_VALIDATOR = join(__dirname, "file-validator.generated.js");

/**
 * Compiling the schema costs every CLI run ~70 ms, a quarter of a small plan: the build compiles the registry's
 * schema ahead of time, used when its hash matches the schema of the kinds at hand (other registries, and a
 * stale build, compile here).
 */
function precompiled(schema: object): ValidateFunction | undefined {
  let m: { schemaHash?: string; validate?: ValidateFunction };
  try {
    m = require(PRECOMPILED_VALIDATOR);
  } catch {
    return undefined;
  }
  return m.schemaHash === schemaHash(schema) ? m.validate : undefined;
}

function validatorFor(kinds: readonly ResourceKind[]): ValidateFunction {
  let v = validators.get(kinds);
  if (!v) {
    const schema = buildJsonSchema(kinds);
    v = precompiled(schema) ?? newAjv().compile(schema);
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

function schemaProblems(src: SourceFile, errors: ErrorObject[], pipeline: Pipeline): FileProblem[] {
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
        if (key === "token" && known.includes("tokenEnv")) {
          const name = (getAt(src.data, path) as Props | undefined)?.name;
          const env = pipeline.tokenEnv(typeof name === "string" ? name : "<name>");
          msg = `inline tokens are not allowed; remove it: the pipeline passes this organization's token in the environment variable ${env} (pattern ${pipeline.tokenEnvPattern})`;
        } else if (known.includes(key + "Env") && known.includes(key + "File"))
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

/** The name of a declaration that gives none (already reported by the schema). */
const UNNAMED = "?";

/** Placeholder in `inputs` for a reference by name, replaced with the id at plan time. */
export const REF_PLACEHOLDER = "\u0000ref";

/** A deep copy that keeps UNKNOWN (structuredClone refuses symbols). */
export function cloneWithUnknown<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneWithUnknown) as T;
  if (v && typeof v === "object") {
    const r: Props = {};
    for (const [k, e] of Object.entries(v)) r[k] = cloneWithUnknown(e);
    return r as T;
  }
  return v;
}

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

  /** The file's directory, links resolved: `…File` paths are relative to it. */
  private readonly base: string;

  constructor(
    private src: SourceFile,
    private layouts: KindLayout[],
    private opts: LoadOptions,
    readonly pipeline: Pipeline,
    private root: Root,
  ) {
    try {
      this.base = realpathSync(dirname(src.path));
    } catch {
      // A SourceFile built from text, not read from disk: paths resolve from where it says it is.
      this.base = resolve(dirname(src.path));
    }
  }

  /**
   * The secret's value, or undefined after reporting why not. The reference is checked even when secrets
   * are not read: which variables and files the file may name does not depend on what they hold.
   */
  private secretValue(
    docPath: DocPath,
    f: FileField,
    env?: string,
    file?: string,
  ): string | typeof UNKNOWN | undefined {
    const k = secretKeys(f);
    if (env !== undefined) {
      if (!this.pipeline.isSecretEnv(env)) {
        this.problems.push(this.src.problem([...docPath, k.env], this.secretEnvRefusal(f, env)));
        return undefined;
      }
      if (!this.opts.readSecrets) return UNKNOWN;
      const v = this.opts.env[env];
      if (v === undefined || v === "") {
        this.problems.push(
          this.src.problem([...docPath, k.env], `environment variable ${env} is not set; export the ${f.field} in it`),
        );
        return undefined;
      }
      return v;
    }
    const where = resolveInside(this.root, this.base, file!);
    if ("problem" in where) {
      this.problems.push(this.src.problem([...docPath, k.file], `${JSON.stringify(file)} ${where.problem}`));
      return undefined;
    }
    if (!this.opts.readSecrets) return UNKNOWN;
    try {
      // One trailing newline is what editors and `echo >` add; it is not part of the secret.
      return readBounded(this.root, where.path, SECRET_FILE_LIMIT)
        .toString("utf8")
        .replace(/\r?\n$/, "");
    } catch (e) {
      if (!(e instanceof PathRefusal)) throw e;
      this.problems.push(
        this.src.problem(
          [...docPath, k.file],
          e.code
            ? `${e.message}; the file must hold the ${f.field}`
            : `${e.message}; point ${k.file} at a regular file inside the repository holding the ${f.field}`,
        ),
      );
      return undefined;
    }
  }

  private secretEnvRefusal(f: FileField, env: string): string {
    const p = this.pipeline;
    const why = p.isTokenEnv(env)
      ? `${env} is a token variable (pattern ${p.tokenEnvPattern}); the file never sends a token as a secret`
      : `${env} is not a variable the file may read: secret variables must match ${p.secretEnvPattern} (the pipeline's --secret-env-pattern)`;
    const example = p.secretEnvExample(env);
    return `${why}; name one that matches${example ? `, e.g. ${example},` : ""} and have the pipeline export the ${f.field} in it`;
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
        // Not read (validate, audit) or unreadable (reported): not known, so the checks leave it for later.
        target[f.field] = v ?? UNKNOWN;
        continue;
      }
      if (f.mode === "secretOut") {
        const p = raw[f.key + "File"];
        if (typeof p === "string") this.outputFile(d, f, p, [...docPath, f.key + "File"]);
        continue;
      }
      const v = raw[f.key];
      if (v === undefined || v === null) continue;
      target[f.field] = this.convertValue(f, f.def.type, v, [...docPath, f.key], ip, d, paths);
    }
  }

  /** Where an output secret will be written: checked now, and again by the applier when it writes. */
  private outputFile(d: Declared, f: FileField, p: string, docPath: DocPath): void {
    const where = resolveInside(this.root, this.base, p);
    if ("problem" in where) {
      this.problems.push(this.src.problem(docPath, `${JSON.stringify(p)} ${where.problem}`));
      return;
    }
    try {
      checkOutputPath(this.root.dir, where.path);
    } catch (e) {
      if (!(e instanceof PathRefusal)) throw e;
      this.problems.push(
        this.src.problem(
          docPath,
          `${e.message}; the ${f.field} is written only to a regular file inside the repository`,
        ),
      );
      return;
    }
    d.outputFiles[f.field] = where.path;
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
    if (!parent && typeof raw.id === "string") d.id = this.pinnedId(l, raw.id, [...docPath, "id"]);
    d.name = this.label(l, raw, d, parent);
    d.key = `${org.name}/${l.kind.name}/${d.name}`;
    org.objects.push(d);
    for (const child of childrenOf(this.layouts, l.kind.name)) {
      const v = raw[child.key];
      if (v !== undefined && v !== null) this.declare(org, child, v as Props, [...docPath, child.key], d);
    }
    return d;
  }

  /** An id pinned on a declaration, in the shape of the kind's ids (`act-…` for an account). */
  private pinnedId(l: KindLayout, id: string, at: DocPath): string | undefined {
    const prefix = /^([a-z]+-)/.exec(l.kind.importId.example)?.[1];
    if (prefix && !id.startsWith(prefix)) {
      this.problems.push(
        this.src.problem(
          at,
          `must be ${article(l.kind.name)} id like "${l.kind.importId.example}"; got ${JSON.stringify(id)}`,
        ),
      );
      return undefined;
    }
    return id;
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
    return parts.length ? parts.join("/") : UNNAMED;
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
    const pinned = new Map<string, Declared>();
    for (const d of org.objects) {
      if (!d.id) continue;
      const first = pinned.get(`${d.kind.name}/${d.id}`);
      if (first)
        this.problems.push(
          this.src.problem(
            [...d.docPath, "id"],
            `${d.kind.name} "${d.name}" pins id ${d.id}, which ${d.kind.name} "${first.name}" pins too; an object is declared once`,
          ),
        );
      else pinned.set(`${d.kind.name}/${d.id}`, d);
    }
    for (const d of org.objects) {
      for (const r of d.refs) {
        if (r.name === undefined) continue;
        const target = byKind.get(r.kind)?.get(r.name);
        if (!target) {
          // A declaration the schema refused before it had a name may be the one meant: its problem is reported.
          if (org.objects.some((o) => o.kind.name === r.kind && o.name === UNNAMED && this.flawed(o.docPath))) continue;
          const declared = [...(byKind.get(r.kind)?.keys() ?? [])].filter((k) => k !== UNNAMED);
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
      // A declaration the JSON Schema refused was reported there; its remains would only repeat it.
      if (this.flawed(d.docPath)) continue;
      // The core's own checks. A reference by name is an id not known before planning, a secret not read is not
      // known either: both are UNKNOWN, so only what they could not explain is reported.
      const inputs = this.withUnknownRefs(d);
      const { failures } = checkInputs(d.kind.fields, inputs, {
        check: d.kind.check?.bind(d.kind),
        allowUnknown: true,
      });
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

  /** The declared inputs with every reference by name as UNKNOWN (secrets already are, when not read). */
  private withUnknownRefs(d: Declared): Props {
    const inputs = cloneWithUnknown(d.inputs);
    for (const r of d.refs) if (r.name !== undefined) setAt(inputs, r.inputPath, UNKNOWN);
    return inputs;
  }

  /** Paths of items the JSON Schema refused, when the rest of the file is still checked in the same pass. */
  flawedItems: DocPath[] = [];

  isFlawed(path: DocPath): boolean {
    return this.flawed(path);
  }

  private flawed(path: DocPath): boolean {
    return this.flawedItems.some((f) => f.length <= path.length && f.every((p, i) => String(p) === String(path[i])));
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

/**
 * Load a file: the pipeline settings come from `opts.pipeline` (else `opts.env` with the default patterns;
 * a bad setting throws UsageError), the root from `opts.root` or the file's location.
 */
export function loadSpotFile(path: string, opts: LoadOptions): SpotFile {
  const pipeline = opts.pipeline ?? new Pipeline({}, opts.env);
  const root = rootOf(path, opts.root);
  return buildSpotFile(SourceFile.read(path, root), { ...opts, pipeline }, root);
}

function rootOf(path: string, flag?: string): Root {
  try {
    return findRoot(path, flag);
  } catch (e) {
    if (e instanceof PathRefusal) throw new FileError([{ file: path, where: "", message: e.message }]);
    throw e;
  }
}

export function buildSpotFile(src: SourceFile, opts: LoadOptions, root = rootOf(src.path, opts.root)): SpotFile {
  const pipeline = opts.pipeline ?? new Pipeline({}, opts.env);
  const validate = validatorFor(opts.kinds);
  const wanted = opts.orgs && opts.orgs.length ? new Set(opts.orgs) : undefined;
  // With --org, the other organizations are not checked: a mistake in one does not stop the others' jobs.
  const schemaErrors = (validate(src.data) ? [] : (validate.errors ?? [])).filter(
    (e) => !wanted || !unselected(src.data, toPath(e.instancePath), wanted),
  );
  const schemaOk = schemaErrors.length === 0;
  const layouts = buildLayouts(opts.kinds);
  const b = new Builder(src, layouts, opts, pipeline, root);
  if (!schemaOk) {
    b.problems.push(...schemaProblems(src, schemaErrors, pipeline));
    // Everything else is still checked in the same pass, on what the schema accepted: keys it refused are left
    // out, and declarations it refused are not checked again (their problem is already reported).
    if (!Array.isArray((src.data as Props | null)?.organizations)) throw new FileError(sortProblems(b.problems));
    b.flawedItems = schemaErrors.map((e) => flawedItem(toPath(e.instancePath)));
  }
  const data = (schemaOk ? src.data : sanitized(src.data, schemaErrors)) as { organizations: Props[] };
  const orgs: OrgSpec[] = [];
  const irreversible = new Set(layouts.filter((l) => l.kind.irreversibleDelete).map((l) => l.key));
  if (wanted) {
    const names = data.organizations.map((raw) => raw?.name).filter((n): n is string => typeof n === "string");
    for (const w of wanted)
      if (!names.includes(w))
        b.problems.push({
          file: src.path,
          where: "",
          message: `--org ${w}: the file declares no organization named "${w}" (declared: ${names.join(", ") || "none"})`,
        });
  }
  data.organizations.forEach((raw, i) => {
    if (!raw || typeof raw !== "object" || typeof raw.name !== "string") return;
    if (wanted && !wanted.has(raw.name)) return;
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
      tokenEnv: pipeline.tokenEnv(raw.name),
      prune: new Set(prune),
      docPath,
      objects: [],
    };
    if (orgs.some((o) => o.name === org.name))
      b.problems.push(
        src.problem([...docPath, "name"], `organization "${org.name}" is declared twice; names are unique`),
      );
    else reach(pipeline, src, b.problems, org, raw, orgs, opts);
    for (const l of sections(layouts)) {
      const items = raw[l.key];
      if (!Array.isArray(items)) continue;
      items.forEach((item, j) => {
        if (!item || typeof item !== "object" || Array.isArray(item)) return;
        const at: DocPath = [...docPath, l.key, j];
        const before = b.problems.length;
        try {
          b.declare(org, l, item as Props, at);
        } catch (e) {
          // Only a declaration the schema refused can trip the builder; its problem is reported already.
          if (schemaOk) throw e;
        }
        // What the builder says of a declaration the schema refused only echoes the schema's problem.
        if (!schemaOk && b.isFlawed(at)) b.problems.splice(before);
      });
    }
    b.checkOrg(org);
    orgs.push(org);
  });
  if (b.problems.length) throw new FileError(sortProblems(b.problems));
  return { path: src.path, dir: dirname(src.path), root: root.dir, orgs, layouts };
}

/** Whether a path is inside an organization `--org` left out (one with a name, so that it can be told apart). */
function unselected(data: unknown, path: DocPath, wanted: Set<string>): boolean {
  if (path[0] !== "organizations" || typeof path[1] !== "number") return false;
  const name = (getAt(data, path.slice(0, 2)) as Props | undefined)?.name;
  return typeof name === "string" && !wanted.has(name);
}

/** The declaration an error is in (`organizations[i].<section>[j]`), or the organization for one of its own keys. */
function flawedItem(path: DocPath): DocPath {
  return path.slice(0, Math.min(path.length, path.length >= 4 ? 4 : 3));
}

/** A copy of the data without what the schema refused: unknown keys, values of the wrong shape. */
function sanitized(data: unknown, errors: ErrorObject[]): unknown {
  const copy = structuredClone(data) as Props;
  const drop = (path: DocPath) => {
    if (!path.length) return;
    const parent = getAt(copy, path.slice(0, -1));
    if (parent && typeof parent === "object") {
      const k = path[path.length - 1];
      if (Array.isArray(parent) && typeof k === "number") parent[k] = null;
      else delete (parent as Props)[k as string];
    }
  };
  for (const e of errors) {
    const path = toPath(e.instancePath);
    if (e.keyword === "additionalProperties") drop([...path, String((e.params as Props).additionalProperty)]);
    else if (e.keyword !== "required" && e.keyword !== "anyOf" && path.length > 2) drop(path);
  }
  return copy;
}

/**
 * How an organization is reached: its token variable and base URL, both the pipeline's decision. What the
 * file says (`tokenEnv:`, `baseUrl:`) is accepted only when it agrees with, or is allowed by, the pipeline.
 */
function reach(
  p: Pipeline,
  src: SourceFile,
  problems: FileProblem[],
  org: OrgSpec,
  raw: Props,
  others: OrgSpec[],
  opts: LoadOptions,
): void {
  const at = (key: string): DocPath => [...org.docPath, raw[key] !== undefined ? key : "name"];
  if (raw.tokenEnv !== undefined && raw.tokenEnv !== org.tokenEnv)
    problems.push(
      src.problem(
        at("tokenEnv"),
        `the file cannot choose which variable holds a token: the pipeline reads organization "${org.name}"'s token from ${org.tokenEnv} (pattern ${p.tokenEnvPattern}, set by --token-env-pattern); write tokenEnv: ${org.tokenEnv} or leave tokenEnv out`,
      ),
    );
  const twin = others.find((o) => o.tokenEnv === org.tokenEnv);
  if (twin)
    problems.push(
      src.problem(
        at("name"),
        `organizations "${twin.name}" and "${org.name}" would both read their token from ${org.tokenEnv} (characters other than letters and digits become _); rename one`,
      ),
    );
  if (raw.baseUrl !== undefined) {
    const u = p.fileBaseUrl(org.name, raw.baseUrl);
    if ("problem" in u) problems.push(src.problem(at("baseUrl"), u.problem));
    else org.baseUrl = u.url;
  } else org.baseUrl = p.endpoint(org.name).url;
  const token = opts.env[org.tokenEnv];
  if (token) org.token = token;
  else if (opts.requireTokens)
    problems.push(
      src.problem(
        at("tokenEnv"),
        `environment variable ${org.tokenEnv} is not set; export organization "${org.name}"'s Spot token in it`,
      ),
    );
}
