import pc from "picocolors";
import { table } from "../cli/output.ts";
import type { ShipReport } from "./model.ts";
import { change, comparisonRows, formatMetric } from "./summary.ts";

const STATUS_MARK: Record<string, string> = { ok: "✓", cached: "✓", skipped: "-", "not-available": "?", failed: "✗" };

/** The report as people read it in a terminal: original vs slim, then lint findings, then next steps. */
export function renderTerminal(report: ShipReport, files: { html?: string; json?: string; sarif?: string } = {}): string {
  const out: string[] = [];
  const what = report.target.dir ?? report.target.image ?? "?";
  const images = [report.original?.ref, report.slim?.ref].filter(Boolean).join(" → ");
  out.push(pc.bold(`flaskpack ship ${what}`) + (images ? pc.dim(`  (${images})`) : ""));
  out.push("");

  const rows = comparisonRows(report).map((r) => [
    r.label,
    r.key === "routes" ? "" : formatMetric(r.original, r.format),
    r.slimText ?? formatMetric(r.slim, r.format),
    change(r),
  ]);
  out.push(table(rows, ["", "original", "slim", "change"]));

  const diffs = report.routes.filter((r) => r.identical === false);
  if (diffs.length) {
    out.push("");
    out.push(pc.red(`routes that differ after slim (${diffs.length}):`));
    for (const r of diffs) out.push(`  ${r.method} ${r.path}: original ${r.original.status ?? "no answer"}, slim ${r.slim.status ?? "no answer"}`);
  }

  if (report.lint) {
    const { error, warning, info } = report.lint.counts;
    out.push("");
    out.push(pc.bold(`lint: ${error} error${error === 1 ? "" : "s"}, ${warning} warning${warning === 1 ? "" : "s"}, ${info} info`));
    const shown = report.lint.findings.slice(0, 10);
    if (shown.length) {
      out.push(table(shown.map((f) => [
        f.severity === "error" ? pc.red(f.severity) : f.severity === "warning" ? pc.yellow(f.severity) : f.severity,
        f.ruleId,
        f.file ? `${f.file}${f.line ? `:${f.line}` : ""}` : "",
        f.message,
      ])).split("\n").map((l) => `  ${l}`).join("\n"));
    }
    if (report.lint.findings.length > shown.length) out.push(pc.dim(`  … and ${report.lint.findings.length - shown.length} more in the report`));
  }

  out.push("");
  out.push(pc.dim("stages: " + report.stages.map((s) => `${STATUS_MARK[s.status] ?? ""}${s.name} ${s.seconds.toFixed(1)}s${s.status === "cached" ? " (cached)" : s.status === "ok" ? "" : ` (${s.status})`}`).join(" · ")));

  if (report.check.enabled) {
    out.push("");
    out.push(report.check.passed ? pc.green("check passed") : pc.red(`check failed:\n${report.check.reasons.map((r) => `  - ${r}`).join("\n")}`));
  }

  if (report.nextSteps.length) {
    out.push("");
    out.push(pc.bold("next steps:"));
    for (const s of report.nextSteps) out.push(`  ${s}`);
  }
  const written = [files.html, files.json, files.sarif].filter(Boolean);
  if (written.length) {
    out.push("");
    out.push(`report: ${written.join(", ")}`);
  }
  return out.join("\n");
}
