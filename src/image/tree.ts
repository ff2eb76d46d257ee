/**
 * Pure: stacks layer entry lists into the merged file tree (last layer wins, whiteouts and opaque directories
 * applied to lower layers), counts per-layer changes, and computes efficiency and wasted bytes as dive does.
 */
import type { ArchiveAnomaly, FileType, ImageFile } from "./model.ts";

export interface LayerEntry {
  /** Ordinal of the entry in its layer tar. */
  seq: number;
  /** Normalised path; for a whiteout, the path it removes (file) or the directory it empties (opaque). */
  path: string;
  type: FileType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  whiteout?: "file" | "opaque";
}

export interface LayerListing {
  entries: LayerEntry[];
  /** Entries in the tar, as `tar tf` counts them. */
  tarEntries: number;
  anomalies: ArchiveAnomaly[];
}

export interface TreeNode {
  name: string;
  file?: ImageFile & { seq: number; implicit?: boolean };
  children?: Map<string, TreeNode>;
}

export interface LayerStats {
  sizeBytes: number;
  added: number;
  changed: number;
  removed: number;
}

export interface MergedTree {
  root: TreeNode;
  stats: LayerStats[];
  anomalies: ArchiveAnomaly[];
  efficiency: number;
  wastedBytes: number;
  inefficiencies: { path: string; copies: number; cumulativeBytes: number; deleted: boolean }[];
}

const WH = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** Turns a normalised tar path into a LayerEntry path, recognising whiteouts. */
export function whiteoutOf(path: string): { path: string; whiteout?: "file" | "opaque" } {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "" : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (base === OPAQUE) return { path: dir, whiteout: "opaque" };
  if (base.startsWith(WH)) return { path: dir ? `${dir}/${base.slice(WH.length)}` : base.slice(WH.length), whiteout: "file" };
  return { path };
}

export function lookup(root: TreeNode, path: string): TreeNode | undefined {
  if (path === "") return root;
  let node: TreeNode | undefined = root;
  for (const part of path.split("/")) {
    node = node.children?.get(part);
    if (!node) return undefined;
  }
  return node;
}

function* walk(node: TreeNode, prefix: string): Generator<[string, TreeNode]> {
  if (!node.children) return;
  for (const name of [...node.children.keys()].sort()) {
    const child = node.children.get(name)!;
    const p = prefix ? `${prefix}/${name}` : name;
    yield [p, child];
    yield* walk(child, p);
  }
}

/** Every path of the merged tree, sorted, parents before children. */
export function treeFiles(root: TreeNode): ImageFile[] {
  const out: ImageFile[] = [];
  for (const [path, node] of walk(root, "")) {
    const f = node.file!;
    const file: ImageFile = { path, type: f.type, size: f.size, mode: f.mode, uid: f.uid, gid: f.gid, layer: f.layer };
    if (f.linkname !== undefined) file.linkname = f.linkname;
    out.push(file);
  }
  return out;
}

function subtree(node: TreeNode, prefix: string): { count: number; bytes: number; paths: string[] } {
  let count = 0;
  let bytes = node.file?.size ?? 0;
  const paths: string[] = [];
  for (const [p, n] of walk(node, prefix)) {
    count++;
    bytes += n.file?.size ?? 0;
    paths.push(p);
  }
  return { count, bytes, paths };
}

/** Bytes a layer adds as the engine counts them (overlay2 diff size): regular files plus symlink targets. */
function diskBytes(e: LayerEntry): number {
  if (e.type === "file") return e.size;
  if (e.type === "symlink") return Buffer.byteLength(e.linkname ?? "");
  return 0;
}

