import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ShipReport } from "./model.ts";
import { renderHtml } from "./html.ts";

export * from "./model.ts";
export { reportSchema } from "./schema.ts";
export { renderTerminal } from "./terminal.ts";
export { renderHtml } from "./html.ts";
export { comparisonRows, dirTree, formatMetric, change, type ComparisonRow } from "./summary.ts";

export interface ReportFiles {
  json: string;
  html: string;
  sarif?: string;
}

/** Writes report.json and report.html (and report.sarif when given) into `outDir`. */
export function writeReport(report: ShipReport, outDir: string, sarif?: unknown): ReportFiles {
  mkdirSync(outDir, { recursive: true });
  const files: ReportFiles = { json: join(outDir, "report.json"), html: join(outDir, "report.html") };
  writeFileSync(files.json, JSON.stringify(report, null, 2) + "\n");
  writeFileSync(files.html, renderHtml(report));
  if (sarif !== undefined) {
    files.sarif = join(outDir, "report.sarif");
    writeFileSync(files.sarif, JSON.stringify(sarif, null, 2) + "\n");
  }
  return files;
}
