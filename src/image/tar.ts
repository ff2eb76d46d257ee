/**
 * A small, strict tar reader (ustar, GNU long names, PAX) over a ByteSource. Bodies the caller does not read are
 * skipped (a seek over files), so listing a layer reads only its headers. Every malformed input ends in a
 * TarError naming what is wrong and where; nothing here allocates more than a bounded header buffer.
 */
import type { ByteSource } from "./bytes.ts";
import type { FileType } from "./model.ts";

export class TarError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = "TarError";
  }
}

export interface TarHeader {
  /** The name as stored (PAX/GNU long names applied), not normalised. */
  name: string;
  type: FileType;
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Position of the body in the source. */
  offset: number;
}

export interface TarEntry {
  header: TarHeader;
  /** Reads up to max bytes of the body (only before moving to the next entry). */
  body(max?: number): Promise<Buffer>;
  /** Passes the whole body, chunk by chunk, to sink. */
  pipe(sink: (chunk: Buffer) => Promise<void> | void): Promise<void>;
}

const BLOCK = 512;
/** Meta entries (long names, PAX records) are small; a bigger one is hostile. */
const MAX_META = 1 << 20;

export async function* tarEntries(src: ByteSource): AsyncGenerator<TarEntry> {
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (true) {
    const at = src.position;
    const block = await src.read(BLOCK);
    if (block.length === 0) return; // tolerated: archives without the end-of-archive blocks
    if (block.length < BLOCK) throw new TarError(`truncated tar header (${block.length} of 512 bytes)`, at);
    if (isZero(block)) return;
    const h = parseHeader(block, at);
    let size = h.size;
    if (pax.size !== undefined) size = parseDecimal(pax.size, "PAX size", at);
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    const meta = h.typeflag === "L" || h.typeflag === "K" || h.typeflag === "x" || h.typeflag === "g";
    if (meta) {
      if (size > MAX_META) throw new TarError(`tar meta entry of ${size} bytes (limit ${MAX_META})`, at);
      const data = await src.read(padded);
      if (data.length < padded) throw new TarError("truncated tar meta entry", at);
      const body = data.subarray(0, size);
      if (h.typeflag === "L") longName = cString(body);
      else if (h.typeflag === "K") longLink = cString(body);
      else if (h.typeflag === "x") pax = { ...pax, ...parsePax(body, at) };
      continue;
    }
    const header: TarHeader = {
      ...h,
      name: pax.path ?? longName ?? h.name,
      linkname: pax.linkpath ?? longLink ?? h.linkname,
      size: h.type === "file" ? size : 0,
      uid: pax.uid !== undefined ? parseDecimal(pax.uid, "PAX uid", at) : h.uid,
      gid: pax.gid !== undefined ? parseDecimal(pax.gid, "PAX gid", at) : h.gid,
      offset: src.position,
    };
    pax = {};
    longName = longLink = undefined;
    // As Go's archive/tar (which wrote most layers): header-only types have no body whatever size they declare.
    const bodySize = header.size;
    let consumed = 0;
    const entry: TarEntry = {
      header,
      body: async (max = Infinity) => {
        const want = Math.min(header.size - consumed, max);
        const data = await src.read(want);
        consumed += data.length;
        if (data.length < want) throw new TarError(`truncated body of ${header.name} (declares ${header.size} bytes)`, at);
        return data;
      },
      pipe: async (sink) => {
        while (consumed < header.size) {
          const data = await src.read(Math.min(header.size - consumed, 1 << 20));
          if (data.length === 0) throw new TarError(`truncated body of ${header.name} (declares ${header.size} bytes)`, at);
          consumed += data.length;
          await sink(data);
        }
      },
    };
    yield entry;
    const rest = bodySize + ((BLOCK - (bodySize % BLOCK)) % BLOCK) - consumed;
    const skipped = await src.skip(rest);
    if (skipped < rest) throw new TarError(`truncated body of ${header.name} (declares ${bodySize} bytes, archive ends first)`, at);
  }
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

const TYPES: Record<string, FileType> = {
  "0": "file", "\0": "file", "7": "file", "1": "hardlink", "2": "symlink", "3": "char", "4": "block", "5": "dir", "6": "fifo",
};

export function parseHeader(b: Buffer, at = 0): Omit<TarHeader, "offset"> {
  const stored = parseOctal(b, 148, 8, "checksum", at);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : b[i];
  if (stored !== sum) {
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) signed += i >= 148 && i < 156 ? 32 : (b[i] << 24) >> 24;
    if (stored !== signed) throw new TarError(`bad tar header checksum (stored ${stored}, computed ${sum}): not a tar, or corrupt`, at);
  }
  const typeflag = String.fromCharCode(b[156]);
  const magic = b.toString("latin1", 257, 263);
  let name = cString(b.subarray(0, 100));
  if (magic === "ustar\0") {
    const prefix = cString(b.subarray(345, 500));
    if (prefix) name = `${prefix}/${name}`;
  }
  // POSIX: an unknown type is read as a regular file.
  const type: FileType = TYPES[typeflag] ?? "file";
  return {
    name,
    type,
    typeflag,
    size: parseNumber(b, 124, 12, "size", at),
    mode: parseNumber(b, 100, 8, "mode", at) & 0o7777,
    uid: parseNumber(b, 108, 8, "uid", at),
    gid: parseNumber(b, 116, 8, "gid", at),
    linkname: cString(b.subarray(157, 257)),
    devmajor: magic.startsWith("ustar") ? parseNumber(b, 329, 8, "devmajor", at) : 0,
    devminor: magic.startsWith("ustar") ? parseNumber(b, 337, 8, "devminor", at) : 0,
  };
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString("utf8", 0, end < 0 ? b.length : end);
}

