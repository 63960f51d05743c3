/**
 * Reading the YAML file with positions: every later error (schema, references, engine checks) is turned
 * into `file:line:column` through the document's nodes and a LineCounter.
 */
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { DocPath, FileProblem, Pos } from "./model";
import type { Root } from "./paths";
import { PathRefusal, readBounded, SPEC_FILE_LIMIT } from "./paths";
import { visible } from "./visible";

export class FileError extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "FileError";
  }
}

/** One problem as a line; keys and values quoted from the file are made visible (no terminal escapes). */
export function formatProblem(p: FileProblem): string {
  const at = p.pos ? `${p.file}:${p.pos.line}:${p.pos.col}` : p.file;
  return visible(p.where ? `${at}: ${p.where}: ${p.message}` : `${at}: ${p.message}`);
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

  /**
   * The file is read like the secrets it names: it too can be a link a pull request committed (to a
   * credentials file whose text would then be quoted in errors, or to /dev/zero).
   */
  static read(path: string, root: Root): SourceFile {
    let text: string;
    try {
      text = readBounded(root, path, SPEC_FILE_LIMIT).toString("utf8");
    } catch (e) {
      if (!(e instanceof PathRefusal)) throw e;
      const message = e.code === "ENOENT" ? "file not found" : e.code ? `cannot read the file (${e.code})` : e.message;
      throw new FileError([{ file: path, where: "", message }]);
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
