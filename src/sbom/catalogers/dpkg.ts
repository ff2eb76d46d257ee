import { PackageURL } from "packageurl-js";
import { parseDeb822 } from "../deb822.ts";
import { spdxForDebian } from "../licenses.ts";
import type { CatalogInput, Cataloged, Cataloger, Component } from "../model.ts";

const STATUS = "var/lib/dpkg/status";
const STATUS_D = "var/lib/dpkg/status.d/";
const INFO = "var/lib/dpkg/info/";

/** Debian packages: dpkg's status database (or distroless `status.d`), file lists, and DEP-5 copyright files. */
export const dpkgCataloger: Cataloger = {
  name: "dpkg",
  wants: (p) =>
    p === STATUS ||
    p.startsWith(STATUS_D) ||
    (p.startsWith(INFO) && (p.endsWith(".list") || p.endsWith(".md5sums"))) ||
    (p.startsWith("usr/share/doc/") && p.endsWith("/copyright") && p.split("/").length === 5) ||
    p === "etc/dpkg/dpkg.cfg" ||
    p.startsWith("etc/dpkg/dpkg.cfg.d/") ||
    p === "etc/os-release" ||
    p === "usr/lib/os-release",
  catalog: (input) => catalogDpkg(input),
};

interface Installed {
  name: string;
  version: string;
  arch: string;
  source: { name: string; version: string };
  /** Where the entry was read: the status file or its status.d file. */
  location: string;
}

/** Installed packages from dpkg status text: only those whose state is "installed". */
export function parseDpkgStatus(text: string, location = STATUS): Installed[] {
  const out: Installed[] = [];
  for (const p of parseDeb822(text)) {
    const name = p.get("package");
    const version = p.get("version");
    if (!name || !version) continue;
    const status = p.get("status");
    if (status && !/\sinstalled$/.test(status)) continue;
    out.push({ name, version, arch: p.get("architecture") ?? "", source: parseSource(p.get("source"), name, version), location });
  }
  return out;
}

/** "Source: openssl (3.0.11-1~deb12u2)" names the source package and, when it differs, its version. */
export function parseSource(field: string | undefined, name: string, version: string): { name: string; version: string } {
  if (!field) return { name, version };
  const m = /^(\S+)(?:\s+\((.+)\))?$/.exec(field.trim());
  if (!m) return { name, version };
  return { name: m[1], version: m[2] ?? version };
}

/** Licenses from a machine-readable (DEP-5) copyright file; none from free-form ones. */
export function parseCopyrightLicenses(text: string): string[] {
  if (!/^Format:\s*\S*copyright-format/m.test(text)) return [];
  const names = new Set<string>();
  for (const p of parseDeb822(text)) {
    if (!p.has("files")) continue;
    const license = p.get("license")?.split("\n")[0].trim();
    if (!license) continue;
    for (const part of license.split(/\s+or\s+|\s+and\s+|,\s*/i)) if (part) names.add(spdxForDebian(part));
  }
  return [...names];
}

const DEBIAN_CODENAMES: Record<string, string> = { "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie", "14": "forky" };

/**
 * The image's OS from os-release; slim images often drop it, so Debian's release also comes from base-files,
 * whose version is the release number (12.4+deb12u5 is bookworm).
 */
export function osRelease(contents: Map<string, Buffer>): { id: string; versionId?: string; codename?: string; pretty?: string } | undefined {
  const text = (contents.get("etc/os-release") ?? contents.get("usr/lib/os-release"))?.toString("utf8");
  if (!text) {
    const status = contents.get(STATUS)?.toString("utf8") ?? "";
    const baseFiles = /^Package: base-files\n(?:[^\n]+\n)*?Version: (\d+)/m.exec(status)?.[1];
    const codename = baseFiles ? DEBIAN_CODENAMES[baseFiles] : undefined;
    return codename ? { id: "debian", versionId: baseFiles, codename, pretty: `Debian GNU/Linux ${baseFiles} (${codename}), from base-files` } : undefined;
  }
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1], m[2].replace(/^["']|["']$/g, ""));
  }
  let codename = fields.get("VERSION_CODENAME");
  if (!codename && fields.get("ID") === "debian") codename = /\(([a-z]+)\)/.exec(fields.get("VERSION") ?? "")?.[1];
  return { id: fields.get("ID") ?? "linux", versionId: fields.get("VERSION_ID"), codename, pretty: fields.get("PRETTY_NAME") };
}

