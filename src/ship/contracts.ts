/**
 * ship joins modules owned by other areas. It reaches each through its one public entry point, loaded lazily,
 * and reads their results through the small normalizers below, so a module that is absent makes its stage
 * "not available" instead of breaking ship. The normalizers are pure.
 */
import type { AppModel } from "../analyze/model.ts";
import type { Progress } from "../util/progress.ts";
import type { GeneratedFile, LayerFacts, LintItem, RouteCheck, Severity, VulnFinding } from "../report/model.ts";

export interface AnalyzeModule { analyze(dir: string): Promise<AppModel> }
export interface LintModule {
  lint(dir: string, opts: { app?: AppModel }): Promise<LintReportLike>;
  toSarif?(report: unknown): unknown;
  /** Lints a Dockerfile's text alone (for the generated one, which is not on disk). */
  lintDockerfileText?(text: string, ctx: { file?: string; app?: AppModel }): LintReportLike["findings"];
}
export interface LintReportLike {
  findings: { ruleId: string; severity: string; message: string; file?: string; line?: number; snippet?: string }[];
  counts?: { error: number; warning: number; info: number };
}
export interface GenerateModule {
  init(dir: string, opts: { dryRun?: boolean; force?: boolean; app?: AppModel }): Promise<{ files: unknown; plan?: unknown }>;
}
export interface BuildResultLike {
  image: string;
  imageId: string;
  sizeBytes: number;
  layers?: unknown;
  seconds?: number;
  usedProjectDockerfile?: boolean;
  dockerfile?: string;
  cachedSteps?: number;
  totalSteps?: number;
}
export interface BuildModule {
  build(dir: string, opts: { tag?: string; deps?: string; noCache?: boolean; progress?: Progress }): Promise<BuildResultLike>;
}
export interface RunResultLike { containerId: string; url: string; hostPort: number; startedMs: number }
export interface RunModule {
  run(image: string, opts: Record<string, unknown>): Promise<RunResultLike>;
  stop(id: string): Promise<unknown>;
}
export interface SlimSideLike { image: string; sizeBytes: number; files?: number; layers?: number | unknown[]; packages?: number }
export interface SlimResultLike {
  original: SlimSideLike;
  slim: SlimSideLike;
  routes: { method: string; path: string; identical: boolean; exercised?: boolean; original?: { status?: number }; slim?: { status?: number } }[];
  notExercised?: (string | { method?: string; path?: string; rule?: string })[];
  profiles?: { seccomp?: string | object; apparmor?: string | object };
  verified?: boolean;
}
export interface SlimModule { slim(image: string, opts: Record<string, unknown>): Promise<SlimResultLike> }
export interface ImageModelLike {
  id?: string;
  layers: { index?: number; createdBy?: string; sizeBytes: number; emptyLayer?: boolean }[];
  files: Iterable<{ path: string; size: number; type?: string }> | Map<string, { path?: string; size: number; type?: string }>;
  totalSizeBytes?: number;
}
export interface ImageModule { readImage(ref: string, opts?: Record<string, unknown>): Promise<ImageModelLike> }
export interface SbomModule { sbom(ref: string, opts?: Record<string, unknown>): Promise<{ components: unknown[] }> }
export interface ScanResultLike {
  findings: {
    id: string;
    severity?: string;
    package?: string;
    version?: string;
    fixed?: string | string[] | null;
    fixedIn?: string[];
    component?: { name: string; version: string };
  }[];
  db?: { dir?: string; sources?: { ageDays?: number }[] };
}
export interface ScanModule {
  scan(ref: string, opts: { db?: string; progress?: Progress }): Promise<ScanResultLike>;
  /** Where `flaskpack db update` keeps the database. */
  defaultDbDir?(): string;
}

interface Modules {
  analyze: AnalyzeModule;
  lint: LintModule;
  generate: GenerateModule;
  build: BuildModule;
  run: RunModule;
  slim: SlimModule;
  image: ImageModule;
  sbom: SbomModule;
  scan: ScanModule;
}

const LOADERS: { [K in keyof Modules]: () => Promise<unknown> } = {
  analyze: () => import("../analyze/index.ts"),
  lint: () => import("../lint/index.ts"),
  generate: () => import("../generate/index.ts"),
  build: () => import("../engine/build.ts"),
  run: () => import("../engine/run.ts"),
  slim: () => import("../slim/index.ts"),
  image: () => import("../image/index.ts"),
  sbom: () => import("../sbom/index.ts"),
  scan: () => import("../scan/index.ts"),
};

/** The module, loaded on first use (ship's stages only pay for what they run). */
export async function loadModule<K extends keyof Modules>(name: K): Promise<Modules[K] | undefined> {
  return (await LOADERS[name]()) as Modules[K];
}

const LINT_SEVERITIES = new Set(["error", "warning", "info"]);

/** Lint findings with the lines around each one, read through `linesOf` (null when the file cannot be read). */
export function lintItems(report: LintReportLike, linesOf: (file: string) => string[] | null, around = 2): LintItem[] {
  return report.findings.map((f) => {
    const severity = (LINT_SEVERITIES.has(f.severity) ? f.severity : "info") as LintItem["severity"];
    const line = typeof f.line === "number" && f.line > 0 ? f.line : null;
    const lines = f.file ? linesOf(f.file) : null;
    let snippet: LintItem["snippet"] = null;
    if (line && lines && line <= lines.length) {
      snippet = [];
      for (let n = Math.max(1, line - around); n <= Math.min(lines.length, line + around); n++) snippet.push({ line: n, text: lines[n - 1] });
    } else if (line && f.snippet) {
      snippet = [{ line, text: f.snippet }];
    }
    return { ruleId: f.ruleId, severity, message: f.message, file: f.file ?? null, line, snippet };
  });
}

