import { test } from "node:test";
import assert from "node:assert/strict";
import { toCycloneDx, toSpdx } from "../../../src/sbom/formats.ts";
import type { Sbom } from "../../../src/sbom/model.ts";
import { cycloneDxErrors } from "../../fixtures/sbom/cyclonedx-schema.ts";

const sbom: Sbom = {
  schema: "flaskpack.sbom/1",
  image: { ref: "myapp:1", id: "sha256:" + "a".repeat(64), os: { id: "debian", versionId: "12", codename: "bookworm", pretty: "Debian GNU/Linux 12 (bookworm)" }, layers: 2, files: 100 },
  components: [
    { ecosystem: "deb", name: "libssl3", version: "3.0.11-1~deb12u2", purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl", licenses: ["Apache-2.0", "GPL-3+ with OpenSSL exception"], source: { name: "openssl", version: "3.0.11-1~deb12u2" }, arch: "amd64", files: 9, filesPresent: 2, partial: true, layer: { index: 0, digest: "sha256:" + "b".repeat(64) }, location: "var/lib/dpkg/status" },
    { ecosystem: "pypi", name: "Flask", version: "2.2.2", purl: "pkg:pypi/flask@2.2.2", licenses: ["BSD-3-Clause"], files: 53, filesPresent: 53, partial: false, installer: "pip", location: "opt/venv/lib/python3.11/site-packages/flask-2.2.2.dist-info" },
    { ecosystem: "pypi", name: "Flask", version: "2.2.2", purl: "pkg:pypi/flask@2.2.2", licenses: ["MIT OR Apache-2.0"], files: 3, filesPresent: 3, partial: false, installer: "debian", debianPackage: "python3-flask", location: "usr/lib/python3/dist-packages/Flask-2.2.2.egg-info" },
  ],
  unownedFiles: 12,
  unownedByDir: [{ dir: "app", files: 12 }],
  createdAt: "2026-01-02T03:04:05.000Z",
  tool: { name: "flaskpack", version: "0.1.0" },
};

test("CycloneDX 1.6 document validates against the schema, keeps SPDX ids, names and flaskpack facts", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = toCycloneDx(sbom) as any;
  assert.deepEqual(cycloneDxErrors(doc), []);
  assert.equal(doc.specVersion, "1.6");
  assert.equal(doc.components.length, 3, "two copies of one dist stay two components, with distinct bom-refs");
  assert.equal(new Set(doc.components.map((c: { "bom-ref": string }) => c["bom-ref"])).size, 3);
  const ssl = doc.components.find((c: { name: string }) => c.name === "libssl3");
  const licenses = ssl.licenses.map((l: unknown) => JSON.stringify(l)).sort();
  assert.deepEqual(licenses, [JSON.stringify({ license: { id: "Apache-2.0" } }), JSON.stringify({ license: { name: "GPL-3+ with OpenSSL exception" } })]);
  const props = Object.fromEntries(ssl.properties.map((p: { name: string; value: string }) => [p.name, p.value]));
  assert.equal(props["flaskpack:partial"], "true");
  assert.equal(props["flaskpack:filesPresent"], "2");
  assert.equal(props["syft:metadata:source"], "openssl");
  assert.equal(doc.metadata.component.type, "container");
});

test("SPDX 2.3: one package per component, licenses as expressions or NOASSERTION", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = toSpdx(sbom) as any;
  assert.equal(doc.spdxVersion, "SPDX-2.3");
  assert.equal(doc.packages.length, 3);
  assert.equal(new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID)).size, 3);
  assert.equal(doc.packages[0].licenseDeclared, "NOASSERTION", "a non-SPDX license name is not asserted");
  assert.equal(doc.packages[1].licenseDeclared, "BSD-3-Clause");
  assert.equal(doc.packages[2].licenseDeclared, "(MIT OR Apache-2.0)");
  assert.equal(doc.packages[0].externalRefs[0].referenceLocator, sbom.components[0].purl);
});
