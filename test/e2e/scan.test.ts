/**
 * scan for real: a pip-installed Flask 2.2.2 (wheels made from Debian's own packages, served by a local index),
 * Debian's Flask 2.2.2 with the fix backported, and the hello example before and after `slim`. OSV data is the
 * real PyPA advisory snapshot; Debian tracker data is a fixture in the tracker's published JSON format.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli, tempDir, PYPA_DB } from "../helpers/cli.ts";
import { cleanup, testBase } from "../helpers/engine.ts";
import { buildWheelhouse, serveIndex } from "../helpers/wheelhouse.ts";
import type { ScanReport, ScanDiff } from "../../src/scan/index.ts";
import type { Sbom } from "../../src/sbom/model.ts";
import { assertMatchesImage } from "../fixtures/sbom/image-truth.ts";

const PYPA = PYPA_DB;
const PIP_IMAGE = `fp-sbom-scan-pip:${process.pid}`;
const SLIM_IMAGE = `fp-sbom-scan-pip-slim:${process.pid}`;
const cleanups: (() => void)[] = [];
after(async () => {
  for (const fn of cleanups) fn();
  await cleanup([], [PIP_IMAGE, SLIM_IMAGE]);
});

/** A data directory like `db update` leaves, but with the PyPA YAML records and the tracker fixture. */
let DB = "";
before(async () => {
  DB = join(tempDir((fn) => cleanups.push(fn)), "db");
  mkdirSync(DB);
  symlinkSync(join(PYPA, "vulns"), join(DB, "vulns"));
  copyFileSync(join(ROOT, "test/fixtures/scan/debian-tracker.json"), join(DB, "debian-tracker.json"));
});

let pipImage: Promise<void> | undefined;
function buildPipHello(): Promise<void> {
  pipImage ??= (async () => {
    const house = await buildWheelhouse();
    const index = await serveIndex(house.dir);
    try {
      const base = await testBase("pip");
      const r = await runCli(["build", join(ROOT, "examples/hello"), "--deps", "pip", "--base", base.tag, "-t", PIP_IMAGE, "--build-arg", `PIP_INDEX_URL=${index.url}`, "--build-arg", `PIP_TRUSTED_HOST=${index.host}`, "--json"], { timeoutMs: 600_000 });
      assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    } finally {
      await index.close();
    }
  })();
  return pipImage;
}

async function scanJson(args: string[]): Promise<{ code: number; report: ScanReport; stderr: string }> {
  const r = await runCli(["scan", ...args, "--json"]);
  return { code: r.code, report: JSON.parse(r.stdout) as ScanReport, stderr: r.stderr };
}

test("pip-installed Flask 2.2.2 (venv listed as importlib.metadata sees it) is reported with PYSEC-2023-62, fixed in 2.2.5 and 2.3.2; --fail-on high fails; SARIF", async () => {
  await buildPipHello();
  const listed = await runCli(["sbom", PIP_IMAGE, "--json"]);
  await assertMatchesImage(PIP_IMAGE, JSON.parse(listed.stdout) as Sbom);
  const { code, report } = await scanJson([PIP_IMAGE, "--db", DB]);
  assert.equal(code, 0);
  const f = report.findings.find((x) => x.id === "PYSEC-2023-62");
  assert.ok(f, report.findings.map((x) => x.id).join(", "));
  assert.equal(f.component.name, "Flask");
  assert.equal(f.component.version, "2.2.2");
  assert.match(f.component.location, /^opt\/venv\/lib\/python3\.11\/site-packages\/flask-2\.2\.2\.dist-info$/i);
  assert.deepEqual(f.fixedIn, ["2.2.5", "2.3.2"]);
  assert.ok(f.aliases.includes("CVE-2023-30861"));
  assert.equal(report.counts.total, report.findings.length);
  assert.ok(report.db.sources.some((s) => s.name === "osv-pypi" && s.records > 2000 && typeof s.ageDays === "number"));

  const failing = await runCli(["scan", PIP_IMAGE, "--db", DB, "--fail-on", "high"]);
  assert.equal(failing.code, 3, "Werkzeug 2.2.2 has a high-severity advisory (PYSEC-2023-221, CVSS 7.5)");
  assert.match(failing.stdout, /PYSEC-2023-221 .*Werkzeug 2\.2\.2/);
  assert.match(failing.stdout, /\d+ vulnerabilities \(\d+ critical, \d+ high/);
  assert.match(failing.stdout, /data: osv-pypi \d+ days old/);

  const sarif = JSON.parse((await runCli(["scan", PIP_IMAGE, "--db", DB, "--sarif"])).stdout);
  assert.equal(sarif.version, "2.1.0");
  assert.ok(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === "PYSEC-2023-62"));
});

