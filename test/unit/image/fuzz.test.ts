import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readdirSync, rmSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readImage, extractImage } from "../../../src/image/index.ts";
import { FlaskpackError } from "../../../src/errors.ts";
import { tempDir } from "../../helpers/cli.ts";
import { dockerArchive, ociLayout, tar, type E, type ImageSpec } from "./build.ts";
import { listLayer } from "../../../src/image/read.ts";
import { mergeLayers } from "../../../src/image/tree.ts";
import { StreamSource } from "../../../src/image/bytes.ts";
import { TarError } from "../../../src/image/tar.ts";

/** mulberry32: a seeded PRNG, so a failure names the seed and the input that made it. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const spec: ImageSpec = {
  layers: [
    [
      { name: "etc/", type: "dir" },
      { name: "etc/os-release", body: "ID=debian\n" },
      { name: "usr/bin/python3", body: "elf".repeat(200), mode: 0o755 },
      { name: "usr/bin/py", type: "symlink", linkname: "python3" },
      { name: "usr/bin/hl", type: "hardlink", linkname: "usr/bin/python3" },
      { name: "tmp/x", body: "x" },
    ],
    [{ name: "tmp/.wh.x" }, { name: "etc/.wh..wh..opq" }, { name: "etc/new", body: "n" }, { name: "app/run", body: "r", mode: 0o4755 }],
  ],
};

const INTERESTING = [0, 0x30, 0x31, 0x32, 0x35, 0x37, 0x2e, 0x2f, 0x80, 0xff, 0x20, 0x78, 0x4c];

function mutate(base: Buffer, r: () => number): Buffer {
  let b = Buffer.from(base);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * b.length);
    switch (Math.floor(r() * 6)) {
      case 0:
        b[at] ^= 1 << Math.floor(r() * 8);
        break;
      case 1:
        b[at] = INTERESTING[Math.floor(r() * INTERESTING.length)];
        break;
      case 2: // a header field: somewhere in the first 512 bytes of a block
        b[at - (at % 512) + Math.floor(r() * 512)] = Math.floor(r() * 256);
        break;
      case 3:
        b = b.subarray(0, at);
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)]);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(r() * 600)))]);
    }
    if (b.length === 0) break;
  }
  return b;
}

/** Either reads or fails with a FlaskpackError; anything else is a crash. */
async function survives(p: Promise<unknown>, what: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FlaskpackError) return;
    assert.fail(`${what}: ${(e as Error).stack ?? e}`);
  }
}

test("the reader survives 10,000 mutated inputs (layer tars, docker-archives, gzip'd OCI layouts), bounded in time", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const seed = Number(process.env.FUZZ_SEED ?? 20240601);
  const r = rng(seed);
  const archive = dockerArchive(spec);
  const layerTars = spec.layers.map((l) => tar(l as E[]));
  ociLayout(join(dir, "oci"), spec, "gzip");
  const blobs = readdirSync(join(dir, "oci/blobs/sha256")).map((f) => join(dir, "oci/blobs/sha256", f));
  const originals = new Map(blobs.map((f) => [f, readFileSync(f)]));
  const file = join(dir, "fuzz.tar");
  const started = Date.now();
  const counts = { layer: 0, archive: 0, oci: 0, extract: 0, read: 0 };
  let runs = 0;
  for (; runs < 10_000; runs++) {
    if (Date.now() - started > 50_000) break;
    const what = `FUZZ_SEED=${seed} run ${runs}`;
    const kind = runs % 8;
    if (kind < 6) {
      // The tar parser and the merge, in memory: the bulk of the inputs.
      counts.layer++;
      const listings = [];
      try {
        for (const [i, l] of layerTars.entries()) listings.push(await listLayer(new StreamSource([i === kind % 2 ? mutate(l, r) : l]), i));
        mergeLayers(listings);
        counts.read++;
      } catch (e) {
        if (!(e instanceof TarError)) assert.fail(`${what}: ${(e as Error).stack ?? e}`);
      }
    } else if (kind === 6) {
      counts.archive++;
      writeFileSync(file, mutate(archive, r));
      await survives(readImage(file).then(() => counts.read++), what);
      if (runs % 80 === 6) {
        counts.extract++;
        const root = join(dir, "root");
        await survives(extractImage(file, root), `${what} (extract)`);
        rmSync(root, { recursive: true, force: true });
        assert.deepEqual(readdirSync(dir).sort(), ["fuzz.tar", "oci"], `${what}: extraction wrote outside its target`);
      }
    } else {
      counts.oci++;
      const blob = blobs[Math.floor(r() * blobs.length)];
      writeFileSync(blob, mutate(originals.get(blob)!, r));
      await survives(readImage(join(dir, "oci")).then(() => counts.read++), what);
      writeFileSync(blob, originals.get(blob)!);
    }
  }
  t.diagnostic(`${runs} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  assert.equal(runs, 10_000, `only ${runs} inputs in 50 s`);
  assert.ok(counts.read > 100 && counts.read < runs, `some mutants still read (${counts.read}), others fail cleanly`);
});
