import { withImage, modelOf } from "../image/read.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { catalogImage, wantedByCatalogers } from "./catalog.ts";
import type { ImageEntry, Sbom } from "./model.ts";
import { VERSION } from "../paths.ts";

export type { Sbom, Component, Ecosystem, Cataloger } from "./model.ts";
export { toCycloneDx, toSpdx } from "./formats.ts";
export { catalogImage, CATALOGERS } from "./catalog.ts";


/** Biggest metadata file read into memory (dpkg status of a large image is a few MB). */
const MAX_METADATA = 64 << 20;

/**
 * Every package in an image (engine name, docker-save tarball or OCI layout): Debian packages and Python
 * distributions, with the files each owns and how many of them remain, in one streaming pass over the layers.
 */
export async function sbom(ref: string, opts: { progress?: Progress; /** List each package's files in the image. */ files?: boolean } = {}): Promise<Sbom> {
  const progress = opts.progress ?? silentProgress;
  progress.step(`reading ${ref}`);
  return withImage(ref, progress, async (img) => {
    // Bodies are read as the layers stream by; a later layer's copy replaces an earlier one in the merged view.
    const bodies = new Map<string, Buffer>();
    const { model, fsIndex } = await modelOf(img, {
      progress,
      visit: (layer, entry, tar) => {
        if (entry.whiteout || entry.type !== "file" || !wantedByCatalogers(entry.path)) return;
        return tar.body(MAX_METADATA).then((body) => void bodies.set(`${layer}\u0000${entry.path}`, body));
      },
    });
    const fsOf = new Map<number, number>();
    for (let i = 0; i < img.layout.blobs.length; i++) fsOf.set(fsIndex(i), i);
    const entries = new Map<string, ImageEntry>();
    const contents = new Map<string, Buffer>();
    for (const f of model.files) {
      const type = f.type === "file" || f.type === "dir" || f.type === "symlink" || f.type === "hardlink" ? f.type : "other";
      entries.set(f.path, { path: f.path, type, size: f.size, layer: f.layer, linkTarget: f.linkname });
      if (type === "file") {
        const body = bodies.get(`${fsOf.get(f.layer)}\u0000${f.path}`);
        if (body) contents.set(f.path, body);
      }
    }
    progress.step(`cataloging ${entries.size} files`);
    const result = catalogImage(entries, contents, { files: opts.files });
    for (const c of result.sbom.components) if (c.layer) c.layer.digest = model.layers[c.layer.index]?.diffId || undefined;
    return {
      schema: "flaskpack.sbom/1",
      image: { ref, id: model.id, os: result.sbom.os, layers: model.layers.filter((l) => !l.emptyLayer).length, files: entries.size },
      components: result.sbom.components,
      unownedFiles: result.sbom.unownedFiles,
      unownedByDir: result.sbom.unownedByDir,
      createdAt: new Date().toISOString(),
      tool: { name: "flaskpack", version: VERSION },
    } satisfies Sbom;
  });
}
