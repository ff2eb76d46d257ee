import type { AppModel } from "../analyze/model.ts";
import type { ComposeModel } from "./compose.ts";
import type { BuildContext } from "./context.ts";
import type { DockerfileModel } from "./dockerfile.ts";
import { RULES } from "./rules/index.ts";
import type { Edit, Hit, LintConfig, LintFinding, Rule } from "./types.ts";

export interface RuleInputs {
  dockerfiles: DockerfileModel[];
  composes: ComposeModel[];
  context?: BuildContext;
  app?: AppModel;
  readSource: (rel: string) => string | undefined;
  config: LintConfig;
}

/** Safe edits for --fix, kept beside the findings so that JSON output stays the documented shape. */
export const editsOf = new WeakMap<LintFinding, Edit>();

export function docsAnchor(id: string): string {
  return `docs/rules.md#${id.toLowerCase()}`;
}

const IGNORE = /flaskpack\s+ignore=([A-Za-z0-9_,\s-]+)/;

/** Rule ids named in `# flaskpack ignore=ID[,ID]` comments directly above a line (1-based). */
function inlineIgnores(lines: string[], line: number): Set<string> {
  const ids = new Set<string>();
  for (let i = line - 2; i >= 0 && /^\s*#/.test(lines[i]); i--) {
    const m = IGNORE.exec(lines[i]);
    if (m) for (const id of m[1].split(/[,\s]+/)) if (id) ids.add(id.toUpperCase());
  }
  return ids;
}

/** Runs every rule on what applies to it; returns findings in file/line order. */
export function runRules(inputs: RuleInputs, rules: readonly Rule[] = RULES): { findings: LintFinding[]; ran: number } {
  const texts = new Map<string, { lines: string[]; startOf: (line: number) => number }>();
  for (const df of inputs.dockerfiles) {
    texts.set(df.file, {
      lines: df.lines,
      startOf: (line) => df.instructions.find((i) => i.line <= line && line <= i.endLine)?.line ?? line,
    });
  }
  for (const c of inputs.composes) texts.set(c.file, { lines: c.lines, startOf: (l) => l });
  if (inputs.context?.dockerignore) texts.set(".dockerignore", { lines: inputs.context.dockerignore.text.split(/\r?\n/), startOf: (l) => l });

  const findings: LintFinding[] = [];
  let ran = 0;
  const { config } = inputs;
  const emit = (rule: Rule, file: string, hits: Hit[]) => {
    for (const h of hits) {
      const target = h.file ?? file;
      const text = texts.get(target);
      if (text && inlineIgnores(text.lines, text.startOf(h.line)).has(rule.id)) continue;
      const f: LintFinding = {
        ruleId: rule.id,
        severity: config.severity[rule.id] ?? rule.severity,
        title: rule.title,
        message: h.message,
        fix: h.fix ?? rule.fix,
        file: target,
        line: h.line,
        column: h.column ?? 1,
        ...(h.endLine ? { endLine: h.endLine } : {}),
        ...(text?.lines[h.line - 1] !== undefined ? { snippet: text.lines[h.line - 1] } : {}),
        docs: docsAnchor(rule.id),
      };
      if (h.edit) editsOf.set(f, h.edit);
      findings.push(f);
    }
  };
  for (const rule of rules) {
    if (config.ignore.includes(rule.id)) continue;
    switch (rule.scope) {
      case "dockerfile":
        for (const df of inputs.dockerfiles) emit(rule, df.file, rule.check({ df, config, app: inputs.app }));
        break;
      case "flask":
        if (!inputs.app) continue;
        for (const df of inputs.dockerfiles) emit(rule, df.file, rule.check({ df, app: inputs.app, config, readSource: inputs.readSource }));
        break;
      case "context":
        if (!inputs.context || !inputs.dockerfiles.length) continue;
        emit(rule, ".dockerignore", rule.check({ context: inputs.context, dockerfiles: inputs.dockerfiles, config }));
        break;
      case "compose":
        for (const compose of inputs.composes) emit(rule, compose.file, rule.check({ compose, config }));
        break;
    }
    ran++;
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  return { findings, ran };
}
