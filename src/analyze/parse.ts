import { createRequire } from "node:module";
import { Parser, Language, type Node, type Tree } from "web-tree-sitter";

export type { Node, Tree };

let ready: Promise<Parser> | undefined;

/** One shared tree-sitter parser for Python: the wasm runtime and the grammar load once per process. */
export function pythonParser(): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const language = await Language.load(require.resolve("tree-sitter-python/tree-sitter-python.wasm"));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return ready;
}

/** Parses Python source; the caller must `tree.delete()` when done (the tree lives in wasm memory). */
export async function parsePython(text: string): Promise<Tree> {
  const parser = await pythonParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  return tree;
}

/** The value of a plain string literal ("x", 'x', r"x", b"x"); undefined for f-strings with interpolation or anything else. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "concatenated_string") {
    let out = "";
    for (const c of node.namedChildren) {
      const v = stringValue(c);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (node.type !== "string") return undefined;
  let out = "";
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === "string_content") out += c.text;
    else if (c.type === "escape_sequence") out += unescape(c.text);
    else if (c.type === "interpolation") return undefined;
  }
  return out;
}

function unescape(seq: string): string {
  const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
  return simple[seq.slice(1)] ?? seq;
}

/** A literal as Python source would show it, for defaults: strings unquoted, numbers/bools/None as written. */
export function literalText(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const s = stringValue(node);
  if (s !== undefined) return s;
  if (["integer", "float", "true", "false", "none"].includes(node.type)) return node.text;
  return undefined;
}

/** "a.b.c" for identifier/attribute chains, undefined otherwise. */
export function dottedName(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "identifier") return node.text;
  if (node.type === "attribute") {
    const obj = dottedName(node.childForFieldName("object"));
    const attr = node.childForFieldName("attribute");
    return obj && attr ? `${obj}.${attr.text}` : undefined;
  }
  return undefined;
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
}

export function callArgs(call: Node): CallArgs {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  const args = call.childForFieldName("arguments");
  if (args?.type === "argument_list") {
    for (const a of args.namedChildren) {
      if (!a || a.type === "comment") continue;
      if (a.type === "keyword_argument") {
        const name = a.childForFieldName("name")?.text;
        const value = a.childForFieldName("value");
        if (name && value) keywords.set(name, value);
      } else positional.push(a);
    }
  }
  return { positional, keywords };
}

/** 1-based line of a node. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}
