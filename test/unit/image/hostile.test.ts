import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readdirSync, readlinkSync, lstatSync, readFileSync, existsSync, mkdirSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { extractImage, readImage } from "../../../src/image/index.ts";
import { FlaskpackError } from "../../../src/errors.ts";
import { tempDir } from "../../helpers/cli.ts";
import { dockerArchive, ociLayout, tar, header, type E } from "./build.ts";

/** A sandbox: the archive and `root/` (the extraction target) live in it; nothing else may appear there. */
function sandbox(t: { after: (fn: () => void) => void }, layers: (E[] | Buffer)[]) {
  const dir = tempDir((fn) => t.after(fn));
  const file = join(dir, "img.tar");
  writeFileSync(file, dockerArchive({ layers }));
  const outside = () => readdirSync(dir).sort();
  return { dir, file, root: join(dir, "root"), outside };
}

async function corrupt(p: Promise<unknown>, re: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof FlaskpackError, `a FlaskpackError, got ${e}`);
    assert.equal(e.code, "CORRUPT_ARCHIVE");
    assert.match(e.message, re);
    return true;
  });
}

test("names with '..' are reported and never extracted", async (t) => {
  const s = sandbox(t, [[{ name: "../escape.txt", body: "x" }, { name: "a/../../escape2.txt", body: "x" }, { name: "ok.txt", body: "ok" }]]);
  const m = await readImage(s.file);
  assert.deepEqual(m.files.map((f) => f.path), ["ok.txt"]);
  assert.equal(m.anomalies.filter((a) => /\.\./.test(a.why)).length, 2);
  const r = await extractImage(s.file, s.root);
  assert.equal(r.files, 1);
  assert.equal(r.skipped.filter((x) => /'\.\.'/.test(x.why)).length, 2);
  assert.deepEqual(s.outside(), ["img.tar", "root"]);
  assert.deepEqual(readdirSync(s.root), ["ok.txt"]);
});

test("absolute names are read relative to the image root", async (t) => {
  const s = sandbox(t, [[{ name: "/etc/passwd-flaskpack", body: "root:x" }]]);
  const m = await readImage(s.file);
  assert.deepEqual(m.files.map((f) => f.path), ["etc", "etc/passwd-flaskpack"]);
  assert.ok(m.anomalies.some((a) => /absolute/.test(a.why)));
  await extractImage(s.file, s.root);
  assert.equal(readFileSync(join(s.root, "etc/passwd-flaskpack"), "utf8"), "root:x");
  assert.ok(!existsSync("/etc/passwd-flaskpack"));
});

test("a symlink out of the root is skipped; absolute targets become relative, so they never point at the host", async (t) => {
  const s = sandbox(t, [[
    { name: "up", type: "symlink", linkname: "../../../../etc" },
    { name: "usr/bin/py", type: "symlink", linkname: "/usr/bin/python3" },
    { name: "usr/bin/python3", body: "elf" },
    { name: "dot", type: "symlink", linkname: "." },
    { name: "sneaky", type: "symlink", linkname: "dot/.." },
  ]]);
  const r = await extractImage(s.file, s.root);
  const skipped = r.skipped.map((x) => x.path).sort();
  assert.deepEqual(skipped, ["sneaky", "up"], "a plain climb and a climb through another link");
  assert.equal(readlinkSync(join(s.root, "usr/bin/py")), "../../usr/bin/python3");
  assert.equal(readFileSync(join(s.root, "usr/bin/py"), "utf8"), "elf");
  assert.deepEqual(s.outside(), ["img.tar", "root"]);
});

test("a file written through a symlink from a lower layer lands nowhere outside", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const target = join(dir, "target");
  mkdirSync(target);
  const s = sandbox(t, [
    [{ name: "x", type: "symlink", linkname: target }],
    [{ name: "x/evil.txt", body: "pwned" }],
  ]);
  const m = await readImage(s.file);
  assert.ok(m.anomalies.some((a) => a.path === "x/evil.txt" && /not a directory/.test(a.why)));
  await extractImage(s.file, s.root);
  assert.deepEqual(readdirSync(target), []);
  assert.ok(lstatSync(join(s.root, "x")).isSymbolicLink());
  assert.ok(!readlinkSync(join(s.root, "x")).startsWith("/"));
});

test("hard links to paths outside the image, or to what is not extracted, are skipped", async (t) => {
  const s = sandbox(t, [[
    { name: "h1", type: "hardlink", linkname: "../../../etc/passwd" },
    { name: "h2", type: "hardlink", linkname: "/etc/shadow" },
    { name: "data", body: "d" },
    { name: "h3", type: "hardlink", linkname: "data" },
  ]]);
  const r = await extractImage(s.file, s.root);
  assert.deepEqual(readdirSync(s.root).sort(), ["data", "h3"]);
  assert.equal(lstatSync(join(s.root, "h3")).ino, lstatSync(join(s.root, "data")).ino);
  assert.ok(r.skipped.some((x) => /outside the image/.test(x.why)));
  assert.ok(r.skipped.some((x) => x.path === "h2" && /not a regular file extracted/.test(x.why)));
});

