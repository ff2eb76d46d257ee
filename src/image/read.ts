/**
 * One streaming pass over an image's layers: lists every layer (headers only, bodies skipped unless asked for)
 * and builds the ImageModel. The callers (readImage, readImageFiles, extractImage, xray) all go through here.
 */
import type { Progress } from "../util/progress.ts";
import { corrupt, openImageSource, type Compression, type ImageSource } from "./archive.ts";
import { readLayout, type ImageLayout } from "./layout.ts";
import type { ImageLayer, ImageModel } from "./model.ts";
import { TarError, normalizeName, tarEntries, tarEntriesSync, type TarEntry } from "./tar.ts";
import { isSyncSource, type ByteSource } from "./bytes.ts";
import { mergeLayers, treeFiles, whiteoutOf, type LayerEntry, type LayerListing, type MergedTree } from "./tree.ts";

/** Called for every usable entry of every layer, in order; may read the entry's body (then it returns a promise). */
export type EntryVisitor = (layer: number, entry: LayerEntry, tar: TarEntry) => Promise<void> | void;

export interface OpenedImage {
  source: ImageSource;
  layout: ImageLayout;
}

export async function withImage<T>(ref: string, progress: Progress | undefined, fn: (img: OpenedImage) => Promise<T>): Promise<T> {
  const source = await openImageSource(ref, progress);
  try {
    const layout = await readLayout(source);
    return await fn({ source, layout });
  } finally {
    await source.close();
  }
}

/** Lists every layer once; `visit` sees each entry (whiteouts included) while its body can still be read. */
export async function scanLayers(img: OpenedImage, opts: { progress?: Progress; visit?: EntryVisitor } = {}): Promise<{ listings: LayerListing[]; compression: Compression[] }> {
  const listings: LayerListing[] = [];
  const compression: Compression[] = [];
  const { blobs } = img.layout;
  for (let i = 0; i < blobs.length; i++) {
    opts.progress?.detail(`layer ${i + 1}/${blobs.length}: ${blobs[i].digest ?? blobs[i].blob}`);
    const blob = await img.source.openLayer(blobs[i].blob);
    compression.push(blob.compression);
    let listing: LayerListing;
    try {
      listing = await listLayer(blob.bytes, i, opts.visit);
    } catch (e) {
      if (e instanceof TarError) throw corrupt(img.source.label, `layer ${i + 1} (${blobs[i].blob}): ${e.message} at byte ${e.offset}`);
      const code = (e as { code?: string }).code ?? "";
      if (code.startsWith("Z_") || /zstd|incorrect header|unexpected end|invalid/i.test(String((e as Error).message)))
        throw corrupt(img.source.label, `layer ${i + 1} (${blobs[i].blob}) does not decompress: ${(e as Error).message}`);
      throw e;
    } finally {
      await blob.close();
    }
    listings.push(listing);
  }
  return { listings, compression };
}

/** Lists one layer tar: every usable entry, normalised, whiteouts recognised; odd entries become anomalies. */
export async function listLayer(bytes: ByteSource, i: number, visit?: EntryVisitor): Promise<LayerListing> {
  const listing: LayerListing = { entries: [], tarEntries: 0, anomalies: [] };
  let seq = 0;
  const onEntry = (tar: TarEntry): Promise<void> | void => {
    listing.tarEntries++;
    const h = tar.header;
    const n = normalizeName(h.name);
    const at = seq++;
    if (n.unsafe) {
      listing.anomalies.push({ layer: i, path: h.name, why: `unsafe name (${n.unsafe}); entry ignored` });
      return;
    }
    if (n.absolute) listing.anomalies.push({ layer: i, path: h.name, why: "absolute name; read relative to the image root" });
    if (n.path === "") return;
    const w = whiteoutOf(n.path);
    let linkname: string | undefined;
    if (h.type === "symlink") linkname = h.linkname;
    else if (h.type === "hardlink") {
      const t = normalizeName(h.linkname);
      if (t.unsafe || !t.path) {
        listing.anomalies.push({ layer: i, path: n.path, why: `hard link to ${JSON.stringify(h.linkname)}, outside the image; entry ignored` });
        return;
      }
      linkname = t.path;
    }
    const entry: LayerEntry = { seq: at, path: w.path, type: h.type, size: h.size, mode: h.mode, uid: h.uid, gid: h.gid };
    if (linkname !== undefined) entry.linkname = linkname;
    if (w.whiteout) entry.whiteout = w.whiteout;
    listing.entries.push(entry);
    if (visit) return visit(i, entry, tar);
  };
  // Over a file, entries come without a promise each; a visitor that reads a body is still awaited.
  if (isSyncSource(bytes)) {
    for (const tar of tarEntriesSync(bytes)) {
      const pending = onEntry(tar);
      if (pending) await pending;
    }
  } else {
    for await (const tar of tarEntries(bytes)) {
      const pending = onEntry(tar);
      if (pending) await pending;
    }
  }
  return listing;
}

