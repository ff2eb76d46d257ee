/** Which files of a project the analyzer reads: the impure edge that lists and reads the tree. */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

export const IGNORED_DIRS = new Set([
  "node_modules", "venv", "env", "virtualenv", "build", "dist", "__pycache__", "site-packages", "htmlcov",
  "bower_components", "target", "eggs", "wheels", "__pypackages__",
]);
export const MAX_FILE_BYTES = 1_000_000;

export interface ProjectFiles {
  /** Every file kept, relative with forward slashes. */
  all: string[];
  python: string[];
  /** Directories holding an __init__.py. */
  packages: Set<string>;
  skipped: { file: string; why: string }[];
}

/** Lists the project: hidden dirs, virtualenvs (any dir with pyvenv.cfg) and build output are left out. */
export function listProject(root: string): ProjectFiles {
  const out: ProjectFiles = { all: [], python: [], packages: new Set(), skipped: [] };
  const walk = (rel: string): void => {
    const abs = rel ? join(root, rel) : root;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      out.skipped.push({ file: rel || ".", why: "cannot be read" });
      return;
    }
    if (rel && entries.some((e) => e.name === "pyvenv.cfg")) return;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name.startsWith(".") || IGNORED_DIRS.has(e.name) || e.name.endsWith(".egg-info")) continue;
        walk(p);
      } else if (e.isFile()) {
        out.all.push(p);
        if (e.name.endsWith(".py")) {
          out.python.push(p);
          if (e.name === "__init__.py") out.packages.add(rel);
        }
      }
    }
  };
  walk("");
  return out;
}

/** A text file's content, or why it was skipped (binary, larger than 1 MB). */
export function readText(root: string, rel: string): { text?: string; skipped?: string } {
  const abs = join(root, rel);
  const size = statSync(abs).size;
  if (size > MAX_FILE_BYTES) return { skipped: `larger than 1 MB (${size} bytes)` };
  const buf = readFileSync(abs);
  if (buf.subarray(0, 8000).includes(0)) return { skipped: "binary" };
  return { text: buf.toString("utf8") };
}

export function readIfExists(root: string, rel: string): string | undefined {
  const abs = join(root, rel);
  if (!existsSync(abs)) return undefined;
  const r = readText(root, rel);
  return r.text;
}

/**
 * Module name of a Python file and the directory gunicorn must run from (its source root): the first
 * directory above the file without an __init__.py. `src/blog/views.py` → ["blog.views", "src"].
 */
export function moduleOf(file: string, packages: Set<string>): { module: string; root: string; isPackage: boolean } {
  const parts = file.replace(/\.py$/, "").split("/");
  let i = parts.length - 1;
  while (i > 0 && packages.has(parts.slice(0, i).join("/"))) i--;
  const isPackage = parts[parts.length - 1] === "__init__";
  const modParts = parts.slice(i, isPackage ? -1 : undefined);
  return { module: modParts.join("."), root: parts.slice(0, i).join("/") || ".", isPackage };
}