/** Octal, or GNU base-256 when the high bit is set; anything beyond 2^53 is refused rather than rounded. */
function parseNumber(b: Buffer, off: number, len: number, what: string, at: number): number {
  if (b[off] & 0x80) {
    if (b[off] === 0xff) throw new TarError(`negative ${what} in tar header`, at);
    let v = b[off] & 0x7f;
    for (let i = off + 1; i < off + len; i++) {
      v = v * 256 + b[i];
      if (v > Number.MAX_SAFE_INTEGER) throw new TarError(`${what} in tar header is too large`, at);
    }
    return v;
  }
  return parseOctal(b, off, len, what, at);
}

function parseOctal(b: Buffer, off: number, len: number, what: string, at: number): number {
  const s = b.toString("latin1", off, off + len).replace(/[\0 ]+$/, "").replace(/^[\0 ]+/, "");
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad ${what} field in tar header (${JSON.stringify(s)})`, at);
  const v = parseInt(s, 8);
  if (v > Number.MAX_SAFE_INTEGER) throw new TarError(`${what} in tar header is too large`, at);
  return v;
}

function parseDecimal(s: string, what: string, at: number): number {
  if (!/^\d{1,16}$/.test(s)) throw new TarError(`bad ${what} (${JSON.stringify(s.slice(0, 40))})`, at);
  const v = Number(s);
  if (v > Number.MAX_SAFE_INTEGER) throw new TarError(`${what} is too large`, at);
  return v;
}

/** PAX records: "<len> <key>=<value>\n", len counting the whole record. */
function parsePax(body: Buffer, at: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    if (body[i] === 0) break;
    const sp = body.indexOf(0x20, i);
    if (sp < 0) throw new TarError("bad PAX record", at);
    const len = Number(body.toString("latin1", i, sp));
    if (!Number.isInteger(len) || len <= sp - i || i + len > body.length) throw new TarError("bad PAX record length", at);
    const rec = body.toString("utf8", sp + 1, i + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/**
 * Normalises a tar name to an image path: no leading "/", no "./", no empty parts. A name that climbs out with
 * ".." (or is empty) is returned with `unsafe` set, and is never used as a path.
 */
export function normalizeName(raw: string): { path: string; unsafe?: string; absolute?: boolean } {
  const parts: string[] = [];
  for (const p of raw.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") return { path: raw, unsafe: "name contains '..'" };
    if (p.includes("\0")) return { path: raw, unsafe: "name contains a NUL byte" };
    parts.push(p);
  }
  if (parts.length === 0) return { path: "", unsafe: raw === "" ? "empty name" : undefined };
  return { path: parts.join("/"), absolute: raw.startsWith("/") || undefined };
}
