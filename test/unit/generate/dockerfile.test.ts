import { test } from "node:test";
import assert from "node:assert/strict";
import { DockerfileParser } from "dockerfile-ast";
import { planFrom, renderDockerfile, renderDockerignore, renderEnvExample, healthPathFor } from "../../../src/generate/index.ts";
import { parseDockerignore, isIgnored } from "../../../src/engine/context.ts";
import { FlaskpackError } from "../../../src/errors.ts";
import { factoryModel, helloModel } from "./models.ts";

function stages(text: string) {
  const df = DockerfileParser.parse(text);
  const froms = df.getFROMs();
  const instructions = df.getInstructions();
  const final = instructions.filter((i) => i.getRange().start.line > froms[froms.length - 1].getRange().start.line);
  return { df, froms, final, instructions };
}

test("debian mode: two stages FROM the deterministic base tag, non-root numeric user, exec-form gunicorn", () => {
  const plan = planFrom(helloModel());
  assert.match(plan.baseImage, /^flaskpack\/base:[0-9a-f]{12}$/);
  assert.deepEqual(plan.basePackages, ["gunicorn", "python3-flask"]);
  const text = renderDockerfile(plan);
  const { froms, final } = stages(text);
  assert.equal(froms.length, 2);
  assert.equal(froms[0].getImageName() + ":" + froms[0].getImageTag(), plan.baseImage);
  const user = final.find((i) => i.getKeyword() === "USER");
  assert.equal(user?.getArgumentsContent(), "10001:10001");
  const cmd = final.find((i) => i.getKeyword() === "CMD")!;
  const argv = JSON.parse(cmd.getArgumentsContent()!) as string[];
  assert.equal(argv[0], "gunicorn");
  assert.equal(argv[argv.length - 1], "app:app");
  assert.ok(argv.includes("--worker-tmp-dir") && argv[argv.indexOf("--worker-tmp-dir") + 1] === "/dev/shm");
  assert.ok(argv.includes("--access-logfile") && argv.includes("--graceful-timeout"));
  assert.match(text, /PYTHONDONTWRITEBYTECODE=1/);
  assert.match(text, /PYTHONUNBUFFERED=1/);
  assert.match(text, /PORT=5000/);
  assert.match(text, /EXPOSE 5000/);
});

test("the HEALTHCHECK needs only python3, in exec form, on the app's health route", () => {
  const text = renderDockerfile(planFrom(helloModel()));
  const hc = stages(text).final.find((i) => i.getKeyword() === "HEALTHCHECK")!;
  const json = hc.getArgumentsContent()!.replace(/^.*?CMD\s+/s, "");
  const argv = JSON.parse(json) as string[];
  assert.equal(argv[0], "python3");
  assert.match(argv[2], /urllib\.request/);
  assert.match(argv[2], /'\/health'/);
  assert.doesNotMatch(text.split("\n").filter((l) => !l.startsWith("#")).join("\n"), /curl|wget/);
});

test("source is copied after everything dependencies need, so code changes leave them cached", () => {
  for (const deps of ["debian", "pip"] as const) {
    const text = renderDockerfile(planFrom(helloModel(), { deps, base: "python:3.11-slim" }));
    const lines = text.split("\n");
    const sourceCopy = lines.findIndex((l) => /^COPY \. \/app$/.test(l));
    assert.ok(sourceCopy > 0, "copies the source");
    const depLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /pip install|FROM /.test(l));
    for (const [, i] of depLines) assert.ok(i < sourceCopy, `dependency line ${i} before the source copy`);
  }
});

test("pip mode: venv in the builder, copied into a final stage FROM the same base, index from build args", () => {
  const text = renderDockerfile(planFrom(helloModel(), { deps: "pip" }));
  const { froms } = stages(text);
  assert.equal(froms[0].getImage(), "python:3.11-slim");
  assert.equal(froms[1].getImage(), "python:3.11-slim");
  assert.match(text, /ARG PIP_INDEX_URL\nARG PIP_TRUSTED_HOST/);
  assert.match(text, /COPY requirements\.txt \/tmp\/requirements\.txt/);
  assert.match(text, /pip install --no-cache-dir .* -r \/tmp\/requirements\.txt/);
  assert.match(text, /COPY --from=builder \/opt\/venv \/opt\/venv/);
  assert.match(text, /PATH=\/opt\/venv\/bin:\$PATH/);
  assert.doesNotMatch(text, /--require-hashes/);
});

