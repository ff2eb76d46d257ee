/**
 * The one audited extraction of an image's merged view to a directory. Why it cannot write outside `dest`:
 * - names with "..", empty or NUL names never enter the merged tree (read.ts); absolute names are made relative;
 * - the merged tree has no path under a non-directory (tree.ts), so every parent is a directory we create;
 * - directories first, then regular files opened with O_CREAT|O_EXCL|O_NOFOLLOW, and only then symlinks and
 *   hard links: while file data is written, no link exists in `dest` that a write could follow;
 * - a symlink is created only if resolving it on the host (following the image's other links, ".." at the
 *   root escaping as it would on the host) stays inside `dest`; absolute targets are rewritten relative to
 *   the link, which means the same inside the image and cannot point at the host's files;
 * - hard links only to regular files extracted here; devices and fifos are skipped;
 * - `dest` must be absent or empty, so nothing there predates us.
 */
import { mkdir, open, readdir, rm, symlink, link, chmod, lchown } from "node:fs/promises";
import { constants } from "node:fs";
import { join, resolve } from "node:path";
import { FlaskpackError } from "../errors.ts";
import type { Progress } from "../util/progress.ts";
import { scanLayers, withImage, type OpenedImage } from "./read.ts";
import { lookup, mergeLayers, type TreeNode } from "./tree.ts";

export interface ExtractOptions {
  /** Which merged paths to extract (their parent directories come along). Default: all. */
  filter?: (path: string) => boolean;
  /** chown to the image's uid/gid (default: when running as root). */
  preserveOwner?: boolean;
  progress?: Progress;
}

export interface ExtractResult {
  files: number;
  bytes: number;
  skipped: { path: string; why: string }[];
}

export interface ExtractionPlan {
  dirs: { path: string; mode: number; uid: number; gid: number }[];
  /** Regular files keyed by "<fs layer>:<seq>", the exact tar entry that wins in the merged view. */
  files: Map<string, { path: string; mode: number; uid: number; gid: number; size: number }>;
  symlinks: { path: string; target: string; uid: number; gid: number }[];
  hardlinks: { path: string; target: string }[];
  skipped: { path: string; why: string }[];
}

const MAX_HOPS = 40;

/**
 * Where a link target leads when the host follows it from directory `from` (path parts from the image root):
 * the parts it ends on, "escape" if it climbs above the root, "loop" if it does not resolve.
 */
export function followOnHost(root: TreeNode, from: string[], target: string, hops = 0): string[] | "escape" | "loop" {
  if (hops > MAX_HOPS) return "loop";
  let parts = target.startsWith("/") ? [] : [...from];
  for (const comp of target.split("/")) {
    if (comp === "" || comp === ".") continue;
    if (comp === "..") {
      if (parts.length === 0) return "escape";
      parts.pop();
      continue;
    }
    parts.push(comp);
    const node = lookup(root, parts.join("/"));
    if (node?.file?.type === "symlink") {
      const r = followOnHost(root, parts.slice(0, -1), node.file.linkname ?? "", hops + 1);
      if (r === "escape" || r === "loop") return r;
      parts = r;
    }
  }
  return parts;
}

