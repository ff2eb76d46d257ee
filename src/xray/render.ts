/** Pure: the terminal views of an xray report, a file tree and an image diff. */
import pc from "picocolors";
import { formatBytes, table } from "../cli/output.ts";
import type { ImageDiff, ImageFile, ImageModel } from "../image/model.ts";
import type { XrayReport, Severity } from "./index.ts";

const SEV: Record<Severity, (s: string) => string> = { high: pc.red, medium: pc.yellow, low: pc.cyan, info: pc.dim };

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").replace(/^\/bin\/sh -c (#\(nop\) )?/, "").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}

export function renderReport(r: XrayReport, opts: { maxFindings?: number } = {}): string {
  const c = r.config;
  const out: string[] = [];
  out.push(pc.bold(`${r.image.repoTags[0] ?? r.image.source}`) + pc.dim(`  ${r.image.id.slice(0, 19)}  ${r.image.os}/${r.image.architecture}  ${r.image.created}`));
  const user = c.user || "(root)";
  out.push(
    table([
      ["size", `${formatBytes(r.image.totalSizeBytes)} in ${r.layers.filter((l) => !l.emptyLayer).length} layers, ${r.image.files} paths`],
      ["efficiency", `${(r.efficiency * 100).toFixed(2)} %  (wasted ${formatBytes(r.wastedBytes)}, ${r.wastedUserPercent.toFixed(1)} % of the layers above the base)`],
      ["user", c.user === "" || /^(root|0)(:|$)/.test(c.user) ? pc.yellow(user) : user],
      ["entrypoint", c.entrypoint ? JSON.stringify(c.entrypoint) : "-"],
      ["cmd", c.cmd ? JSON.stringify(c.cmd) : "-"],
      ["ports", c.exposedPorts.join(", ") || "-"],
      ["workdir", c.workingDir || "-"],
      ["healthcheck", c.healthcheck ? JSON.stringify(c.healthcheck.test) : "-"],
      ["volumes", c.volumes.join(", ") || "-"],
      ["env", c.env.map((e) => e.split("=")[0]).join(", ") || "-"],
      ["labels", Object.keys(c.labels).length ? `${Object.keys(c.labels).length}` : "-"],
    ]),
  );
  out.push("", pc.bold("Layers"));
  out.push(
    table(
      r.layers.map((l) => [
        l.index,
        l.emptyLayer ? pc.dim("-") : formatBytes(l.sizeBytes),
        l.emptyLayer ? "" : `${l.files}`,
        l.emptyLayer ? "" : `+${l.added} ~${l.changed} -${l.removed}`,
        oneLine(l.createdBy || (l.emptyLayer ? "" : "(no history)"), 70),
      ]),
      ["#", "size", "entries", "changes", "created by"],
    ),
  );
  out.push("", pc.bold("Largest files"));
  out.push(table(r.largestFiles.map((f) => [formatBytes(f.sizeBytes), f.layer, "/" + f.path]), ["size", "layer", "path"]));
  out.push("", pc.bold("Largest directories"));
  out.push(table(r.largestDirs.map((d) => [formatBytes(d.sizeBytes), d.files, "/" + d.path]), ["size", "files", "path"]));
  out.push("", pc.bold(`Findings`) + pc.dim(`  ${r.summary.high} high, ${r.summary.medium} medium, ${r.summary.low} low, ${r.summary.info} info; ${r.scannedFiles} files scanned for secrets`));
  const max = opts.maxFindings ?? 60;
  for (const f of r.findings.slice(0, max)) out.push(`${SEV[f.severity](f.severity.padEnd(6))} ${pc.dim(f.rule.padEnd(18))} ${f.message}`);
  if (r.findings.length > max) out.push(pc.dim(`… ${r.findings.length - max} more (use --json for all)`));
  return out.join("\n");
}

/** The merged tree as an indented listing; with `layer`, only the paths that layer provides (and their parents). */
export function renderTree(model: ImageModel, layer?: number): string {
  const files = layer === undefined ? model.files : withParents(model.files, layer);
  const lines = files.map((f) => {
    const depth = f.path.split("/").length - 1;
    const name = f.path.slice(f.path.lastIndexOf("/") + 1) + (f.type === "dir" ? "/" : "");
    const link = f.linkname !== undefined ? ` → ${f.linkname}` : "";
    const size = f.type === "file" ? formatBytes(f.size) : "";
    const mark = layer !== undefined && f.layer !== layer ? pc.dim : (s: string) => s;
    return mark(`${modeString(f)} ${String(f.uid).padStart(5)}:${String(f.gid).padEnd(5)} ${size.padStart(9)}  ${"  ".repeat(depth)}${name}${link}`);
  });
  return lines.join("\n");
}

function withParents(files: ImageFile[], layer: number): ImageFile[] {
  const keep = new Set<string>();
  for (const f of files) {
    if (f.layer !== layer) continue;
    keep.add(f.path);
    for (let i = f.path.lastIndexOf("/"); i > 0; i = f.path.lastIndexOf("/", i - 1)) keep.add(f.path.slice(0, i));
  }
  return files.filter((f) => keep.has(f.path));
}

function modeString(f: ImageFile): string {
  const t = { file: "-", dir: "d", symlink: "l", hardlink: "h", char: "c", block: "b", fifo: "p" }[f.type];
  const m = f.mode;
  const rwx = (shift: number, special: number, ch: string) =>
    (m & (4 << shift) ? "r" : "-") + (m & (2 << shift) ? "w" : "-") + (m & special ? (m & (1 << shift) ? ch : ch.toUpperCase()) : m & (1 << shift) ? "x" : "-");
  return t + rwx(6, 0o4000, "s") + rwx(3, 0o2000, "s") + rwx(0, 0o1000, "t");
}

export function renderDiff(d: ImageDiff, limit = 40): string {
  const out: string[] = [];
  out.push(pc.bold("A ") + `${d.a.source}  ${formatBytes(d.a.totalSizeBytes)}, ${d.a.files} paths`);
  out.push(pc.bold("B ") + `${d.b.source}  ${formatBytes(d.b.totalSizeBytes)}, ${d.b.files} paths`);
  const sign = d.sizeDeltaBytes > 0 ? "+" : "";
  out.push(`size delta ${sign}${formatBytes(d.sizeDeltaBytes)}; only in A: ${d.onlyInA.length} (${formatBytes(d.bytesOnlyInA)}); only in B: ${d.onlyInB.length} (${formatBytes(d.bytesOnlyInB)}); changed: ${d.changed.length}`);
  const section = (title: string, rows: string[][]) => {
    if (!rows.length) return;
    out.push("", pc.bold(title));
    out.push(table(rows.slice(0, limit)));
    if (rows.length > limit) out.push(pc.dim(`… ${rows.length - limit} more (use --json for all)`));
  };
  const bySize = <T extends { size: number }>(xs: T[]) => [...xs].sort((a, b) => b.size - a.size);
  section("Only in A", bySize(d.onlyInA).map((e) => [pc.red("-"), formatBytes(e.size), "/" + e.path]));
  section("Only in B", bySize(d.onlyInB).map((e) => [pc.green("+"), formatBytes(e.size), "/" + e.path]));
  section("Changed", d.changed.map((e) => [pc.yellow("~"), "/" + e.path, e.why.join(", ")]));
  return out.join("\n");
}
