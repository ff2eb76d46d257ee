import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import { BASES, docker } from "../helpers/engine.ts";
import { baseTag } from "../../src/base/index.ts";

test("doctor --json reports a reachable engine with its API version", async () => {
  const r = await runCli(["doctor", "--json"]);
  const report = JSON.parse(r.stdout);
  assert.equal(report.ok, true, r.stdout + r.stderr);
  assert.match(report.engine.apiVersion, /^1\.\d+$/);
  assert.equal(r.code, 0);
});

test("engine commands say which socket is unreachable and how to fix it, without a stack trace", async () => {
  const commands = [["doctor"], ["base", "--packages", "python3-flask"], ["build", "examples/hello"], ["run", "hello:latest"], ["xray", "hello:latest"], ["slim", "hello:latest"], ["sbom", "hello:latest"], ["push", "hello:latest", "127.0.0.1:5000/x:1"]];
  for (const args of commands) {
    const r = await runCli(args, { env: { DOCKER_HOST: "unix:///nonexistent" } });
    assert.notEqual(r.code, 0, args.join(" "));
    const out = r.stdout + r.stderr;
    assert.match(out, /unix:\/\/\/nonexistent/);
    assert.match(out, /fix:/);
    assert.doesNotMatch(out, /\n\s+at .*\(.*:\d+:\d+\)/, "no stack trace");
  }
});

test("base builds once per package set, is reused, and runs python with flask", async () => {
  const first = await runCli(["base", "--packages", BASES.flask.join(","), "--json"]);
  assert.equal(first.code, 0, first.stderr);
  const started = Date.now();
  const second = await runCli(["base", "--packages", [...BASES.flask].reverse().join(","), "--json"]);
  const secondMs = Date.now() - started;
  assert.equal(second.code, 0, second.stderr);
  const a = JSON.parse(first.stdout);
  const b = JSON.parse(second.stdout);
  assert.equal(b.reused, true);
  assert.equal(a.tag, b.tag);
  assert.equal(a.tag, baseTag([...BASES.flask]).tag);
  assert.ok(secondMs < 3000 + 2500, `second call took ${secondMs} ms`); // < 3 s of work plus CLI start-up
  assert.ok(b.installed.some((p: { name: string }) => p.name === "python3-flask"), "package list kept for the SBOM");

  const d = await docker();
  const images = await d.listImages({ filters: { reference: ["flaskpack/base"] } });
  const tags = images.flatMap((i) => i.RepoTags ?? []).filter((t) => t === a.tag);
  assert.equal(tags.length, 1);

  const container = await d.createContainer({ Image: a.tag, Cmd: ["python3", "-c", "import flask, gunicorn; print('flask', flask.__version__)"] });
  try {
    await container.start();
    const { StatusCode } = await container.wait();
    const logs = (await container.logs({ stdout: true, stderr: true })).toString();
    assert.equal(StatusCode, 0, logs);
    assert.match(logs, /flask 2\.\d+/);
  } finally {
    await container.remove({ force: true });
  }
});

test("an unknown Debian package fails with the package named", async () => {
  const r = await runCli(["base", "--packages", "python3-flask,no-such-package-flaskpack"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no-such-package-flaskpack/);
});
