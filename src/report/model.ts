/**
 * ShipReport: everything `flaskpack ship` learned about one project, original image versus slim image.
 * It is the content of `report.json` (schema in ./schema.ts, documented in docs/ship.md), and the only input
 * of the terminal table and of report.html. A number that a stage could not measure is null, never a guess.
 */
export const STAGES = ["analyze", "lint", "init", "build", "run", "slim", "verify", "sbom", "scan", "report"] as const;
export type Stage = (typeof STAGES)[number];

/** ok: ran; cached: reused a saved result for the same inputs; skipped: by --skip/--from/--image; not-available: the
 * stage's module or its input is missing (e.g. no vulnerability database); failed: stopped the run. */
export type StageStatus = "ok" | "cached" | "skipped" | "not-available" | "failed";

export interface StageRecord {
  name: Stage;
  status: StageStatus;
  seconds: number;
  /** One line for people: "3/9 build steps cached", "reused slim image for sha256:…". */
  note?: string;
  error?: { code: string; message: string; fix?: string; details?: unknown };
}

export type Severity = "critical" | "high" | "medium" | "low" | "unknown";
export const SEVERITIES: Severity[] = ["critical", "high", "medium", "low", "unknown"];

export interface VulnCounts {
  total: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
}

export interface VulnFinding {
  id: string;
  package: string;
  version: string;
  severity: Severity;
  fixed: string | null;
}

export interface LayerFacts {
  index: number;
  /** The Dockerfile instruction (or tool) that made the layer. */
  createdBy: string;
  sizeBytes: number;
}

/** A directory and its size, largest children first (a few levels deep, small ones folded into "…"). */
export interface DirNode {
  name: string;
  path: string;
  sizeBytes: number;
  children?: DirNode[];
}

export interface ImageFacts {
  ref: string;
  imageId: string | null;
  sizeBytes: number | null;
  files: number | null;
  packages: number | null;
  layers: LayerFacts[] | null;
  /** Milliseconds from container start to the first good answer. */
  startupMs: number | null;
  vulns: VulnCounts | null;
  dirs: DirNode | null;
  /** Bytes sent by a push, when the image was pushed. */
  pushBytes: number | null;
}

export interface RouteCheck {
  method: string;
  path: string;
  /** null when the route was not exercised. */
  identical: boolean | null;
  exercised: boolean;
  original: { status: number | null };
  slim: { status: number | null };
}

export interface LintItem {
  ruleId: string;
  severity: "error" | "warning" | "info";
  message: string;
  file: string | null;
  line: number | null;
  /** The lines of the file around `line`, as written, for the report. */
  snippet: { line: number; text: string }[] | null;
}

export interface GeneratedFile {
  path: string;
  content: string;
  /** Why the file looks the way it does. */
  explanation: string;
  /** True when ship wrote it into the project (--write). */
  written: boolean;
}

export interface CheckOutcome {
  enabled: boolean;
  /** Vulnerabilities at or above this severity fail the check; null: vulnerabilities never fail it. */
  failOn: Severity | null;
  lintThreshold: "error" | "warning" | "info";
  passed: boolean;
  /** One line per reason the check failed. */
  reasons: string[];
}

export interface ShipReport {
  schemaVersion: 1;
  flaskpackVersion: string;
  generatedAt: string;
  target: { dir: string | null; image: string | null; usedProjectDockerfile: boolean | null };
  app: { entry: string | null; port: number | null; routes: number } | null;
  stages: StageRecord[];
  original: ImageFacts | null;
  slim: ImageFacts | null;
  routes: RouteCheck[];
  notExercised: string[];
  lint: { counts: { error: number; warning: number; info: number }; findings: LintItem[] } | null;
  vulnerabilities: {
    db: string | null;
    dbAge: string | null;
    original: VulnFinding[] | null;
    slim: VulnFinding[] | null;
  } | null;
  generated: GeneratedFile[];
  profiles: { seccomp: string | null; apparmor: string | null } | null;
  check: CheckOutcome;
  nextSteps: string[];
  /** Where the report and the stage results were written. */
  outDir: string;
}

export function emptyCounts(): VulnCounts {
  return { total: 0, critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
}

export function countVulns(findings: VulnFinding[]): VulnCounts {
  const c = emptyCounts();
  for (const f of findings) {
    c.total++;
    c[f.severity]++;
  }
  return c;
}

export function severityAtLeast(s: Severity, threshold: Severity): boolean {
  const rank = (x: Severity) => (x === "unknown" ? 4 : SEVERITIES.indexOf(x));
  return rank(s) <= rank(threshold);
}

/** Routes the slim image answers exactly like the original, out of those exercised. */
export function routeTally(routes: RouteCheck[]): { identical: number; exercised: number; different: number } {
  const exercised = routes.filter((r) => r.exercised);
  const identical = exercised.filter((r) => r.identical === true).length;
  return { identical, exercised: exercised.length, different: exercised.filter((r) => r.identical === false).length };
}
