import { dpkgCataloger, osRelease } from "./catalogers/dpkg.ts";
import { pythonCataloger } from "./catalogers/python.ts";
import type { CatalogInput, Cataloged, Cataloger, ImageEntry, Sbom } from "./model.ts";
import { normalizePath as normalize } from "./paths.ts";

/** Order matters: later catalogers see earlier results (Python needs dpkg's file ownership). */
export const CATALOGERS: readonly Cataloger[] = [dpkgCataloger, pythonCataloger];

export function wantedByCatalogers(path: string): boolean {
  return CATALOGERS.some((c) => c.wants(path));
}

/** Resolves symlinked parent directories of a path (bin/bash -> usr/bin/bash); the last component is kept as is. */
export function makeResolver(entries: Map<string, ImageEntry>): (path: string) => string {
  const cache = new Map<string, string>();
  const resolveDir = (dir: string, depth: number): string => {
    if (!dir || depth > 40) return dir;
    const hit = cache.get(dir);
    if (hit !== undefined) return hit;
    const slash = dir.lastIndexOf("/");
    const parent = slash < 0 ? "" : resolveDir(dir.slice(0, slash), depth + 1);
    let here = parent ? `${parent}/${dir.slice(slash + 1)}` : dir.slice(slash + 1);
    const e = entries.get(here);
    if (e?.type === "symlink" && e.linkTarget !== undefined) {
      const target = e.linkTarget.startsWith("/") ? e.linkTarget.slice(1) : parent ? `${parent}/${e.linkTarget}` : e.linkTarget;
      here = resolveDir(normalize(target), depth + 1);
    }
    cache.set(dir, here);
    return here;
  };
  return (path: string) => {
    const clean = normalize(path);
    const slash = clean.lastIndexOf("/");
    if (slash < 0) return clean;
    const dir = resolveDir(clean.slice(0, slash), 0);
    return dir ? `${dir}/${clean.slice(slash + 1)}` : clean.slice(slash + 1);
  };
}


/**
 * The module a bytecode file was compiled from: `d/__pycache__/m.cpython-311.pyc` and sourceless `d/m.pyc`
 * (what slim ships) both belong to whoever owns `d/m.py`. "" for other paths.
 */
export function sourceOfBytecode(path: string): string {
  if (!path.endsWith(".pyc")) return "";
  const cached = /^(.*\/)?__pycache__\/([^/]+?)\.[a-z]+-\d+(?:\.opt-\d)?\.pyc$/.exec(path);
  if (cached) return `${cached[1] ?? ""}${cached[2]}.py`;
  return path.slice(0, -1);
}

export interface CatalogResult {
  found: Cataloged[];
  sbom: Omit<Sbom, "image" | "createdAt" | "tool"> & { os: Sbom["image"]["os"] };
}

/** Pure core of `sbom`: the merged file list plus the metadata files' contents → components and unowned files. */
export function catalogImage(entries: Map<string, ImageEntry>, contents: Map<string, Buffer>, opts: { files?: boolean } = {}): CatalogResult {
  const present = (p: string) => entries.has(p) || (p.endsWith(".py") && entries.has(`${p}c`));
  const input: CatalogInput = { entries, contents, resolve: makeResolver(entries), present };
  const found: Cataloged[] = [];
  for (const c of CATALOGERS) found.push(...c.catalog(input, found));
  if (opts.files) for (const f of found) f.component.paths = f.owned.filter((p) => entries.has(p)).sort();

  const owned = new Set<string>();
  for (const f of found) for (const p of f.owned) owned.add(p);
  let unowned = 0;
  const byDir = new Map<string, number>();
  for (const [path, e] of entries) {
    if (e.type === "dir" || owned.has(path) || owned.has(sourceOfBytecode(path))) continue;
    unowned++;
    const dir = path.split("/").slice(0, 3).join("/");
    const key = dir === path ? path.split("/").slice(0, 2).join("/") : dir;
    byDir.set(key, (byDir.get(key) ?? 0) + 1);
  }
  const unownedByDir = [...byDir].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([dir, files]) => ({ dir, files }));
  const components = found.map((f) => f.component).sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name) || a.location.localeCompare(b.location));
  return { found, sbom: { schema: "flaskpack.sbom/1", components, unownedFiles: unowned, unownedByDir, os: osRelease(contents) } };
}
