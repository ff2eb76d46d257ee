/**
 * ImageModel: what flaskpack knows about a container image after reading it (from the engine, a `docker save`
 * tarball or an OCI image layout). JSON-serialisable; paths are relative to the image root ("usr/bin/python3").
 * The input of xray, sbom, scan and slim.
 */
export type FileType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface ImageFile {
  path: string;
  type: FileType;
  /** Bytes of content as declared in the layer (0 for links, dirs and devices). */
  size: number;
  /** Permission bits including setuid/setgid/sticky (e.g. 0o4755). */
  mode: number;
  uid: number;
  gid: number;
  /** Target of a symlink (as written) or of a hard link (an image path). */
  linkname?: string;
  /** Index into ImageModel.layers of the layer this path comes from in the merged view. */
  layer: number;
}

export interface ImageConfig {
  user: string;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  exposedPorts: string[];
  labels: Record<string, string>;
  healthcheck: { test: string[]; interval?: number; timeout?: number; startPeriod?: number; retries?: number } | null;
  workingDir: string;
  volumes: string[];
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer: boolean;
}

export interface ImageLayer {
  index: number;
  /** sha256 of the uncompressed layer tar ("" for an empty layer). */
  diffId: string;
  /** The blob as stored: OCI digest of the (maybe compressed) blob, or its path in a docker-archive. */
  digest?: string;
  /** The instruction that made it, from the image history ("" when the image has no history). */
  createdBy: string;
  /** A history entry that changed only the config (ENV, CMD, ...) and has no filesystem layer. */
  emptyLayer: boolean;
  /** Bytes the layer adds, counted as `docker history` does (regular files + symlink targets). */
  sizeBytes: number;
  /** Entries in the layer tar (what `tar tf` lists). */
  files: number;
  added: number;
  changed: number;
  removed: number;
  compression?: "none" | "gzip" | "zstd";
}

/** Something odd in the archive that the reader tolerated (and extraction refuses). */
export interface ArchiveAnomaly {
  layer: number;
  path: string;
  why: string;
}

/** Which image this is: the facts every view of an image starts with. */
export interface ImageIdentity {
  /** What was read: "engine:<name>", "docker-archive:<file>", "oci:<dir or file>". */
  source: string;
  /** Image ID: sha256 of the config. */
  id: string;
  repoTags: string[];
  created: string;
  architecture: string;
  os: string;
}

export interface ImageModel extends ImageIdentity {
  config: ImageConfig;
  history: HistoryEntry[];
  layers: ImageLayer[];
  /** The merged tree (last layer wins, whiteouts applied), sorted by path. */
  files: ImageFile[];
  totalSizeBytes: number;
  /** dive's score: sum over paths of the smallest copy / sum over paths of all copies (1 = nothing wasted). */
  efficiency: number;
  /** dive's wasted bytes: all copies of paths written in more than one layer, deleted paths included. */
  wastedBytes: number;
  /** Paths that cost space more than once: written in several layers or deleted later. */
  inefficiencies: { path: string; copies: number; cumulativeBytes: number; deleted: boolean }[];
  anomalies: ArchiveAnomaly[];
}

export interface ImageDiff {
  a: { source: string; id: string; totalSizeBytes: number; files: number };
  b: { source: string; id: string; totalSizeBytes: number; files: number };
  onlyInA: DiffEntry[];
  onlyInB: DiffEntry[];
  changed: (DiffEntry & { sizeA: number; sizeB: number; why: string[] })[];
  /** b.totalSizeBytes - a.totalSizeBytes. */
  sizeDeltaBytes: number;
  bytesOnlyInA: number;
  bytesOnlyInB: number;
}

export interface DiffEntry {
  path: string;
  type: FileType;
  size: number;
}
