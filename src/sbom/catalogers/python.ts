import { PackageURL } from "packageurl-js";
import { parseRfc822Headers } from "../deb822.ts";
import { pythonLicenses } from "../licenses.ts";
import type { CatalogInput, Cataloged, Cataloger, Component } from "../model.ts";
import { normalizeName as normalizePypiName } from "../../base/mapping.ts";
import { normalizePath as normalize } from "../paths.ts";

/** PEP 503 normalized project name: lower case, runs of -_. become one "-". */
export { normalizePypiName };

const META_FILES = new Set(["METADATA", "RECORD", "INSTALLER", "PKG-INFO", "installed-files.txt", "top_level.txt"]);

/** Python distributions: `*.dist-info` (METADATA, RECORD, INSTALLER) and `*.egg-info` wherever they are installed. */
export const pythonCataloger: Cataloger = {
  name: "python",
  wants: (p) => {
    const slash = p.lastIndexOf("/");
    const dir = p.slice(0, slash);
    const base = p.slice(slash + 1);
    if (base.endsWith(".egg-info")) return true; // a single-file egg-info is PKG-INFO itself
    return (dir.endsWith(".dist-info") || dir.endsWith(".egg-info")) && META_FILES.has(base);
  },
  catalog: (input, prior) => catalogPython(input, prior),
};

interface Dist {
  /** The dist-info / egg-info path (directory or single file). */
  location: string;
  /** The directory it is installed into (site-packages). */
  site: string;
  metadata: Buffer;
  kind: "dist-info" | "egg-info";
}

function findDists(input: CatalogInput): Dist[] {
  const out: Dist[] = [];
  for (const [path, buf] of input.contents) {
    let location: string;
    if (path.endsWith(".dist-info/METADATA")) location = path.slice(0, -"/METADATA".length);
    else if (path.endsWith(".egg-info/PKG-INFO")) location = path.slice(0, -"/PKG-INFO".length);
    else if (path.endsWith(".egg-info") && input.entries.get(path)?.type !== "dir") location = path;
    else continue;
    out.push({ location, site: location.slice(0, Math.max(0, location.lastIndexOf("/"))), metadata: buf, kind: location.endsWith(".dist-info") ? "dist-info" : "egg-info" });
  }
  return out;
}

function catalogPython(input: CatalogInput, prior: readonly Cataloged[]): Cataloged[] {
  const owners = new Map<string, Cataloged>();
  for (const c of prior) if (c.component.ecosystem === "deb") for (const p of c.owned) owners.set(p, c);
  const out: Cataloged[] = [];
  for (const dist of findDists(input)) {
    const headers = parseRfc822Headers(dist.metadata.toString("utf8"));
    const name = headers.get("name")?.[0];
    const version = headers.get("version")?.[0];
    if (!name || !version) continue;
    const metaPath = dist.kind === "dist-info" ? `${dist.location}/METADATA` : input.contents.has(`${dist.location}/PKG-INFO`) ? `${dist.location}/PKG-INFO` : dist.location;
    const debOwner = owners.get(metaPath) ?? owners.get(dist.location);
    const installerText = input.contents.get(`${dist.location}/INSTALLER`)?.toString("utf8").trim();
    // Debian installs into dist-packages without an INSTALLER file; pip writes one.
    const installer = installerText || (debOwner || dist.site === "usr/lib/python3/dist-packages" ? "debian" : undefined);

    const owned = ownedFiles(dist, input, debOwner);
    let present = 0;
    for (const p of owned) if (input.present(p)) present++;
    const component: Component = {
      ecosystem: "pypi",
      name,
      version,
      purl: new PackageURL("pypi", undefined, normalizePypiName(name), version, undefined, undefined).toString(),
      licenses: pythonLicenses(headers),
      files: owned.length,
      filesPresent: present,
      partial: present < owned.length,
      layer: input.entries.get(metaPath) ? { index: input.entries.get(metaPath)!.layer } : undefined,
      installer,
      debianPackage: debOwner?.component.name,
      location: dist.location,
    };
    out.push({ component, owned });
  }
  return out;
}

/**
 * The files a dist installed. A Debian-owned dist: its owner's files under the dist's top-level names (dpkg's
 * list is what was really installed; Debian edits RECORD-listed files away). Otherwise RECORD, else
 * installed-files.txt, else whatever is under its top-level names.
 */
function ownedFiles(dist: Dist, input: CatalogInput, debOwner: Cataloged | undefined): string[] {
  const tops = (input.contents.get(`${dist.location}/top_level.txt`)?.toString("utf8") ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  const prefixes = [...tops.map((t) => `${dist.site}/${t}/`), `${dist.location}/`];
  const exact = new Set([...tops.map((t) => `${dist.site}/${t}.py`), dist.location]);
  const underTops = (p: string) => exact.has(p) || prefixes.some((pre) => p.startsWith(pre));
  if (debOwner) return debOwner.owned.filter(underTops);
  const record = input.contents.get(`${dist.location}/RECORD`);
  if (record) return unique(parseRecord(record.toString("utf8")).map((p) => input.resolve(joinPath(dist.site, p))).filter(Boolean));
  const installed = input.contents.get(`${dist.location}/installed-files.txt`);
  if (installed) {
    const files = installed.toString("utf8").split("\n").map((l) => l.trim()).filter(Boolean);
    return unique([...files.map((p) => input.resolve(joinPath(dist.location, p))), ...metadataFiles(dist, input)].filter(Boolean));
  }
  const files: string[] = [];
  for (const [p, e] of input.entries) if (e.type !== "dir" && underTops(p)) files.push(p);
  return files;
}

function metadataFiles(dist: Dist, input: CatalogInput): string[] {
  const out: string[] = [];
  for (const [p, e] of input.entries) if (e.type !== "dir" && p.startsWith(`${dist.location}/`)) out.push(p);
  return out;
}

/** RECORD is CSV: path,hash,size; paths may be quoted and relative to the site directory (../../bin/x). */
export function parseRecord(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    let path: string;
    if (line.startsWith('"')) {
      const end = line.indexOf('",');
      path = (end < 0 ? line.slice(1) : line.slice(1, end)).replace(/""/g, '"');
    } else path = line.split(",")[0];
    if (path) out.push(path);
  }
  return out;
}

export function joinPath(base: string, rel: string): string {
  if (rel.startsWith("/")) return normalize(rel.slice(1));
  return normalize(base ? `${base}/${rel}` : rel);
}


function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
