import { test } from "node:test";
import assert from "node:assert/strict";
import Ajv from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { comparisonRows, dirTree, renderHtml, renderTerminal, reportSchema, countVulns, severityAtLeast } from "../../../src/report/index.ts";
import { sampleReport } from "./fixture.ts";

test("report.json schema accepts a full report and rejects a made-up stage", () => {
  const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  const validate = ajv.compile(reportSchema);
  assert.ok(validate(JSON.parse(JSON.stringify(sampleReport()))), JSON.stringify(validate.errors));
  const bad = sampleReport() as unknown as { stages: { name: string }[] };
  bad.stages[0].name = "deploy";
  assert.equal(validate(bad), false);
});

test("terminal table compares original and slim and lists lint findings and next steps", () => {
  const text = renderTerminal(sampleReport());
  const size = text.split("\n").find((l) => l.startsWith("size"))!;
  assert.match(size, /98\.2 MB\s+31\.0 MB\s+-68%/);
  assert.match(text, /vulnerabilities\s+5\s+2\s+-60%/);
  assert.match(text, /routes verified identical\s+1\/2 identical/);
  assert.match(text, /GET \/health: original 200, slim 500/);
  assert.match(text, /FP-DF-001\s+Dockerfile:2/);
  assert.match(text, /check failed/);
  assert.match(text, /flaskpack run hello:slim/);
});

test("a number nobody measured shows as n/a, not zero", () => {
  const r = sampleReport();
  r.slim!.packages = null;
  const row = comparisonRows(r).find((x) => x.key === "packages")!;
  assert.equal(row.slim, null);
  assert.match(renderTerminal(r), /packages\s+61\s+n\/a/);
});

test("report.html is self-contained: no external resources, data escaped, every metric carries its value", () => {
  const html = renderHtml(sampleReport());
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=["']?https?:/i);
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3, "only the three closing tags of our own scripts");
  assert.doesNotMatch(html, /runs as root <script>/);
  assert.match(html, /data-metric="sizeBytes" data-side="original" data-value="98200000">98\.2 MB</);
  for (const id of ["chart-size", "chart-vulns", "chart-layers-original", "chart-layers-slim", "chart-dirs-original", "chart-dirs-slim", "chart-stages"]) {
    assert.match(html, new RegExp(`id="${id}"`));
  }
});

test("dirTree keeps the largest directories and folds the rest", () => {
  const files = Array.from({ length: 12 }, (_, i) => ({ path: `/d${i}/f`, size: (i + 1) * 10 }));
  const tree = dirTree(files, { keep: 3 });
  assert.equal(tree.sizeBytes, 780);
  assert.deepEqual(tree.children!.map((c) => c.name), ["d11", "d10", "d9", "…"]);
  assert.equal(tree.children![3].sizeBytes, 780 - 120 - 110 - 100);
});

test("vulnerability counts and thresholds", () => {
  const c = countVulns([{ id: "a", package: "p", version: "1", severity: "high", fixed: null }, { id: "b", package: "p", version: "1", severity: "low", fixed: null }]);
  assert.deepEqual(c, { total: 2, critical: 0, high: 1, medium: 0, low: 1, unknown: 0 });
  assert.ok(severityAtLeast("critical", "high"));
  assert.ok(!severityAtLeast("medium", "high"));
  assert.ok(!severityAtLeast("unknown", "low"));
});

test("report.html renders every chart in headless Chromium, offline, with the numbers of report.json", async (t) => {
  const { mkdtempSync, writeFileSync, rmSync, statSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const { checkReportPage } = await import("./browser.ts");
  const dir = mkdtempSync(join(tmpdir(), "fp-report-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const report = sampleReport();
  writeFileSync(join(dir, "report.html"), renderHtml(report));
  const shot = join(dir, "report.png");
  const page = await checkReportPage(join(dir, "report.html"), report, shot);
  assert.deepEqual(page.consoleErrors, []);
  assert.deepEqual(page.externalRequests, []);
  assert.deepEqual(Object.keys(page.charts).sort(), ["chart-dirs-original", "chart-dirs-slim", "chart-layers-original", "chart-layers-slim", "chart-size", "chart-stages", "chart-vulns"]);
  for (const [id, shapes] of Object.entries(page.charts)) assert.ok(shapes > 3, `${id} drew ${shapes} shapes`);
  assert.deepEqual(page.mismatches, []);
  assert.ok(page.metricsChecked >= 10);
  assert.ok(statSync(shot).size > 10_000);
});