test("Debian's Flask 2.2.2 with the fix backported is not reported; Debian packages get tracker states", async () => {
  const base = await testBase("flask");
  const { report } = await scanJson([base.tag, "--db", DB]);
  const flaskFindings = report.findings.filter((f) => /flask/i.test(f.component.name));
  assert.deepEqual(flaskFindings, [], "python3-flask 2.2.2-3 carries the fix for CVE-2023-30861");
  const dist = report.components.find((c) => c.ecosystem === "pypi" && c.name === "Flask");
  assert.equal(dist?.matchedVia, "debian:python3-flask");
  assert.match(report.notes.join("\n"), /matched through Debian's security data/);
  assert.equal(report.target.release, "bookworm");
  const libc = report.findings.filter((f) => f.component.name === "libc6").map((f) => [f.id, f.state]).sort();
  assert.deepEqual(libc, [["CVE-2010-4756", "will-not-fix"], ["CVE-2099-0002", "no-fix-yet"]]);
  assert.ok(!report.findings.some((f) => f.id === "CVE-2023-31484"), "perl is newer than Debian's fixed version");
});

test("original vs slim of hello: counts before and after, and the findings removed because their files are gone", async (t) => {
  await buildPipHello();
  const profiles = tempDir((fn) => t.after(fn));
  const slimmed = await runCli(["slim", PIP_IMAGE, "-t", SLIM_IMAGE, "--profiles-dir", profiles, "--json"], { timeoutMs: 600_000 });
  assert.equal(slimmed.code, 0, slimmed.stderr.slice(-3000));
  const r = await runCli(["scan", PIP_IMAGE, "--diff", SLIM_IMAGE, "--db", DB, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const { a, b, diff } = JSON.parse(r.stdout) as { a: ScanReport; b: ScanReport; diff: ScanDiff };
  assert.ok(a.counts.total > b.counts.total, `${a.counts.total} → ${b.counts.total}`);
  assert.equal(diff.removed.length, a.counts.total - b.counts.total + diff.added.length);
  const gone = new Set(diff.removed.filter((f) => f.why === "files-removed").map((f) => `${f.id} ${f.component.name}`));
  assert.ok(gone.has("CVE-2005-2541 tar") && gone.has("CVE-2016-2781 coreutils"), [...gone].join(", "));
  const left = new Set(b.components.map((c) => `${c.ecosystem} ${c.name}`));
  for (const f of diff.removed.filter((x) => x.why === "files-removed")) assert.ok(!left.has(`${f.component.ecosystem} ${f.component.name}`), `${f.component.name} is gone from the slim SBOM`);
  assert.ok(b.findings.some((f) => f.id === "PYSEC-2023-62"), "Flask is still there, and so is its advisory");
  assert.equal(b.target.release, "bookworm", "release from base-files when slim drops os-release");

  const text = await runCli(["scan", PIP_IMAGE, "--diff", SLIM_IMAGE, "--db", DB]);
  assert.match(text.stdout, new RegExp(`${PIP_IMAGE.replace(/[.:]/g, "\\$&")}: \\d+ findings`));
  assert.match(text.stdout, /\d+ removed, \d+ added, \d+ kept/);
  assert.match(text.stdout, /CVE-2005-2541\s+tar 1\.34\S*\s+package files removed/);
});

test("scan without data says how to get it; a bad --fail-on is refused", async (t) => {
  const empty = join(tempDir((fn) => t.after(fn)), "none");
  const r = await runCli(["scan", join(ROOT, "package.json"), "--db", empty]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /neither a flaskpack SBOM nor a CycloneDX document/);
  const base = await testBase("flask");
  const nodata = await runCli(["scan", base.tag, "--db", empty]);
  assert.equal(nodata.code, 2);
  assert.match(nodata.stderr, /no vulnerability data at .*none/);
  assert.match(nodata.stderr, /flaskpack db update/);
  const bad = await runCli(["scan", base.tag, "--fail-on", "severe"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on takes critical, high, medium or low/);
});
