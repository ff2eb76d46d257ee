/**
 * The image reader: any image (engine name, `docker save` tarball, OCI layout dir or tar) to an ImageModel,
 * streamed, never whole in memory. The entry points other modules use.
 */
import type { Progress } from "../util/progress.ts";
import { extractImage as extract, type ExtractOptions, type ExtractResult } from "./extract.ts";
import { modelOf, scanLayers, withImage } from "./read.ts";
import { lookup, mergeLayers } from "./tree.ts";
import type { ImageModel } from "./model.ts";

export type { ImageModel, ImageFile, ImageLayer, ImageConfig, ImageDiff, DiffEntry, FileType, HistoryEntry, ArchiveAnomaly } from "./model.ts";
export type { ExtractOptions, ExtractResult } from "./extract.ts";
export { diffImages } from "./diff.ts";

/** ref: a `docker save` tarball (maybe gzip'd), an OCI image layout (dir or .tar), or an engine image name/id. */
export async function readImage(ref: string, opts: { progress?: Progress } = {}): Promise<ImageModel> {
  return withImage(ref, opts.progress, async (img) => {
    opts.progress?.step(`reading ${img.layout.blobs.length} layers of ${ref}`);
    return (await modelOf(img, { progress: opts.progress })).model;
  });
}

/**
 * Contents of the regular files of the merged view (last layer wins, whiteouts applied) whose path matches;
 * hard links read as their target. Files larger than maxBytes (default 64 MB) are left out.
 */
export async function readImageFiles(ref: string, wanted: (path: string) => boolean, opts: { maxBytes?: number; progress?: Progress } = {}): Promise<Map<string, Buffer>> {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  return withImage(ref, opts.progress, async (img) => {
    const bodies = new Map<string, Buffer>();
    const grab = (keys: (layer: number, seq: number, path: string, size: number) => boolean) => (layer: number, e: { seq: number; path: string; type: string; size: number; whiteout?: string }, tar: { body(max?: number): Promise<Buffer> }) => {
      if (e.whiteout || e.type !== "file" || e.size > maxBytes || !keys(layer, e.seq, e.path, e.size)) return;
      return tar.body().then((body) => void bodies.set(`${layer}:${e.seq}`, body));
    };
    const { listings } = await scanLayers(img, { progress: opts.progress, visit: grab((_l, _s, path) => wanted(path)) });
    const merged = mergeLayers(listings);
    const out = new Map<string, Buffer>();
    const missing = new Map<string, string[]>();
    const keyOf = (path: string): string | undefined => {
      const f = lookup(merged.root, path)?.file;
      return f && f.type === "file" && f.size <= maxBytes ? `${f.layer}:${f.seq}` : undefined;
    };
    const visitTree = (prefix: string, node: ReturnType<typeof lookup>) => {
      for (const [name, child] of node?.children ?? []) {
        const path = prefix ? `${prefix}/${name}` : name;
        const f = child.file!;
        if ((f.type === "file" || f.type === "hardlink") && wanted(path)) {
          const key = f.type === "file" ? keyOf(path) : keyOf(f.linkname ?? "");
          if (key) {
            const body = bodies.get(key);
            if (body) out.set(path, body);
            else missing.set(key, [...(missing.get(key) ?? []), path]);
          }
        }
        if (child.children) visitTree(path, child);
      }
    };
    visitTree("", merged.root);
    if (missing.size) {
      await scanLayers(img, { visit: grab((l, s) => missing.has(`${l}:${s}`)) });
      for (const [key, paths] of missing) {
        const body = bodies.get(key);
        if (body) for (const p of paths) out.set(p, body);
      }
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** The one audited safe extraction of the merged view; see extract.ts for why it cannot write outside dest. */
export async function extractImage(ref: string, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  return extract(ref, dest, opts);
}
