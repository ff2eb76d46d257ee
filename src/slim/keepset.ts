/**
 * The keep-set: which files of the original image the slim image needs, and why. Pure: it works on an index of
 * the image's flattened file system (read once from the engine's export) and on the traced paths.
 */
import { posix } from "node:path";
import type { ElfDeps } from "./elf.ts";
import { normalize } from "./strace.ts";

export interface FileEntry {
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  size: number;
  /** Symlink target as stored, or the hardlink's target path (absolute). */
  link?: string;
  elf?: ElfDeps;
  /** Contents of small metadata files the closure reads (top_level.txt, RECORD). */
  text?: string;
}

/** Absolute path → entry, for every entry of the image's root file system. */
export type FileIndex = Map<string, FileEntry>;

export type KeepReason =
  | "traced"
  | "symlink"
  | "parent directory"
  | "ELF dependency"
  | "hardlink target"
  | "package __init__"
  | "distribution metadata"
  | "user and group database"
  | "package database"
  | "CA certificates"
  | "time zone data"
  | "locale data"
  | "entrypoint"
  | "--include";

export interface KeepSetOptions {
  /** Paths the processes touched. */
  traced: Iterable<string>;
  /** Programs the image starts (entrypoint, cmd, healthcheck), resolved through PATH here. */
  programs?: string[];
  pathEnv?: string;
  include?: string[];
  exclude?: string[];
}

export interface KeepSet {
  /** Kept path → the first reason it was kept, and what led to it. */
  kept: Map<string, { reason: KeepReason; from?: string }>;
  files: number;
  bytes: number;
  reasons: Record<string, number>;
}

const LIB_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"];
const SMALL_ALWAYS = ["/etc/passwd", "/etc/group"];
const SITE_DIR = /^(.*\/(?:site-packages|dist-packages))\//;

