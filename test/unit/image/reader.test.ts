import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readImage, readImageFiles, diffImages } from "../../../src/image/index.ts";
import { tempDir } from "../../helpers/cli.ts";
import { dockerArchive, ociLayout, tar, type ImageSpec } from "./build.ts";

const spec: ImageSpec = {
  layers: [
    [
      { name: "./", type: "dir" },
      { name: "etc/", type: "dir" },
      { name: "etc/os-release", body: "ID=debian\n" },
      { name: "usr/bin/", type: "dir" },
      { name: "usr/bin/python3.11", body: "x".repeat(3000), mode: 0o755 },
      { name: "usr/bin/python3", type: "symlink", linkname: "python3.11" },
      { name: "usr/bin/py", type: "hardlink", linkname: "usr/bin/python3.11" },
      { name: "opt/data/", type: "dir" },
      { name: "opt/data/a.bin", body: "a".repeat(1000) },
      { name: "opt/data/b.bin", body: "b".repeat(500) },
      { name: "tmp/big.log", body: "l".repeat(2000) },
    ],
    [
      { name: "tmp/", type: "dir" },
      { name: "tmp/.wh.big.log" },
      { name: "opt/data/", type: "dir" },
      { name: "opt/data/.wh..wh..opq" },
      { name: "opt/data/c.bin", body: "c".repeat(10) },
      { name: "etc/os-release", body: "ID=debian\nVERSION=12\n" },
      { name: "app/", type: "dir" },
      { name: "app/run", body: "#!/bin/sh\n", mode: 0o4755 },
    ],
  ],
  history: [{ created_by: "base" }, { created_by: "ENV A=1", empty_layer: true }, { created_by: "COPY . /app" }],
  config: { User: "app", Env: ["A=1"], Cmd: ["gunicorn"], ExposedPorts: { "8000/tcp": {} }, WorkingDir: "/app" },
};

test("a docker save archive reads into layers (empty ones included), a merged tree, and the config", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const file = join(dir, "img.tar");
  writeFileSync(file, dockerArchive(spec));
  const m = await readImage(file);
  assert.equal(m.source, `docker-archive:${file}`);
  assert.match(m.id, /^sha256:[a-f0-9]{64}$/);
  assert.deepEqual(m.repoTags, ["fixture:1"]);
  assert.deepEqual(m.layers.map((l) => [l.createdBy, l.emptyLayer]), [["base", false], ["ENV A=1", true], ["COPY . /app", false]]);
  assert.deepEqual(m.layers.map((l) => l.files), [11, 0, 8]);
  assert.equal(m.config.user, "app");
  assert.deepEqual(m.config.exposedPorts, ["8000/tcp"]);
  assert.deepEqual(m.config.cmd, ["gunicorn"]);

  const paths = m.files.map((f) => f.path);
  assert.ok(!paths.includes("tmp/big.log"), "whiteout removes the file");
  assert.ok(!paths.includes("opt/data/a.bin") && !paths.includes("opt/data/b.bin"), "opaque dir hides lower files");
  assert.ok(paths.includes("opt/data/c.bin"), "opaque dir keeps the layer's own files");
  const osr = m.files.find((f) => f.path === "etc/os-release")!;
  assert.equal(osr.layer, 2, "a changed file comes from the upper layer (index in layers, empty layers counted)");
  assert.equal(m.files.find((f) => f.path === "usr/bin/python3")?.linkname, "python3.11");
  assert.equal(m.files.find((f) => f.path === "usr/bin/py")?.type, "hardlink");
  assert.equal(m.files.find((f) => f.path === "app/run")?.mode, 0o4755);

  const top = m.layers[2];
  assert.deepEqual([top.added, top.changed, top.removed], [3, 3, 3]);
  // docker history counts regular files and symlink targets.
  assert.equal(m.layers[0].sizeBytes, 10 + 3000 + "python3.11".length + 1000 + 500 + 2000);
  // dive: deleted big.log (2000 B) and a.bin/b.bin (1500 B) are wasted, and so is os-release (both copies).
  assert.equal(m.wastedBytes, 2000 + 1000 + 500 + 10 + 21);
  const all = 10 + 3000 + 1000 + 500 + 2000 + 10 + 21 + 10;
  const min = 3000 + 10 + 10 + 10; // python3.11, os-release (smallest copy), c.bin, app/run; deleted paths count 0
  assert.ok(Math.abs(m.efficiency - min / all) < 1e-9, `efficiency ${m.efficiency}`);
  assert.ok(m.inefficiencies.some((i) => i.path === "tmp/big.log" && i.deleted));
});

