import { createHash, randomUUID } from "node:crypto";
import { Enums, Models, Serialize, Spec, SPDX } from "@cyclonedx/cyclonedx-library";
import type { Component, Sbom } from "./model.ts";

/** CycloneDX 1.6 JSON, built with the CycloneDX library; flaskpack's extra facts are `flaskpack:*` properties. */
export function toCycloneDx(sbom: Sbom): object {
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${uuidFrom(sbom)}` });
  bom.metadata.timestamp = new Date(sbom.createdAt);
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, "flaskpack", { version: sbom.tool.version }));
  bom.metadata.component = new Models.Component(Enums.ComponentType.Container, sbom.image.ref, {
    bomRef: "image",
    version: sbom.image.id,
    properties: new Models.PropertyRepository(
      [
        sbom.image.os?.pretty && new Models.Property("flaskpack:os", sbom.image.os.pretty),
        new Models.Property("flaskpack:unownedFiles", String(sbom.unownedFiles)),
      ].filter((p): p is Models.Property => Boolean(p)),
    ),
  });
  const refs = new Set<string>();
  for (const c of sbom.components) {
    let ref = c.purl;
    for (let i = 2; refs.has(ref); i++) ref = `${c.purl}#${i}`;
    refs.add(ref);
    const component = new Models.Component(Enums.ComponentType.Library, c.name, {
      bomRef: ref,
      version: c.version,
      purl: c.purl,
      licenses: licenseRepository(c.licenses),
      properties: new Models.PropertyRepository(properties(c)),
    });
    bom.components.add(component);
    bom.metadata.component.dependencies.add(component.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return JSON.parse(serializer.serialize(bom, { sortLists: true }));
}

function licenseRepository(licenses: string[]): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  for (const l of licenses) {
    const id = SPDX.fixupSpdxId(l);
    if (id) repo.add(new Models.SpdxLicense(id));
    else if (/\s(AND|OR|WITH)\s/.test(l) && licenses.length === 1) repo.add(new Models.LicenseExpression(l));
    else repo.add(new Models.NamedLicense(l));
  }
  return repo;
}

function properties(c: Component): Models.Property[] {
  const p: [string, string | number | boolean | undefined][] = [
    ["flaskpack:ecosystem", c.ecosystem],
    ["flaskpack:location", c.location],
    ["flaskpack:files", c.files],
    ["flaskpack:filesPresent", c.filesPresent],
    ["flaskpack:partial", c.partial || undefined],
    ["flaskpack:layer", c.layer?.index],
    ["flaskpack:installer", c.installer],
    ["flaskpack:debianPackage", c.debianPackage],
    ["syft:metadata:source", c.source?.name],
    ["syft:metadata:sourceVersion", c.source?.version],
  ];
  return p.filter(([, v]) => v !== undefined).map(([k, v]) => new Models.Property(k, String(v)));
}

/** SPDX 2.3 JSON. */
export function toSpdx(sbom: Sbom): object {
  const ids = new Set<string>();
  const spdxId = (c: Component) => {
    let id = `SPDXRef-${c.ecosystem}-${c.name}-${c.version}`.replace(/[^A-Za-z0-9.-]/g, "-");
    for (let i = 2; ids.has(id); i++) id = `${id}-${i}`;
    ids.add(id);
    return id;
  };
  const packages = sbom.components.map((c) => ({
    SPDXID: spdxId(c),
    name: c.name,
    versionInfo: c.version,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: spdxExpression(c.licenses),
    copyrightText: "NOASSERTION",
    sourceInfo: c.source ? `built from Debian source package ${c.source.name} ${c.source.version}` : undefined,
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: c.purl }],
  }));
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: sbom.image.ref,
    documentNamespace: `https://flaskpack.dev/spdx/${encodeURIComponent(sbom.image.ref)}-${uuidFrom(sbom)}`,
    creationInfo: { created: sbom.createdAt.replace(/\.\d+Z$/, "Z"), creators: [`Tool: flaskpack-${sbom.tool.version}`] },
    packages,
    relationships: packages.map((p) => ({ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: p.SPDXID })),
  };
}

function spdxExpression(licenses: string[]): string {
  const valid = licenses.map((l) => SPDX.fixupSpdxId(l) ?? (/^[A-Za-z0-9.+-]+(\s+(AND|OR|WITH)\s+[A-Za-z0-9.+-]+)+$/.test(l) ? `(${l})` : undefined));
  if (!valid.length || valid.some((v) => !v)) return "NOASSERTION";
  return valid.join(" AND ");
}

/** Same image and contents give the same document id, so SBOMs diff cleanly. */
function uuidFrom(sbom: Sbom): string {
  if (!sbom.image.id) return randomUUID();
  const h = createHash("sha256").update(sbom.image.id).update(String(sbom.components.length)).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
