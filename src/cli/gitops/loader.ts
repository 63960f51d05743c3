/**
 * Reading the YAML file with positions: every later error (schema, references, engine checks) is turned
 * into `file:line:column` through the document's nodes and a LineCounter.
 */
import { readFileSync } from "node:fs";
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { DocPath, FileProblem, Pos } from "./model";

export class FileError extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "FileError";
  }
}

export function formatProblem(p: FileProblem): string {
  const at = p.pos ? `${p.file}:${p.pos.line}:${p.pos.col}` : p.file;
  return p.where ? `${at}: ${p.where}: ${p.message}` : `${at}: ${p.message}`;
}

/** `["organizations", 0, "accounts", 1]` → `organizations[0].accounts[1]`. */
export function pathText(path: DocPath): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

export class SourceFile {
  readonly doc: Document;
  readonly data: unknown;
  private readonly lines = new LineCounter();

  constructor(
    readonly path: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: true });
    const problems: FileProblem[] = this.doc.errors.map((e) => ({
      file: path,
      pos: e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : undefined,
      where: "",
      message: `YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
    }));
    if (problems.length) throw new FileError(problems);
    // Aliases are resolved; tags such as !!binary are left to the schema to reject.
    this.data = this.doc.toJS({ maxAliasCount: 1000 });
  }

  static read(path: string): SourceFile {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FileError([
        { file: path, where: "", message: code === "ENOENT" ? "file not found" : `cannot read the file (${code})` },
      ]);
    }
    return new SourceFile(path, text);
  }

  private pos(offset: number): Pos {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /**
   * Where a path is in the file: the key of the last step when `key` is set (an unknown or misspelled key),
   * else the value. Falls back to the nearest existing ancestor.
   */
  position(path: DocPath, key = false): Pos | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    let last: Node | undefined = isNode(node) ? node : undefined;
    for (const step of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(step));
        if (!pair) break;
        keyNode = isNode(pair.key) ? pair.key : undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof step === "number") {
        node = node.items[step];
      } else break;
      if (isNode(node)) last = node;
      else if (keyNode) last = keyNode;
    }
    const target = key && keyNode ? keyNode : last;
    return target?.range ? this.pos(target.range[0]) : undefined;
  }

  problem(path: DocPath, message: string, key = false): FileProblem {
    return { file: this.path, pos: this.position(path, key), where: pathText(path), message };
  }
}
