import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pack } from "tar-stream";
import type { AppModel } from "../../src/analyze/model.ts";
import { EXAMPLES, runCli } from "../helpers/cli.ts";
import { testBase, docker, cleanup } from "../helpers/engine.ts";

const made = { containers: [] as string[], images: [] as string[] };
after(() => cleanup(made.containers, made.images));

async function analyzeJson(example: string): Promise<AppModel> {
  const r = await runCli(["analyze", join(EXAMPLES, example), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as AppModel;
}

const routeList = (m: AppModel) => m.routes.map((r) => `${r.methods.join(",")} ${r.rule} ${r.endpoint} ${r.source?.file}:${r.source?.line}`);

/** Builds FROM the Debian base with the example copied in and gunicorn on the analyzed entry, then GETs a route. */
async function startsUnderGunicorn(example: string, m: AppModel, base: "flask" | "flaskPg", path: string, env: string[] = []) {
  const d = await docker();
  const tag = `fp-analyze-${example}:test`;
  const name = `fp-analyze-${example}-${process.pid}`;
  made.images.push(tag);
  made.containers.push(name);
  const cmd = ["gunicorn", "--bind", "0.0.0.0:8000", ...(m.entry!.chdir ? ["--chdir", m.entry!.chdir] : []), m.entry!.target];
  const from = (await testBase(base)).tag;
  const tar = pack();
  tar.entry({ name: "Dockerfile" }, `FROM ${from}\nWORKDIR /app\nCOPY app/ /app/\nCMD ${JSON.stringify(cmd)}\n`);
  const dir = join(EXAMPLES, example);
  const walk = (p: string): string[] => readdirSync(p).flatMap((f) => (statSync(join(p, f)).isDirectory() ? walk(join(p, f)) : [join(p, f)]));
  for (const f of walk(dir)) tar.entry({ name: `app/${relative(dir, f)}` }, readFileSync(f));
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const stream = await d.buildImage(Buffer.concat(chunks) as unknown as NodeJS.ReadableStream, { t: tag, rm: true, forcerm: true });
  const events = await new Promise<{ error?: string }[]>((res, rej) => d.modem.followProgress(stream, (e: Error | null, out: { error?: string }[]) => (e ? rej(e) : res(out))));
  assert.equal(events.find((e) => e.error)?.error, undefined);

  const c = await d.createContainer({
    Image: tag, name, Env: env, ExposedPorts: { "8000/tcp": {} },
    HostConfig: { PortBindings: { "8000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } },
  });
  await c.start();
  const port = (await c.inspect()).NetworkSettings.Ports["8000/tcp"]![0].HostPort;
  const deadline = Date.now() + 30_000;
  // A fetch waiting on a half-open published port does not keep node's event loop alive; this timer does.
  const keepAlive = setInterval(() => {}, 1000);
  after(() => clearInterval(keepAlive));
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
      clearInterval(keepAlive);
      return { status: res.status, body: await res.text() };
    } catch (e) {
      const state = (await c.inspect()).State;
      if (!state.Running) {
        const logs = await c.logs({ stdout: true, stderr: true });
        assert.fail(`gunicorn exited (${state.ExitCode}) running ${m.entry!.target}:\n${logs.toString()}`);
      }
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

test("examples/hello: app:app, two routes, port 5000, dev-server risks only under __main__; starts under gunicorn", async () => {
  const m = await analyzeJson("hello");
  assert.equal(m.entry?.target, "app:app");
  assert.deepEqual(m.entry?.source, { file: "app.py", line: 3 });
  assert.deepEqual(m.alternatives, []);
  assert.deepEqual(routeList(m), ["GET / index app.py:6", "GET /health health app.py:11", "GET /static/<path:filename> static app.py:3"]);
  assert.deepEqual([m.port.value, m.port.envVar], [5000, undefined]);
  assert.deepEqual(m.env, []);
  assert.deepEqual(m.services, []);
  assert.deepEqual([m.assets.templates, m.assets.static], [[], []]);
  assert.deepEqual(m.dependencies.map((d) => d.normalized), ["flask", "gunicorn"]);
  assert.deepEqual(m.debugRisks.map((r) => `${r.id} ${r.severity} ${r.source?.line}`), ["debug-true info 17", "dev-server-all-interfaces info 17"]);
  const res = await startsUnderGunicorn("hello", m, "flask", "/");
  assert.equal(res.status, 200);
  assert.match(res.body, /Hello from Flask!/);
});

test("examples/api-port: server:application, port 4567 from PORT, CORS env vars; /api/activities/home answers", async () => {
  const m = await analyzeJson("api-port");
  assert.equal(m.entry?.target, "server:application");
  assert.deepEqual(routeList(m), [
    "GET /api/activities/home activities_home server.py:23",
    "POST /api/activities activities_create server.py:28",
    "GET /api/health health server.py:34",
    "GET /static/<path:filename> static server.py:5",
  ]);
  assert.deepEqual([m.port.value, m.port.envVar, m.port.source], [4567, "PORT", { file: "server.py", line: 40 }]);
  assert.deepEqual(m.env.map((e) => [e.name, e.default, e.required, e.how]), [
    ["BACKEND_URL", "http://localhost:4567", false, "os.environ.get"],
    ["FRONTEND_URL", "http://localhost:3000", false, "os.getenv"],
    ["PORT", "4567", false, "os.environ.get"],
  ]);
  assert.deepEqual(m.services, []);
  const res = await startsUnderGunicorn("api-port", m, "flask", "/api/activities/home");
  assert.equal(res.status, 200);
  assert.equal((JSON.parse(res.body) as unknown[]).length, 2);
});

test("examples/factory: blog:create_app(), blueprints with /post prefix, port 8000, templates and static; /post/1 renders", async () => {
  const m = await analyzeJson("factory");
  assert.equal(m.entry?.target, "blog:create_app()");
  assert.equal(m.entry?.kind, "factory");
  assert.match(m.entry!.reason, /FLASK_APP in \.flaskenv/);
  assert.deepEqual(routeList(m), [
    "GET /health health blog/__init__.py:21",
    "GET / pages.index blog/views/pages.py:8",
    "GET /about pages.about blog/views/pages.py:13",
    "GET /post/<int:id> posts.show blog/views/posts.py:8",
    "GET /post/<int:id>.json posts.show_json blog/views/posts.py:16",
    "GET /static/<path:filename> static blog/__init__.py:7",
  ]);
  assert.deepEqual(m.routes[3].converters, [{ name: "id", type: "int" }]);
  assert.deepEqual([m.port.value, m.port.from], [8000, "FLASK_RUN_PORT in .flaskenv"]);
  assert.deepEqual(m.env.filter((e) => e.source?.file.endsWith(".py")).map((e) => [e.name, e.default, e.secret]), [
    ["BLOG_TITLE", "flaskpack blog", false],
    ["SECRET_KEY", "dev-only-change-me", true],
  ]);
  assert.deepEqual(m.secrets.map((s) => s.id), ["secret-default"]);
  assert.deepEqual([m.assets.templates, m.assets.static], [["blog/templates"], ["blog/static"]]);
  assert.deepEqual(m.staticRoute, { urlPath: "/static", folder: "blog/static", files: ["style.css"] });
  assert.deepEqual(m.services, []);
  const res = await startsUnderGunicorn("factory", m, "flask", "/post/1");
  assert.equal(res.status, 200);
  assert.match(res.body, /Shipping Flask in containers/);
});

test("examples/pg-api: app:app, required secret DATABASE_URL, postgres service, port 8080; imports and answers /health", async () => {
  const m = await analyzeJson("pg-api");
  assert.equal(m.entry?.target, "app:app");
  assert.deepEqual(routeList(m), [
    "GET /health health app.py:19",
    "GET /notes list_notes app.py:29",
    "POST /notes add_note app.py:37",
    "GET /static/<path:filename> static app.py:6",
  ]);
  assert.deepEqual([m.port.value, m.port.envVar], [8080, "PORT"]);
  const db = m.env.find((e) => e.name === "DATABASE_URL")!;
  assert.deepEqual([db.required, db.secret, db.how, db.source], [true, true, "os.environ[]", { file: "app.py", line: 7 }]);
  assert.deepEqual(m.services.map((s) => [s.kind, s.evidence]), [["postgres", "import psycopg2"]]);
  assert.deepEqual(m.undeclaredImports, []);
  const res = await startsUnderGunicorn("pg-api", m, "flaskPg", "/health", ["DATABASE_URL=postgresql://u:p@127.0.0.1:1/none"]);
  assert.equal(res.status, 503);
  assert.match(res.body, /degraded/);
});

test("CLI: no Flask app exits 2 naming what it looked at; a syntax error still succeeds and names file and line", async () => {
  const none = await runCli(["analyze", join(EXAMPLES, "../test/fixtures/analyze/no-flask")]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no Flask app found .*lib\/util\.py, script\.py/);
  const broken = await runCli(["analyze", join(EXAMPLES, "../test/fixtures/analyze/syntax-error")]);
  assert.equal(broken.code, 0, broken.stderr);
  assert.match(broken.stdout, /broken\.py:3:\d+: invalid Python syntax/);
  assert.match(broken.stdout, /entry\s+app:app/);
});
