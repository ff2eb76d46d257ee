/**
 * Where an image's bytes come from: a tar file (docker save, OCI layout tar), a directory (OCI layout or an
 * unpacked docker save), or the engine (exported to a temp file, streamed, so layers can be read by seeking).
 */
import { open, stat, mkdtemp, rm, readdir, type FileHandle } from "node:fs/promises";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Readable, Transform } from "node:stream";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { Decompress } from "fzstd";
import { FlaskpackError } from "../errors.ts";
import type { Progress } from "../util/progress.ts";
import { FileRangeSource, StreamSource, type ByteSource } from "./bytes.ts";
import { TarError, normalizeName, tarEntries } from "./tar.ts";

export type Compression = "none" | "gzip" | "zstd";

export interface ImageSource {
  /** What the user named (a path or an image name). */
  label: string;
  fromEngine: boolean;
  names(): string[];
  has(name: string): boolean;
  /** A small member (manifest, config, index), read whole; bounded. */
  readSmall(name: string): Promise<Buffer>;
  /** A layer blob, decompressed on the fly. Seekable (cheap skips) when stored uncompressed. */
  openLayer(name: string): Promise<{ bytes: ByteSource; compression: Compression; close(): Promise<void> }>;
  close(): Promise<void>;
}

const MAX_SMALL = 32 * 1024 * 1024;

interface Member {
  offset: number;
  size: number;
}

/** An uncompressed tar file indexed once by its headers; members are byte ranges of the file. */
class TarFileSource implements ImageSource {
  fromEngine = false;
  private constructor(
    readonly label: string,
    private readonly fh: FileHandle,
    private readonly members: Map<string, Member>,
    private readonly onClose: () => Promise<void>,
  ) {}

  static async open(label: string, file: string, onClose: () => Promise<void> = async () => {}): Promise<TarFileSource> {
    const fh = await open(file, "r");
    try {
      const { size } = await fh.stat();
      const members = new Map<string, Member>();
      const links: [string, string, "symlink" | "hardlink"][] = [];
      for await (const e of tarEntries(new FileRangeSource(fh, 0, size))) {
        const n = normalizeName(e.header.name);
        if (n.unsafe || !n.path) continue;
        if (e.header.type === "file") members.set(n.path, { offset: e.header.offset, size: e.header.size });
        else if (e.header.type === "symlink" || e.header.type === "hardlink") links.push([n.path, e.header.linkname, e.header.type]);
      }
      // docker save writes a layer that appears twice as a symlink to its first copy.
      for (const [path, target, type] of links) {
        const t = normalizeName(type === "symlink" ? posix.join(posix.dirname(path), target) : target);
        const m = t.unsafe ? undefined : members.get(t.path);
        if (m) members.set(path, m);
      }
      return new TarFileSource(label, fh, members, onClose);
    } catch (e) {
      await fh.close();
      if (e instanceof TarError) throw corrupt(label, `${e.message} at byte ${e.offset}`);
      throw e;
    }
  }

  names(): string[] {
    return [...this.members.keys()];
  }
  has(name: string): boolean {
    return this.members.has(name);
  }
  async readSmall(name: string): Promise<Buffer> {
    const m = this.member(name);
    if (m.size > MAX_SMALL) throw corrupt(this.label, `${name} is ${m.size} bytes, too big for image metadata`);
    return new FileRangeSource(this.fh, m.offset, m.offset + m.size).read(m.size);
  }
  async openLayer(name: string) {
    const m = this.member(name);
    return openBlob(this.fh, m.offset, m.offset + m.size, async () => {});
  }
  private member(name: string): Member {
    const m = this.members.get(name);
    if (!m) throw corrupt(this.label, `${name} is named by the image but is not in the archive`);
    return m;
  }
  async close(): Promise<void> {
    await this.fh.close();
    await this.onClose();
  }
}

/** A directory: an OCI image layout, or the contents of a docker save tarball. */
class DirSource implements ImageSource {
  fromEngine = false;
  constructor(readonly label: string, private readonly root: string, private readonly all: Set<string>) {}

  static async open(label: string, root: string): Promise<DirSource> {
    const all = new Set<string>();
    const walk = async (rel: string, depth: number) => {
      if (depth > 4) return;
      for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) await walk(p, depth + 1);
        else if (d.isFile() || d.isSymbolicLink()) all.add(p);
      }
    };
    await walk("", 0);
    return new DirSource(label, root, all);
  }
  names(): string[] {
    return [...this.all];
  }
  has(name: string): boolean {
    return this.all.has(name);
  }
  private path(name: string): string {
    if (!this.all.has(name)) throw corrupt(this.label, `${name} is named by the image but is not in the layout`);
    return join(this.root, name);
  }
  async readSmall(name: string): Promise<Buffer> {
    const p = this.path(name);
    const { size } = await stat(p);
    if (size > MAX_SMALL) throw corrupt(this.label, `${name} is ${size} bytes, too big for image metadata`);
    const fh = await open(p, "r");
    try {
      return await new FileRangeSource(fh, 0, size).read(size);
    } finally {
      await fh.close();
    }
  }
  async openLayer(name: string) {
    const p = this.path(name);
    const fh = await open(p, "r");
    const { size } = await fh.stat();
    return openBlob(fh, 0, size, () => fh.close());
  }
  async close(): Promise<void> {}
}

