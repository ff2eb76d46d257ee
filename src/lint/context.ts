import { readdirSync, lstatSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseDockerignore, isExcluded, type IgnorePattern } from "./dockerignore.ts";

/** The build context as the daemon would receive it: every file with its size, and what .dockerignore keeps out. */
export interface BuildContext {
  files: { path: string; size: number }[];
  dirs: string[];
  dockerignore: { text: string; patterns: IgnorePattern[]; lineCount: number } | null;
  /** True when the path is sent to the daemon (not excluded by .dockerignore). */
  sent: (path: string) => boolean;
}

/** Walking stops here so a huge tree cannot hang lint; the size rule reports the total it saw. */
const MAX_ENTRIES = 200_000;

export function readBuildContext(root: string): BuildContext {
  const files: BuildContext["files"] = [];
  const dirs: string[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      return;
    }
    for (const name of names) {
      if (files.length + dirs.length >= MAX_ENTRIES) return;
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, path), { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        dirs.push(path);
        walk(path);
      } else files.push({ path, size: st.isFile() ? st.size : 0 });
    }
  };
  walk("");
  const ignorePath = join(root, ".dockerignore");
  const text = existsSync(ignorePath) ? readFileSync(ignorePath, "utf8") : null;
  return contextOf(files, dirs, text);
}

/** A build context from an in-memory file list (tests, rule examples). Directories are derived from the paths. */
export function contextFromFiles(entries: Record<string, string | number>): BuildContext {
  const files = Object.entries(entries).map(([path, c]) => ({ path, size: typeof c === "number" ? c : Buffer.byteLength(c) }));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const di = entries[".dockerignore"];
  return contextOf(files, [...dirs], typeof di === "string" ? di : null);
}

function contextOf(files: BuildContext["files"], dirs: string[], ignoreText: string | null): BuildContext {
  const patterns = ignoreText == null ? [] : parseDockerignore(ignoreText);
  return {
    files,
    dirs,
    dockerignore: ignoreText == null ? null : { text: ignoreText, patterns, lineCount: ignoreText.replace(/\n$/, "").split("\n").length },
    sent: (path) => !isExcluded(patterns, path),
  };
}
