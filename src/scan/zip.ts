import { inflateRawSync } from "node:zlib";
import { FlaskpackError } from "../errors.ts";

/** Entries of a zip archive held in memory (OSV publishes each ecosystem as one all.zip of JSON records). */
export function* zipEntries(zip: Buffer, what = "zip archive"): Generator<{ name: string; data: () => Buffer }> {
  const bad = (why: string) => new FlaskpackError("CORRUPT_ARCHIVE", `${what} is not a valid zip file: ${why}.`, "run `flaskpack db update` again to download it afresh");
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw bad("no end of central directory");
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || zip.readUInt32LE(loc) !== 0x07064b50) throw bad("zip64 locator missing");
    const z64 = Number(zip.readBigUInt64LE(loc + 8));
    if (zip.readUInt32LE(z64) !== 0x06064b50) throw bad("zip64 end record missing");
    count = Number(zip.readBigUInt64LE(z64 + 32));
    offset = Number(zip.readBigUInt64LE(z64 + 48));
  }
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw bad(`central directory entry ${n} is damaged`);
    const method = zip.readUInt16LE(p + 10);
    let compressed = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    let local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    if (compressed === 0xffffffff || local === 0xffffffff) {
      // zip64 extra field: original size, compressed size, local header offset, in that order when saturated
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = zip.readUInt16LE(e);
        const size = zip.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (zip.readUInt32LE(p + 24) === 0xffffffff) q += 8;
          if (compressed === 0xffffffff) { compressed = Number(zip.readBigUInt64LE(q)); q += 8; }
          if (local === 0xffffffff) local = Number(zip.readBigUInt64LE(q));
        }
        e += 4 + size;
      }
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith("/")) continue;
    const at = local;
    const size = compressed;
    yield {
      name,
      data: () => {
        if (zip.readUInt32LE(at) !== 0x04034b50) throw bad(`local header of ${name} is damaged`);
        const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
        const raw = zip.subarray(start, start + size);
        if (method === 0) return raw;
        if (method === 8) return inflateRawSync(raw);
        throw bad(`${name} uses compression method ${method}`);
      },
    };
  }
}
