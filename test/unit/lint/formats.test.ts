import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { lint, toSarif, toCheckstyle, toTty } from "../../../src/lint/index.ts";
import { RULES } from "../../../src/lint/rules/index.ts";
import { ROOT } from "../../helpers/cli.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The vendored OASIS schema is draft-04; ajv validates it as draft-07 once `id` is spelled `$id`. */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, "vendor/sarif-2.1.0.json"), "utf8")) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

test("SARIF output of every seed fixture validates against the SARIF 2.1.0 schema", async () => {
  const validate = sarifValidator();
  for (const name of ["seed-000", "seed-002", "seed-003", "seed-004", "unparsable"]) {
    const report = await lint(join(ROOT, "test/fixtures/lint", name));
    const sarif = toSarif(report);
    const ok = validate(sarif);
    assert.ok(ok, `${name}: ${JSON.stringify(validate.errors?.slice(0, 3), null, 2)}`);
    const run = (sarif.runs as { results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { region: { startLine: number } } }[]; partialFingerprints: Record<string, string> }[]; tool: { driver: { rules: { id: string; help: { text: string }; fullDescription: { text: string } }[] } } }[])[0];
    assert.equal(run.results.length, report.findings.length);
    assert.equal(run.tool.driver.rules.length, RULES.length);
    for (const r of run.tool.driver.rules) assert.ok(r.help.text && r.fullDescription.text, `${r.id} lacks help`);
    report.findings.forEach((f, i) => {
      const res = run.results[i];
      assert.equal(res.ruleId, f.ruleId);
      assert.equal(run.tool.driver.rules[res.ruleIndex].id, f.ruleId);
      assert.equal(res.locations[0].physicalLocation.region.startLine, f.line);
    });
    const prints = run.results.map((r) => Object.values(r.partialFingerprints)[0]);
    assert.equal(new Set(prints).size, prints.length, `${name}: fingerprints are not unique`);
  }
});

test("a SARIF log that breaks the schema is rejected, so the validation test can fail", () => {
  const validate = sarifValidator();
  assert.equal(validate({ version: "2.1.0", runs: [{ tool: { driver: {} }, results: [] }] }), false);
  assert.equal(validate({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" }, level: "fatal" }] }] }), false);
});

test("fingerprints stay the same when the offending line moves down", async () => {
  const { lintDockerfileText } = await import("../../../src/lint/index.ts");
  const report = (text: string) => {
    const findings = lintDockerfileText(text);
    return { findings, files: ["Dockerfile"], rules: RULES.length, counts: { error: 0, warning: 0, info: 0 }, notes: [] };
  };
  const fp = (text: string) =>
    ((toSarif(report(text)).runs as { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[])[0].results)
      .filter((r) => r.ruleId === "FP-DF-006")
      .map((r) => Object.values(r.partialFingerprints)[0]);
  const a = fp("FROM python:3.11-slim\nRUN pip install -r requirements.txt\n");
  const b = fp("FROM python:3.11-slim\n# a comment added above\nWORKDIR /app\nRUN pip install -r requirements.txt\n");
  assert.deepEqual(a, b);
  assert.equal(a.length, 1);
});

test("checkstyle groups findings by file with line, column, severity and rule", async () => {
  const report = await lint(join(ROOT, "test/fixtures/lint/seed-003"));
  const xml = toCheckstyle(report);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<checkstyle version="4.3">/);
  assert.match(xml, /<file name="Dockerfile">/);
  assert.match(xml, /<error line="13" column="1" severity="error" message="[^"]*flask run[^"]*" source="flaskpack.FP-FL-001"\/>/);
  assert.equal((xml.match(/<error /g) ?? []).length, report.findings.length);
});

test("tty output shows each finding with its offending line, the fix, and a summary", async () => {
  const report = await lint(join(ROOT, "test/fixtures/lint/seed-003"));
  const text = toTty(report).replace(/\x1b\[[0-9;]*m/g, "");
  assert.match(text, /13:1\s+error\s+FP-FL-001/);
  assert.match(text, /13 │ CMD \[ "python3", "-m" , "flask", "run"/);
  assert.match(text, /fix: CMD \["gunicorn", "--bind", "0.0.0.0:4567", "app:app"\]/);
  assert.match(text, /\d+ errors?, \d+ warnings?, \d+ info$/);
});
