import { existsSync, readFileSync, statSync } from "node:fs";
import { FlaskpackError } from "../errors.ts";
import { normalizePypiName } from "../sbom/catalogers/python.ts";
import type { Component, Sbom } from "../sbom/model.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { matchDebian, matchPypi, type Finding } from "./match.ts";
import { countFindings, isSbom, sortFindings, type ScanReport } from "./report.ts";
import { severityRank, type Severity } from "./severity.ts";
import { defaultDbDir, loadVulnDb, type VulnDb } from "./vulndb.ts";

export { compareDebianVersions } from "./dpkg-version.ts";
export { diffScans, toSarif, countFindings, type ScanReport, type ScanDiff, type Counts } from "./report.ts";
export { updateDb, DEFAULT_SOURCES, type UpdateOptions, type UpdateResult } from "./update.ts";
export type { Finding, FindingState } from "./match.ts";
export type { Severity } from "./severity.ts";
export { defaultDbDir } from "./vulndb.ts";

export interface ScanOptions {
  /** Vulnerability data directory: the `db update` cache (default) or a folder of OSV records. */
  db?: string;
  failOn?: Severity;
  progress?: Progress;
}

/** Known vulnerabilities of an image (name, docker-save tarball, OCI layout) or of an SBOM file, fully offline. */
export async function scan(refOrSbomFile: string, opts: ScanOptions = {}): Promise<ScanReport> {
  const progress = opts.progress ?? silentProgress;
  const sbom = await sbomFor(refOrSbomFile, progress);
  const names = new Set(sbom.components.filter((c) => c.ecosystem === "pypi").map((c) => normalizePypiName(c.name)));
  progress.step(`reading vulnerability data from ${opts.db ?? defaultDbDir()}`);
  const db = loadVulnDb(opts.db ?? defaultDbDir(), names);
  return scanSbom(sbom, db, opts.failOn);
}

/** The pure part of scan: an SBOM and vulnerability data → findings. */
export function scanSbom(sbom: Sbom, db: VulnDb, failOn?: Severity, now = new Date()): ScanReport {
  const release = sbom.image.os?.id === "debian" ? sbom.image.os.codename : undefined;
  const findings: Finding[] = [];
  const notes: string[] = [];
  const components: ScanReport["components"] = [];
  let viaDebian = 0;
  for (const c of sbom.components) {
    let matchedVia = "none";
    if (c.ecosystem === "deb") {
      if (db.debian && release) {
        findings.push(...matchDebian(c, db.debian, release));
        matchedVia = `debian-tracker:${release}`;
      }
    } else if (c.debianPackage || c.installer === "debian") {
      // Debian backports fixes without changing the upstream version; PyPI's ranges would flag them falsely.
      matchedVia = `debian:${c.debianPackage ?? "unknown package"}`;
      viaDebian++;
    } else {
      findings.push(...matchPypi(c, db.pypi.get(normalizePypiName(c.name)) ?? []));
      matchedVia = "osv-pypi";
    }
    components.push({ purl: c.purl, name: c.name, version: c.version, ecosystem: c.ecosystem, filesPresent: c.filesPresent, files: c.files, matchedVia });
  }
  const debs = sbom.components.filter((c) => c.ecosystem === "deb").length;
  if (viaDebian) notes.push(`${viaDebian} Python distribution(s) installed by Debian packages were matched through Debian's security data (which knows backported fixes), not PyPI's.`);
  if (debs && !db.debian) notes.push(`${debs} Debian package(s) were not checked: no Debian tracker data in ${db.dir} (run \`flaskpack db update\`).`);
  if (debs && db.debian && !release) notes.push(`${debs} Debian package(s) were not checked: the image's Debian release is unknown (no VERSION_CODENAME in os-release).`);
  if (!db.sources.some((s) => s.name === "osv-pypi") && names(sbom).length) notes.push("Python packages were not checked: no OSV PyPI data.");
  const sources = db.sources.map((s) => ({ ...s, ageDays: s.updatedAt ? Math.floor((now.getTime() - Date.parse(s.updatedAt)) / 86_400_000) : undefined }));
  for (const s of sources) {
    if (s.ageDays !== undefined && s.ageDays > 7) notes.push(`${s.name} data is ${s.ageDays} days old; run \`flaskpack db update\` for current advisories.`);
  }
  const sorted = sortFindings(findings);
  return {
    schema: "flaskpack.scan/1",
    target: { ref: sbom.image.ref, id: sbom.image.id, os: sbom.image.os?.pretty, release },
    db: { dir: db.dir, sources },
    components,
    findings: sorted,
    counts: countFindings(sorted),
    notes,
    failOn,
    failed: failOn ? sorted.some((f) => severityRank(f.severity) >= severityRank(failOn)) : false,
  };
}

