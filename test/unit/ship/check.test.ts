import { test } from "node:test";
import assert from "node:assert/strict";
import { checkOutcome, type CheckInput } from "../../../src/ship/check.ts";

const clean: CheckInput = {
  enabled: true,
  lint: [{ ruleId: "FP-DF-012", severity: "warning", message: "no HEALTHCHECK", file: "Dockerfile", line: 1, snippet: null }],
  routes: [{ method: "GET", path: "/", identical: true, exercised: true, original: { status: 200 }, slim: { status: 200 } }],
  vulns: { image: "slim", findings: [{ id: "PYSEC-1", package: "flask", version: "2.2.2", severity: "medium", fixed: "2.3.2" }] },
  stages: [{ name: "build", status: "ok", seconds: 1 }],
};

test("a clean project passes: warnings below the lint threshold, vulnerabilities below --fail-on", () => {
  assert.deepEqual(checkOutcome({ ...clean, failOn: "high" }), { enabled: true, failOn: "high", lintThreshold: "error", passed: true, reasons: [] });
});

test("vulnerabilities at or above --fail-on fail the check, and name the image", () => {
  const c = checkOutcome({ ...clean, failOn: "medium" });
  assert.equal(c.passed, false);
  assert.deepEqual(c.reasons, ["1 vulnerability at or above medium in the slim image: PYSEC-1"]);
  assert.equal(checkOutcome({ ...clean }).passed, true, "without --fail-on vulnerabilities never fail");
});

test("lint findings at or above the threshold, and route differences, fail the check", () => {
  const c = checkOutcome({
    ...clean,
    lintThreshold: "warning",
    routes: [...clean.routes, { method: "GET", path: "/about", identical: false, exercised: true, original: { status: 200 }, slim: { status: 500 } }],
    stages: [{ name: "verify", status: "failed", seconds: 1, error: { code: "CHECK_FAILED", message: "differs" } }],
  });
  assert.deepEqual(c.reasons, ["1 lint finding at or above warning: FP-DF-012 Dockerfile:1", "1 route differs after slim: GET /about"]);
  assert.equal(checkOutcome({ ...clean, acceptDiff: true, routes: [{ ...clean.routes[0], identical: false }] }).passed, true);
});

test("outside --check only a failed stage fails, and no reasons are listed", () => {
  const c = checkOutcome({ ...clean, enabled: false, failOn: "low", stages: [{ name: "build", status: "failed", seconds: 1, error: { code: "BUILD_FAILED", message: "x" } }] });
  assert.deepEqual([c.passed, c.reasons], [false, []]);
});
