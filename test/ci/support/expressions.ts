/**
 * GitHub Actions expressions (`${{ … }}`, `if:`), as far as workflows use them: literals, context lookups
 * (`a.b`, `a['b']`, `a[expr]`), `!`, comparisons (strings case-insensitively, other types coerced to
 * numbers), `&&` / `||` returning an operand, and the functions contains, startsWith, endsWith, format, join,
 * toJSON, fromJSON, hashFiles and the status checks. Unknown syntax throws, so a workflow using more fails
 * its test instead of passing by accident.
 */
type Tok = { t: "num" | "str" | "id" | "op"; v: string };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: "str", v: s });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) {
      out.push({ t: "op", v: two });
      i += 2;
      continue;
    }
    if ("!<>()[].,".includes(c)) {
      out.push({ t: "op", v: c });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new Error(`unsupported expression syntax at ${JSON.stringify(src.slice(i))} in ${src}`);
  }
  return out;
}

type Node =
  | { k: "lit"; v: unknown }
  | { k: "ctx"; name: string }
  | { k: "get"; obj: Node; key: Node }
  | { k: "call"; fn: string; args: Node[] }
  | { k: "not"; e: Node }
  | { k: "bin"; op: string; l: Node; r: Node };

function parse(src: string): Node {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => peek()?.t === "op" && peek().v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Error(`expected ${v} in ${src}`);
    p++;
  };
  const binary = (next: () => Node, ops: string[]): Node => {
    let l = next();
    while (peek()?.t === "op" && ops.includes(peek().v)) {
      const op = toks[p++].v;
      l = { k: "bin", op, l, r: next() };
    }
    return l;
  };
  const or = (): Node => binary(and, ["||"]);
  const and = (): Node => binary(eq, ["&&"]);
  const eq = (): Node => binary(cmp, ["==", "!="]);
  const cmp = (): Node => binary(unary, ["<", "<=", ">", ">="]);
  const unary = (): Node => {
    if (isOp("!")) {
      p++;
      return { k: "not", e: unary() };
    }
    return postfix();
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      if (isOp(".")) {
        p++;
        const t = toks[p++];
        if (t?.t !== "id") throw new Error(`expected a property name in ${src}`);
        n = { k: "get", obj: n, key: { k: "lit", v: t.v } };
      } else if (isOp("[")) {
        p++;
        const key = or();
        expect("]");
        n = { k: "get", obj: n, key };
      } else return n;
    }
  };
  const primary = (): Node => {
    const t = toks[p++];
    if (!t) throw new Error(`unexpected end of ${src}`);
    if (t.t === "str") return { k: "lit", v: t.v };
    if (t.t === "num") return { k: "lit", v: Number(t.v) };
    if (t.t === "op" && t.v === "(") {
      const e = or();
      expect(")");
      return e;
    }
    if (t.t === "id") {
      if (t.v === "true" || t.v === "false") return { k: "lit", v: t.v === "true" };
      if (t.v === "null") return { k: "lit", v: null };
      if (isOp("(")) {
        p++;
        const args: Node[] = [];
        while (!isOp(")")) {
          args.push(or());
          if (isOp(",")) p++;
        }
        p++;
        return { k: "call", fn: t.v.toLowerCase(), args };
      }
      return { k: "ctx", name: t.v };
    }
    throw new Error(`unexpected ${t.v} in ${src}`);
  };
  const n = or();
  if (p !== toks.length) throw new Error(`trailing tokens in ${src}`);
  return n;
}

export interface Status {
  success: boolean;
  failure: boolean;
}

export interface ExprContext {
  contexts: Record<string, unknown>;
  status: Status;
  hashFiles?: (patterns: string[]) => string;
}

function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false || v === 0 || v === "" || Number.isNaN(v));
}

function toNum(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return NaN;
}

function equal(a: unknown, b: unknown): boolean {
  const nil = (x: unknown) => x === null || x === undefined;
  if (nil(a) && nil(b)) return true;
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === "object" && typeof b === "object" && !nil(a) && !nil(b)) return a === b;
  return toNum(a) === toNum(b);
}

