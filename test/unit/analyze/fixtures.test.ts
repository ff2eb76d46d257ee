import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyze } from "../../../src/analyze/index.ts";
import type { AppModel } from "../../../src/analyze/model.ts";
import { ROOT, tempDir } from "../../helpers/cli.ts";

const FIX = join(ROOT, "test/fixtures/analyze");
const run = (name: string) => analyze(join(FIX, name));
const rules = (m: AppModel) => m.routes.map((r) => `${r.methods.join(",")} ${r.rule} ${r.endpoint}`);

test("factory with arguments: wsgi.py's create_app('production') call is the entry, the bare factory an alternative", async () => {
  const m = await run("factory-args");
  assert.equal(m.entry?.target, "wsgi:app");
  assert.equal(m.entry?.reason, "factory call assignment");
  assert.deepEqual(m.alternatives.map((a) => a.target), ['myapp:create_app("production")']);
  assert.equal(m.alternatives[0].kind, "factory");
  assert.equal(m.alternatives[0].factoryArgs, '"production"');
  assert.deepEqual(rules(m), ["GET /ping ping", "GET /static/<path:filename> static"]);
  assert.deepEqual(m.dependencies.map((d) => `${d.normalized}${d.specifier}`), ["flask==3.0.3", "gunicorn==22.0.0"]);
});

test("nested blueprints: prefixes join and endpoints nest as Flask names them", async () => {
  const m = await run("nested-blueprints");
  assert.equal(m.entry?.target, "shop:make_app()");
  assert.deepEqual(rules(m), [
    "GET,DELETE /api/v1/items/<int:item_id> api.v1.item",
    "POST /api/v1/items api.v1.create",
    "GET /static/<path:filename> static",
  ]);
  assert.deepEqual(m.routes[0].converters, [{ name: "item_id", type: "int" }]);
  assert.equal(m.routes[0].blueprint, "api.v1");
  assert.deepEqual(m.routes[0].source, { file: "shop/api/v1.py", line: 5 });
});

test("url_prefix at register_blueprint wins over the blueprint's own; custom static folder and url path", async () => {
  const m = await run("url-prefix-register");
  assert.deepEqual(rules(m), [
    "GET /admin/ admin.dashboard",
    "GET /admin/users/<uuid:user_id>/files/<path:name> admin.user_file",
    "GET /assets/<path:filename> static",
  ]);
  assert.deepEqual(m.routes[1].converters, [{ name: "user_id", type: "uuid" }, { name: "name", type: "path" }]);
  assert.deepEqual(m.staticRoute, { urlPath: "/assets", folder: "public", files: ["logo.svg"] });
  assert.deepEqual(m.assets.static, ["public"]);
});

test("MethodView: add_url_rule with as_view takes the endpoint from as_view and the methods from the class", async () => {
  const m = await run("methodview");
  assert.deepEqual(rules(m), [
    "GET,POST /items/ item_list",
    "GET,POST,DELETE /items/<int:item_id> item_detail",
    "GET /healthz health",
    "GET /static/<path:filename> static",
  ]);
});

test("pyproject PEP 621 in a src layout: chdir src, requires-python, dependency groups are dev-only, services", async () => {
  const m = await run("pyproject-pep621");
  assert.equal(m.entry?.target, "notes:create_app()");
  assert.equal(m.entry?.chdir, "src");
  assert.deepEqual(m.python, { provided: "3.11", wanted: ">=3.10", from: "pyproject.toml", satisfied: true });
  const flask = m.dependencies.find((d) => d.normalized === "flask")!;
  assert.deepEqual([flask.specifier, flask.extras], [">=3.0", ["async"]]);
  assert.equal(m.dependencies.find((d) => d.normalized === "redis")?.marker, "python_version >= '3.8'");
  assert.deepEqual(m.devDependencies?.map((d) => d.normalized), ["pytest"]);
  assert.deepEqual(m.undeclaredImports, []);
  assert.deepEqual(m.services.map((s) => s.kind).sort(), ["redis", "sqlite"]);
  assert.deepEqual(m.assets.writablePaths, ["notes.db"]);
  assert.deepEqual(m.env.map((e) => [e.name, e.default, e.secret]), [["DATABASE_URL", "sqlite:///notes.db", true]]);
});