test("OCI layouts read the same with gzip, zstd and plain layers, from a dir and from a tar", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const models = [];
  for (const c of ["gzip", "zstd", "none"] as const) {
    ociLayout(join(dir, c), spec, c);
    models.push(await readImage(join(dir, c)));
  }
  for (const m of models) {
    assert.equal(m.source.split(":")[0], "oci");
    assert.deepEqual(m.files, models[0].files);
    assert.deepEqual(m.repoTags, ["fixture:oci"]);
  }
  assert.deepEqual(models.map((m) => m.layers[0].compression), ["gzip", "zstd", "none"]);
  assert.ok(models[0].layers[0].digest?.startsWith("sha256:"));
  // the same layout as a tar file (e.g. skopeo copy oci-archive:)
  const { spawnSync } = await import("node:child_process");
  spawnSync("tar", ["-cf", join(dir, "oci.tar"), "-C", join(dir, "gzip"), "."]);
  const fromTar = await readImage(join(dir, "oci.tar"));
  assert.deepEqual(fromTar.files, models[0].files);
});

test("a gzip'd docker save tarball is read too", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const file = join(dir, "img.tar.gz");
  writeFileSync(file, gzipSync(dockerArchive(spec)));
  const m = await readImage(file);
  assert.equal(m.files.length, (await readImage(join(dir, "img.tar.gz"))).files.length);
  assert.ok(m.files.some((f) => f.path === "app/run"));
});

test("readImageFiles returns merged-view contents: last layer wins, deleted files absent, hard links read their target", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const file = join(dir, "img.tar");
  writeFileSync(file, dockerArchive(spec));
  const got = await readImageFiles(file, (p) => p.startsWith("etc/") || p.startsWith("tmp/") || p === "usr/bin/py" || p.startsWith("opt/"));
  assert.equal(got.get("etc/os-release")?.toString(), "ID=debian\nVERSION=12\n");
  assert.ok(!got.has("tmp/big.log"));
  assert.ok(!got.has("opt/data/a.bin"));
  assert.equal(got.get("opt/data/c.bin")?.toString(), "c".repeat(10));
  assert.equal(got.get("usr/bin/py")?.length, 3000);
  const small = await readImageFiles(file, () => true, { maxBytes: 100 });
  assert.ok(!small.has("usr/bin/python3.11"), "files over maxBytes are left out");
});

test("diffImages lists files only in A, only in B, and changed, with the size delta", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  writeFileSync(join(dir, "a.tar"), dockerArchive(spec));
  writeFileSync(join(dir, "b.tar"), dockerArchive({ layers: [spec.layers[0] as never, [{ name: "etc/os-release", body: "ID=other\n" }, { name: "new.txt", body: "hi" }, { name: "usr/bin/.wh.py" }]] }));
  const d = diffImages(await readImage(join(dir, "a.tar")), await readImage(join(dir, "b.tar")));
  assert.ok(d.onlyInA.some((e) => e.path === "app/run"));
  assert.ok(d.onlyInA.some((e) => e.path === "usr/bin/py"));
  assert.ok(d.onlyInB.some((e) => e.path === "new.txt"));
  assert.ok(d.onlyInB.some((e) => e.path === "tmp/big.log"));
  const osr = d.changed.find((c) => c.path === "etc/os-release");
  assert.deepEqual([osr?.sizeA, osr?.sizeB], [21, 9]);
  assert.equal(d.sizeDeltaBytes, d.b.totalSizeBytes - d.a.totalSizeBytes);
});

test("a layer tar written without end-of-archive blocks still reads", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  writeFileSync(join(dir, "img.tar"), dockerArchive({ layers: [tar([{ name: "a", body: "1" }], { end: false })] }));
  const m = await readImage(join(dir, "img.tar"));
  assert.deepEqual(m.files.map((f) => f.path), ["a"]);
});