export function lintCounts(items: LintItem[]): { error: number; warning: number; info: number } {
  const c = { error: 0, warning: 0, info: 0 };
  for (const i of items) c[i.severity]++;
  return c;
}

const EXPLANATIONS: Record<string, string> = {
  Dockerfile:
    "Builds on a Python base made from Debian packages (no pip at build time when every requirement maps to one), copies only the app, runs gunicorn as a non-root user on 0.0.0.0, and checks health over HTTP.",
  ".dockerignore": "Keeps version control, virtualenvs, caches, tests, local databases and secrets out of the build context, so they never reach the image and do not invalidate the cached layers.",
  "compose.yaml": "Runs the app with the services it uses (database, cache) on a private network, with the hardened run settings.",
  ".env.example": "Lists the environment variables the app reads; copy it to .env and fill in the values at run time, never in the image.",
  ".env": "Local values for the variables in .env.example; kept out of the image by .dockerignore.",
};

/** The files init generated, in a stable shape, whether it returned a list or a path → content map. */
export function generatedFiles(files: unknown, written: boolean): GeneratedFile[] {
  const list: { path: string; content: string; explanation?: string }[] = [];
  if (Array.isArray(files)) {
    for (const f of files as Record<string, unknown>[]) {
      const path = String(f.path ?? f.name ?? "");
      const content = typeof f.content === "string" ? f.content : typeof f.text === "string" ? f.text : "";
      const explanation = typeof f.explanation === "string" ? f.explanation : typeof f.why === "string" ? f.why : undefined;
      if (path) list.push({ path, content, explanation });
    }
  } else if (files && typeof files === "object") {
    for (const [path, v] of Object.entries(files as Record<string, unknown>)) {
      if (typeof v === "string") list.push({ path, content: v });
      else if (v && typeof v === "object" && typeof (v as { content?: unknown }).content === "string") list.push({ path, content: (v as { content: string }).content });
    }
  }
  return list.map((f) => {
    const base = f.path.split("/").pop() ?? f.path;
    return { path: f.path, content: f.content, explanation: f.explanation ?? EXPLANATIONS[base] ?? "Generated by flaskpack from the analysis of the project.", written };
  });
}

function statusOf(x: { status?: number } | undefined): number | null {
  return typeof x?.status === "number" ? x.status : null;
}

export function routeChecks(routes: SlimResultLike["routes"]): RouteCheck[] {
  return routes.map((r) => {
    const exercised = r.exercised ?? true;
    return {
      method: r.method,
      path: r.path,
      identical: exercised ? Boolean(r.identical) : null,
      exercised,
      original: { status: statusOf(r.original) },
      slim: { status: statusOf(r.slim) },
    };
  });
}

export function notExercisedList(list: SlimResultLike["notExercised"]): string[] {
  return (list ?? []).map((x) => (typeof x === "string" ? x : [x.method, x.path ?? x.rule].filter(Boolean).join(" ")));
}

const VULN_SEVERITIES = new Set(["critical", "high", "medium", "low"]);

export function vulnFindings(result: ScanResultLike): VulnFinding[] {
  return result.findings.map((f) => {
    const sev = String(f.severity ?? "unknown").toLowerCase();
    const fixedList = f.fixedIn ?? (Array.isArray(f.fixed) ? f.fixed : f.fixed ? [f.fixed] : []);
    return {
      id: f.id,
      package: f.component?.name ?? f.package ?? "?",
      version: f.component?.version ?? f.version ?? "",
      severity: (VULN_SEVERITIES.has(sev) ? sev : sev === "moderate" ? "medium" : "unknown") as Severity,
      fixed: fixedList.length ? fixedList.join(", ") : null,
    };
  });
}

/** "3 days" for the oldest source of the database the scan used, null when it does not say. */
export function dbAgeOf(result: ScanResultLike): string | null {
  const ages = (result.db?.sources ?? []).map((s) => s.ageDays).filter((d): d is number => typeof d === "number");
  if (!ages.length) return null;
  const d = Math.max(...ages);
  return d < 1 ? "less than a day" : `${Math.round(d)} day${Math.round(d) === 1 ? "" : "s"}`;
}

/** Filesystem layers (config-only history entries have none), bottom first. */
export function layerFacts(layers: ImageModelLike["layers"]): LayerFacts[] {
  return layers
    .filter((l) => !l.emptyLayer)
    .map((l, i) => ({ index: l.index ?? i, createdBy: (l.createdBy ?? "").trim() || "(no history)", sizeBytes: Math.max(0, l.sizeBytes ?? 0) }));
}

/** Regular files of an image model, whatever collection it keeps them in. */
export function imageFiles(files: ImageModelLike["files"]): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const entries = files instanceof Map ? [...files.entries()].map(([k, v]) => ({ path: v.path ?? k, size: v.size, type: v.type })) : [...files];
  for (const f of entries) if (!f.type || f.type === "file") out.push({ path: f.path, size: f.size });
  return out;
}
