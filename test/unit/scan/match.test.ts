import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, PYPA_DB } from "../../helpers/cli.ts";
import { loadVulnDb, type DebianTracker, type OsvRecord } from "../../../src/scan/vulndb.ts";
import { matchDebian, matchPypi, osvAffects } from "../../../src/scan/match.ts";
import { scanSbom } from "../../../src/scan/index.ts";
import { diffScans, toSarif } from "../../../src/scan/report.ts";
import { cvss3BaseScore, severityFromScore } from "../../../src/scan/severity.ts";
import type { Component, Sbom } from "../../../src/sbom/model.ts";

const PYPA = PYPA_DB;
const tracker = JSON.parse(readFileSync(join(ROOT, "test/fixtures/scan/debian-tracker.json"), "utf8")) as DebianTracker;

function pypi(name: string, version: string, extra: Partial<Component> = {}): Component {
  return { ecosystem: "pypi", name, version, purl: `pkg:pypi/${name.toLowerCase()}@${version}`, licenses: [], files: 10, filesPresent: 10, partial: false, installer: "pip", location: `opt/venv/lib/python3.11/site-packages/${name}-${version}.dist-info`, ...extra };
}
function deb(name: string, version: string, source?: { name: string; version: string }): Component {
  return { ecosystem: "deb", name, version, purl: `pkg:deb/debian/${name}@${version}?distro=debian-12`, licenses: [], source: source ?? { name, version }, files: 5, filesPresent: 5, partial: false, location: "var/lib/dpkg/status" };
}
function sbomOf(components: Component[], ref = "test:1"): Sbom {
  return { schema: "flaskpack.sbom/1", image: { ref, os: { id: "debian", versionId: "12", codename: "bookworm", pretty: "Debian GNU/Linux 12 (bookworm)" }, layers: 1, files: 100 }, components, unownedFiles: 0, unownedByDir: [], createdAt: new Date().toISOString(), tool: { name: "flaskpack", version: "0" } };
}

test("pip-installed Flask 2.2.2 is affected by PYSEC-2023-62, fixed in 2.2.5 and 2.3.2 (real PyPA data)", () => {
  const db = loadVulnDb(PYPA, new Set(["flask"]));
  const findings = matchPypi(pypi("Flask", "2.2.2"), db.pypi.get("flask")!);
  const f = findings.find((x) => x.id === "PYSEC-2023-62");
  assert.ok(f, findings.map((x) => x.id).join(","));
  assert.deepEqual(f.fixedIn, ["2.2.5", "2.3.2"]);
  assert.equal(f.state, "fixed");
  assert.ok(f.aliases.includes("CVE-2023-30861"));
  assert.equal(matchPypi(pypi("flask", "2.2.5"), db.pypi.get("flask")!).filter((x) => x.id === "PYSEC-2023-62").length, 0);
  assert.equal(matchPypi(pypi("flask", "2.3.1"), db.pypi.get("flask")!).filter((x) => x.id === "PYSEC-2023-62").length, 1);
  assert.equal(matchPypi(pypi("flask", "3.0.0"), db.pypi.get("flask")!).filter((x) => x.id === "PYSEC-2023-62").length, 0);
});

test("OSV ranges: introduced/fixed/last_affected and PEP 503 names", () => {
  const events: Record<string, string>[] = [{ introduced: "1.0" }, { last_affected: "1.4" }, { introduced: "2.0rc1" }, { fixed: "2.1.post1" }];
  const affected = { package: { name: "Some_Pkg", ecosystem: "PyPI" }, ranges: [{ type: "ECOSYSTEM", events }] };
  assert.equal(osvAffects(affected, "0.9"), false);
  assert.equal(osvAffects(affected, "1.4"), true);
  assert.equal(osvAffects(affected, "1.5"), false);
  assert.equal(osvAffects(affected, "2.0"), true);
  assert.equal(osvAffects(affected, "2.1"), true);
  assert.equal(osvAffects(affected, "2.1.post1"), false);
  const rec = { id: "X-1", affected: [affected] };
  assert.equal(matchPypi(pypi("some.pkg", "1.2"), [rec]).length, 1, "some.pkg and Some_Pkg are one project");
});