function catalogDpkg(input: CatalogInput): Cataloged[] {
  const { contents, entries } = input;
  const installed: Installed[] = [];
  const status = contents.get(STATUS);
  if (status) installed.push(...parseDpkgStatus(status.toString("utf8")));
  for (const [path, buf] of contents) {
    if (path.startsWith(STATUS_D) && !path.endsWith(".md5sums")) installed.push(...parseDpkgStatus(buf.toString("utf8"), path));
  }
  const os = osRelease(contents);
  const distro = os ? `${os.id}-${os.versionId ?? os.codename ?? ""}`.replace(/-$/, "") : undefined;

  const excluded = dpkgPathFilter(contents);
  const out: Cataloged[] = [];
  for (const pkg of installed) {
    const list = fileList(pkg, contents);
    const listed = list.text === undefined ? [] : listedPaths(list.text, list.md5);
    const owned: string[] = [];
    let present = 0;
    const dirsInList = parentsOf(listed);
    for (const raw of listed) {
      if (dirsInList.has(raw) || excluded(raw)) continue;
      const path = input.resolve(raw);
      const entry = entries.get(path);
      if (entry?.type === "dir") continue;
      owned.push(path);
      if (input.present(path)) present++;
    }
    const copyright = contents.get(`usr/share/doc/${pkg.name}/copyright`);
    const qualifiers: Record<string, string> = {};
    if (pkg.arch) qualifiers.arch = pkg.arch;
    if (distro) qualifiers.distro = distro;
    if (pkg.source.name !== pkg.name || pkg.source.version !== pkg.version) {
      qualifiers.upstream = pkg.source.version === pkg.version ? pkg.source.name : `${pkg.source.name}@${pkg.source.version}`;
    }
    const purl = new PackageURL("deb", os?.id ?? "debian", pkg.name, pkg.version, qualifiers, undefined).toString();
    const metaEntry = list.path ? entries.get(list.path) : entries.get(pkg.location);
    const component: Component = {
      ecosystem: "deb",
      name: pkg.name,
      version: pkg.version,
      purl,
      licenses: copyright ? parseCopyrightLicenses(copyright.toString("utf8")) : [],
      source: pkg.source,
      arch: pkg.arch || undefined,
      files: owned.length,
      filesPresent: present,
      partial: present > 0 && present < owned.length,
      layer: metaEntry ? { index: metaEntry.layer } : undefined,
      location: pkg.location,
    };
    // A slim image keeps dpkg's database; a package none of whose files remain is no longer in the image.
    if (owned.length > 0 && present === 0) continue;
    out.push({ component, owned });
  }
  return out;
}

/**
 * dpkg's path-exclude/path-include options (images often drop docs this way): dpkg still lists the excluded
 * files, but never installed them, so they do not count as the package's files. The last matching rule wins.
 */
export function dpkgPathFilter(contents: Map<string, Buffer>): (path: string) => boolean {
  const rules: { include: boolean; re: RegExp }[] = [];
  const cfgs = [...contents.keys()].filter((p) => p === "etc/dpkg/dpkg.cfg" || p.startsWith("etc/dpkg/dpkg.cfg.d/")).sort();
  for (const cfg of cfgs) {
    for (const line of contents.get(cfg)!.toString("utf8").split("\n")) {
      const m = /^\s*(?:--)?path-(exclude|include)[=\s]\s*(\S+)/.exec(line);
      if (m) rules.push({ include: m[1] === "include", re: globToRegExp(m[2]) });
    }
  }
  if (!rules.length) return () => false;
  return (path: string) => {
    let out = false;
    for (const r of rules) if (r.re.test(`/${path}`)) out = !r.include;
    return out;
  };
}

/** fnmatch without FNM_PATHNAME, as dpkg uses it: "*" also matches "/". */
function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function fileList(pkg: Installed, contents: Map<string, Buffer>): { path?: string; text?: string; md5: boolean } {
  const candidates = [`${INFO}${pkg.name}:${pkg.arch}.list`, `${INFO}${pkg.name}.list`];
  for (const c of candidates) {
    const b = contents.get(c);
    if (b) return { path: c, text: b.toString("utf8"), md5: false };
  }
  // Distroless keeps no .list files; the md5sums next to the status.d entry name the package's files.
  const md5 = [`${STATUS_D}${pkg.name}.md5sums`, `${INFO}${pkg.name}:${pkg.arch}.md5sums`, `${INFO}${pkg.name}.md5sums`];
  for (const c of md5) {
    const b = contents.get(c);
    if (b) return { path: c, text: b.toString("utf8"), md5: true };
  }
  return { md5: false };
}

/** Paths of a .list (absolute, one a line) or md5sums ("hash  relative/path") file, without the leading "/". */
export function listedPaths(text: string, md5: boolean): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const path = md5 ? line.replace(/^[0-9a-f]+\s+/, "") : line;
    const clean = path.replace(/^\/+/, "").replace(/\/+$/, "");
    if (clean && clean !== ".") out.push(clean);
  }
  return out;
}

function parentsOf(paths: string[]): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    let i = p.lastIndexOf("/");
    while (i > 0) {
      const d = p.slice(0, i);
      if (dirs.has(d)) break;
      dirs.add(d);
      i = d.lastIndexOf("/");
    }
  }
  return dirs;
}
