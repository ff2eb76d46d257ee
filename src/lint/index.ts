/**
 * lint: checks a project's Dockerfile(s), build context and compose files, with rules that know the Flask app
 * (from analyze). Pure rules over parsed models; this file is the impure shell that finds and reads the files.
 */
import { existsSync, readFileSync, statSync, writeFileSync, readdirSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { AppModel } from "../analyze/model.ts";
import { FlaskpackError, isFlaskpackError } from "../errors.ts";
import { parseCompose } from "./compose.ts";
import { loadConfig, DEFAULT_CONFIG } from "./config.ts";
import { readBuildContext } from "./context.ts";
import { parseDockerfile } from "./dockerfile.ts";
import { applyEdits, unifiedDiff } from "./fix.ts";
import { editsOf, runRules } from "./run.ts";
import type { Edit, LintConfig, LintFinding, LintReport, Severity } from "./types.ts";

export type { LintFinding, LintReport, LintConfig, Severity, Rule } from "./types.ts";
export { RULES } from "./rules/index.ts";
export { toSarif } from "./format/sarif.ts";
export { toCheckstyle } from "./format/checkstyle.ts";
export { toTty } from "./format/tty.ts";

export interface LintOptions {
  /** Dockerfile to lint (relative to dir or absolute); default: every Dockerfile/Containerfile at the top of dir. */
  dockerfile?: string;
  /** compose file to lint; default: compose.yaml / docker-compose.yml … at the top of dir. */
  compose?: string;
  /** Config file; default `.flaskpack.yaml` in dir. */
  config?: string;
  /** The AppModel, when the caller has it; else lint runs analyze itself. */
  app?: AppModel;
}

const DOCKERFILE_NAMES = /^(Dockerfile|Containerfile)(\.[\w.-]+)?$|^[\w.-]+\.(Dockerfile|dockerfile|Containerfile)$/;
const COMPOSE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
/** Larger files are not Dockerfiles or compose files; reading them whole would only waste memory. */
const MAX_FILE = 5 * 1024 * 1024;

export function countBySeverity(findings: LintFinding[]): LintReport["counts"] {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Lints a Dockerfile's text alone: Dockerfile and Flask rules (when ctx.app is given), no build context. */
export function lintDockerfileText(
  text: string,
  ctx: { file?: string; app?: AppModel; config?: Partial<LintConfig>; sources?: Record<string, string> } = {},
): LintFinding[] {
  const df = parseDockerfile(text, ctx.file ?? "Dockerfile");
  return runRules({
    dockerfiles: [df],
    composes: [],
    app: ctx.app,
    readSource: (rel) => ctx.sources?.[rel],
    config: { ...DEFAULT_CONFIG, ...ctx.config },
  }).findings;
}

/** Lints a compose file's text alone. */
export function lintComposeText(text: string, ctx: { file?: string; config?: Partial<LintConfig> } = {}): LintFinding[] {
  return runRules({ dockerfiles: [], composes: [parseCompose(text, ctx.file ?? "compose.yaml")], readSource: () => undefined, config: { ...DEFAULT_CONFIG, ...ctx.config } }).findings;
}

function readText(path: string, label: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new FlaskpackError("NOT_FOUND", `${label} ${path} does not exist`, "check the path, or run `flaskpack init` to generate one");
  if (!st.isFile()) throw new FlaskpackError("BAD_INPUT", `${label} ${path} is not a file`, "pass the path of the file itself");
  if (st.size > MAX_FILE) throw new FlaskpackError("BAD_INPUT", `${label} ${path} is ${st.size} bytes: too large to be a ${label}`, "pass the right file");
  return readFileSync(path, "utf8");
}

function relTo(dir: string, path: string): string {
  const r = relative(dir, path);
  return (r.startsWith("..") || isAbsolute(r) ? path : r).split(sep).join("/");
}

async function analyzeFor(dir: string, notes: string[]): Promise<AppModel | undefined> {
  // analyze is another module's entry point; imported lazily so lint of a plain Dockerfile never pays for tree-sitter.
  try {
    const { analyze } = await import("../analyze/index.ts");
    return await analyze(dir);
  } catch (e) {
    if (isFlaskpackError(e) && e.code === "NO_FLASK_APP") notes.push("no Flask app found: Flask-aware rules (FP-FL-*) that need the app were skipped");
    else notes.push(`analyze failed (${(e as Error).message.split("\n")[0]}): Flask-aware rules that need the app were skipped`);
    return undefined;
  }
}

/** Lints the project in `dir`: its Dockerfile(s), .dockerignore and build context, and compose files. */
export async function lint(dirArg: string, opts: LintOptions = {}): Promise<LintReport> {
  const dir = resolve(dirArg);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new FlaskpackError("NOT_FOUND", `${dirArg} does not exist`, "give the directory of a project with a Dockerfile or compose file");
  if (!st.isDirectory()) throw new FlaskpackError("BAD_INPUT", `${dirArg} is not a directory`, `pass the project directory, and the file with --dockerfile (flaskpack lint . --dockerfile ${dirArg})`);
  const { config } = loadConfig(dir, opts.config ? resolve(opts.config) : undefined);
  const top = readdirSync(dir);
  const dockerfilePaths = opts.dockerfile ? [resolve(dir, opts.dockerfile)] : top.filter((n) => DOCKERFILE_NAMES.test(n) && statSync(join(dir, n)).isFile()).sort().map((n) => join(dir, n));
  const composePaths = opts.compose ? [resolve(dir, opts.compose)] : COMPOSE_NAMES.filter((n) => top.includes(n)).map((n) => join(dir, n));
  if (!dockerfilePaths.length && !composePaths.length)
    throw new FlaskpackError("NOT_FOUND", `no Dockerfile or compose file in ${dirArg}`, "run `flaskpack init` to generate them, or pass --dockerfile / --compose");

  const dockerfiles = dockerfilePaths.map((p) => parseDockerfile(readText(p, "Dockerfile"), relTo(dir, p)));
  const composes = composePaths.map((p) => parseCompose(readText(p, "compose file"), relTo(dir, p)));
  const notes: string[] = [];
  const app = opts.app ?? (dockerfiles.length ? await analyzeFor(dir, notes) : undefined);
  const context = dockerfiles.length ? readBuildContext(dir) : undefined;
  const readSource = (rel: string) => {
    const p = resolve(dir, rel);
    if (!p.startsWith(dir + sep)) return undefined;
    const s = statSync(p, { throwIfNoEntry: false });
    return s?.isFile() && s.size <= MAX_FILE ? readFileSync(p, "utf8") : undefined;
  };
  const { findings, ran } = runRules({ dockerfiles, composes, context, app, readSource, config });
  const files = [...dockerfiles.map((d) => d.file), ...composes.map((c) => c.file), ...(context?.dockerignore ? [".dockerignore"] : [])];
  return { findings, files, rules: ran, counts: countBySeverity(findings), notes };
}

export interface FixResult {
  /** Files changed, with a unified diff each. */
  changed: { file: string; diff: string }[];
  applied: number;
  /** The report after fixing. */
  after: LintReport;
}

/**
 * Applies the safe mechanical fixes (exec-form CMD, --no-cache-dir, --no-install-recommends, ADD → COPY,
 * .dockerignore entries) and re-lints until nothing more can be fixed. Nothing else in the files changes.
 */
export async function applyFixes(dirArg: string, report: LintReport, opts: LintOptions = {}): Promise<FixResult> {
  const dir = resolve(dirArg);
  const originals = new Map<string, string | null>();
  let applied = 0;
  let current = report;
  for (let pass = 0; pass < 8; pass++) {
    let edits = current.findings.map((f) => editsOf.get(f)).filter((e): e is Edit => Boolean(e));
    // A report read back from JSON has no edits attached: lint again to get them.
    if (!edits.length && pass === 0 && current.findings.length) {
      current = await lint(dir, opts);
      edits = current.findings.map((f) => editsOf.get(f)).filter((e): e is Edit => Boolean(e));
    }
    if (!edits.length) break;
    let appliedThisPass = 0;
    const byFile = new Map<string, Edit[]>();
    for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    for (const [file, fileEdits] of byFile) {
      const path = resolve(dir, file);
      const before = existsSync(path) ? readFileSync(path, "utf8") : "";
      if (!originals.has(file)) originals.set(file, existsSync(path) ? before : null);
      const result = applyEdits(before, mergeAppends(before, fileEdits));
      if (result.text !== before) {
        writeFileSync(path, result.text);
        appliedThisPass += result.applied;
      }
    }
    if (!appliedThisPass) break;
    applied += appliedThisPass;
    current = await lint(dir, opts);
  }
  const changed = [...originals]
    .map(([file, before]) => ({ file, before: before ?? "", after: readFileSync(resolve(dir, file), "utf8") }))
    .filter((c) => c.before !== c.after)
    .map((c) => ({ file: c.file, diff: unifiedDiff(c.file, c.before, c.after) }));
  return { changed, applied, after: current };
}

/** All .dockerignore additions as one append, without entries the file already has. */
function mergeAppends(existing: string, edits: Edit[]): Edit[] {
  const appends = edits.filter((e) => e.startLine === 0);
  if (!appends.length) return edits;
  const have = new Set(existing.split(/\r?\n/).map((l) => l.trim()));
  const lines = [...new Set(appends.flatMap((e) => e.text.split("\n")))].filter((l) => l && !have.has(l));
  const rest = edits.filter((e) => e.startLine !== 0);
  if (!lines.length) return rest;
  const header = existing ? [] : ["# written by flaskpack lint --fix: files the image never needs"];
  return [...rest, { file: appends[0].file, startLine: 0, endLine: 0, text: [...header, ...lines].join("\n") }];
}

/** True when a finding is at or above the threshold. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
  return rank[severity] >= rank[threshold];
}

