/**
 * Every diagnosis `run` gives, provoked for real: one tiny image (the flask base + one file) fails the way
 * FP_CASE says, a second one lacks gunicorn. Each case asserts the cause line a user reads.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../src/engine/build.ts";
import { run, stop } from "../../src/engine/run.ts";
import { FlaskpackError } from "../../src/errors.ts";
import type { Diagnosis } from "../../src/engine/diagnose.ts";
import { ROOT, runCli } from "../helpers/cli.ts";
import { cleanup, docker, testBase } from "../helpers/engine.ts";

const FIX = join(ROOT, "test/fixtures/diagnose");
const id = `${process.pid}`;
const DIAG = `fp-diag-ok:${id}`;
const NOGUNICORN = `fp-diag-nogunicorn:${id}`;
const work = mkdtempSync(join(tmpdir(), "fp-diag-"));
const containers: string[] = [];

before(async () => {
  const base = await testBase("flask");
  const ctx = join(work, "diag");
  const ctx2 = join(work, "nogunicorn");
  for (const d of [ctx, ctx2]) rmSync(d, { recursive: true, force: true });
  await import("node:fs").then((fs) => { fs.mkdirSync(ctx, { recursive: true }); fs.mkdirSync(ctx2, { recursive: true }); });
  copyFileSync(join(FIX, "diag.py"), join(ctx, "diag.py"));
  writeFileSync(join(ctx, "Dockerfile"), readFileSync(join(FIX, "Dockerfile.in"), "utf8").replace("{{BASE}}", base.tag));
  await build(ctx, { tag: DIAG });
  writeFileSync(join(ctx2, "Dockerfile"), readFileSync(join(FIX, "Dockerfile.nogunicorn.in"), "utf8").replace("{{DIAG}}", DIAG));
  await build(ctx2, { tag: NOGUNICORN });
});

after(async () => {
  await cleanup(containers, [NOGUNICORN, DIAG]);
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
async function failsWith(image: string, opts: Parameters<typeof run>[1], kind: Diagnosis["kind"], cause: RegExp): Promise<Diagnosis> {
  const name = `fp-diag-${id}-${++n}`;
  containers.push(name);
  try {
    const r = await run(image, { name, readyTimeoutMs: 20_000, ...opts });
    await stop(r.containerId);
    assert.fail(`expected ${kind}, but the app answered at ${r.url}`);
  } catch (e) {
    if (!(e instanceof FlaskpackError)) throw e;
    const d = (e.details as { diagnosis: Diagnosis }).diagnosis;
    assert.equal(e.code, "RUN_FAILED");
    assert.equal(d.kind, kind, `cause was: ${d.cause}\n${d.evidence.join("\n")}`);
    assert.match(e.message, cause);
    assert.ok(e.fix && e.fix.length > 10, "a fix is given");
    assert.ok(d.evidence.length > 0, "evidence is given");
    const gone = await (await docker()).getContainer(name).inspect().then(() => false, () => true);
    assert.ok(gone, "the failed container is removed");
    return d;
  }
}

test("the provoking image itself is healthy when nothing is wrong", async () => {
  const r = await run(DIAG, { name: `fp-diag-${id}-okay` });
  containers.push(r.name);
  const body = await (await fetch(r.url + "/")).json();
  assert.deepEqual(body, { case: "ok" });
  assert.equal(r.healthChecked, true);
  await stop(r.containerId);
});

test("exit 127: gunicorn missing from the image", async () => {
  const d = await failsWith(NOGUNICORN, {}, "command-not-found", /command not found: gunicorn/);
  assert.match(d.fix, /gunicorn/);
});

test("exit with a traceback: a module that is not installed", async () => {
  const d = await failsWith(DIAG, { env: { FP_CASE: "import" } }, "python-exception", /ModuleNotFoundError: No module named 'flask_sqlalchemy'/);
  assert.ok(d.evidence.some((e) => e.includes("/app/diag.py")), "points at the app's line");
});

test("a required environment variable is missing", async () => {
  await failsWith(DIAG, { env: { FP_CASE: "env" } }, "missing-env", /environment variable API_TOKEN is not set/);
});

test("the app writes under /app on a read-only root", async () => {
  await failsWith(DIAG, { env: { FP_CASE: "write" } }, "read-only-fs", /cannot write \/app\/state\.db/);
});

test("the app listens on 127.0.0.1 inside the container", async () => {
  await failsWith(DIAG, { command: ["python3", "diag.py"] }, "bound-to-localhost", /listens on 127\.0\.0\.1:5000 inside the container/);
});

test("the app listens on another port than the published one", async () => {
  await failsWith(DIAG, { port: 8080 }, "wrong-port", /listens on port 5000, but port 8080 is the one published/);
});

test("the host port is already in use", async () => {
  const server: Server = createServer();
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()));
  const port = (server.address() as { port: number }).port;
  try {
    await failsWith(DIAG, { hostPort: port }, "port-in-use", new RegExp(`host port ${port} is already in use`));
  } finally {
    server.close();
  }
});

test("the memory limit is too small: OOM kill, exit 137", async () => {
  await failsWith(DIAG, { memoryBytes: 12 * 1024 * 1024 }, "oom", /ran out of memory/);
});

test("the health check fails while the app answers", async () => {
  const d = await failsWith(DIAG, { env: { FP_CASE: "unhealthy" } }, "unhealthy", /health check fails.*503/);
  assert.ok(d.evidence.some((e) => /health check: python3/.test(e)));
});

test("the CLI prints the cause, the evidence and the fix, and exits 6", async () => {
  const r = await runCli(["run", DIAG, "-e", "FP_CASE=env", "--name", `fp-diag-${id}-cli`], { timeoutMs: 120_000 });
  containers.push(`fp-diag-${id}-cli`);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /error: required environment variable API_TOKEN is not set/);
  assert.match(r.stderr, /log: KeyError: 'API_TOKEN'/);
  assert.match(r.stderr, /fix: pass it with -e API_TOKEN=\.\.\. \(flaskpack run, ship\)/);
});
