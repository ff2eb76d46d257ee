import type { DirNode, ImageFacts, ShipReport } from "./model.ts";
import { routeTally } from "./model.ts";
import { formatBytes } from "../cli/output.ts";

export { formatBytes };

export type MetricFormat = "bytes" | "count" | "ms";

/** One row of the original-versus-slim comparison, shared by the terminal table and report.html. */
export interface ComparisonRow {
  key: string;
  label: string;
  format: MetricFormat;
  original: number | null;
  slim: number | null;
  /** Text for the slim column when it is not a plain number ("5/5 identical"). */
  slimText?: string;
}

function pick(facts: ImageFacts | null, get: (f: ImageFacts) => number | null | undefined): number | null {
  if (!facts) return null;
  const v = get(facts);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export function comparisonRows(report: ShipReport): ComparisonRow[] {
  const { original: o, slim: s } = report;
  const both = (key: string, label: string, format: MetricFormat, get: (f: ImageFacts) => number | null | undefined): ComparisonRow => ({
    key, label, format, original: pick(o, get), slim: pick(s, get),
  });
  const rows: ComparisonRow[] = [
    both("sizeBytes", "size", "bytes", (f) => f.sizeBytes),
    both("files", "files", "count", (f) => f.files),
    both("packages", "packages", "count", (f) => f.packages),
    both("vulns.total", "vulnerabilities", "count", (f) => f.vulns?.total),
    both("vulns.high", "  critical + high", "count", (f) => (f.vulns ? f.vulns.critical + f.vulns.high : null)),
    both("layers", "layers", "count", (f) => f.layers?.length),
  ];
  const t = routeTally(report.routes);
  if (report.routes.length) {
    rows.push({ key: "routes", label: "routes verified identical", format: "count", original: null, slim: t.identical, slimText: `${t.identical}/${t.exercised} identical` });
  }
  rows.push(both("startupMs", "start-up time", "ms", (f) => f.startupMs));
  if (o?.pushBytes != null || s?.pushBytes != null) rows.push(both("pushBytes", "push bytes", "bytes", (f) => f.pushBytes));
  return rows;
}

export function formatMetric(v: number | null, format: MetricFormat): string {
  if (v === null) return "n/a";
  if (format === "bytes") return formatBytes(v);
  if (format === "ms") return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
  return String(v);
}

/** "-68%" when both sides are known and differ, else "". */
export function change(row: ComparisonRow): string {
  if (row.original === null || row.slim === null || row.original === 0 || row.key === "routes") return "";
  const pct = Math.round(((row.slim - row.original) / row.original) * 100);
  return pct === 0 ? "=" : `${pct > 0 ? "+" : ""}${pct}%`;
}

/**
 * The directory tree of an image's files by size: `depth` levels, the `keep` largest children of each
 * directory, the rest folded into one "…" node so the chart stays readable.
 */
export function dirTree(files: Iterable<{ path: string; size: number }>, opts: { depth?: number; keep?: number } = {}): DirNode {
  const depth = opts.depth ?? 3;
  const keep = opts.keep ?? 8;
  interface Acc { size: number; kids: Map<string, Acc> }
  const root: Acc = { size: 0, kids: new Map() };
  for (const f of files) {
    const size = Math.max(0, f.size || 0);
    const parts = f.path.replace(/^\.?\/+/, "").split("/").filter(Boolean);
    root.size += size;
    let node = root;
    for (let i = 0; i < Math.min(parts.length - 1, depth); i++) {
      let next = node.kids.get(parts[i]);
      if (!next) node.kids.set(parts[i], (next = { size: 0, kids: new Map() }));
      next.size += size;
      node = next;
    }
  }
  const toNode = (name: string, path: string, acc: Acc): DirNode => {
    const kids = [...acc.kids.entries()].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]));
    const children = kids.slice(0, keep).map(([n, a]) => toNode(n, path === "/" ? `/${n}` : `${path}/${n}`, a));
    const rest = kids.slice(keep).reduce((s, [, a]) => s + a.size, 0);
    if (rest > 0) children.push({ name: "…", path: `${path === "/" ? "" : path}/…`, sizeBytes: rest });
    return children.length ? { name, path, sizeBytes: acc.size, children } : { name, path, sizeBytes: acc.size };
  };
  return toNode("/", "/", root);
}
