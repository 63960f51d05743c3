/**
 * Text from the file or from Spot made safe to print. Names, ids, messages and paths come from a pull request
 * or from an API, and a terminal or a PR comment interprets some characters instead of showing them: ESC and
 * C1 controls rewrite the screen or the title, CR and line separators forge lines, bidi overrides make text
 * read differently from what it is. They are shown as escapes (`\x1b`, `\u202e`) instead.
 */

// C0 (newline and tab included: a value never spans lines), DEL, C1, the bidi controls, LS and PS.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `s` with every character that a terminal or a Markdown renderer would act on shown as an escape. */
export function visible(s: string): string {
  return s.replace(UNSAFE, escape);
}

/** A copy of plain data (objects, arrays) with every string made visible; for structures rendered by others. */
export function visibleDeep<T>(v: T): T {
  if (typeof v === "string") return visible(v) as T;
  if (Array.isArray(v)) return v.map(visibleDeep) as T;
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = visibleDeep(x);
    return out as T;
  }
  return v;
}
