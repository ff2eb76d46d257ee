import { createHash } from "node:crypto";
import { RULES } from "../rules/index.ts";
import type { LintReport, Severity } from "../types.ts";
import { VERSION } from "../../paths.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: every rule with descriptions and help, results with a physical
 * location and a fingerprint that survives lines moving (rule + file + the offending line's text + occurrence).
 */
export function toSarif(report: LintReport, opts: { uriPrefix?: string } = {}): Record<string, unknown> {
  // Code scanning resolves URIs against the repository root; a project in a subdirectory needs its path in front.
  const prefix = opts.uriPrefix ? opts.uriPrefix.replace(/\/?$/, "/") : "";
  const uri = (file: string) => encodeURI(prefix + file);
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = report.findings.map((f) => {
    const key = `${f.ruleId}\0${f.file}\0${(f.snippet ?? "").trim()}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const region: Record<string, number> = { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) };
    if (f.endLine && f.endLine > f.line) region.endLine = f.endLine;
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
      level: LEVEL[f.severity],
      message: { text: `${f.message}. Fix: ${f.fix}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: "%SRCROOT%" }, region } }],
      partialFingerprints: { "flaskpackFindingHash/v1": `${createHash("sha256").update(key).digest("hex").slice(0, 32)}:${n}` },
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "flaskpack",
            semanticVersion: VERSION,
            version: VERSION,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")).replace(/^./, (c) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: {
                text: `${r.rationale}\n\nFix: ${r.fix}${r.hadolint ? `\n\nhadolint: ${r.hadolint}` : ""}`,
                markdown: `${r.rationale}\n\n**Fix:** ${r.fix}${r.hadolint ? `\n\nSame check as hadolint \`${r.hadolint}\`.` : ""}\n\nSee docs/rules.md#${r.id.toLowerCase()}.`,
              },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: {
                tags: [r.scope === "compose" ? "compose" : r.scope === "context" ? "build-context" : r.scope === "flask" ? "flask" : "dockerfile", ...(r.id.startsWith("FP-FL") ? ["flask"] : [])].filter((t, i, a) => a.indexOf(t) === i),
                ...(r.hadolint ? { hadolint: r.hadolint } : {}),
                "problem.severity": r.severity === "info" ? "recommendation" : r.severity,
              },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The linted project directory." } } },
        artifacts: report.files.map((f) => ({ location: { uri: uri(f), uriBaseId: "%SRCROOT%" } })),
        results,
      },
    ],
  };
}