function lookup(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return null;
  if (Array.isArray(obj) && typeof key === "number") return obj[key] ?? null;
  if (typeof obj !== "object") return null;
  const k = String(key);
  const o = obj as Record<string, unknown>;
  if (k in o) return o[k] ?? null;
  const found = Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase());
  return found === undefined ? null : (o[found] ?? null);
}

export function toStr(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v, null, 2);
  return String(v);
}

function evaluate(n: Node, c: ExprContext): unknown {
  switch (n.k) {
    case "lit":
      return n.v;
    case "ctx":
      if (!(n.name in c.contexts)) throw new Error(`unknown context ${n.name}`);
      return c.contexts[n.name] ?? null;
    case "get":
      return lookup(evaluate(n.obj, c), evaluate(n.key, c));
    case "not":
      return !truthy(evaluate(n.e, c));
    case "bin": {
      const l = evaluate(n.l, c);
      if (n.op === "&&") return truthy(l) ? evaluate(n.r, c) : l;
      if (n.op === "||") return truthy(l) ? l : evaluate(n.r, c);
      const r = evaluate(n.r, c);
      if (n.op === "==") return equal(l, r);
      if (n.op === "!=") return !equal(l, r);
      const [a, b] = typeof l === "string" && typeof r === "string" ? [l, r] : [toNum(l), toNum(r)];
      return n.op === "<" ? a < b : n.op === "<=" ? a <= b : n.op === ">" ? a > b : a >= b;
    }
    case "call": {
      const a = n.args.map((x) => evaluate(x, c));
      switch (n.fn) {
        case "success":
          return c.status.success;
        case "failure":
          return c.status.failure;
        case "always":
          return true;
        case "cancelled":
          return false;
        case "contains":
          return Array.isArray(a[0])
            ? a[0].some((x) => equal(x, a[1]))
            : toStr(a[0]).toLowerCase().includes(toStr(a[1]).toLowerCase());
        case "startswith":
          return toStr(a[0]).toLowerCase().startsWith(toStr(a[1]).toLowerCase());
        case "endswith":
          return toStr(a[0]).toLowerCase().endsWith(toStr(a[1]).toLowerCase());
        case "format":
          return toStr(a[0]).replace(/\{(\d+)\}/g, (_, i) => toStr(a[Number(i) + 1]));
        case "join":
          return Array.isArray(a[0]) ? a[0].map(toStr).join(a.length > 1 ? toStr(a[1]) : ",") : toStr(a[0]);
        case "tojson":
          return JSON.stringify(a[0] ?? null, null, 2);
        case "fromjson":
          return JSON.parse(toStr(a[0]));
        case "hashfiles":
          if (!c.hashFiles) throw new Error("hashFiles() is only available in steps");
          return c.hashFiles(a.map(toStr));
        default:
          throw new Error(`unsupported function ${n.fn}()`);
      }
    }
  }
}

const WHOLE = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;
const ANY = /\$\{\{([\s\S]*?)\}\}/g;

/** A YAML value: a string that is one whole `${{ }}` keeps the expression's type; other strings are templates. */
export function evalValue(v: unknown, c: ExprContext): unknown {
  if (typeof v !== "string") return v;
  const m = WHOLE.exec(v);
  if (m && !m[1].includes("}}")) return evaluate(parse(m[1]), c);
  return evalString(v, c);
}

export function evalString(v: unknown, c: ExprContext): string {
  if (v === undefined || v === null) return "";
  return String(v).replace(ANY, (_, e: string) => toStr(evaluate(parse(e), c)));
}

/** An `if:`: an expression with or without `${{ }}`, implicitly `success() && (…)` without a status check. */
export function evalIf(cond: unknown, c: ExprContext): boolean {
  if (cond === undefined || cond === null) return c.status.success;
  if (typeof cond === "boolean") return cond && c.status.success;
  let src = String(cond).trim();
  const m = WHOLE.exec(src);
  if (m) src = m[1];
  if (!/\b(success|failure|always|cancelled)\s*\(/i.test(src)) src = `success() && (${src})`;
  return truthy(evaluate(parse(src), c));
}

/** Every expression in a string, for checks that do not evaluate them. */
export function expressionsIn(s: string): string[] {
  return [...s.matchAll(ANY)].map((m) => m[1].trim());
}
