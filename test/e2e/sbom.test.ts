/**
 * sbom against what the image itself says: dpkg-query and importlib.metadata run inside containers of the Debian
 * bases and of every example image, built for real; CycloneDX output validated against the CycloneDX 1.6 schema.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cycloneDxErrors } from "../fixtures/sbom/cyclonedx-schema.ts";
import { copyExample, runCli, PYPA_DB } from "../helpers/cli.ts";
import { cleanup, docker, testBase } from "../helpers/engine.ts";
import { assertMatchesImage } from "../fixtures/sbom/image-truth.ts";
import type { Sbom } from "../../src/sbom/model.ts";

const images: string[] = [];
after(() => cleanup([], images));

async function sbomOf(image: string): Promise<Sbom> {
  const r = await runCli(["sbom", image, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Sbom;
}

for (const set of ["flask", "flaskPg", "pip"] as const) {
  test(`sbom of the Debian base "${set}" equals dpkg-query -W and importlib.metadata inside it`, async () => {
    const base = await testBase(set);
    const s = await sbomOf(base.tag);
    await assertMatchesImage(base.tag, s);
    assert.equal(s.image.os?.codename, "bookworm");
    const flask = s.components.find((c) => c.ecosystem === "pypi" && c.name === "Flask");
    if (set !== "pip") {
      assert.equal(flask?.debianPackage, "python3-flask", "Debian's Flask is owned by its Debian package");
      assert.equal(flask?.installer, "debian");
    }
    const libc = s.components.find((c) => c.name === "libc6")!;
    assert.deepEqual(libc.source, { name: "glibc", version: libc.version });
    assert.match(libc.purl, /^pkg:deb\/debian\/libc6@.+\?arch=amd64&distro=debian-12&upstream=glibc$/);
    assert.ok(s.components.every((c) => !c.partial), "a full image has no partial packages");
  });
}

for (const example of ["hello", "api-port", "factory", "pg-api"]) {
  test(`sbom of the built ${example} example equals what is installed in it`, async (t) => {
    const dir = copyExample(example, (fn) => t.after(fn));
    const tag = `fp-sbom-${example}:${process.pid}`;
    images.push(tag);
    const built = await runCli(["build", dir, "-t", tag, "--json"], { timeoutMs: 600_000 });
    assert.equal(built.code, 0, built.stderr + built.stdout.slice(0, 2000));
    const s = await sbomOf(tag);
    await assertMatchesImage(tag, s);
    assert.ok(s.unownedFiles > 0 && s.unownedByDir.length > 0, "the app's own files belong to no package");
  });
}

test("CycloneDX and SPDX output: valid against the CycloneDX 1.6 schema, and scan reads the CycloneDX file back", async (t) => {
  const base = await testBase("flask");
  const r = await runCli(["sbom", base.tag, "--format", "cyclonedx-json"]);
  assert.equal(r.code, 0, r.stderr);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc: any = JSON.parse(r.stdout);
  const errors = cycloneDxErrors(JSON.parse(r.stdout));
  assert.deepEqual(errors.slice(0, 5), []);
  assert.equal(doc.specVersion, "1.6");
  const flask = doc.components.find((c: { name: string }) => c.name === "python3-flask");
  assert.ok(flask.licenses.some((l: { license?: { id?: string } }) => l.license?.id === "BSD-3-Clause"));
  assert.ok(flask.properties.some((p: { name: string; value: string }) => p.name === "syft:metadata:source" && p.value === "flask"));

  const spdx = JSON.parse((await runCli(["sbom", base.tag, "--format", "spdx-json"])).stdout);
  assert.equal(spdx.spdxVersion, "SPDX-2.3");
  assert.equal(spdx.packages.length, doc.components.length);

  const dir = copyExample("hello", (fn) => t.after(fn));
  const file = join(dir, "sbom.cdx.json");
  (await import("node:fs")).writeFileSync(file, r.stdout);
  const scanned = await runCli(["scan", file, "--db", PYPA_DB, "--json"]);
  assert.equal(scanned.code, 0, scanned.stderr);
  const report = JSON.parse(scanned.stdout);
  assert.equal(report.components.length, doc.components.length);
  assert.equal(report.target.release, "bookworm");
});

test("sbom of a docker-save tarball equals the sbom of the engine image; a missing image is named", async (t) => {
  const base = await testBase("flask");
  const dir = copyExample("hello", (fn) => t.after(fn));
  const tarFile = join(dir, "base.tar");
  const d = await docker();
  const { createWriteStream } = await import("node:fs");
  const { pipeline } = await import("node:stream/promises");
  await pipeline((await d.getImage(base.tag).get()) as NodeJS.ReadableStream, createWriteStream(tarFile));
  const a = await sbomOf(base.tag);
  const b = await sbomOf(tarFile);
  assert.deepEqual(b.components.map((c) => c.purl), a.components.map((c) => c.purl));
  assert.equal(b.image.id, a.image.id);
  const missing = await runCli(["sbom", "fp-sbom-no-such-image:1"]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /fp-sbom-no-such-image/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});
