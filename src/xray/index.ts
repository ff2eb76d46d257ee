/**
 * xray: everything about an image in one report — facts, per-layer changes, findings, efficiency and wasted
 * space as dive computes them, and the largest files and directories. Reads the image once.
 */
import type { Progress } from "../util/progress.ts";
import { withImage, modelOf } from "../image/read.ts";
import { lookup, type LayerEntry } from "../image/tree.ts";
import type { TarEntry } from "../image/tar.ts";
import { readImage, diffImages } from "../image/index.ts";
import type { ImageConfig, ImageDiff, ImageIdentity, ImageLayer, ImageModel } from "../image/model.ts";
import { findSecrets, worthScanning } from "./secrets.ts";
import { runRules, type ContentHit, type Finding, type Severity } from "./rules.ts";

export type { Finding, Severity } from "./rules.ts";

export interface XrayReport {
  image: ImageIdentity & {
    totalSizeBytes: number;
    files: number;
  };
  config: ImageConfig;
  layers: ImageLayer[];
  /** dive's efficiency score (1 = no byte stored twice). */
  efficiency: number;
  wastedBytes: number;
  /** Wasted bytes over the bytes of all layers but the first, as dive's "wasted user percent". */
  wastedUserPercent: number;
  largestFiles: { path: string; sizeBytes: number; layer: number }[];
  largestDirs: { path: string; sizeBytes: number; files: number }[];
  findings: Finding[];
  summary: Record<Severity, number>;
  /** Files whose content was scanned for secrets (small, non-distribution files, every layer). */
  scannedFiles: number;
  /** The full image model (merged file tree included). */
  model: ImageModel;
}

export interface XrayOptions {
  progress?: Progress;
  /** How many largest files/dirs to list (default 20). */
  top?: number;
}

export async function xray(ref: string, opts: XrayOptions = {}): Promise<XrayReport> {
  return withImage(ref, opts.progress, async (img) => {
    opts.progress?.step(`reading ${img.layout.blobs.length} layers of ${ref}`);
    const raw: (Omit<ContentHit, "visible" | "layer"> & { fsLayer: number; seq: number })[] = [];
    let scannedFiles = 0;
    const { model, merged, fsIndex } = await modelOf(img, {
      progress: opts.progress,
      visit: (layer, entry, tar) => {
        if (entry.whiteout || entry.type !== "file" || !worthScanning(entry.path, entry.size)) return;
        scannedFiles++;
        return scan(layer, entry, tar);
      },
    });
    async function scan(layer: number, entry: LayerEntry, tar: TarEntry): Promise<void> {
      // Binary files (a NUL in the first 8 kB) hold no text secrets: their bodies are skipped, not read.
      const head = await tar.body(8192);
      if (head.includes(0)) return;
      const content = entry.size > head.length ? Buffer.concat([head, await tar.body()]) : head;
      for (const hit of findSecrets(content)) raw.push({ ...hit, path: entry.path, fsLayer: layer, seq: entry.seq });
    }
    const contentHits: ContentHit[] = raw.map(({ fsLayer, seq, ...h }) => {
      const f = lookup(merged.root, h.path)?.file;
      return { ...h, layer: fsIndex(fsLayer), visible: !!f && f.layer === fsLayer && f.seq === seq };
    });
    return report(model, runRules({ model, contentHits }), scannedFiles, opts.top ?? 20);
  });
}

/** Pure: the report around a model and its findings. */
export function report(model: ImageModel, findings: Finding[], scannedFiles: number, top = 20): XrayReport {
  const summary: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) summary[f.severity]++;
  const fsLayers = model.layers.filter((l) => !l.emptyLayer);
  const userBytes = fsLayers.slice(1).reduce((n, l) => n + l.sizeBytes, 0);
  return {
    image: {
      source: model.source,
      id: model.id,
      repoTags: model.repoTags,
      created: model.created,
      architecture: model.architecture,
      os: model.os,
      totalSizeBytes: model.totalSizeBytes,
      files: model.files.length,
    },
    config: model.config,
    layers: model.layers,
    efficiency: model.efficiency,
    wastedBytes: model.wastedBytes,
    wastedUserPercent: userBytes ? (100 * model.wastedBytes) / userBytes : 0,
    largestFiles: largestFiles(model, top),
    largestDirs: largestDirs(model, top),
    findings,
    summary,
    scannedFiles,
    model,
  };
}

export function largestFiles(model: ImageModel, top: number): XrayReport["largestFiles"] {
  return model.files
    .filter((f) => f.type === "file")
    .sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1))
    .slice(0, top)
    .map((f) => ({ path: f.path, sizeBytes: f.size, layer: f.layer }));
}

/** Directories by the bytes of everything under them; nested dirs each count (like `du`). */
export function largestDirs(model: ImageModel, top: number): XrayReport["largestDirs"] {
  const sizes = new Map<string, { bytes: number; files: number }>();
  for (const f of model.files) {
    if (f.type !== "file") continue;
    for (let i = f.path.lastIndexOf("/"); i > 0; i = f.path.lastIndexOf("/", i - 1)) {
      const d = f.path.slice(0, i);
      const s = sizes.get(d) ?? { bytes: 0, files: 0 };
      s.bytes += f.size;
      s.files++;
      sizes.set(d, s);
    }
  }
  return [...sizes]
    .sort(([a, x], [b, y]) => y.bytes - x.bytes || (a < b ? -1 : 1))
    .slice(0, top)
    .map(([path, s]) => ({ path, sizeBytes: s.bytes, files: s.files }));
}

/** Compares two images (files only in A, only in B, changed; size delta). */
export async function xrayDiff(refA: string, refB: string, opts: { progress?: Progress } = {}): Promise<ImageDiff> {
  const a = await readImage(refA, opts);
  const b = await readImage(refB, opts);
  return diffImages(a, b);
}
