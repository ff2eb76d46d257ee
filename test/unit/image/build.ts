/** Builds small image archives byte by byte, hostile ones included (names and headers no tar tool would write). */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface E {
  name: string;
  type?: "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";
  body?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  /** Declared size, when it must lie about the body. */
  size?: number;
}

const FLAG = { file: "0", hardlink: "1", symlink: "2", char: "3", block: "4", dir: "5", fifo: "6" } as const;

export function header(e: E): Buffer {
  const b = Buffer.alloc(512);
  const type = e.type ?? "file";
  const body = typeof e.body === "string" ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
  const size = e.size ?? (type === "file" ? body.length : 0);
  const octal = (v: number, off: number, len: number) => b.write(v.toString(8).padStart(len - 1, "0") + "\0", off, len, "latin1");
  b.write(e.name, 0, 100, "utf8");
  octal(e.mode ?? (type === "dir" ? 0o755 : 0o644), 100, 8);
  octal(e.uid ?? 0, 108, 8);
  octal(e.gid ?? 0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  b.write(FLAG[type], 156, 1, "latin1");
  b.write(e.linkname ?? "", 157, 100, "utf8");
  b.write("ustar\u000000", 257, 8, "latin1");
  b.fill(32, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return b;
}

export function tar(entries: E[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    const body = typeof e.body === "string" ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
    if (body.length) {
      parts.push(body);
      parts.push(Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface ImageSpec {
  layers: (E[] | Buffer)[];
  config?: Record<string, unknown>;
  history?: { created_by?: string; empty_layer?: boolean }[];
  tags?: string[];
}

function configFor(spec: ImageSpec, layerTars: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: "2024-01-01T00:00:00Z",
      config: spec.config ?? { Cmd: ["python3"] },
      rootfs: { type: "layers", diff_ids: layerTars.map((t) => `sha256:${createHash("sha256").update(t).digest("hex")}`) },
      history: spec.history ?? layerTars.map((_, i) => ({ created_by: `layer ${i}` })),
    }),
  );
}

/** A `docker save`-style archive (manifest.json, <id>/layer.tar). */
export function dockerArchive(spec: ImageSpec, opts: { manifestLayers?: string[] } = {}): Buffer {
  const layerTars = spec.layers.map((l) => (Buffer.isBuffer(l) ? l : tar(l)));
  const config = configFor(spec, layerTars);
  const id = createHash("sha256").update(config).digest("hex");
  const entries: E[] = [];
  const names: string[] = [];
  layerTars.forEach((t, i) => {
    const dir = createHash("sha256").update(`${i}`).update(t).digest("hex");
    entries.push({ name: `${dir}/`, type: "dir" }, { name: `${dir}/layer.tar`, body: t });
    names.push(`${dir}/layer.tar`);
  });
  entries.push({ name: `${id}.json`, body: config });
  entries.push({ name: "manifest.json", body: JSON.stringify([{ Config: `${id}.json`, RepoTags: spec.tags ?? ["fixture:1"], Layers: opts.manifestLayers ?? names }]) });
  return tar(entries);
}

/** An OCI image layout directory with gzip or zstd (or plain) layers. */
export function ociLayout(dir: string, spec: ImageSpec, compression: "gzip" | "zstd" | "none" | ((t: Buffer) => Buffer)): void {
  const layerTars = spec.layers.map((l) => (Buffer.isBuffer(l) ? l : tar(l)));
  const config = configFor(spec, layerTars);
  mkdirSync(join(dir, "blobs/sha256"), { recursive: true });
  const put = (data: Buffer) => {
    const hex = createHash("sha256").update(data).digest("hex");
    writeFileSync(join(dir, "blobs/sha256", hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const compress = (t: Buffer): Buffer => {
    if (typeof compression === "function") return compression(t);
    if (compression === "gzip") return gzipSync(t);
    if (compression === "zstd") return spawnSync("zstd", ["-q", "-c"], { input: t, maxBuffer: 1 << 30 }).stdout;
    return t;
  };
  const layers = layerTars.map((t) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", ...put(compress(t)) }));
  const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", ...put(config) }, layers })));
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, annotations: { "org.opencontainers.image.ref.name": "fixture:oci" } }] }),
  );
}
