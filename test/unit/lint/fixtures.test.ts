import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { lint } from "../../../src/lint/index.ts";
import { ROOT } from "../../helpers/cli.ts";

const FIXTURES = join(ROOT, "test/fixtures/lint");

/** "file:line RULE" for every finding, so each expectation names a rule and the line it must point at. */
async function found(name: string): Promise<Set<string>> {
  const report = await lint(join(FIXTURES, name));
  return new Set(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`));
}

function expectAll(got: Set<string>, expected: string[]) {
  const missing = expected.filter((e) => !got.has(e));
  assert.deepEqual(missing, [], `missing findings; got:\n${[...got].join("\n")}`);
}

test("seed 000, a layered chain of images: unpinned and latest parents, apt and pip habits, ADD, shell-form dev server", async () => {
  const got = await found("seed-000");
  expectAll(got, [
    "base.Dockerfile:3 FP-DF-005",
    "base.Dockerfile:4 FP-DF-003",
    "base.Dockerfile:4 FP-DF-004",
    "base.Dockerfile:5 FP-DF-006",
    "base.Dockerfile:5 FP-DF-007",
    "deps.Dockerfile:2 FP-DF-001",
    "deps.Dockerfile:5 FP-DF-006",
    "app.Dockerfile:2 FP-DF-002",
    "app.Dockerfile:3 FP-DF-008",
    "app.Dockerfile:6 FP-DF-009",
    "app.Dockerfile:6 FP-FL-002",
    "app.Dockerfile:2 FP-DF-011",
    "app.Dockerfile:2 FP-DF-012",
  ]);
  assert.ok(!got.has("deps.Dockerfile:5 FP-FL-009"), "requirements are copied alone in deps.Dockerfile");
});

test("seed 002, python:alpine with ENTRYPOINT [python] + CMD [app.py]: floating tag, alpine, dev server with debug", async () => {
  const got = await found("seed-002");
  expectAll(got, [
    "Dockerfile:1 FP-DF-001",
    "Dockerfile:1 FP-DF-034",
    "Dockerfile:1 FP-DF-011",
    "Dockerfile:1 FP-DF-012",
    "Dockerfile:4 FP-DF-006",
    "Dockerfile:4 FP-FL-009",
    "Dockerfile:7 FP-FL-002",
    "Dockerfile:7 FP-FL-004",
  ]);
});

test("seed 003, `python3 -m flask run` with FLASK_ENV=development: dev server and debug env, requirements copied first", async () => {
  const got = await found("seed-003");
  expectAll(got, ["Dockerfile:6 FP-DF-006", "Dockerfile:10 FP-FL-003", "Dockerfile:13 FP-FL-001", "Dockerfile:1 FP-DF-011", "Dockerfile:1 FP-DF-012"]);
  assert.ok(![...got].some((g) => g.endsWith("FP-FL-009")), "seed 003 copies requirements.txt before the source");
  assert.ok(![...got].some((g) => g.endsWith("FP-FL-008")), "--host=0.0.0.0 is given");
});

test("seed 004, single stage: COPY . . before pip install, root, no healthcheck, .env in the context, EXPOSE ≠ bind", async () => {
  const got = await found("seed-004");
  expectAll(got, [
    "Dockerfile:4 FP-FL-009",
    "Dockerfile:4 FP-DF-006",
    "Dockerfile:1 FP-DF-011",
    "Dockerfile:1 FP-DF-012",
    "Dockerfile:5 FP-FL-006",
    "Dockerfile:1 FP-CTX-001",
    "Dockerfile:1 FP-CTX-003",
  ]);
});

test("unparsable lines (a typo and binary junk) are reported with their position and the rest is still linted", async () => {
  const report = await lint(join(FIXTURES, "unparsable"));
  const got = new Set(report.findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`));
  expectAll(got, ["3:1 FP-DF-000", "5:1 FP-DF-000", "4:1 FP-DF-006", "4:1 FP-DF-007"]);
  assert.ok(!got.has("1:1 FP-DF-011"), "USER after the junk line is still read");
  assert.match(report.notes.join("\n"), /Flask-aware rules .* skipped/);
});
