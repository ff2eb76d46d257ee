/**
 * The build context: which files of a project go to the engine (.dockerignore rules, Docker's semantics),
 * how big that is, and the tar stream itself, written file by file so large contexts never sit in memory.
 */
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync, existsSync } from "node:fs";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import { pack } from "tar-stream";

interface IgnoreRule {
  negate: boolean;
  regex: RegExp;
  /** The pattern can match inside a directory excluded by an earlier rule, so that directory must be walked. */
  reachesInside: boolean;
}

/** Parses .dockerignore text into rules (comments and blank lines dropped, paths cleaned as Docker does). */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1).trim();
    line = posix.normalize(line.replace(/^\/+/, "")).replace(/\/+$/, "");
    if (!line || line === ".") continue;
    rules.push({ negate, regex: patternRegex(line), reachesInside: negate });
  }
  return rules;
}

function patternRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += "[" + pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) re += "\\" + pattern[++i];
    else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Docker's rule: the last pattern that matches the path, or one of its parent directories, decides. */
export function isIgnored(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split("/");
  let ignored = false;
  for (const rule of rules) {
    let matched = false;
    for (let n = parts.length; n >= 1 && !matched; n--) matched = rule.regex.test(parts.slice(0, n).join("/"));
    if (matched) ignored = !rule.negate;
  }
  return ignored;
}

export interface ContextEntry {
  /** Relative path with forward slashes. */
  path: string;
  type: "file" | "directory" | "symlink";
  size: number;
  mode: number;
  mtime: Date;
  linkname?: string;
}

/** Every entry of the context, in a stable order, honoring the ignore rules. */
export function listContext(dir: string, rules: IgnoreRule[]): ContextEntry[] {
  const out: ContextEntry[] = [];
  const canReinclude = rules.some((r) => r.reachesInside);
  const walk = (rel: string) => {
    const names = readdirSync(join(dir, rel)).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      const ignored = isIgnored(rules, path);
      if (st.isDirectory()) {
        if (!ignored) out.push({ path, type: "directory", size: 0, mode: st.mode & 0o7777, mtime: st.mtime });
        if (!ignored || canReinclude) walk(path);
      } else if (ignored) continue;
      else if (st.isSymbolicLink()) out.push({ path, type: "symlink", size: 0, mode: st.mode & 0o7777, mtime: st.mtime, linkname: readlinkSync(join(dir, path)) });
      else if (st.isFile()) out.push({ path, type: "file", size: st.size, mode: st.mode & 0o7777, mtime: st.mtime });
    }
  };
  walk("");
  return out;
}

export interface ContextSummary {
  files: number;
  bytes: number;
  /** Largest top-level entries (directories summed), biggest first. */
  largest: { path: string; bytes: number }[];
}

export function summarizeContext(entries: ContextEntry[]): ContextSummary {
  const byTop = new Map<string, number>();
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (e.type !== "file") continue;
    files++;
    bytes += e.size;
    const top = e.path.split("/")[0];
    byTop.set(top, (byTop.get(top) ?? 0) + e.size);
  }
  const largest = [...byTop].map(([path, b]) => ({ path, bytes: b })).sort((a, b) => b.bytes - a.bytes).slice(0, 5);
  return { files, bytes, largest };
}

export const LARGE_CONTEXT_BYTES = 50 * 1000 * 1000;

/** The rules in effect for a project: its own .dockerignore, else the given fallback text. */
export function contextRules(dir: string, fallback?: string): { rules: IgnoreRule[]; from: ".dockerignore" | "generated" | "none" } {
  const file = join(dir, ".dockerignore");
  if (existsSync(file)) return { rules: parseDockerignore(readFileSync(file, "utf8")), from: ".dockerignore" };
  if (fallback !== undefined) return { rules: parseDockerignore(fallback), from: "generated" };
  return { rules: [], from: "none" };
}

/**
 * A tar stream of the context. `extra` files (an in-memory Dockerfile) are added first; files are read
 * one at a time as the engine consumes the stream.
 */
export function contextTar(dir: string, entries: ContextEntry[], extra: Record<string, string> = {}): Readable {
  const tar = pack();
  const fixed = new Date(0);
  (async () => {
    try {
      for (const [name, content] of Object.entries(extra)) {
        await new Promise<void>((res, rej) => tar.entry({ name, mode: 0o644, mtime: fixed, uid: 0, gid: 0 }, content, (e) => (e ? rej(e) : res())));
      }
      for (const e of entries) {
        if (e.path in extra) continue;
        const header = { name: e.path, mode: e.mode, mtime: e.mtime, uid: 0, gid: 0 };
        if (e.type === "directory") await new Promise<void>((res, rej) => tar.entry({ ...header, type: "directory" }, (err) => (err ? rej(err) : res())));
        else if (e.type === "symlink") await new Promise<void>((res, rej) => tar.entry({ ...header, type: "symlink", linkname: e.linkname }, (err) => (err ? rej(err) : res())));
        else {
          await new Promise<void>((res, rej) => {
            const sink = tar.entry({ ...header, size: e.size }, (err) => (err ? rej(err) : res()));
            const src = createReadStream(join(dir, e.path));
            src.on("error", rej);
            src.pipe(sink);
          });
        }
      }
      tar.finalize();
    } catch (err) {
      tar.destroy(err as Error);
    }
  })();
  return tar as unknown as Readable;
}
