import type { LintReport } from "../types.ts";

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");
}

/** Checkstyle XML, which most CI systems (Jenkins, GitLab via converters, reviewdog) read. */
export function toCheckstyle(report: LintReport): string {
  const byFile = new Map<string, LintReport["findings"]>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const file of [...new Set([...report.files, ...byFile.keys()])]) {
    const list = byFile.get(file) ?? [];
    out.push(`  <file name="${xml(file)}">`);
    for (const f of list)
      out.push(`    <error line="${f.line}" column="${f.column}" severity="${f.severity}" message="${xml(`${f.message} (fix: ${f.fix})`)}" source="flaskpack.${xml(f.ruleId)}"/>`);
    out.push("  </file>");
  }
  out.push("</checkstyle>");
  return out.join("\n") + "\n";
}
