import type { Hit } from "../types.ts";
import type { Instr, Stage } from "../dockerfile.ts";
import { commandsOf, ofKind } from "../dockerfile.ts";
import { program, type ShellCommand } from "../shell.ts";

/** A hit at an instruction. */
export function at(instr: Instr, message: string, extra: Partial<Hit> = {}): Hit {
  return { line: instr.line, column: instr.column, endLine: instr.endLine > instr.line ? instr.endLine : undefined, message, ...extra };
}

/** Every RUN of the file with its parsed shell commands. */
export function runs(instructions: Instr[]): { instr: Instr; cmds: ShellCommand[] }[] {
  return instructions.filter((i) => i.keyword === "RUN").map((instr) => ({ instr, cmds: commandsOf(instr) }));
}

export function hasProgram(cmds: ShellCommand[], ...names: string[]): boolean {
  return cmds.some((c) => names.includes(program(c)) || (program(c) === "sudo" && names.includes(c.argv[1] ?? "")));
}

/**
 * Hits for the RUN steps that install something (`installs` says which commands do) after a `COPY . .` of the
 * whole context in the same stage: every source change then reinstalls it.
 */
export function installsAfterSourceCopy(stages: Stage[], installs: (c: ShellCommand) => boolean, what: string, consequence: string): Hit[] {
  return stages.flatMap((stage) => {
    const copy = stage.instructions.find(copiesWholeContext);
    if (!copy) return [];
    return runs(stage.instructions)
      .filter(({ instr, cmds }) => instr.line > copy.line && cmds.some(installs))
      .map(({ instr }) => at(instr, `${what} after \`${copy.keyword} ${copy.args}\` (line ${copy.line}): ${consequence}`));
  });
}

/** Names that hold credentials: PASSWORD, SECRET_KEY, API_TOKEN, AWS_SECRET_ACCESS_KEY, ... */
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRETS|TOKEN|APIKEY|API_KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|AUTH_KEY)($|_)|SECRET_KEY$|_TOKEN$|_PASSWORD$/i;
/** Names that look secret but are settings, not secrets. */
const NOT_SECRET = /(_FILE|_PATH|_DIR|_URL_?FILE|_LENGTH|_MIN|_MAX|_TYPE|_ALGORITHM|_EXPIRES|_HEADER|_NAME|_PREFIX|_ENABLED)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** Values that are credentials whatever their name. */
const SECRET_VALUES: [RegExp, string][] = [
  [/\bAKIA[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, "a GitHub token"],
  [/\bgithub_pat_[A-Za-z0-9_]{40,}\b/, "a GitHub token"],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/, "a GitLab token"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, "a Slack token"],
  [/\bsk_live_[A-Za-z0-9]{16,}\b/, "a Stripe secret key"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@"']+:[^@/\s"'$]{3,}@/i, "a URL with a password"],
];

export function secretValueKind(value: string): string | null {
  for (const [re, what] of SECRET_VALUES) if (re.test(value)) return what;
  return null;
}

/** WORKDIR in force at an instruction: the last absolute WORKDIR of its stage (or of the stage it builds on). */
export function workdirAt(stages: Stage[], instr: Instr): string | null {
  let stage: Stage | undefined = instr.stage;
  let before = instr.line;
  while (stage) {
    const w = ofKind(stage, "WORKDIR").filter((i) => i.line < before).at(-1);
    if (w) return w.args;
    const parent: Stage | undefined = stage.fromStage ? stages.find((s) => s.name === stage!.image.toLowerCase()) : undefined;
    before = Infinity;
    stage = parent;
  }
  return null;
}

/** `COPY . .`, `COPY ./ /app/`, `ADD . /srv`: the instruction sends the whole build context into the image. */
export function copiesWholeContext(instr: Instr): boolean {
  if ((instr.keyword !== "COPY" && instr.keyword !== "ADD") || instr.flags.from) return false;
  const parts = instr.json ?? instr.words.filter((w) => !w.startsWith("--"));
  return parts.slice(0, -1).some((s) => s === "." || s === "./" || s === "*");
}

/** Source paths of a COPY/ADD (without flags and destination). */
export function copySources(instr: Instr): string[] {
  const parts = instr.json ?? instr.words.filter((w) => !w.startsWith("--"));
  return parts.slice(0, -1);
}

export function copyDest(instr: Instr): string {
  const parts = instr.json ?? instr.words.filter((w) => !w.startsWith("--"));
  return parts.at(-1) ?? "";
}

/** A context finding: on .dockerignore when there is one, else on the first Dockerfile; optionally appending entries. */
export function contextHit(input: { context: { dockerignore: { lineCount: number } | null }; dockerfiles: { file: string }[] }, message: string, addEntries?: string[]): Hit {
  const di = input.context.dockerignore;
  const hit: Hit = di ? { file: ".dockerignore", line: Math.max(1, di.lineCount), message } : { file: input.dockerfiles[0]?.file ?? "Dockerfile", line: 1, message };
  if (addEntries?.length) hit.edit = { file: ".dockerignore", startLine: 0, endLine: 0, text: addEntries.join("\n") };
  return hit;
}

/** Names a few paths: "a, b, c and 4 more". */
export function listPaths(paths: string[], max = 5): string {
  const shown = paths.slice(0, max).map((p) => `\`${p}\``).join(", ");
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}
