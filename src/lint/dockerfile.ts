import { DockerfileParser, type Instruction as AstInstruction, From, Env, Arg, JSONInstruction, ModifiableInstruction } from "dockerfile-ast";
import { splitCommands, type ShellCommand } from "./shell.ts";

/**
 * A Dockerfile as lint rules see it: instructions with 1-based positions, grouped into stages, plus the lines the
 * parser could not make sense of. Built once per file; rules only read it.
 */
export interface Instr {
  keyword: string;
  /** 1-based first and last line, 1-based column of the keyword. */
  line: number;
  column: number;
  endLine: number;
  /** Arguments as one string, continuations joined and comment lines dropped. */
  args: string;
  /** Arguments as the parser splits them (shell words, quotes kept). */
  words: string[];
  /** Exec-form strings when the instruction is written as a JSON array, else null. */
  json: string[] | null;
  /** `--from=builder` → { from: "builder" }. */
  flags: Record<string, string | null>;
  /** ENV / ARG / LABEL key-value pairs with their own positions. */
  props: { name: string; value: string | null; line: number; column: number }[];
  stage: Stage;
}

export interface Stage {
  index: number;
  from: Instr;
  /** As written: "python:3.10-slim", "${BASE}", "builder". */
  image: string;
  imageName: string;
  tag: string | null;
  digest: string | null;
  registry: string | null;
  /** `AS name`, lower-cased. */
  name: string | null;
  /** FROM refers to an earlier stage of this file, not to an image. */
  fromStage: boolean;
  instructions: Instr[];
}

export interface DockerfileModel {
  /** Path relative to the project root (or the name given). */
  file: string;
  text: string;
  lines: string[];
  instructions: Instr[];
  /** Instructions before the first FROM (ARG, or mistakes). */
  preamble: Instr[];
  stages: Stage[];
  finalStage: Stage | null;
  /** Lines that are not a known instruction, with position: reported by FP-DF-000, ignored by other rules. */
  unparsable: { line: number; column: number; text: string }[];
}

export const KEYWORDS = new Set([
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
  "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
]);

export function parseDockerfile(text: string, file = "Dockerfile"): DockerfileModel {
  const clean = text.replace(/\r\n?/g, "\n");
  const ast = DockerfileParser.parse(clean);
  const lines = clean.split("\n");
  const model: DockerfileModel = { file, text: clean, lines, instructions: [], preamble: [], stages: [], finalStage: null, unparsable: [] };
  const stageNames = new Set<string>();
  let stage: Stage | null = null;
  for (const node of ast.getInstructions()) {
    const range = node.getRange();
    const keyword = node.getKeyword();
    if (!KEYWORDS.has(keyword)) {
      model.unparsable.push({ line: range.start.line + 1, column: range.start.character + 1, text: lines[range.start.line] ?? "" });
      continue;
    }
    const instr = toInstr(node, keyword, range.start.line, range.start.character, range.end.line);
    if (node instanceof From) {
      const name = node.getBuildStage()?.toLowerCase() ?? null;
      const image = node.getImage() ?? "";
      stage = {
        index: model.stages.length,
        from: instr,
        image,
        imageName: node.getImageName() ?? image,
        tag: node.getImageTag(),
        digest: node.getImageDigest(),
        registry: node.getRegistry(),
        name,
        fromStage: stageNames.has(image.toLowerCase()),
        instructions: [],
      };
      if (name) stageNames.add(name);
      model.stages.push(stage);
    }
    if (stage) {
      instr.stage = stage;
      stage.instructions.push(instr);
    } else model.preamble.push(instr);
    model.instructions.push(instr);
  }
  model.finalStage = model.stages.at(-1) ?? null;
  return model;
}

function toInstr(node: AstInstruction, keyword: string, line: number, column: number, endLine: number): Instr {
  const raw = node.getArgumentsContent() ?? "";
  const args = raw.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n").trim();
  let json: string[] | null = null;
  if (node instanceof JSONInstruction && /^\s*\[/.test(args)) {
    try {
      const parsed = JSON.parse(args) as unknown;
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === "string")) json = parsed;
    } catch {
      json = null;
    }
  }
  const flags: Record<string, string | null> = {};
  if (node instanceof ModifiableInstruction) for (const f of node.getFlags()) flags[f.getName().toLowerCase()] = f.getValue();
  const props: Instr["props"] = [];
  if (node instanceof Env || node instanceof Arg) {
    for (const p of node.getProperties()) {
      const start = p.getRange().start;
      props.push({ name: p.getName(), value: p.getValue(), line: start.line + 1, column: start.character + 1 });
    }
  }
  return {
    keyword,
    line: line + 1,
    column: column + 1,
    endLine: endLine + 1,
    args,
    words: node.getArguments().map((a) => a.getValue()),
    json,
    flags,
    props,
    stage: undefined as unknown as Stage,
  };
}

/** Rules share one split per instruction: a dozen rules read every RUN. */
const commandCache = new WeakMap<Instr, ShellCommand[]>();

/** The shell commands a RUN (shell form) or exec-form instruction runs. */
export function commandsOf(instr: Instr): ShellCommand[] {
  let cmds = commandCache.get(instr);
  if (!cmds) {
    cmds = instr.json ? [{ argv: instr.json, next: "" }] : splitCommands(instr.args.replace(/^(--[a-z-]+=\S+\s+)+/, ""));
    commandCache.set(instr, cmds);
  }
  return cmds;
}

/** The instructions of one kind in a stage (or in the whole file). */
export function ofKind(where: { instructions: Instr[] }, keyword: string): Instr[] {
  return where.instructions.filter((i) => i.keyword === keyword);
}

/** The command the final image runs: ENTRYPOINT + CMD as an argv, or null when neither is set in this file. */
export function effectiveCommand(stage: Stage): { argv: string[]; shell: boolean; at: Instr } | null {
  const entry = ofKind(stage, "ENTRYPOINT").at(-1);
  const cmd = ofKind(stage, "CMD").at(-1);
  if (!entry && !cmd) return null;
  const part = (i: Instr | undefined) => (i ? (i.json ?? splitCommands(i.args).flatMap((c) => c.argv)) : []);
  const argv = entry?.json || !entry ? [...part(entry), ...part(cmd)] : part(entry);
  return { argv, shell: Boolean((cmd && !cmd.json) || (entry && !entry.json)), at: (cmd ?? entry)! };
}

