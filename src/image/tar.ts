/**
 * A small, strict tar reader (ustar, GNU long names, PAX) over a ByteSource. Bodies the caller does not read are
 * skipped (a seek over files), so listing a layer reads only its headers. Every malformed input ends in a
 * TarError naming what is wrong and where; nothing here allocates more than a bounded header buffer.
 */
import type { ByteSource, SyncByteSource } from "./bytes.ts";
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

type Step = { end: true } | { meta: string; size: number; padded: number } | { header: TarHeader };

/** What one header block means, given the long names and PAX records read before it. */
class HeaderState {
  private pax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;

  block(block: Buffer, at: number, bodyAt: number): Step {
    if (block.length === 0) return { end: true }; // tolerated: archives without the end-of-archive blocks
    if (block.length < BLOCK) throw new TarError(`truncated tar header (${block.length} of 512 bytes)`, at);
    if (block[0] === 0 && isZero(block)) return { end: true };
    const h = parseHeader(block, at);
    const pax = this.pax;
    const size = pax.size !== undefined ? parseDecimal(pax.size, "PAX size", at) : h.size;
    if (h.typeflag === "L" || h.typeflag === "K" || h.typeflag === "x" || h.typeflag === "g") {
      if (size > MAX_META) throw new TarError(`tar meta entry of ${size} bytes (limit ${MAX_META})`, at);
      return { meta: h.typeflag, size, padded: size + ((BLOCK - (size % BLOCK)) % BLOCK) };
    }
    const header: TarHeader = {
      name: pax.path ?? this.longName ?? h.name,
      type: h.type,
      typeflag: h.typeflag,
      // As Go's archive/tar (which wrote most layers): header-only types have no body whatever size they declare.
      size: h.type === "file" ? size : 0,
      mode: h.mode,
      uid: pax.uid !== undefined ? parseDecimal(pax.uid, "PAX uid", at) : h.uid,
      gid: pax.gid !== undefined ? parseDecimal(pax.gid, "PAX gid", at) : h.gid,
      linkname: pax.linkpath ?? this.longLink ?? h.linkname,
      devmajor: h.devmajor,
      devminor: h.devminor,
      offset: bodyAt,
    };
    if (this.longName !== undefined || this.longLink !== undefined || pax !== EMPTY) {
      this.pax = EMPTY;
      this.longName = this.longLink = undefined;
    }
    return { header };
  }

  meta(step: { meta: string; size: number; padded: number }, data: Buffer, at: number): void {
    if (data.length < step.padded) throw new TarError("truncated tar meta entry", at);
    const body = data.subarray(0, step.size);
    if (step.meta === "L") this.longName = cString(body, 0, body.length);
    else if (step.meta === "K") this.longLink = cString(body, 0, body.length);
    else if (step.meta === "x") this.pax = { ...this.pax, ...parsePax(body, at) };
  }
}

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

function entryOf(src: ByteSource, header: TarHeader, at: number): { entry: TarEntry; rest: () => number } {
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
  return { entry, rest: () => header.size + ((BLOCK - (header.size % BLOCK)) % BLOCK) - consumed };
}

function skipped(header: TarHeader, want: number, got: number, at: number): void {
  if (got < want) throw new TarError(`truncated body of ${header.name} (declares ${header.size} bytes, archive ends first)`, at);
}

/** The entries of a tar, in order; a body not read by the consumer is skipped when it asks for the next one. */
export async function* tarEntries(src: ByteSource): AsyncGenerator<TarEntry> {
  const state = new HeaderState();
  while (true) {
    const at = src.position;
    const step = state.block(await src.read(BLOCK), at, at + BLOCK);
    if ("end" in step) return;
    if ("meta" in step) {
      state.meta(step, await src.read(step.padded), at);
      continue;
    }
    const { entry, rest } = entryOf(src, step.header, at);
    yield entry;
    const want = rest();
    skipped(step.header, want, await src.skip(want), at);
  }
}

/**
 * The same over a source that reads synchronously (a file): no promise per entry, which is most of the cost of
 * listing a layer of thousands of small files. Bodies are still read through the entry's async body()/pipe().
 */
export function* tarEntriesSync(src: SyncByteSource): Generator<TarEntry> {
  const state = new HeaderState();
  while (true) {
    const at = src.position;
    const step = state.block(src.readSync(BLOCK), at, at + BLOCK);
    if ("end" in step) return;
    if ("meta" in step) {
      state.meta(step, src.readSync(step.padded), at);
      continue;
    }
    const { entry, rest } = entryOf(src, step.header, at);
    yield entry;
    const want = rest();
    skipped(step.header, want, src.skipSync(want), at);
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
  for (let i = 0; i < BLOCK; i++) sum += b[i];
  let chk = 0;
  let chkSigned = 0;
  for (let i = 148; i < 156; i++) {
    chk += b[i];
    chkSigned += (b[i] << 24) >> 24;
  }
  sum += 8 * 32 - chk;
  if (stored !== sum) {
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) signed += (b[i] << 24) >> 24;
    signed += 8 * 32 - chkSigned;
    if (stored !== signed) throw new TarError(`bad tar header checksum (stored ${stored}, computed ${sum}): not a tar, or corrupt`, at);
  }
  const typeflag = String.fromCharCode(b[156]);
  // "ustar\0" (POSIX) or "ustar " (GNU): both have the device numbers; only POSIX has the name prefix.
  const ustar = b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;
  let name = cString(b, 0, 100);
  if (ustar && b[262] === 0 && b[345] !== 0) name = `${cString(b, 345, 500)}/${name}`;
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
    linkname: b[157] === 0 ? "" : cString(b, 157, 257),
    devmajor: ustar ? parseNumber(b, 329, 8, "devmajor", at) : 0,
    devminor: ustar ? parseNumber(b, 337, 8, "devminor", at) : 0,
  };
}

/** The NUL-terminated string in b[start, end). */
function cString(b: Buffer, start: number, end: number): string {
  const nul = b.indexOf(0, start);
  return b.toString("utf8", start, nul < 0 || nul > end ? end : nul);
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
  let i = off;
  const end = off + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let last = end;
  while (last > i && (b[last - 1] === 0x20 || b[last - 1] === 0)) last--;
  let v = 0;
  for (let j = i; j < last; j++) {
    const d = b[j] - 0x30;
    if (d < 0 || d > 7) throw new TarError(`bad ${what} field in tar header (${JSON.stringify(b.toString("latin1", i, last))})`, at);
    v = v * 8 + d;
  }
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
  // Most names are already clean ("usr/lib/x" or "./usr/lib/x"): checked without splitting.
  const clean = raw.startsWith("./") ? raw.slice(2) : raw;
  if (clean !== "" && !clean.startsWith("/") && !clean.endsWith("/") && !/\/\/|(^|\/)\.\.?(\/|$)|\0/.test(clean)) return { path: clean };
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
