import type { DockerfileModel, Instr } from "./dockerfile.ts";
import type { Edit } from "./types.ts";

/** Raw text of the lines an instruction spans. */
function rawOf(df: DockerfileModel, instr: Instr): string {
  return df.lines.slice(instr.line - 1, instr.endLine).join("\n");
}

function replaceInstr(df: DockerfileModel, instr: Instr, text: string): Edit {
  return { file: df.file, startLine: instr.line, endLine: instr.endLine, text };
}

/**
 * Adds `flag` right after each command the pattern matches (`apt-get install`, `pip install`) whose own arguments,
 * up to the next `&&`, `||`, `;` or `|`, do not have it yet. Only words are added; nothing else in the line moves.
 */
export function insertFlagEdit(df: DockerfileModel, instr: Instr, pattern: RegExp, flag: string): Edit | undefined {
  const raw = rawOf(df, instr);
  let changed = false;
  const text = raw.replace(pattern, (match: string, _g: unknown, offset: number) => {
    const rest = raw.slice(offset + match.length);
    const end = rest.search(/&&|\|\||;|\||$/);
    if (rest.slice(0, end).includes(flag)) return match;
    changed = true;
    return `${match} ${flag}`;
  });
  return changed ? replaceInstr(df, instr, text) : undefined;
}

/** `ADD x y` → `COPY x y`, keeping flags and arguments as written. */
export function replaceKeywordEdit(df: DockerfileModel, instr: Instr, keyword: string): Edit {
  const raw = rawOf(df, instr);
  return replaceInstr(df, instr, raw.slice(0, instr.column - 1) + raw.slice(instr.column - 1).replace(/^\S+/, keyword));
}

/**
 * Shell form → exec form, only when the words mean the same without a shell: no variables, globs, quotes,
 * redirections, operators or continuations.
 */
export function execFormEdit(df: DockerfileModel, instr: Instr): Edit | undefined {
  if (instr.endLine !== instr.line || /[$`'"\\|&;<>*?(){}[\]~#]/.test(instr.args)) return undefined;
  const words = instr.args.split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const raw = rawOf(df, instr);
  const indent = raw.slice(0, instr.column - 1);
  const keyword = raw.slice(instr.column - 1).split(/\s/)[0];
  return replaceInstr(df, instr, `${indent}${keyword} ${JSON.stringify(words).replace(/","/g, '", "')}`);
}

/** Applies non-overlapping edits to a text; returns the new text and how many edits were applied. */
export function applyEdits(text: string, edits: Edit[]): { text: string; applied: number } {
  const lines = text.split("\n");
  const lineEdits = edits.filter((e) => e.startLine > 0).sort((a, b) => b.startLine - a.startLine);
  const appends = edits.filter((e) => e.startLine === 0);
  let applied = 0;
  let floor = Infinity;
  for (const e of lineEdits) {
    if (e.endLine >= floor) continue;
    lines.splice(e.startLine - 1, e.endLine - e.startLine + 1, ...e.text.split("\n"));
    floor = e.startLine;
    applied++;
  }
  let out = lines.join("\n");
  for (const e of appends) {
    if (out.length && !out.endsWith("\n")) out += "\n";
    out += e.text.endsWith("\n") ? e.text : e.text + "\n";
    applied++;
  }
  return { text: out, applied };
}

/** A unified diff of two texts, line based, with 2 lines of context. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  // LCS table; Dockerfiles and .dockerignore files are small.
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { t: " " | "-" | "+"; s: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { ops.push({ t: " ", s: a[i], ai: i++, bi: j++ }); }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) ops.push({ t: "+", s: b[j], ai: i, bi: j++ });
    else ops.push({ t: "-", s: a[i], ai: i++, bi: j });
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  const ctx = 2;
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === " ") { k++; continue; }
    let start = Math.max(0, k - ctx);
    let end = k;
    while (end < ops.length) {
      if (ops[end].t !== " ") { end++; continue; }
      let run = 0;
      while (end + run < ops.length && ops[end + run].t === " ") run++;
      if (end + run >= ops.length || run > ctx * 2) { end = Math.min(ops.length, end + ctx); break; }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.t !== "+").length;
    const bLen = hunk.filter((o) => o.t !== "-").length;
    out.push(`@@ -${hunk[0].ai + 1},${aLen} +${hunk[0].bi + 1},${bLen} @@`, ...hunk.map((o) => o.t + o.s));
    k = end;
    start = end;
  }
  return out.join("\n");
}
