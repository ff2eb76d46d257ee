import type { AppModel } from "../../../src/analyze/model.ts";
import { appModel as minimalAppModel } from "../../helpers/app-model.ts";
import { parseDockerfile } from "../../../src/lint/dockerfile.ts";
import { parseCompose } from "../../../src/lint/compose.ts";
import { contextFromFiles } from "../../../src/lint/context.ts";
import { DEFAULT_CONFIG } from "../../../src/lint/config.ts";
import { runRules } from "../../../src/lint/run.ts";
import type { LintFinding, Rule, RuleExample } from "../../../src/lint/types.ts";

/** An AppModel with nothing in it (no entry, no server declared), plus the given fields: for Flask rules' hand-made cases. */
export function appModel(fields: Partial<AppModel> = {}): AppModel {
  return minimalAppModel("/project", { entry: null, port: { value: 5000, from: "default" }, server: { declared: [], chosen: "gunicorn" }, filesScanned: 0, ...fields });
}

/** Runs one rule on one of its documented examples, the way lint() would. */
export function runExample(rule: Rule, ex: RuleExample): LintFinding[] {
  const context = ex.files || rule.scope === "context" ? contextFromFiles(ex.files ?? {}) : undefined;
  return runRules(
    {
      dockerfiles: ex.dockerfile !== undefined ? [parseDockerfile(ex.dockerfile)] : [],
      composes: ex.compose !== undefined ? [parseCompose(ex.compose)] : [],
      context,
      app: rule.scope === "flask" || ex.app ? appModel(ex.app) : undefined,
      readSource: (rel) => ex.sources?.[rel],
      config: { ...DEFAULT_CONFIG, ...ex.config },
    },
    [rule],
  ).findings;
}
