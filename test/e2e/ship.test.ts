import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { copyExample, copyFixtureApp, runCli, ROOT, tempDir, PYPA_DB } from "../helpers/cli.ts";
import { cleanup, testBase } from "../helpers/engine.ts";
import { reportSchema, type ShipReport } from "../../src/report/index.ts";
import { checkReportPage } from "../unit/report/browser.ts";

const DB = PYPA_DB;
const SHOTS = join(ROOT, "test/.tmp");

function validate(report: unknown): void {
  const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  const ok = ajv.compile(reportSchema);
  assert.ok(ok(report), JSON.stringify(ok.errors));
}

function uniqueTag(name: string): { tag: string; images: string[] } {
  const repo = `fp-ship-e2e-${name}-${process.pid}-${Date.now().toString(36)}`;
  return { tag: `${repo}:latest`, images: [`${repo}:latest`, `${repo}.slim:latest`] };
}

for (const example of ["hello", "factory"]) {
  test(`ship examples/${example}: a smaller image that answers every route the same, and a report people can read`, async (t) => {
    const dir = copyExample(example, (fn) => t.after(fn));
    const out = join(tempDir((fn) => t.after(fn)), "out");
    const { tag, images } = uniqueTag(example);
    t.after(() => cleanup([], images));

    const r = await runCli(["ship", dir, "--tag", tag, "--out", out, "--db", DB]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    // The terminal table a user sees.
    assert.match(r.stdout, /size\s+\d+(\.\d)? MB\s+\d+(\.\d)? MB\s+-\d+%/);
    assert.match(r.stdout, /routes verified identical\s+(\d+)\/\1 identical/);
    assert.match(r.stdout, /report: .*report\.html/);

    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as ShipReport;
    validate(report);
    assert.deepEqual(report.stages.filter((s) => s.status === "failed"), []);
    for (const s of ["analyze", "init", "build", "run", "slim", "verify", "sbom", "scan", "report"]) {
      assert.ok(["ok", "cached"].includes(report.stages.find((x) => x.name === s)!.status), `${s}: ${JSON.stringify(report.stages.find((x) => x.name === s))}`);
    }
    assert.ok(report.original && report.slim);
    assert.ok(report.slim.sizeBytes! < report.original.sizeBytes! / 2, `slim ${report.slim.sizeBytes} vs ${report.original.sizeBytes}`);
    assert.ok(report.slim.files! < report.original.files!);
    assert.ok(report.original.packages! > report.slim.packages!);
    assert.ok(report.original.layers!.length >= 2 && report.slim.layers!.length === 1);
    assert.ok(report.original.startupMs! > 0 && report.slim.startupMs! > 0);
    assert.ok(report.original.vulns && report.slim.vulns, "scanned both images");
    const exercised = report.routes.filter((x) => x.exercised);
    assert.ok(exercised.length >= 2 && exercised.every((x) => x.identical), JSON.stringify(report.routes));
    // Every route the app declares without converters was probed on both images.
    const paths = new Set(report.routes.map((x) => x.path));
    for (const p of example === "hello" ? ["/", "/health"] : ["/", "/about", "/health", "/post/1", "/post/1.json"]) assert.ok(paths.has(p), `${p} probed: ${[...paths].join(" ")}`);
    assert.ok(report.generated.some((g) => g.path === "Dockerfile" && /FROM /.test(g.content) && !g.written));
    assert.ok(!existsSync(join(dir, "Dockerfile")), "without --write the project is left as it was");
    // Each stage's result is on disk, for --from.
    for (const s of ["analyze", "init", "build", "run", "slim", "verify", "sbom", "scan"]) assert.ok(existsSync(join(out, "stages", `${s}.json`)), s);

    // The HTML report, as a user opens it.
    mkdirSync(SHOTS, { recursive: true });
    const shot = join(SHOTS, `ship-${example}.png`);
    const page = await checkReportPage(join(out, "report.html"), report, shot);
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(page.externalRequests, []);
    assert.deepEqual(Object.keys(page.charts).sort(), ["chart-dirs-original", "chart-dirs-slim", "chart-layers-original", "chart-layers-slim", "chart-size", "chart-stages", "chart-vulns"]);
    for (const [id, shapes] of Object.entries(page.charts)) assert.ok(shapes > 5, `${id} drew ${shapes} shapes`);
    assert.deepEqual(page.mismatches, []);
    assert.ok(page.metricsChecked >= 15);
    assert.ok(statSync(shot).size > 50_000);

    if (example === "hello") {
      // Warm: same project, nothing changed, every stage reuses its work.
      const started = Date.now();
      const warm = await runCli(["ship", dir, "--tag", tag, "--out", out, "--db", DB, "--json"]);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(warm.code, 0, warm.stderr);
      const again = JSON.parse(warm.stdout) as ShipReport;
      for (const s of ["run", "slim", "verify", "sbom", "scan", "report"]) assert.equal(again.stages.find((x) => x.name === s)!.status, "cached", `${s}: ${JSON.stringify(again.stages)}`);
      assert.equal(again.slim!.sizeBytes, report.slim.sizeBytes);
      assert.ok(seconds < 30, `warm ship took ${seconds} s`);

      // Resume after the slim stage: earlier results come from disk.
      const resumed = await runCli(["ship", dir, "--tag", tag, "--out", out, "--db", DB, "--from", "sbom", "--json"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      const r3 = JSON.parse(resumed.stdout) as ShipReport;
      assert.equal(r3.stages.find((x) => x.name === "build")!.status, "skipped");
      assert.equal(r3.slim!.ref, report.slim.ref);
      assert.deepEqual(r3.routes, report.routes);

      // An image alone: nothing to analyze or build, the rest runs on the image.
      const byImage = await runCli(["ship", "--image", tag, "--skip", "slim,verify,scan", "--out", join(out, "..", "by-image"), "--json"]);
      assert.equal(byImage.code, 0, byImage.stderr);
      const r4 = JSON.parse(byImage.stdout) as ShipReport;
      assert.deepEqual(r4.stages.filter((x) => x.note === "--image").map((x) => x.name), ["analyze", "lint", "init", "build"]);
      assert.equal(r4.stages.find((x) => x.name === "run")!.status, "ok");
      assert.equal(r4.original!.packages, report.original.packages);
      assert.equal(r4.slim, null);
    }
  });
}

test("ship --check fails (exit 3) when a route breaks after slim, and writes nothing into the project", async (t) => {
  const dir = copyExample("factory", (fn) => t.after(fn));
  const before = readdirSync(dir).sort();
  const { tag, images } = uniqueTag("broken");
  t.after(() => cleanup([], images));
  const r = await runCli(["ship", dir, "--tag", tag, "--check", "--skip", "sbom,scan", "--exclude", "/app/blog/templates/about.html", "--json"]);
  const report = JSON.parse(r.stdout) as ShipReport;
  t.after(() => rmSync(report.outDir, { recursive: true, force: true }));
  assert.equal(r.code, 3, r.stderr);
  assert.equal(report.check.passed, false);
  assert.ok(report.check.reasons.some((x) => /route.*differ.*GET \/about/.test(x)), report.check.reasons.join("\n"));
  const about = report.routes.find((x) => x.method === "GET" && x.path === "/about")!;
  assert.equal(about.identical, false);
  assert.equal(about.original.status, 200);
  assert.notEqual(about.slim.status, 200);
  assert.deepEqual(readdirSync(dir).sort(), before, "--check writes nothing into the project");
  assert.ok(!report.outDir.startsWith(dir));
  assert.ok(existsSync(join(report.outDir, "report.html")));
});

test("ship --check on a project with its own Dockerfile: uses it, shows the lint error on its line, exits 3", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  const base = await testBase("flask");
  writeFileSync(
    join(dir, "Dockerfile"),
    [`FROM ${base.tag}`, "WORKDIR /app", "ADD . /app", "USER 10001:10001", "EXPOSE 5000", 'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]', ""].join("\n"),
  );
  const before = readdirSync(dir).sort();
  const { tag, images } = uniqueTag("own");
  t.after(() => cleanup([], images));
  const r = await runCli(["ship", dir, "--tag", tag, "--check", "--skip", "scan", "--json"]);
  const report = JSON.parse(r.stdout) as ShipReport;
  t.after(() => rmSync(report.outDir, { recursive: true, force: true }));
  assert.equal(r.code, 3, r.stderr);
  assert.equal(report.target.usedProjectDockerfile, true);
  assert.equal(report.stages.find((s) => s.name === "lint")!.status, "ok");
  const add = report.lint!.findings.find((f) => f.severity === "error" && f.file === "Dockerfile" && f.line === 3);
  assert.ok(add, JSON.stringify(report.lint!.findings));
  assert.ok(add.snippet!.some((l) => l.line === 3 && l.text === "ADD . /app"));
  assert.ok(report.check.reasons.some((x) => x.includes(add.ruleId)), report.check.reasons.join("\n"));
  // The project's own image was built, run and slimmed like a generated one.
  assert.ok(["ok", "cached"].includes(report.stages.find((s) => s.name === "run")!.status));
  assert.ok(report.slim && report.routes.filter((x) => x.exercised).every((x) => x.identical));
  assert.deepEqual(readdirSync(dir).sort(), before);
});

test("a failed stage stops ship with its diagnosis, and the earlier results stay on disk for --from", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  const out = join(tempDir((fn) => t.after(fn)), "out");
  const base = await testBase("flask");
  writeFileSync(join(dir, "Dockerfile"), [`FROM ${base.tag}`, "WORKDIR /app", "COPY . /app", "RUN python3 -c 'import flask_nonexistent_module'", 'CMD ["gunicorn", "app:app"]', ""].join("\n"));
  const { tag, images } = uniqueTag("fails");
  t.after(() => cleanup([], images));
  const r = await runCli(["ship", dir, "--tag", tag, "--out", out]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /error: the build failed at step 4 .*flask_nonexistent_module/);
  assert.match(r.stdout, /✗build [\d.]+s \(failed\)/, "the partial summary is printed");
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as ShipReport;
  validate(report);
  const build = report.stages.find((s) => s.name === "build")!;
  assert.equal(build.status, "failed");
  assert.equal(build.error!.code, "BUILD_FAILED");
  assert.deepEqual(report.stages.filter((s) => ["run", "slim", "verify", "sbom", "scan"].includes(s.name)).map((s) => s.status), ["skipped", "skipped", "skipped", "skipped", "skipped"]);
  for (const s of ["analyze", "lint", "init"]) assert.ok(existsSync(join(out, "stages", `${s}.json`)), s);
  // Resuming at build reads analyze's result from disk instead of running it again.
  const again = await runCli(["ship", dir, "--tag", tag, "--out", out, "--from", "build", "--json"]);
  assert.equal(again.code, 5);
  const r2 = JSON.parse(again.stdout) as { error: { details: { report: ShipReport } } };
  assert.equal(r2.error.details.report.stages.find((s) => s.name === "analyze")!.note, "--from: result of the earlier run");
  assert.equal(r2.error.details.report.app!.entry, "app:app");
});

test("ship an app that needs SECRET_KEY at import: without it the run stage names the variable; the project's .env or -e feed run, slim and verify", async (t) => {
  const dir = copyFixtureApp("required-env", (fn) => t.after(fn));
  const { tag, images } = uniqueTag("reqenv");
  t.after(() => cleanup([], images));
  const without = await runCli(["ship", dir, "--tag", tag, "--skip", "sbom,scan"]);
  assert.notEqual(without.code, 0);
  assert.match(without.stderr, /required environment variable SECRET_KEY is not set/);
  assert.match(without.stderr, /-e SECRET_KEY=\.\.\. \(flaskpack run, ship\)/);
  writeFileSync(join(dir, ".env"), "SECRET_KEY=from-the-env-file\n");
  const withFile = await runCli(["ship", dir, "--tag", tag, "--skip", "sbom,scan", "--json"]);
  assert.equal(withFile.code, 0, withFile.stderr);
  const report = JSON.parse(withFile.stdout) as ShipReport;
  assert.ok(report.routes.length > 0 && report.routes.every((r) => r.identical !== false), JSON.stringify(report.routes));
  // -e wins over the file, and the file is not required: the run stage sees the new value (its saved result is not reused).
  rmSync(join(dir, ".env"));
  const withFlag = await runCli(["ship", dir, "--tag", tag, "--skip", "slim,verify,sbom,scan", "-e", "SECRET_KEY=from-the-flag"]);
  assert.equal(withFlag.code, 0, withFlag.stderr);
  assert.match(withFlag.stdout + withFlag.stderr, /✓ run/);
});

test("ship examples/pg-api (Postgres, DATABASE_URL required): ship runs a database for run, slim and verify, and removes it", async (t) => {
  const dir = copyExample("pg-api", (fn) => t.after(fn));
  const { tag, images } = uniqueTag("pgapi");
  t.after(() => cleanup([], images));
  const r = await runCli(["ship", dir, "--tag", tag, "--skip", "sbom,scan", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as ShipReport;
  assert.match(JSON.stringify(report.stages), /with postgres for DATABASE_URL/);
  // The database routes really ran against Postgres, on both images, with the same answers.
  const notes = report.routes.find((x) => x.path === "/notes" && x.method === "GET");
  assert.ok(notes?.identical === true && notes.original.status === 200 && notes.slim.status === 200, JSON.stringify(report.routes));
  assert.ok((report.slim?.sizeBytes ?? Infinity) < (report.original?.sizeBytes ?? 0));
  // Nothing left behind: no database container, no network.
  const d = await (await import("../helpers/engine.ts")).docker();
  assert.deepEqual(await d.listContainers({ all: true, filters: { label: ["org.flaskpack.ship"] } }), []);
  assert.deepEqual(await d.listNetworks({ filters: { label: ["org.flaskpack.ship"] } }), []);
});

test("ship a Flask-SQLAlchemy app whose schema comes from Flask-Migrate: the database ship starts is migrated before the app runs", async (t) => {
  const dir = copyFixtureApp("pg-migrate", (fn) => t.after(fn));
  const { tag, images } = uniqueTag("pgmigrate");
  t.after(() => cleanup([], images));
  const r = await runCli(["ship", dir, "--tag", tag, "--skip", "sbom,scan", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as ShipReport;
  assert.match(JSON.stringify(report.stages), /migrated with flask db upgrade/);
  const notes = report.routes.find((x) => x.path === "/notes" && x.method === "GET");
  assert.ok(notes?.identical === true && notes.original.status === 200 && notes.slim.status === 200, JSON.stringify(report.routes));
});
