import pc from "picocolors";
import type { LintReport, Severity } from "../types.ts";

const COLOR: Record<Severity, (s: string) => string> = { error: pc.red, warning: pc.yellow, info: pc.blue };

/** Findings grouped by file, each with its offending line and the fix; a summary line at the end. */
export function toTty(report: LintReport): string {
  const out: string[] = [];
  let lastFile = "";
  for (const f of report.findings) {
    if (f.file !== lastFile) {
      if (lastFile) out.push("");
      out.push(pc.underline(pc.bold(f.file)));
      lastFile = f.file;
    }
    out.push(`  ${pc.dim(`${f.line}:${f.column}`.padEnd(7))} ${COLOR[f.severity](f.severity.padEnd(7))} ${pc.bold(f.ruleId)}  ${f.message}`);
    if (f.snippet !== undefined && f.snippet.trim()) out.push(`  ${pc.dim(`${String(f.line).padStart(5)} │`)} ${f.snippet.replace(/[^\x20-\x7e\u00a0-\uffff]/g, "?").slice(0, 160)}`);
    out.push(`  ${" ".repeat(7)} ${pc.green("fix:")} ${f.fix}  ${pc.dim(f.docs)}`);
  }
  if (report.findings.length) out.push("");
  for (const n of report.notes) out.push(pc.dim(`note: ${n}`));
  const { error, warning, info } = report.counts;
  const summary = `${report.files.length} file${report.files.length === 1 ? "" : "s"}, ${report.rules} rules: ${error} error${error === 1 ? "" : "s"}, ${warning} warning${warning === 1 ? "" : "s"}, ${info} info`;
  out.push(report.findings.length ? summary : pc.green(`✓ clean — ${summary}`));
  return out.join("\n");
}
