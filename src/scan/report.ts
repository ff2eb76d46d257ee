import type { Sbom } from "../sbom/model.ts";
import type { Finding } from "./match.ts";
import { SEVERITIES, severityRank, type Severity } from "./severity.ts";
import type { DbSource } from "./vulndb.ts";

export type Counts = Record<Severity | "total", number>;

export interface ScanReport {
  schema: "flaskpack.scan/1";
  target: { ref: string; id?: string; os?: string; release?: string };
  db: { dir: string; sources: (DbSource & { ageDays?: number })[] };
  /** What was scanned: every component, so a diff can tell a removed package from a fixed one. */
  components: { purl: string; name: string; version: string; ecosystem: string; filesPresent: number; files: number; matchedVia: string }[];
  findings: Finding[];
  counts: Counts;
  notes: string[];
  failOn?: Severity;
  /** True when a finding is at or above failOn. */
  failed: boolean;
}

export function countFindings(findings: Finding[]): Counts {
  const c: Counts = { total: findings.length, critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (b.score ?? 0) - (a.score ?? 0) || a.component.name.localeCompare(b.component.name) || a.id.localeCompare(b.id));
}

export function findingKey(f: Finding): string {
  return `${f.id}\u0000${f.component.ecosystem}\u0000${f.component.name}`;
}

export interface ScanDiff {
  a: { ref: string; counts: Counts };
  b: { ref: string; counts: Counts };
  /** In a, not in b, and why: the package's files are gone, or its version changed. */
  removed: (Finding & { why: "files-removed" | "version-changed" | "data-changed" })[];
  added: Finding[];
  kept: number;
}

/** What changed between two scans of related images (original vs slim). */
export function diffScans(a: ScanReport, b: ScanReport): ScanDiff {
  const inB = new Set(b.findings.map(findingKey));
  const inA = new Set(a.findings.map(findingKey));
  const componentsB = new Map(b.components.map((c) => [`${c.ecosystem}\u0000${c.name}`, c]));
  const removed: ScanDiff["removed"] = [];
  for (const f of a.findings) {
    if (inB.has(findingKey(f))) continue;
    const still = componentsB.get(`${f.component.ecosystem}\u0000${f.component.name}`);
    removed.push({ ...f, why: !still ? "files-removed" : still.version !== f.component.version ? "version-changed" : "data-changed" });
  }
  return {
    a: { ref: a.target.ref, counts: a.counts },
    b: { ref: b.target.ref, counts: b.counts },
    removed: sortFindings(removed) as ScanDiff["removed"],
    added: sortFindings(b.findings.filter((f) => !inA.has(findingKey(f)))),
    kept: a.findings.filter((f) => inB.has(findingKey(f))).length,
  };
}

/** SARIF 2.1.0: one rule per advisory, one result per vulnerable package. */
export function toSarif(report: ScanReport): object {
  const rules = new Map<string, object>();
  for (const f of report.findings) {
    if (rules.has(f.id)) continue;
    rules.set(f.id, {
      id: f.id,
      shortDescription: { text: f.summary || f.id },
      helpUri: f.url,
      properties: { "security-severity": String(f.score ?? { critical: 9.5, high: 7.5, medium: 5.0, low: 2.0, unknown: 0 }[f.severity]), tags: ["security", "vulnerability", ...f.aliases] },
    });
  }
  const level = (s: Severity) => (s === "critical" || s === "high" ? "error" : s === "medium" ? "warning" : "note");
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "flaskpack", informationUri: "https://github.com/flaskpack/flaskpack", rules: [...rules.values()] } },
        results: report.findings.map((f) => ({
          ruleId: f.id,
          level: level(f.severity),
          message: {
            text: `${f.component.name} ${f.component.version} is affected by ${f.id} (${f.severity}); ${f.state === "fixed" ? `fixed in ${f.fixedIn.join(", ")}` : f.state === "will-not-fix" ? `Debian will not fix it${f.note ? ` (${f.note})` : ""}` : "no fix yet"}.`,
          },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: f.component.location, uriBaseId: "IMAGE_ROOT" } },
              logicalLocations: [{ fullyQualifiedName: f.component.purl, kind: "package" }],
            },
          ],
          properties: { state: f.state, fixedIn: f.fixedIn, severity: f.severity },
        })),
        originalUriBaseIds: { IMAGE_ROOT: { uri: "file:///" } },
        properties: { image: report.target.ref },
      },
    ],
  };
}

export function isSbom(x: unknown): x is Sbom {
  return typeof x === "object" && x !== null && (x as Sbom).schema === "flaskpack.sbom/1";
}

export { SEVERITIES };