test("Poetry: caret/tilde become PEP 440, poetry.lock pins, dev group kept apart, psycopg2 → postgres", async () => {
  const m = await run("poetry");
  assert.equal(m.entry?.target, "poet.app:app");
  assert.deepEqual(
    m.dependencies.map((d) => [d.normalized, d.specifier, d.locked ?? ""]),
    [["flask", ">=3.0.0,<4.0", "3.0.3"], ["psycopg2-binary", ">=2.9,<2.10", "2.9.9"], ["requests", "==2.31.0", "2.31.0"]],
  );
  assert.deepEqual(m.dependencies[2].extras, ["socks"]);
  assert.equal(m.python.wanted, ">=3.11,<4.0");
  assert.deepEqual(m.services.map((s) => [s.kind, s.evidence]), [["postgres", "import psycopg2"]]);
  assert.deepEqual(m.unusedDependencies, ["requests"]);
});

test("Pipfile and Pipfile.lock: packages, dev-packages, python_version, locked versions and hashes", async () => {
  const m = await run("pipfile");
  assert.deepEqual(m.dependencies.map((d) => [d.normalized, d.specifier, d.locked ?? ""]), [
    ["flask", "==3.0.3", "3.0.3"], ["gunicorn", "", "22.0.0"], ["python-dotenv", ">=1.0", ""],
  ]);
  assert.deepEqual(m.dependencies[0].hashes, ["sha256:abc"]);
  assert.deepEqual(m.python, { provided: "3.11", wanted: "3.12", from: "Pipfile", satisfied: false });
  assert.deepEqual(m.server.declared, ["gunicorn"]);
});

test(".flaskenv FLASK_APP=module:factory names the entry; FLASK_RUN_PORT the port; FLASK_DEBUG is a debug risk", async () => {
  const m = await run("flaskenv-module");
  assert.equal(m.entry?.target, "portal.web:build()");
  assert.match(m.entry!.reason, /FLASK_APP in \.flaskenv/);
  assert.deepEqual([m.port.value, m.port.from], [7000, "FLASK_RUN_PORT in .flaskenv"]);
  assert.deepEqual(m.assets.templates, ["portal/tmpl"]);
  assert.deepEqual(m.debugRisks.map((d) => [d.id, d.source?.file]), [["debug-true", ".flaskenv"]]);
});

test("hard-coded secrets in source and in .env are reported with file:line, secret env values never echoed", async () => {
  const m = await run("hardcoded-secret");
  assert.deepEqual(m.secrets.map((s) => `${s.id} ${s.source?.file}:${s.source?.line}`), [
    "secret-hardcoded app.py:4",
    "secret-hardcoded app.py:5",
    "secret-in-url app.py:6",
    "secret-hardcoded app.py:7",
    "secret-in-dotenv .env:1",
    "secret-in-dotenv .env:2",
  ]);
  const env = Object.fromEntries(m.env.map((e) => [e.name, e]));
  assert.equal(env.SECRET_KEY.secret, true);
  assert.equal(env.SECRET_KEY.default, undefined);
  assert.equal(env.LOG_LEVEL.default, "info");
  assert.equal(JSON.stringify(m).includes("ghp_xyz"), false);
  assert.deepEqual(m.services.map((s) => s.kind), ["postgres"]);
});

test("imported but not declared, declared but never imported; local modules and stdlib are neither", async () => {
  const m = await run("undeclared-import");
  assert.deepEqual(m.undeclaredImports, [
    { module: "requests", source: { file: "app.py", line: 2 } },
    { module: "PIL", source: { file: "app.py", line: 4 } },
  ]);
  assert.deepEqual(m.unusedDependencies, ["numpy"]);
  assert.deepEqual(m.localModules, ["app", "helpers"]);
});

