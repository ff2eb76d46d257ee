import type { ContextInput, Hit } from "../types.ts";
import { contextHit, listPaths } from "./util.ts";

/**
 * Shared by the "sensitive path is sent" rules: the paths (files or directories) matching `test` that .dockerignore
 * does not exclude, reported once with entries to add.
 */
export function sentPaths(input: ContextInput, test: (path: string, isDir: boolean) => boolean, what: string, entries: (paths: string[]) => string[]): Hit[] {
  const { context } = input;
  const hits = [
    ...context.dirs.filter((d) => test(d, true)),
    ...context.files.map((f) => f.path).filter((p) => test(p, false)),
  ]
    .filter((p) => context.sent(p))
    // Only the top-most matching path: `.git` rather than every file below it.
    .filter((p, _i, all) => !all.some((q) => q !== p && p.startsWith(q + "/")))
    .sort();
  return hits.length ? [contextHit(input, `${what} sent to the daemon: ${listPaths(hits)}`, entries(hits))] : [];
}