async function openBlob(fh: FileHandle, start: number, end: number, release: () => Promise<void>) {
  const magic = Buffer.alloc(4);
  const { bytesRead } = await fh.read(magic, 0, 4, start);
  const compression: Compression =
    bytesRead >= 2 && magic[0] === 0x1f && magic[1] === 0x8b ? "gzip" : bytesRead === 4 && magic.readUInt32LE(0) === 0xfd2fb528 ? "zstd" : "none";
  if (compression === "none") return { bytes: new FileRangeSource(fh, start, end) as ByteSource, compression, close: release };
  const raw = Readable.from(fileChunks(fh, start, end));
  const decoded = compression === "gzip" ? raw.pipe(createGunzip()) : raw.pipe(zstdStream());
  raw.on("error", (e) => decoded.destroy(e));
  const bytes = new StreamSource(decoded as AsyncIterable<Buffer>);
  return {
    bytes: bytes as ByteSource,
    compression,
    close: async () => {
      raw.unpipe();
      raw.destroy();
      decoded.destroy();
      await bytes.close().catch(() => {});
      await release();
    },
  };
}

/** Reads [start, end) of a shared file handle, which stays open for the other members. */
async function* fileChunks(fh: FileHandle, start: number, end: number): AsyncGenerator<Buffer> {
  for (let at = start; at < end; ) {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, end - at));
    const { bytesRead } = await fh.read(buf, 0, buf.length, at);
    if (bytesRead === 0) return;
    at += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

function zstdStream(): Transform {
  let pending: Buffer[] = [];
  const d = new Decompress((chunk) => pending.push(Buffer.from(chunk)));
  const flush = (t: Transform) => {
    for (const c of pending) t.push(c);
    pending = [];
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        d.push(chunk);
        flush(this);
        cb();
      } catch (e) {
        cb(new Error(`zstd: ${(e as Error).message}`));
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        flush(this);
        cb();
      } catch (e) {
        cb(new Error(`zstd: ${(e as Error).message}`));
      }
    },
  });
}

export function corrupt(label: string, why: string): FlaskpackError {
  return new FlaskpackError("CORRUPT_ARCHIVE", `cannot read image ${label}: ${why}`, "check that the file is a complete `docker save` tarball or OCI image layout (re-export it if it was cut short)");
}

/**
 * Opens what `ref` names: an existing path (tar file, gzip'd tar, directory), else an engine image. Engine images
 * and gzip'd tarballs are first streamed to a temp file, removed again by close().
 */
export async function openImageSource(ref: string, progress?: Progress): Promise<ImageSource> {
  const st = await stat(ref).catch(() => undefined);
  if (st?.isDirectory()) {
    await checkLayoutDir(ref);
    return DirSource.open(ref, ref);
  }
  if (st?.isFile()) {
    const magic = Buffer.alloc(2);
    const fh = await open(ref, "r");
    await fh.read(magic, 0, 2, 0).finally(() => fh.close());
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      progress?.step(`decompressing ${ref}`);
      const tmp = await mkdtemp(join(tmpdir(), "flaskpack-image-"));
      const file = join(tmp, "image.tar");
      try {
        await pipeline(createReadStream(ref), createGunzip(), createWriteStream(file));
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw corrupt(ref, `gzip: ${(e as Error).message}`);
      }
      return TarFileSource.open(ref, file, () => rm(tmp, { recursive: true, force: true }));
    }
    return TarFileSource.open(ref, ref);
  }
  if (looksLikePath(ref)) throw new FlaskpackError("NOT_FOUND", `no such file or directory: ${ref}`, "give a `docker save` tarball, an OCI layout directory, or an image name the engine knows");
  return exportFromEngine(ref, progress);
}

function looksLikePath(ref: string): boolean {
  return ref.startsWith("/") || ref.startsWith("./") || ref.startsWith("../") || /\.(tar|tgz|tar\.gz)$/.test(ref);
}

async function checkLayoutDir(dir: string): Promise<void> {
  const entries = await readdir(dir);
  if (entries.includes("manifest.json") || entries.includes("index.json")) return;
  throw new FlaskpackError("BAD_INPUT", `${dir} is neither an OCI image layout (index.json) nor an unpacked docker save (manifest.json)`, "point xray at a tarball from `docker save`, an OCI layout directory, or an image name");
}

async function exportFromEngine(ref: string, progress?: Progress): Promise<ImageSource> {
  const { connectEngine, engineCall } = await import("../engine/connect.ts");
  const { docker } = await connectEngine();
  await engineCall(`no image ${ref} in the engine`, () => docker.getImage(ref).inspect());
  progress?.step(`exporting ${ref} from the engine`);
  const tmp = await mkdtemp(join(tmpdir(), "flaskpack-image-"));
  const file = join(tmp, "image.tar");
  try {
    const stream = await engineCall(`exporting ${ref}`, () => docker.getImage(ref).get());
    await pipeline(stream, createWriteStream(file));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const src = await TarFileSource.open(ref, file, () => rm(tmp, { recursive: true, force: true }));
  src.fromEngine = true;
  return src;
}