/** Assembles the ImageModel from the layout and the merged tree, aligning history (empty layers included). */
export function buildModel(layout: ImageLayout, merged: MergedTree, listings: LayerListing[], compression: Compression[]): ImageModel {
  const fsLayer = (i: number, createdBy: string): ImageLayer => ({
    index: 0,
    diffId: layout.diffIds[i] ?? "",
    digest: layout.blobs[i].digest ?? layout.blobs[i].blob,
    createdBy,
    emptyLayer: false,
    sizeBytes: merged.stats[i].sizeBytes,
    files: listings[i].tarEntries,
    added: merged.stats[i].added,
    changed: merged.stats[i].changed,
    removed: merged.stats[i].removed,
    compression: compression[i],
  });
  const layers: ImageLayer[] = [];
  // Map from the filesystem-layer number to its index in `layers`, to rewrite ImageFile.layer.
  const fsIndex: number[] = [];
  const nonEmpty = layout.history.filter((h) => !h.emptyLayer).length;
  if (layout.history.length && nonEmpty === layout.blobs.length) {
    let next = 0;
    for (const h of layout.history) {
      if (h.emptyLayer) layers.push({ index: 0, diffId: "", createdBy: h.createdBy ?? "", emptyLayer: true, sizeBytes: 0, files: 0, added: 0, changed: 0, removed: 0 });
      else {
        fsIndex[next] = layers.length;
        layers.push(fsLayer(next, h.createdBy ?? ""));
        next++;
      }
    }
  } else {
    layout.blobs.forEach((_, i) => {
      fsIndex[i] = layers.length;
      layers.push(fsLayer(i, ""));
    });
  }
  layers.forEach((l, i) => (l.index = i));
  const files = treeFiles(merged.root).map((f) => ({ ...f, layer: fsIndex[f.layer] }));
  return {
    source: layout.source,
    id: layout.id,
    repoTags: layout.repoTags,
    created: layout.created,
    architecture: layout.architecture,
    os: layout.os,
    config: layout.config,
    history: layout.history,
    layers,
    files,
    totalSizeBytes: layers.reduce((a, l) => a + l.sizeBytes, 0),
    efficiency: merged.efficiency,
    wastedBytes: merged.wastedBytes,
    inefficiencies: merged.inefficiencies,
    anomalies: merged.anomalies.map((a) => ({ ...a, layer: fsIndex[a.layer] ?? a.layer })),
  };
}

/** Reads listings, merges them and builds the model, in one pass. */
export async function modelOf(img: OpenedImage, opts: { progress?: Progress; visit?: EntryVisitor } = {}): Promise<{ model: ImageModel; merged: MergedTree; fsIndex: (fsLayer: number) => number }> {
  const { listings, compression } = await scanLayers(img, opts);
  const merged = mergeLayers(listings);
  const model = buildModel(img.layout, merged, listings, compression);
  const fsToModel = model.layers.filter((l) => !l.emptyLayer).map((l) => l.index);
  return { model, merged, fsIndex: (i) => fsToModel[i] ?? i };
}
