/**
 * Where flaskpack's own files are: the package root holds package.json, scripts/ and the data files under src/.
 * Found by walking up from this module, so it is the same whether the code runs from src/ (tsx) or from the
 * bundle in dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`flaskpack's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();

/** A file shipped with flaskpack, by its path from the package root (e.g. "src/base/data/cpython3_fallback"). */
export function ownFile(path: string): string {
  return join(ROOT, path);
}

export const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