export function computeKeepSet(index: FileIndex, opts: KeepSetOptions): KeepSet {
  const kept = new Map<string, { reason: KeepReason; from?: string }>();
  const queue: string[] = [];

  /** Follows symlinks component by component (keeping each link met), returns the real path or undefined. */
  const resolve = (path: string, from: string | undefined, depth = 0): string | undefined => {
    if (depth > 40) return undefined;
    const parts = normalize(path).split("/").filter(Boolean);
    let cur = "";
    for (let i = 0; i < parts.length; i++) {
      const next = `${cur}/${parts[i]}`;
      const e = index.get(next);
      if (!e) return undefined;
      if (e.type === "symlink" && e.link !== undefined) {
        if (from !== undefined) add(next, "symlink", from, false);
        const target = e.link.startsWith("/") ? e.link : posix.join(cur || "/", e.link);
        const rest = parts.slice(i + 1).join("/");
        return resolve(rest ? `${target}/${rest}` : target, from, depth + 1);
      }
      cur = next;
    }
    return cur || "/";
  };

  function add(path: string, reason: KeepReason, from?: string, follow = true): string | undefined {
    const real = follow ? resolve(path, from ?? path) : path;
    if (real === undefined) return undefined;
    if (!kept.has(real)) {
      kept.set(real, { reason, from: from && from !== real ? from : undefined });
      queue.push(real);
    }
    return real;
  }

  for (const p of opts.traced) add(normalize(p), "traced");
  for (const prog of opts.programs ?? []) {
    const found = findProgram(index, prog, opts.pathEnv);
    if (found) add(found, "entrypoint", prog);
  }
  for (const p of SMALL_ALWAYS) add(p, "user and group database");
  add("/var/lib/dpkg/status", "package database");
  for (const [p] of index) if (/^\/var\/lib\/dpkg\/info\/[^/]+\.list$/.test(p)) add(p, "package database");
  for (const inc of opts.include ?? []) {
    const root = normalize(inc);
    const real = add(root, "--include");
    if (real) for (const [p] of index) if (p.startsWith(`${real}/`)) add(p, "--include", root);
  }

  let sslSeen = false;
  let tzSeen = false;
  let localeSeen = false;
  while (queue.length) {
    const path = queue.shift()!;
    const entry = index.get(path);
    if (!entry) continue;
    if (entry.type === "hardlink" && entry.link) add(entry.link, "hardlink target", path);
    if (entry.elf) {
      const origin = posix.dirname(path);
      if (entry.elf.interp) add(entry.elf.interp, "ELF dependency", path);
      for (const lib of entry.elf.needed) {
        const dirs = [...entry.elf.runpath.map((r) => r.replace(/\$(?:ORIGIN|\{ORIGIN\})/g, origin)), ...LIB_DIRS];
        const hit = lib.includes("/") ? lib : dirs.map((d) => posix.join(d, lib)).find((c) => resolve(c, undefined) !== undefined);
        if (hit) add(hit, "ELF dependency", path);
      }
    }
    if (/\.pyc?$/.test(path)) for (const init of packageInits(index, path)) add(init, "package __init__", path);
    if (/\/_ssl\.[^/]*\.so$|\/ssl\.pyc?$|\/libssl\.so/.test(path)) sslSeen = true;
    if (path.startsWith("/usr/share/zoneinfo/") || /\/tzdata\//.test(path)) tzSeen = true;
    if (path.startsWith("/usr/lib/locale/") || path.startsWith("/usr/share/locale/")) localeSeen = true;
    if (queue.length === 0) {
      if (sslSeen) {
        sslSeen = false;
        for (const ca of ["/etc/ssl/certs/ca-certificates.crt", "/usr/lib/ssl/openssl.cnf", "/etc/ssl/openssl.cnf", "/usr/lib/ssl/cert.pem"]) add(ca, "CA certificates", "ssl is imported");
      }
      if (tzSeen) {
        tzSeen = false;
        for (const [p] of index) if (p.startsWith("/usr/share/zoneinfo/") && !p.startsWith("/usr/share/zoneinfo/right/")) add(p, "time zone data", "the trace read time zone data");
      }
      if (localeSeen) {
        localeSeen = false;
        for (const [p] of index) if (p.startsWith("/usr/lib/locale/")) add(p, "locale data", "the trace read locale data");
      }
      for (const dist of distributionsOf(index, kept)) if (!kept.has(dist.file)) add(dist.file, "distribution metadata", dist.because);
    }
  }

  for (const ex of opts.exclude ?? []) {
    const root = normalize(ex);
    for (const p of [...kept.keys()]) if (p === root || p.startsWith(`${root}/`)) kept.delete(p);
  }
  for (const p of [...kept.keys()]) {
    for (let d = posix.dirname(p); d !== "/"; d = posix.dirname(d)) {
      if (kept.has(d)) break;
      kept.set(d, { reason: "parent directory", from: p });
    }
  }

  let files = 0;
  let bytes = 0;
  const reasons: Record<string, number> = {};
  for (const [p, why] of kept) {
    const e = index.get(p);
    if (!e) continue;
    if (e.type !== "dir") files++;
    bytes += e.type === "file" ? e.size : 0;
    reasons[why.reason] = (reasons[why.reason] ?? 0) + 1;
  }
  return { kept, files, bytes, reasons };
}

/** `__init__.py` (and its cached bytecode) of every package between a module and its sys.path directory. */
function packageInits(index: FileIndex, path: string): string[] {
  const out: string[] = [];
  let dir = posix.dirname(path);
  if (posix.basename(dir) === "__pycache__") dir = posix.dirname(dir);
  while (dir !== "/") {
    const init = `${dir}/__init__.py`;
    if (!index.has(init)) break;
    out.push(init);
    for (const [p] of cachedBytecode(index, init)) out.push(p);
    dir = posix.dirname(dir);
  }
  return out;
}

function cachedBytecode(index: FileIndex, source: string): [string, FileEntry][] {
  const dir = posix.dirname(source);
  const stem = posix.basename(source, ".py");
  const out: [string, FileEntry][] = [];
  for (const tag of ["cpython-311", "cpython-312", "cpython-310", "cpython-313", "cpython-39"]) {
    const p = `${dir}/__pycache__/${stem}.${tag}.pyc`;
    const e = index.get(p);
    if (e) out.push([p, e]);
  }
  return out;
}

/**
 * Metadata directories (dist-info, egg-info) of distributions whose code is kept, so `importlib.metadata`
 * (versions, entry points) answers the same in the slim image.
 */
function distributionsOf(index: FileIndex, kept: Map<string, unknown>): { file: string; because: string }[] {
  const keptTops = new Map<string, string>();
  for (const p of kept.keys()) {
    const m = SITE_DIR.exec(p);
    if (!m) continue;
    const top = p.slice(m[1].length + 1).split("/")[0].replace(/\.(py|pyc)$/, "").replace(/\.cpython-[^/]*\.so$|\.abi3\.so$|\.so$/, "");
    keptTops.set(`${m[1]}/${normName(top)}`, p);
  }
  const metaDirs = new Map<string, string[]>();
  for (const [p] of index) {
    const m = /^(.*\/(?:site-packages|dist-packages))\/([^/]+\.(?:dist-info|egg-info))(\/.*)?$/.exec(p);
    if (!m) continue;
    const dir = `${m[1]}/${m[2]}`;
    if (!metaDirs.has(dir)) metaDirs.set(dir, []);
    if (m[3]) metaDirs.get(dir)!.push(p);
  }
  const out: { file: string; because: string }[] = [];
  for (const [dir, files] of metaDirs) {
    const site = posix.dirname(dir);
    const name = posix.basename(dir).replace(/-[^-]*\.(dist|egg)-info$|\.(dist|egg)-info$/, "");
    const tops = new Set([normName(name)]);
    const topLevel = index.get(`${dir}/top_level.txt`)?.text;
    for (const t of topLevel?.split("\n") ?? []) if (t.trim()) tops.add(normName(t.trim()));
    const record = index.get(`${dir}/RECORD`)?.text;
    for (const line of record?.split("\n") ?? []) {
      const first = line.split(",")[0]?.split("/")[0];
      if (first && !first.endsWith("-info") && !first.startsWith("..")) tops.add(normName(first.replace(/\.py$/, "")));
    }
    const hit = [...tops].map((t) => keptTops.get(`${site}/${t}`)).find(Boolean);
    if (!hit) continue;
    out.push({ file: dir, because: hit });
    for (const f of files) out.push({ file: f, because: hit });
  }
  return out;
}

function normName(s: string): string {
  return s.toLowerCase().replace(/[-_.]+/g, "_");
}

/** Finds a program as the runtime would: absolute, relative to / or through PATH. */
export function findProgram(index: FileIndex, prog: string, pathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"): string | undefined {
  if (prog.includes("/")) return prog.startsWith("/") ? prog : undefined;
  for (const dir of pathEnv.split(":")) {
    const p = posix.join(dir, prog);
    if (index.has(p)) return p;
  }
  return undefined;
}

/** Why a path is kept, as a chain of reasons ending at the traced path or rule that started it. */
export function explain(keep: KeepSet, path: string): string[] {
  const out: string[] = [];
  let cur: string | undefined = normalize(path);
  const seen = new Set<string>();
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const why = keep.kept.get(cur);
    if (!why) {
      if (!out.length) out.push(`${cur}: not kept (no traced process touched it and no rule needs it; --include ${cur} keeps it)`);
      break;
    }
    out.push(`${cur}: ${why.reason}${why.from ? ` (from ${why.from})` : ""}`);
    cur = why.from && keep.kept.has(why.from) ? why.from : undefined;
  }
  return out;
}