test("a syntax error is reported with file:line and the rest of the project (and of that file) is still read", async (t) => {
  const dir = join(tempDir((fn) => t.after(fn)), "p");
  cpSync(join(FIX, "syntax-error"), dir, { recursive: true });
  writeFileSync(join(dir, "huge.py"), "x = 1\n".repeat(200_000));
  const m = await analyze(dir);
  assert.equal(m.entry?.target, "app:app");
  const syntax = m.problems.find((p) => p.id === "syntax-error")!;
  assert.deepEqual(syntax.source, { file: "broken.py", line: 3 });
  assert.match(syntax.message, /^broken\.py:3:\d+: invalid Python syntax/);
  assert.deepEqual(m.env.map((e) => [e.name, e.required]), [["API_TOKEN", false], ["BROKEN_VAR", true]]);
  assert.ok(m.problems.some((p) => p.id === "file-skipped" && p.message.startsWith("assets/blob.py skipped: binary")));
  assert.ok(m.problems.some((p) => p.id === "file-skipped" && p.message.startsWith("huge.py skipped: larger than 1 MB")));
});

test("Procfile gunicorn --chdir src: entry, chdir and port from --bind $PORT", async () => {
  const m = await run("procfile-src-layout");
  assert.equal(m.entry?.target, "service.main:server");
  assert.equal(m.entry?.chdir, "src");
  assert.match(m.entry!.reason, /Procfile/);
  assert.deepEqual([m.port.envVar, m.port.from], ["PORT", "Procfile bind"]);
  assert.deepEqual(rules(m), ["GET /status status", "GET /static/<path:filename> static"]);
});

test("Dockerfile CMD and EXPOSE; wsgi module calling a factory; .python-version not satisfied by the base", async () => {
  const m = await run("dockerfile-cmd");
  assert.equal(m.entry?.target, "web.wsgi:application");
  assert.match(m.entry!.reason, /Dockerfile CMD/);
  assert.deepEqual(m.alternatives.map((a) => a.target), ["web.factory:create_app()"]);
  assert.equal(m.port.value, 9000);
  assert.deepEqual(m.python, { provided: "3.11", wanted: "3.12.4", from: ".python-version", satisfied: false });
  assert.deepEqual(rules(m), ["GET / root", "GET /static/<path:filename> static"]);
});

test("requirements: -r includes, hashes across continuation lines, editable and VCS paths, markers, dev file apart", async () => {
  const m = await run("requirements-includes");
  const by = Object.fromEntries(m.dependencies.map((d) => [d.normalized, d]));
  assert.deepEqual(Object.keys(by).sort(), ["flask", "flask-cors", "shared", "tool", "uwsgi", "waitress"]);
  assert.deepEqual(by["flask-cors"].hashes, ["sha256:1111", "sha256:2222"]);
  assert.equal(by["flask-cors"].from, "requirements.txt:3");
  assert.equal(by.shared.local, "-e ./libs/shared");
  assert.equal(by.tool.local, "git+https://github.com/example/tool.git#egg=tool");
  assert.equal(by.uwsgi.marker, 'sys_platform != "win32"');
  assert.deepEqual([by.flask.specifier, by.flask.extras, by.flask.from], [">=2.3,<4", ["async"], "requirements/base.txt:1"]);
  assert.deepEqual(m.devDependencies?.map((d) => d.normalized), ["pytest"]);
  assert.deepEqual(m.server.declared, ["waitress", "uwsgi"]);
  assert.deepEqual(m.python, { provided: "3.11", wanted: "3.11.9", from: "runtime.txt", satisfied: true });
});

test("dynamic rules are kept and marked unknown, not dropped", async () => {
  const m = await run("dynamic-routes");
  assert.deepEqual(m.routes.map((r) => [r.rule, r.confidence]), [
    ['PREFIX + "/users"', "unknown"],
    ['f"/{name}"', "unknown"],
    ["/static-ok", "static"],
    ["/static/<path:filename>", "static"],
  ]);
});

test("config: environ[], environ.get, getenv, from_envvar (silent or not), from_prefixed_env; debug at import; sqlite and uploads", async () => {
  const m = await run("env-config");
  assert.deepEqual(m.env.map((e) => `${e.name} ${e.how} ${e.required ? "required" : "optional"}${e.secret ? " secret" : ""}`), [
    "APP_SETTINGS from_envvar optional",
    "FLASK_* from_prefixed_env optional",
    "MAIL_PASSWORD os.environ.get optional secret",
    "REDIS_URL os.getenv optional secret",
    "REQUIRED_SETTINGS from_envvar required",
    "SECRET_KEY os.environ[] required secret",
  ]);
  assert.deepEqual(m.routes.map((r) => r.rule), ["/"], "static_folder=None removes the static route");
  assert.deepEqual(m.assets.writablePaths, ["data/app.db", "/data/uploads"]);
  assert.deepEqual(m.debugRisks.map((d) => `${d.id} ${d.severity} ${d.source?.line}`), ["debug-true error 18", "dev-server-at-import error 18"]);
  assert.deepEqual(m.services.map((s) => s.kind), ["sqlite", "redis"]);
});