test("device files and fifos are listed but never created", async (t) => {
  const s = sandbox(t, [[{ name: "dev/sda", type: "block" }, { name: "dev/null", type: "char" }, { name: "evil", type: "char" }, { name: "p", type: "fifo" }]]);
  const m = await readImage(s.file);
  assert.deepEqual(m.files.filter((f) => f.type === "char" || f.type === "block").map((f) => f.path), ["dev/null", "dev/sda", "evil"]);
  const r = await extractImage(s.file, s.root);
  assert.equal(r.skipped.length, 4);
  assert.deepEqual(readdirSync(s.root), ["dev"]);
  assert.deepEqual(readdirSync(join(s.root, "dev")), []);
});

test("duplicate names in a layer: the last one wins, and it is reported", async (t) => {
  const s = sandbox(t, [[{ name: "a", body: "first" }, { name: "a", body: "second" }]]);
  const m = await readImage(s.file);
  assert.equal(m.files.length, 1);
  assert.ok(m.anomalies.some((a) => /duplicate/.test(a.why)));
  await extractImage(s.file, s.root);
  assert.equal(readFileSync(join(s.root, "a"), "utf8"), "second");
});

test("a huge declared size is a clear error, not an allocation", async (t) => {
  const layer = Buffer.concat([header({ name: "big", size: 8_000_000_000 }), Buffer.alloc(1024)]);
  const s = sandbox(t, [layer]);
  await corrupt(readImage(s.file), /layer 1 .*big.*declares 8000000000 bytes/);
  await corrupt(extractImage(s.file, s.root), /declares/);
  assert.deepEqual(s.outside(), ["img.tar"], "a failed extraction removes what it created");
});

test("a corrupt header checksum is named with its layer and offset", async (t) => {
  const layer = tar([{ name: "a", body: "1" }]);
  layer[10] ^= 0xff;
  const s = sandbox(t, [layer]);
  await corrupt(readImage(s.file), /layer 1 .*checksum/);
});

test("truncated and corrupt gzip layers are errors naming the layer", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const layers = [[{ name: "a", body: "x".repeat(5000) }, { name: "b", body: "y".repeat(5000) }]];
  ociLayout(join(dir, "cut"), { layers }, (t) => gzipSync(t).subarray(0, 60));
  await corrupt(readImage(join(dir, "cut")), /layer 1/);
  ociLayout(join(dir, "bad"), { layers }, (t) => {
    const z = gzipSync(t);
    z.fill(0x41, 20, 40);
    return z;
  });
  await corrupt(readImage(join(dir, "bad")), /layer 1/);
});

test("a manifest naming a missing layer, or a cut-off archive, is a clear error", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  writeFileSync(join(dir, "missing.tar"), dockerArchive({ layers: [[{ name: "a", body: "1" }]] }, { manifestLayers: ["nope/layer.tar"] }));
  await corrupt(readImage(join(dir, "missing.tar")), /nope\/layer\.tar.*not in the archive/);
  writeFileSync(join(dir, "cut.tar"), dockerArchive({ layers: [[{ name: "a", body: "1".repeat(4000) }]] }));
  truncateSync(join(dir, "cut.tar"), 3000);
  await corrupt(readImage(join(dir, "cut.tar")), /truncated|ends first|not in the archive|manifest/);
  writeFileSync(join(dir, "junk.tar"), Buffer.from("this is not a tar".repeat(100)));
  await corrupt(readImage(join(dir, "junk.tar")), /not a tar|checksum/);
});

test("extraction never writes into a non-empty directory", async (t) => {
  const s = sandbox(t, [[{ name: "a", body: "1" }]]);
  mkdirSync(s.root);
  writeFileSync(join(s.root, "mine"), "user file");
  await assert.rejects(extractImage(s.file, s.root), (e: unknown) => e instanceof FlaskpackError && e.code === "WOULD_OVERWRITE");
  assert.equal(readFileSync(join(s.root, "mine"), "utf8"), "user file");
});

test("extraction keeps modes (setuid included) and a filter picks paths with their parents", async (t) => {
  const s = sandbox(t, [[{ name: "usr/bin/su", body: "x", mode: 0o4755 }, { name: "etc/skip", body: "x" }, { name: "usr/lib/keep.so", body: "so" }]]);
  const r = await extractImage(s.file, s.root, { filter: (p) => p.startsWith("usr/") });
  assert.equal(r.files, 2);
  assert.equal(lstatSync(join(s.root, "usr/bin/su")).mode & 0o7777, 0o4755);
  assert.ok(!existsSync(join(s.root, "etc")));
});
