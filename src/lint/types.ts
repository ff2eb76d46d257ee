import type { AppModel } from "../analyze/model.ts";
import type { DockerfileModel } from "./dockerfile.ts";
import type { ComposeModel } from "./compose.ts";
import type { BuildContext } from "./context.ts";

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/** One problem found in one file, as every output format prints it. Lines and columns are 1-based. */
export interface LintFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  fix: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  /** The offending line as written. */
  snippet?: string;
  /** Link to the rule's section in docs/rules.md. */
  docs: string;
}

export interface LintReport {
  findings: LintFinding[];
  /** Files that were linted, relative to the project root. */
  files: string[];
  /** Number of rules that ran. */
  rules: number;
  counts: { error: number; warning: number; info: number };
  /** Things the user should know about the run itself (rules skipped and why). */
  notes: string[];
}

/** A text replacement for --fix: lines are 1-based, the range [start, end) is in characters of that line. */
export interface Edit {
  file: string;
  /** Replace whole lines startLine..endLine (inclusive) with `text`; or append `text` to the file when startLine is 0. */
  startLine: number;
  endLine: number;
  text: string;
}

/** What a rule returns: where, what, and optionally a safe mechanical edit. */
export interface Hit {
  line: number;
  column?: number;
  endLine?: number;
  message: string;
  /** Overrides the rule's generic fix with a specific one. */
  fix?: string;
  /** Overrides the file (context rules point at .dockerignore or the Dockerfile). */
  file?: string;
  edit?: Edit;
}

/** The project-level configuration read from `.flaskpack.yaml` (`lint:` section). */
export interface LintConfig {
  ignore: string[];
  severity: Record<string, Severity>;
  trustedRegistries: string[];
}

export interface DockerfileInput {
  df: DockerfileModel;
  config: LintConfig;
  /** The app, when analyze found one: Dockerfile rules may use it to make their fix concrete, never to decide. */
  app?: AppModel;
}
export interface FlaskInput {
  df: DockerfileModel;
  app: AppModel;
  config: LintConfig;
  /** Reads a project file (relative path); undefined when absent. */
  readSource: (rel: string) => string | undefined;
}
export interface ContextInput {
  context: BuildContext;
  dockerfiles: DockerfileModel[];
  config: LintConfig;
}
export interface ComposeInput {
  compose: ComposeModel;
  config: LintConfig;
}

/** A rule's example, rendered into docs/rules.md and run by the unit tests (bad must fire, good must not). */
export interface RuleExample {
  dockerfile?: string;
  compose?: string;
  /** Build-context files: path → content (size is the content's length unless given as a number). */
  files?: Record<string, string | number>;
  /** Fields of the AppModel that matter for the rule. */
  app?: Partial<AppModel>;
  /** Python sources of the project, for rules that read them. */
  sources?: Record<string, string>;
  config?: Partial<LintConfig>;
}

interface RuleBase {
  id: string;
  severity: Severity;
  title: string;
  /** Why it matters, one or two sentences. */
  rationale: string;
  /** What to do, generic. */
  fix: string;
  /** hadolint's id for the same check, when there is one. */
  hadolint?: string;
  /** --fix can repair it mechanically. */
  fixable?: boolean;
  examples: { bad: RuleExample; good: RuleExample };
}

export type Rule =
  | (RuleBase & { scope: "dockerfile"; check: (input: DockerfileInput) => Hit[] })
  | (RuleBase & { scope: "flask"; check: (input: FlaskInput) => Hit[] })
  | (RuleBase & { scope: "context"; check: (input: ContextInput) => Hit[] })
  | (RuleBase & { scope: "compose"; check: (input: ComposeInput) => Hit[] });

export type RuleScope = Rule["scope"];
