import { readSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";

/**
 * A forward-only byte source. Tar parsing reads headers and skips bodies; over a file the skip is a seek, which
 * is why listing an uncompressed layer costs about as much as `tar tf`, whatever the size of the files in it.
 */
export interface ByteSource {
  /** Reads n bytes; fewer only at the end of the source. */
  read(n: number): Promise<Buffer>;
  /** Skips n bytes; returns how many were skipped (fewer only at the end). */
  skip(n: number): Promise<number>;
  /** Bytes consumed so far. */
  readonly position: number;
}

/** A source that can also answer at once (a file in the page cache): parsing it needs no promise per read. */
export interface SyncByteSource extends ByteSource {
  readSync(n: number): Buffer;
  skipSync(n: number): number;
}

export function isSyncSource(src: ByteSource): src is SyncByteSource {
  return typeof (src as Partial<SyncByteSource>).readSync === "function";
}

/**
 * Small on purpose: a header and the start of the next body usually sit in one chunk, while a skip over a big
 * body does not drag the skipped bytes through memory.
 */
const CHUNK = 8 * 1024 + 512;

/**
 * Bytes [start, end) of an open file. Positioned synchronous reads of page-cached data cost a few microseconds,
 * against tens for a round trip through the thread pool, and listing a layer is thousands of small reads.
 * Whatever read() returns is the caller's own copy, so the chunk buffer is reused.
 */
export class FileRangeSource implements SyncByteSource {
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private bufLen = 0;
  private bufStart = 0;
  private pos: number;

  constructor(
    private readonly fh: FileHandle,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos - this.start;
  }

  async read(n: number): Promise<Buffer> {
    return this.readSync(n);
  }

  async skip(n: number): Promise<number> {
    return this.skipSync(n);
  }

  readSync(n: number): Buffer {
    const want = Math.max(0, Math.min(n, this.end - this.pos));
    let inBuf = this.pos - this.bufStart;
    if (inBuf < 0 || inBuf + want > this.bufLen) {
      if (want > CHUNK) {
        const out = Buffer.allocUnsafe(want);
        const got = readFully(this.fh.fd, out, this.pos);
        this.pos += got;
        return got === want ? out : out.subarray(0, got);
      }
      this.bufLen = readFully(this.fh.fd, this.buf.subarray(0, Math.min(CHUNK, this.end - this.pos)), this.pos);
      this.bufStart = this.pos;
      inBuf = 0;
    }
    const take = Math.min(want, this.bufLen - inBuf);
    const out = Buffer.allocUnsafe(take);
    this.buf.copy(out, 0, inBuf, inBuf + take);
    this.pos += take;
    return out;
  }

  skipSync(n: number): number {
    const step = Math.max(0, Math.min(n, this.end - this.pos));
    this.pos += step;
    return step;
  }
}

function readFully(fd: number, into: Buffer, at: number): number {
  let got = 0;
  while (got < into.length) {
    const bytesRead = readSync(fd, into, got, into.length - got, at + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Bytes of a stream (e.g. a decompressor's output), consumed in order. */
export class StreamSource implements ByteSource {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;
  private consumed = 0;
  private readonly it: AsyncIterator<Buffer> | Iterator<Buffer>;

  constructor(stream: AsyncIterable<Buffer> | Iterable<Buffer>) {
    this.it = Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : stream[Symbol.iterator]();
  }

  get position(): number {
    return this.consumed;
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
  }

  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const out = this.take(take, true);
    return out ?? Buffer.alloc(0);
  }

  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) {
        await this.fill(1);
        if (this.buffered === 0) break;
      }
      const step = Math.min(left, this.buffered);
      this.take(step, false);
      left -= step;
    }
    return n - left;
  }

  private take(n: number, keep: boolean): Buffer | undefined {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const head = this.chunks[0];
      if (head.length <= left) {
        if (keep) parts.push(head);
        this.chunks.shift();
        left -= head.length;
      } else {
        if (keep) parts.push(head.subarray(0, left));
        this.chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    this.consumed += n;
    if (!keep) return undefined;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }

  /** Stops the underlying stream early (e.g. a decompressor) so it releases its resources. */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}