test("several apps: the top-level app.py wins; apps under tests/ and tools/ rank far below", async () => {
  const m = await run("ambiguous-apps");
  assert.equal(m.entry?.target, "app:app");
  assert.deepEqual(m.alternatives.map((a) => a.target).sort(), ["admin_app:admin", "test_smoke:fake"]);
  assert.ok(m.alternatives.every((a) => a.score < m.entry!.score - 30));
  assert.deepEqual([m.port.value, m.port.from], [5050, "app.run(port=...)"]);
});

test("no Flask app: NO_FLASK_APP (exit 2) listing the files looked at", async () => {
  await assert.rejects(run("no-flask"), (e: Error & { code?: string; exitCode?: number }) => {
    assert.equal(e.code, "NO_FLASK_APP");
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /2 Python file\(s\) \(lib\/util\.py, script\.py\)/);
    return true;
  });
  await assert.rejects(analyze(join(FIX, "does-not-exist")), { code: "NOT_FOUND" });
});

test("a factory called with os.getenv(...) (flasky style): the module that calls it is the entry, as gunicorn cannot pass the expression", async () => {
  const m = await run("factory-env-config");
  assert.equal(m.entry?.target, "flasky:app");
  const factory = m.alternatives.find((a) => a.kind === "factory");
  assert.match(factory?.reason ?? "", /arguments gunicorn cannot pass/);
  assert.deepEqual(new Set(rules(m)), new Set(["GET /static/<path:filename> static", "GET /user/<username> main.user", "GET,POST / main.index"]));
  assert.ok(m.env.some((e) => e.name === "FLASK_CONFIG"));
});

test("REST extensions route like Flask does: Flask-RESTful add_resource, RESTX namespaces on an init_app'd Api, smorest blueprints of MethodViews", async () => {
  const restful = await run("restful");
  assert.deepEqual(new Set(rules(restful)), new Set(["GET /todos todolist", "GET,DELETE /todos/<todo_id> todo", "GET /health health", "GET /static/<path:filename> static"]));
  // Api(prefix="/api") made in extensions.py, namespace added with path="/todos", then api.init_app(app) in the factory.
  const restx = await run("restx-factory");
  assert.equal(restx.entry?.target, "api:create_app()");
  assert.deepEqual(new Set(rules(restx)), new Set(["GET /healthz healthz", "GET,POST /api/todos/ TodoList", "GET,PUT /api/todos/<int:id> Todo", "GET /static/<path:filename> static"]));
  const smorest = await run("smorest");
  assert.deepEqual(new Set(rules(smorest)), new Set(["GET,POST /pets/ pets.Pets", "GET,DELETE /pets/<int:pet_id> pets.PetById", "GET /static/<path:filename> static"]));
});

test("Flask-SQLAlchemy 3 with sqlite:///site.db (Corey Schafer's flaskblog): the database lives in instance/, which must be writable; pinned 2.x keeps it relative to the working directory", async (t) => {
  const m = await run("sqla-relative-sqlite");
  assert.equal(m.entry?.target, "flaskblog:app");
  assert.equal(m.assets.instanceFolder, "instance");
  assert.deepEqual(m.assets.writablePaths, ["instance/site.db"]);
  const dir = tempDir((fn) => t.after(fn));
  cpSync(join(FIX, "sqla-relative-sqlite"), dir, { recursive: true });
  writeFileSync(join(dir, "requirements.txt"), "flask\nflask-sqlalchemy==2.5.1\nflask-bcrypt\nflask-login\n");
  const old = await analyze(dir);
  assert.deepEqual(old.assets.writablePaths, ["site.db"]);
});