export function mergeLayers(layers: LayerListing[]): MergedTree {
  const root: TreeNode = { name: "", children: new Map() };
  const anomalies: ArchiveAnomaly[] = layers.flatMap((l) => l.anomalies);
  const stats: LayerStats[] = [];
  // dive: per path, the size of every copy a layer writes (a whiteout is a copy of size 0, or of the whole
  // directory it removes), visiting only the leaves of each layer's own tree.
  const copies = new Map<string, { cum: number; min: number; n: number; deleted: boolean }>();
  const visit = (path: string, bytes: number, deleted: boolean) => {
    const c = copies.get(path);
    if (!c) copies.set(path, { cum: bytes, min: bytes, n: 1, deleted });
    else {
      c.cum += bytes;
      c.min = Math.min(c.min, bytes);
      c.n++;
      c.deleted ||= deleted;
    }
  };

  layers.forEach((layer, li) => {
    const s: LayerStats = { sizeBytes: 0, added: 0, changed: 0, removed: 0 };
    stats.push(s);
    const parents = new Set<string>();
    for (const e of layer.entries) {
      let p = e.whiteout === "opaque" ? `${e.path}/${OPAQUE}` : e.path;
      for (let i = p.lastIndexOf("/"); i > 0; i = p.lastIndexOf("/", i - 1)) {
        const dir = p.slice(0, i);
        if (parents.has(dir)) break;
        parents.add(dir);
        p = dir;
      }
    }

    // Whiteouts hide lower layers only, so they go first.
    for (const e of layer.entries) {
      if (!e.whiteout) continue;
      const node = lookup(root, e.path);
      if (e.whiteout === "file") {
        if (!node || node === root) continue;
        const sub = subtree(node, e.path);
        s.removed += 1 + sub.count;
        if (!parents.has(e.path)) visit(e.path, node.file?.type === "dir" ? sub.bytes : 0, true);
        detach(root, e.path);
      } else if (node?.children) {
        for (const [name, child] of [...node.children]) {
          const cp = e.path ? `${e.path}/${name}` : name;
          const sub = subtree(child, cp);
          s.removed += 1 + sub.count;
          visit(cp, child.file?.type === "dir" ? sub.bytes : 0, true);
          node.children.delete(name);
        }
      }
    }

    for (const e of layer.entries) {
      if (e.whiteout || e.path === "") continue;
      const parts = e.path.split("/");
      let dir = root;
      let blocked: string | undefined;
      for (let i = 0; i < parts.length - 1; i++) {
        let next = dir.children!.get(parts[i]);
        if (!next) {
          const path = parts.slice(0, i + 1).join("/");
          next = { name: parts[i], children: new Map(), file: { path, type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, layer: li, seq: -1, implicit: true } };
          dir.children!.set(parts[i], next);
        } else if (!next.children) {
          blocked = `${parts.slice(0, i + 1).join("/")} is a ${next.file?.type}`;
          break;
        }
        dir = next;
      }
      if (blocked) {
        anomalies.push({ layer: li, path: e.path, why: `parent ${blocked}, not a directory; entry ignored` });
        continue;
      }
      const name = parts[parts.length - 1];
      const existing = dir.children!.get(name);
      if (existing?.file && existing.file.layer === li && !existing.file.implicit) {
        anomalies.push({ layer: li, path: e.path, why: "duplicate entry in the layer; the last one wins" });
        s.sizeBytes -= existing.file.type === "file" ? existing.file.size : existing.file.type === "symlink" ? Buffer.byteLength(existing.file.linkname ?? "") : 0;
      } else if (existing) s.changed++;
      else s.added++;
      s.sizeBytes += diskBytes(e);
      const file = { path: e.path, type: e.type, size: e.size, mode: e.mode, uid: e.uid, gid: e.gid, layer: li, seq: e.seq, linkname: e.linkname };
      if (e.type === "hardlink" && e.linkname !== undefined) {
        const target = lookup(root, e.linkname);
        if (!target?.file || target.file.type !== "file") anomalies.push({ layer: li, path: e.path, why: `hard link to ${e.linkname}, which is not a regular file in the image` });
      }
      if (existing && e.type === "dir" && existing.children) existing.file = file;
      else dir.children!.set(name, e.type === "dir" ? { name, file, children: new Map() } : { name, file });
      if (!parents.has(e.path)) visit(e.path, e.size, false);
    }
  });

  let minSum = 0;
  let cumSum = 0;
  let wastedBytes = 0;
  const inefficiencies: MergedTree["inefficiencies"] = [];
  for (const [path, c] of copies) {
    minSum += c.min;
    cumSum += c.cum;
    if (c.n > 1) {
      wastedBytes += c.cum;
      inefficiencies.push({ path, copies: c.n, cumulativeBytes: c.cum, deleted: c.deleted });
    }
  }
  inefficiencies.sort((a, b) => b.cumulativeBytes - a.cumulativeBytes || a.path.localeCompare(b.path));
  return { root, stats, anomalies, efficiency: cumSum === 0 ? 1 : minSum / cumSum, wastedBytes, inefficiencies };
}

function detach(root: TreeNode, path: string): void {
  const i = path.lastIndexOf("/");
  const parent = lookup(root, i < 0 ? "" : path.slice(0, i));
  parent?.children?.delete(path.slice(i + 1));
}
