import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { FileRangeSource, StreamSource } from "../../../src/image/bytes.ts";
import { listLayer } from "../../../src/image/read.ts";
import { tempDir } from "../../helpers/cli.ts";

/** Lists a tar the two ways the reader can: from a file (synchronous reads, seeks) and from a stream. */
async function both(file: string, bytes: Buffer): Promise<[unknown, unknown]> {
  const fh = await open(file, "r");
  const fromFile = await listLayer(new FileRangeSource(fh, 0, bytes.length), 0).catch((e: Error) => `error: ${e.message}`);
  await fh.close();
  const chunks = [bytes.subarray(0, 700), bytes.subarray(700, 5000), bytes.subarray(5000)];
  const fromStream = await listLayer(new StreamSource(chunks), 0).catch((e: Error) => `error: ${e.message}`);
  return [fromFile, fromStream];
}

function gnuTar(dir: string, format: string, out: string): Buffer {
  const r = spawnSync("tar", [`--format=${format}`, "-cf", out, "-C", dir, "."], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out);
}

test("GNU tar's ustar, gnu and pax archives list the same from a file and from a stream, long names included", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const src = join(dir, "src");
  const deep = join(src, "a".repeat(60), "b".repeat(60));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, "c".repeat(30) + ".txt"), "ustar needs the prefix field for this name\n");
  writeFileSync(join(src, "n".repeat(150)), "a name longer than 100 bytes: GNU long name or PAX path\n");
  writeFileSync(join(src, "big.bin"), Buffer.alloc(100_000, 7));
  writeFileSync(join(src, "empty"), "");
  symlinkSync("big.bin", join(src, "link"));
  for (const format of ["gnu", "pax"]) {
    const bytes = gnuTar(src, format, join(dir, `${format}.tar`));
    const [a, b] = await both(join(dir, `${format}.tar`), bytes);
    assert.deepEqual(a, b, format);
    const listing = a as { entries: { path: string; size: number; type: string; linkname?: string }[] };
    const paths = listing.entries.map((e) => e.path);
    assert.ok(paths.includes("n".repeat(150)), `${format}: long name kept`);
    assert.ok(paths.includes(`${"a".repeat(60)}/${"b".repeat(60)}/${"c".repeat(30)}.txt`), `${format}: long path kept`);
    assert.equal(listing.entries.find((e) => e.path === "big.bin")?.size, 100_000);
    assert.equal(listing.entries.find((e) => e.path === "link")?.linkname, "big.bin");
  }
  // ustar has no room for a 150-byte base name; without it, the long path is split over the prefix and name fields.
  spawnSync("rm", [join(src, "n".repeat(150))]);
  const bytes = gnuTar(src, "ustar", join(dir, "ustar.tar"));
  const [a, b] = await both(join(dir, "ustar.tar"), bytes);
  assert.deepEqual(a, b);
  assert.ok((a as { entries: { path: string }[] }).entries.some((e) => e.path === `${"a".repeat(60)}/${"b".repeat(60)}/${"c".repeat(30)}.txt`));
});

test("mutated tars give the same listing or the same error from a file and from a stream", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const src = join(dir, "src");
  mkdirSync(join(src, "d"), { recursive: true });
  for (let i = 0; i < 12; i++) writeFileSync(join(src, "d", `f${i}`), Buffer.alloc(300 * i + 1, i));
  writeFileSync(join(src, "p".repeat(120)), "pax");
  const clean = gnuTar(src, "pax", join(dir, "clean.tar"));
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let errors = 0;
  for (let i = 0; i < 300; i++) {
    const m = Buffer.from(clean);
    const kind = rand(3);
    if (kind === 0) for (let k = 0; k < 1 + rand(4); k++) m[rand(m.length)] ^= 1 << rand(8);
    else if (kind === 1) m.write(String(rand(1e6)), rand(m.length - 8), "latin1");
    const bytes = kind === 2 ? m.subarray(0, rand(m.length)) : m;
    const file = join(dir, "m.tar");
    writeFileSync(file, bytes);
    const [a, b] = await both(file, bytes);
    assert.deepEqual(a, b, `mutation ${i}`);
    if (typeof a === "string") errors++;
  }
  assert.ok(errors > 10, `some mutations must be rejected (${errors})`);
});