test("pip mode honors hashes and adds gunicorn when the requirements lack it", () => {
  const app = helloModel({
    python: { wanted: "3.12", from: ".python-version" },
    dependencies: [{ name: "flask", normalized: "flask", specifier: "==2.2.2", extras: [], from: "requirements.txt:1", hashes: ["sha256:abc"] }],
  });
  const plan = planFrom(app, { deps: "pip" });
  assert.equal(plan.baseImage, "python:3.12-slim");
  assert.equal(plan.addGunicorn, true);
  const text = renderDockerfile(plan);
  assert.match(text, /--require-hashes -r \/tmp\/requirements\.txt/);
  assert.match(text, /pip install --no-cache-dir --disable-pip-version-check gunicorn/);
});

test("secrets and required variables are runtime variables: never ENV, documented in .env.example", () => {
  const app = factoryModel();
  app.env.push({ name: "DATABASE_URL", required: true, how: "os.environ[]", secret: true });
  const plan = planFrom(app);
  assert.deepEqual(plan.runtimeEnv, ["SECRET_KEY", "DATABASE_URL"]);
  const text = renderDockerfile(plan);
  const envLines = text.split("\n").filter((l) => /^(ENV|    )\w+=/.test(l)).join("\n");
  assert.doesNotMatch(envLines, /SECRET_KEY|DATABASE_URL/);
  assert.match(text, /org\.flaskpack\.runtime-env="SECRET_KEY,DATABASE_URL"/);
  const example = renderEnvExample(plan)!;
  assert.match(example, /^SECRET_KEY=$/m);
  assert.match(example, /^DATABASE_URL=$/m);
  assert.match(example, /required/);
});

test("declared writable paths become app-owned directories; the rest of /app stays root's", () => {
  const plan = planFrom(factoryModel());
  assert.deepEqual(plan.writablePaths, ["/app/instance"]);
  const text = renderDockerfile(plan);
  assert.match(text, /COPY --from=builder --chown=10001:10001 \/writable\/app\/instance \/app\/instance/);
  assert.match(text, /^COPY \. \/app$/m);
  assert.doesNotMatch(text, /COPY --chown=\S+ \. /);
  const sqlite = planFrom(helloModel({ assets: { templates: [], static: [], writablePaths: ["data/app.db", "notes.db"] } }));
  assert.deepEqual(sqlite.writablePaths, ["/app/data"]);
  assert.ok(sqlite.warnings.some((w) => /notes\.db/.test(w)));
});

test("factory entries and the port from .flaskenv reach gunicorn and EXPOSE", () => {
  const text = renderDockerfile(planFrom(factoryModel()));
  assert.match(text, /"blog:create_app\(\)"\]$/m);
  assert.match(text, /EXPOSE 8000/);
  assert.match(text, /PORT=8000/);
});

test("health route: a conventional health endpoint, else the first plain GET route", () => {
  assert.equal(healthPathFor(factoryModel().routes), "/health");
  assert.equal(healthPathFor([{ rule: "/post/<int:id>", methods: ["GET"], endpoint: "x", converters: [{ name: "id", type: "int" }], confidence: "static" }, { rule: "/api/items", methods: ["GET"], endpoint: "y", converters: [], confidence: "static" }]), "/api/items");
  assert.equal(healthPathFor([]), "/");
});

test("no entry point is an error that says how to fix it", () => {
  assert.throws(() => planFrom(helloModel({ entry: null })), (e: unknown) => e instanceof FlaskpackError && e.code === "NO_FLASK_APP" && Boolean(e.fix));
});

test("an unmappable requirement in debian mode points to pip mode", () => {
  const app = helloModel({ dependencies: [{ name: "surely-not-packaged-xyz", normalized: "surely-not-packaged-xyz", specifier: "", extras: [], from: "requirements.txt:1" }] });
  assert.throws(() => planFrom(app), (e: unknown) => e instanceof FlaskpackError && e.code === "UNMAPPED_REQUIREMENT");
  assert.doesNotThrow(() => planFrom(app, { deps: "pip" }));
});

test(".dockerignore keeps venvs, caches, .git, tests, .env and local databases out, but not .env.example or the app", () => {
  const text = renderDockerignore(factoryModel(), { venvs: ["myenv"], present: ["instance"] });
  const rules = parseDockerignore(text);
  for (const p of [".git/HEAD", ".venv/bin/python", "myenv/pyvenv.cfg", "blog/__pycache__/x.pyc", "tests/test_app.py", ".env", ".env.local", "app.db", "instance/config.py", "Dockerfile"]) {
    assert.ok(isIgnored(rules, p), `${p} ignored`);
  }
  for (const p of ["blog/__init__.py", "blog/templates/index.html", "requirements.txt", ".env.example", ".flaskenv"]) {
    assert.ok(!isIgnored(rules, p), `${p} kept`);
  }
});

test(".dockerignore never ignores the project's own top-level package", () => {
  const text = renderDockerignore(helloModel({ localModules: ["build", "app"] }));
  assert.ok(!text.split("\n").includes("build"));
});