test("Debian-installed Flask 2.2.2 with the fix backported is not reported; PyPI data is not used for it", () => {
  const db = loadVulnDb(PYPA, new Set(["flask"]));
  db.debian = tracker;
  const debFlask = deb("python3-flask", "2.2.2-3", { name: "flask", version: "2.2.2-3" });
  const distFlask = pypi("Flask", "2.2.2", { installer: "debian", debianPackage: "python3-flask", location: "usr/lib/python3/dist-packages/Flask-2.2.2.egg-info" });
  const report = scanSbom(sbomOf([debFlask, distFlask]), db);
  assert.deepEqual(report.findings.map((f) => f.id), []);
  assert.match(report.notes.join("\n"), /matched through Debian's security data/);
  assert.equal(report.components.find((c) => c.name === "Flask")?.matchedVia, "debian:python3-flask");
  // An older Debian build without the fix is reported, through the tracker, with Debian's fixed version.
  const old = matchDebian(deb("python3-flask", "2.2.2-2", { name: "flask", version: "2.2.2-2" }), tracker, "bookworm");
  assert.deepEqual(old.map((f) => [f.id, f.state, f.fixedIn[0]]), [["CVE-2023-30861", "fixed", "2.2.2-3"]]);
});

test("Debian states: fixed in a later version, no fix yet, will not fix; never-vulnerable entries skipped", () => {
  const werkzeug = matchDebian(deb("python3-werkzeug", "2.2.2-3+deb12u1", { name: "python-werkzeug", version: "2.2.2-3+deb12u1" }), tracker, "bookworm");
  assert.deepEqual(werkzeug.map((f) => [f.id, f.state, f.severity]), [["CVE-2099-0001", "fixed", "high"]]);
  const libc = matchDebian(deb("libc6", "2.36-9+deb12u14", { name: "glibc", version: "2.36-9+deb12u14" }), tracker, "bookworm");
  assert.deepEqual(libc.map((f) => [f.id, f.state]).sort(), [["CVE-2010-4756", "will-not-fix"], ["CVE-2099-0002", "no-fix-yet"]]);
  const zlib = matchDebian(deb("zlib1g", "1:1.2.13.dfsg-1", { name: "zlib", version: "1:1.2.13.dfsg-1" }), tracker, "bookworm");
  assert.equal(zlib[0].state, "will-not-fix");
  assert.match(zlib[0].note ?? "", /ignored/);
  assert.deepEqual(matchDebian(deb("libc6", "2.36-9+deb12u14", { name: "glibc", version: "2.36-9+deb12u14" }), tracker, "trixie"), []);
});

test("CVSS v3 vectors score as FIRST's calculator does", () => {
  assert.equal(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
  assert.equal(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 7.5);
  assert.equal(cvss3BaseScore("CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N"), 2.8);
  assert.equal(cvss3BaseScore("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N"), 3.3);
  assert.equal(cvss3BaseScore("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
  assert.equal(severityFromScore(9.8), "critical");
});

test("diff says which findings went away because the package's files are gone; fail-on; SARIF", () => {
  const db = loadVulnDb(PYPA, new Set(["flask", "werkzeug"]));
  db.debian = tracker;
  const libc = deb("libc6", "2.36-9+deb12u14", { name: "glibc", version: "2.36-9+deb12u14" });
  const original = scanSbom(sbomOf([pypi("Flask", "2.2.2"), pypi("Werkzeug", "2.2.2"), libc], "app:orig"), db, "high");
  const slim = scanSbom(sbomOf([pypi("Flask", "2.2.2"), pypi("Werkzeug", "2.2.3")], "app:slim"), db, "high");
  const diff = diffScans(original, slim);
  assert.ok(diff.removed.some((f) => f.component.name === "libc6" && f.why === "files-removed"));
  assert.ok(diff.removed.some((f) => f.component.name === "Werkzeug" && f.why === "version-changed"));
  assert.ok(original.counts.total > slim.counts.total);
  assert.equal(original.counts.total, original.findings.length);
  assert.equal(original.failed, original.findings.some((f) => f.severity === "critical" || f.severity === "high"));
  const sarif = toSarif(original) as { version: string; runs: { results: { ruleId: string; level: string }[] }[] };
  assert.equal(sarif.version, "2.1.0");
  assert.equal(sarif.runs[0].results.length, original.findings.length);
  assert.ok(sarif.runs[0].results.some((r) => r.ruleId === "PYSEC-2023-62"));
});

test("one issue published as PYSEC and GHSA is reported once, under PyPA's id, with the GHSA's severity", () => {
  const db = loadVulnDb(PYPA, new Set(["flask"]));
  const ghsa: OsvRecord = {
    id: "GHSA-m2qf-hxjv-5gpq",
    aliases: ["CVE-2023-30861"],
    summary: "Flask vulnerable to possible disclosure of permanent session cookie due to missing Vary: Cookie header",
    database_specific: { severity: "HIGH" },
    affected: [{ package: { name: "flask", ecosystem: "PyPI" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "2.3.0" }, { fixed: "2.3.2" }] }, { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.2.5" }] }] }],
  };
  const findings = matchPypi(pypi("Flask", "2.2.2"), [ghsa, ...db.pypi.get("flask")!]);
  const hits = findings.filter((f) => f.id === "PYSEC-2023-62" || f.aliases.includes("GHSA-m2qf-hxjv-5gpq"));
  assert.equal(hits.length, 1);
  assert.equal(hits[0].id, "PYSEC-2023-62");
  assert.equal(hits[0].severity, "high");
  assert.ok(hits[0].aliases.includes("GHSA-m2qf-hxjv-5gpq") && hits[0].aliases.includes("CVE-2023-30861"));
  assert.deepEqual(hits[0].fixedIn, ["2.2.5", "2.3.2"]);
});
