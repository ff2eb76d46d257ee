import { test } from "node:test";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { copyFixtureApp, runCli } from "../helpers/cli.ts";
import { cleanup } from "../helpers/engine.ts";
import { build } from "../../src/engine/build.ts";
import { run, stop, type RunOptions } from "../../src/engine/run.ts";

/** Copies test/fixtures/apps/<name>, builds it and starts it hardened; image and container go after the test. */
async function startFixture(t: TestContext, name: string, runOpts: RunOptions = {}) {
  const dir = copyFixtureApp(name, (fn) => t.after(fn));
  const built = await build(dir, { tag: `fp-realapp-${name}:${process.pid}` });
  t.after(() => cleanup([], built.tags));
  const started = await run(built.image, { name: `fp-realapp-${name}-${process.pid}`, ...runOpts });
  t.after(() => stop(started.containerId));
  return { dir, built, started };
}

test("a tutorial-style app that keeps its SQLite database in the instance folder runs hardened and writes it", async (t) => {
  const { started } = await startFixture(t, "flaskr");
  const index = await fetch(`${started.url}/`);
  assert.equal(index.status, 200, await index.clone().text());
  assert.match(await index.text(), /<h1>Posts<\/h1>/);
  const login = await fetch(`${started.url}/auth/login`);
  assert.equal(login.status, 200);
});

test("an app that loads instance/config.py at start: init warns, run without it says to mount it, run -v mounts it", async (t) => {
  const dir = copyFixtureApp("instance-config", (fn) => t.after(fn));
  const init = await runCli(["init", dir]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stderr, /loads instance\/config\.py at start .* -v \.\/instance\/config\.py:\/app\/instance\/config\.py/);
  const tag = `fp-realapp-instcfg:${process.pid}`;
  const built = await build(dir, { tag });
  t.after(() => cleanup([], built.tags));
  const failed = await runCli(["run", tag, "--timeout", "20"]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /missing-config-file/);
  assert.match(failed.stderr, /\/app\/instance\/config\.py/);
  assert.match(failed.stderr, /flaskpack run -v \.\/instance\/config\.py:\/app\/instance\/config\.py/);
  const name = `fp-realapp-instcfg-${process.pid}`;
  const up = await runCli(["run", tag, "--name", name, "-v", "./instance/config.py:/app/instance/config.py", "--json"], { cwd: dir });
  t.after(() => cleanup([name], []));
  assert.equal(up.code, 0, up.stderr);
  const { url } = JSON.parse(up.stdout) as { url: string };
  const body = (await (await fetch(`${url}/`)).json()) as { greeting: string };
  assert.equal(body.greeting, "from this machine's instance/config.py");
});

test("an app in backend/ with its own requirements.txt (a monorepo beside a frontend): gunicorn runs with --chdir, slim lists its routes", async (t) => {
  const { dir, built, started } = await startFixture(t, "backend-subdir", { readyPath: "/api/items" });
  const a = await runCli(["analyze", dir, "--json"]);
  const model = JSON.parse(a.stdout) as { entry: { target: string; chdir?: string }; dependencies: { from: string }[] };
  assert.equal(model.entry.chdir, "backend");
  assert.deepEqual(model.dependencies.map((d) => d.from), ["backend/requirements.txt:1"]);
  assert.deepEqual(await (await fetch(`${started.url}/api/items`)).json(), [1, 2, 3]);
  const { dumpRoutes } = await import("../../src/slim/routes.ts");
  const dump = await dumpRoutes(built.image);
  assert.ok(dump.rules.some((r) => r.rule === "/api/items"), JSON.stringify(dump.rules));
});

test("a src/ layout package with a factory (pyproject.toml): imported from src/, and its instance folder (src/instance) is the writable one", async (t) => {
  const { started } = await startFixture(t, "src-package");
  assert.deepEqual(await (await fetch(`${started.url}/api/v1/status`)).json(), { status: "ok" });
  const visit = await fetch(`${started.url}/api/v1/visits`, { method: "POST" });
  assert.equal(visit.status, 200, await visit.clone().text());
  assert.deepEqual(await visit.json(), { visits: 1, where: "/app/src/instance/visits.txt" });
});
