/** What `ship --check` decides, from the results alone. Pure. */
import { severityAtLeast, type CheckOutcome, type LintItem, type RouteCheck, type Severity, type StageRecord, type VulnFinding } from "../report/model.ts";

export interface CheckInput {
  enabled: boolean;
  lint: LintItem[] | null;
  routes: RouteCheck[];
  /** Findings of the slim image when it was scanned, else of the original. */
  vulns: { image: "original" | "slim"; findings: VulnFinding[] } | null;
  stages: StageRecord[];
  failOn?: Severity;
  lintThreshold?: CheckOutcome["lintThreshold"];
  acceptDiff?: boolean;
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

export function checkOutcome(c: CheckInput): CheckOutcome {
  const threshold = c.lintThreshold ?? "error";
  const reasons: string[] = [];
  const bad = (c.lint ?? []).filter((f) => RANK[f.severity] <= RANK[threshold]);
  if (bad.length) {
    const where = bad.slice(0, 5).map((f) => `${f.ruleId} ${f.file ?? ""}${f.line ? `:${f.line}` : ""}`.trim());
    reasons.push(`${bad.length} lint finding${bad.length === 1 ? "" : "s"} at or above ${threshold}: ${where.join(", ")}${bad.length > 5 ? ", …" : ""}`);
  }
  const diffs = c.routes.filter((r) => r.identical === false);
  if (diffs.length && !c.acceptDiff) reasons.push(`${diffs.length} route${diffs.length === 1 ? " differs" : "s differ"} after slim: ${diffs.map((d) => `${d.method} ${d.path}`).join(", ")}`);
  if (c.failOn && c.vulns) {
    const worst = c.vulns.findings.filter((f) => severityAtLeast(f.severity, c.failOn!));
    if (worst.length) reasons.push(`${worst.length} vulnerabilit${worst.length === 1 ? "y" : "ies"} at or above ${c.failOn} in the ${c.vulns.image} image: ${[...new Set(worst.map((f) => f.id))].slice(0, 5).join(", ")}`);
  }
  // Route differences are reported above; any other failed stage also fails the check.
  for (const r of c.stages) if (r.status === "failed" && r.error && r.error.code !== "CHECK_FAILED") reasons.push(`${r.name} failed: ${r.error.message}`);
  const failed = c.stages.some((r) => r.status === "failed");
  return {
    enabled: c.enabled,
    failOn: c.failOn ?? null,
    lintThreshold: threshold,
    passed: c.enabled ? reasons.length === 0 : !failed,
    reasons: c.enabled ? reasons : [],
  };
}