function names(sbom: Sbom): string[] {
  return sbom.components.filter((c) => c.ecosystem === "pypi" && !c.debianPackage && c.installer !== "debian").map((c) => c.name);
}

async function sbomFor(ref: string, progress: Progress): Promise<Sbom> {
  if (existsSync(ref) && statSync(ref).isFile() && /\.json$/i.test(ref)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(ref, "utf8"));
    } catch (e) {
      throw new FlaskpackError("BAD_INPUT", `${ref} is not valid JSON: ${(e as Error).message}`, "pass an SBOM made by `flaskpack sbom --json` or `--format cyclonedx-json`, or an image");
    }
    if (isSbom(doc)) return doc;
    const fromCdx = fromCycloneDx(doc);
    if (fromCdx) return fromCdx;
    throw new FlaskpackError("BAD_INPUT", `${ref} is neither a flaskpack SBOM nor a CycloneDX document.`, "make one with `flaskpack sbom IMAGE --json > sbom.json`");
  }
  const { sbom } = await import("../sbom/index.ts");
  return sbom(ref, { progress });
}

/** Reads back a CycloneDX document written by toCycloneDx (purls plus flaskpack:* properties). */
function fromCycloneDx(doc: unknown): Sbom | undefined {
  const d = doc as { bomFormat?: string; metadata?: { component?: { name?: string; version?: string; properties?: { name: string; value: string }[] }; timestamp?: string }; components?: { name: string; version?: string; purl?: string; properties?: { name: string; value: string }[]; licenses?: { license?: { id?: string; name?: string }; expression?: string }[] }[] };
  if (d?.bomFormat !== "CycloneDX") return undefined;
  const components: Component[] = [];
  for (const c of d.components ?? []) {
    if (!c.purl) continue;
    const props = new Map((c.properties ?? []).map((p) => [p.name, p.value]));
    const type = /^pkg:([a-z]+)\//.exec(c.purl)?.[1];
    if (type !== "deb" && type !== "pypi") continue;
    const src = props.get("syft:metadata:source");
    components.push({
      ecosystem: type,
      name: c.name,
      version: c.version ?? "",
      purl: c.purl,
      licenses: (c.licenses ?? []).map((l) => l.license?.id ?? l.license?.name ?? l.expression ?? "").filter(Boolean),
      source: src ? { name: src, version: props.get("syft:metadata:sourceVersion") ?? c.version ?? "" } : undefined,
      files: Number(props.get("flaskpack:files") ?? 0),
      filesPresent: Number(props.get("flaskpack:filesPresent") ?? 0),
      partial: props.get("flaskpack:partial") === "true",
      installer: props.get("flaskpack:installer"),
      debianPackage: props.get("flaskpack:debianPackage"),
      location: props.get("flaskpack:location") ?? "",
    });
  }
  const osPretty = d.metadata?.component?.properties?.find((p) => p.name === "flaskpack:os")?.value;
  const purlDistro = components.find((c) => c.ecosystem === "deb")?.purl.match(/distro=debian-(\d+)/)?.[1];
  const codename = purlDistro ? ({ "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie", "14": "forky" } as Record<string, string>)[purlDistro] : undefined;
  return {
    schema: "flaskpack.sbom/1",
    image: { ref: d.metadata?.component?.name ?? "sbom", id: d.metadata?.component?.version, os: codename ? { id: "debian", versionId: purlDistro, codename, pretty: osPretty } : undefined, layers: 0, files: 0 },
    components,
    unownedFiles: 0,
    unownedByDir: [],
    createdAt: d.metadata?.timestamp ?? new Date().toISOString(),
    tool: { name: "flaskpack", version: "" },
  };
}