/** Pure: what to create for the merged tree, and what to refuse and why. */
export function planExtraction(root: TreeNode, filter: (path: string) => boolean = () => true): ExtractionPlan {
  const plan: ExtractionPlan = { dirs: [], files: new Map(), symlinks: [], hardlinks: [], skipped: [] };
  const wantedDirs = new Set<string>();
  const keepParents = (path: string) => {
    for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
      const d = path.slice(0, i);
      if (wantedDirs.has(d)) break;
      wantedDirs.add(d);
    }
  };
  const extracted = new Set<string>();
  const links: { path: string; node: TreeNode }[] = [];
  const walk = (node: TreeNode, prefix: string) => {
    for (const [name, child] of node.children ?? []) {
      const path = prefix ? `${prefix}/${name}` : name;
      const f = child.file!;
      const wanted = filter(path);
      if (f.type === "dir") {
        if (wanted) {
          wantedDirs.add(path);
          keepParents(path);
        }
        walk(child, path);
        continue;
      }
      if (!wanted) continue;
      if (f.type === "file") {
        plan.files.set(`${f.layer}:${f.seq}`, { path, mode: f.mode, uid: f.uid, gid: f.gid, size: f.size });
        extracted.add(path);
        keepParents(path);
      } else if (f.type === "symlink" || f.type === "hardlink") links.push({ path, node: child });
      else plan.skipped.push({ path, why: f.type === "fifo" ? "fifo (special file)" : `${f.type} device file` });
    }
  };
  walk(root, "");
  for (const { path, node } of links) {
    const f = node.file!;
    const dirParts = path.split("/").slice(0, -1);
    if (f.type === "symlink") {
      const target = f.linkname ?? "";
      const r = followOnHost(root, dirParts, target);
      if (r === "escape") {
        plan.skipped.push({ path, why: `symlink to ${JSON.stringify(target)} leads outside the image root` });
        continue;
      }
      const rel = target.startsWith("/") ? relativeFromRoot(dirParts.length, target) : target;
      plan.symlinks.push({ path, target: rel, uid: f.uid, gid: f.gid });
      keepParents(path);
    } else {
      const target = f.linkname ?? "";
      if (!extracted.has(target)) {
        plan.skipped.push({ path, why: `hard link to ${target}, which is not a regular file extracted here` });
        continue;
      }
      plan.hardlinks.push({ path, target });
      keepParents(path);
    }
  }
  for (const d of [...wantedDirs].sort()) {
    const f = lookup(root, d)!.file!;
    plan.dirs.push({ path: d, mode: f.mode, uid: f.uid, gid: f.gid });
  }
  return plan;
}

function relativeFromRoot(depth: number, absolute: string): string {
  const rest = absolute.replace(/^\/+/, "");
  const up = "../".repeat(depth);
  return up + rest || ".";
}

export async function extractImage(ref: string, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  return withImage(ref, opts.progress, (img) => extractOpened(img, dest, opts));
}

export async function extractOpened(img: OpenedImage, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const root = resolve(dest);
  const existing = await readdir(root).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    if (e.code === "ENOTDIR") return ["(a file)"];
    throw e;
  });
  if (existing && existing.length) throw new FlaskpackError("WOULD_OVERWRITE", `${dest} exists and is not empty`, "extract into a new or empty directory");
  const created = !existing;
  await mkdir(root, { recursive: true });
  const owner = opts.preserveOwner ?? process.getuid?.() === 0;
  try {
    opts.progress?.step("reading layers");
    const first = await scanLayers(img, { progress: opts.progress });
    const merged = mergeLayers(first.listings);
    const plan = planExtraction(merged.root, opts.filter);
    for (const a of merged.anomalies) if (/ignored$/.test(a.why)) plan.skipped.push({ path: a.path, why: a.why });

    for (const d of plan.dirs) await mkdir(join(root, d.path), { mode: 0o700 });
    opts.progress?.step(`writing ${plan.files.size} files`);
    let files = 0;
    let bytes = 0;
    await scanLayers(img, {
      visit: async (layer, entry, tar) => {
        const f = plan.files.get(`${layer}:${entry.seq}`);
        if (!f || entry.whiteout) return;
        const fh = await open(join(root, f.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        try {
          await tar.pipe(async (chunk) => {
            await fh.write(chunk);
            bytes += chunk.length;
          });
        } finally {
          await fh.close();
        }
        files++;
      },
    });
    for (const s of plan.symlinks) {
      await symlink(s.target, join(root, s.path));
      if (owner) await lchown(join(root, s.path), s.uid, s.gid);
    }
    for (const h of plan.hardlinks) {
      await link(join(root, h.target), join(root, h.path));
      files++;
    }
    for (const f of plan.files.values()) {
      const p = join(root, f.path);
      if (owner) await lchown(p, f.uid, f.gid);
      await chmod(p, f.mode & 0o7777);
    }
    for (const d of [...plan.dirs].reverse()) {
      const p = join(root, d.path);
      if (owner) await lchown(p, d.uid, d.gid);
      await chmod(p, d.mode & 0o7777);
    }
    return { files, bytes, skipped: plan.skipped };
  } catch (e) {
    if (created) await rm(root, { recursive: true, force: true }).catch(() => {});
    throw e;
  }
}
