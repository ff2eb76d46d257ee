import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runCli, tempDir, copyExample, ROOT } from "../helpers/cli.ts";
import { init } from "../../src/generate/index.ts";

const FIXTURES = join(ROOT, "test/fixtures/lint");

test("flaskpack lint on seed 003 prints grouped findings with the offending line and exits 3", async () => {
  const r = await runCli(["lint", join(FIXTURES, "seed-003")]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /^Dockerfile$/m);
  assert.match(r.stdout, /13:1\s+error\s+FP-FL-001\s+the image runs `flask run`/);
  assert.match(r.stdout, /13 │ CMD \[ "python3", "-m" , "flask", "run", "--host=0.0.0.0", "--port=4567"\]/);
  assert.match(r.stdout, /10:5\s+error\s+FP-FL-003/);
  assert.match(r.stdout, /2 errors/);
});

test("--fail-on sets the threshold: warnings fail with --fail-on warning, pass with the default", async (t) => {
  const dir = tempDir((fn) => t.after(fn), "fp-lint-e2e-");
  writeFileSync(join(dir, "Dockerfile"), "FROM python:3.11-slim\nRUN useradd -u 10001 app\nUSER 10001\nHEALTHCHECK CMD python3 -c 'print(1)'\nCMD [\"python3\", \"-m\", \"http.server\"]\n");
  writeFileSync(join(dir, ".dockerignore"), ".git\n");
  writeFileSync(join(dir, ".flaskpack.yaml"), "lint:\n  severity:\n    FP-DF-033: warning\n");
  writeFileSync(join(dir, "compose.yaml"), "services:\n  web:\n    build: .\n    ports: [\"8000:8000\"]\n");
  const byDefault = await runCli(["lint", dir, "--json"]);
  const report = JSON.parse(byDefault.stdout) as { findings: { ruleId: string; severity: string; file: string; line: number }[]; counts: { error: number; warning: number } };
  assert.equal(report.counts.error, 0, byDefault.stdout);
  assert.ok(report.findings.some((f) => f.ruleId === "FP-CO-007" && f.file === "compose.yaml" && f.line === 4));
  assert.equal(byDefault.code, 0);
  const strict = await runCli(["lint", dir, "--fail-on", "warning", "--format", "json"]);
  assert.equal(strict.code, 3);
});

test("--format sarif writes a SARIF 2.1.0 log; --format checkstyle writes XML", async () => {
  const sarif = await runCli(["lint", join(FIXTURES, "seed-002"), "--format", "sarif"]);
  assert.equal(sarif.code, 3);
  const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  assert.equal(log.version, "2.1.0");
  const devServer = log.runs[0].results.find((r) => r.ruleId === "FP-FL-002");
  assert.equal(devServer?.locations[0].physicalLocation.artifactLocation.uri, "test/fixtures/lint/seed-002/Dockerfile", "URIs are relative to where lint runs (the repository root)");
  const xml = await runCli(["lint", join(FIXTURES, "seed-002"), "--format", "checkstyle"]);
  assert.match(xml.stdout, /<error line="7" column="1" severity="error" message="[^"]*" source="flaskpack.FP-FL-002"\/>/);
});

test("bad input: a missing directory, an unknown format and a missing --dockerfile exit 2 with the cause, no stack trace", async () => {
  const missing = await runCli(["lint", "/nonexistent/fp-lint"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: \/nonexistent\/fp-lint does not exist/);
  assert.doesNotMatch(missing.stderr, /at .*\.ts:\d+/);
  const format = await runCli(["lint", join(FIXTURES, "seed-003"), "--format", "html"]);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /unknown format html/);
  const df = await runCli(["lint", join(FIXTURES, "seed-003"), "--dockerfile", "Dockerfile.nope"]);
  assert.equal(df.code, 2);
  assert.match(df.stderr, /Dockerfile\.nope does not exist/);
});

test("a Dockerfile full of binary junk is linted without crashing: unparsable lines named with their position", async () => {
  const r = await runCli(["lint", join(FIXTURES, "unparsable"), "--json"]);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; message: string }[] };
  assert.deepEqual(report.findings.filter((f) => f.ruleId === "FP-DF-000").map((f) => f.line), [3, 5]);
  assert.ok(report.findings.some((f) => f.ruleId === "FP-DF-007" && f.line === 4), "lines after the junk are still linted");
});

test("--fix rewrites a copy of seed 002 and prints the diff; the fixed findings are gone", async (t) => {
  const dir = join(tempDir((fn) => t.after(fn), "fp-lint-e2e-"), "seed-002");
  cpSync(join(FIXTURES, "seed-002"), dir, { recursive: true });
  const r = await runCli(["lint", dir, "--fix"]);
  assert.match(r.stdout, /^-RUN pip install -r requirements.txt$/m);
  assert.match(r.stdout, /^\+RUN pip install --no-cache-dir -r requirements.txt$/m);
  assert.match(r.stdout, /^\+\+\+ b\/\.dockerignore$/m);
  assert.match(readFileSync(join(dir, "Dockerfile"), "utf8"), /pip install --no-cache-dir -r requirements.txt/);
  assert.match(readFileSync(join(dir, ".dockerignore"), "utf8"), /^\.git$/m);
  const after = await runCli(["lint", dir, "--json"]);
  const ids = (JSON.parse(after.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
  assert.ok(!ids.includes("FP-DF-006") && !ids.includes("FP-CTX-001"));
  assert.ok(ids.includes("FP-FL-002"), "the dev server is not a mechanical fix");
  assert.equal(after.code, 3);
});

for (const [example, deps] of ["hello", "api-port", "factory", "pg-api"].flatMap((e) => [[e, "debian"], [e, "pip"]] as const)) {
  test(`flaskpack's own generated Dockerfile, .dockerignore and compose file for ${example} (${deps} dependencies) lint clean`, async (t) => {
    const dir = copyExample(example, (fn) => t.after(fn));
    const generated = await init(dir, { dryRun: true, ensureBase: false, deps });
    for (const f of generated.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const r = await runCli(["lint", dir, "--fail-on", "info", "--json"]);
    const report = JSON.parse(r.stdout) as { findings: unknown[]; files: string[]; notes: string[] };
    assert.deepEqual(report.findings, [], `${example}: ${r.stdout}`);
    assert.equal(r.code, 0);
    assert.ok(report.files.includes("Dockerfile") && report.files.includes(".dockerignore"));
    if (example === "pg-api") assert.ok(report.files.includes("compose.yaml"), "pg-api gets a compose file");
    assert.deepEqual(report.notes, [], "analyze found the app, so Flask-aware rules ran");
  });
}
