/**
 * DockerSlim's known failures, each as a route of one fixture app (test/fixtures/slim/regressions): after slim,
 * every route still answers the same, and what only start-up or one lazy route loads is handled honestly.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, tempDir } from "../helpers/cli.ts";
import { cleanup, testBase } from "../helpers/engine.ts";
import { buildImage, FIXTURES, regressionsDockerfile } from "../fixtures/slim/images.ts";
import type { SlimResult } from "../../src/slim/index.ts";

const IMAGE = `fp-slim-regressions:${process.pid}`;
const images: string[] = [IMAGE];
const containers: string[] = [];

before(async () => {
  const base = await testBase("slimFix");
  await buildImage(join(FIXTURES, "regressions"), regressionsDockerfile(base.tag), IMAGE);
});
after(() => cleanup(containers, images));

async function slimIt(t: { after: (fn: () => void) => void }, tag: string, extra: string[] = []): Promise<SlimResult> {
  const profiles = tempDir((fn) => t.after(fn));
  const res = await runCli(["slim", IMAGE, "--tag", tag, "--json", "--profiles-dir", profiles, "--explain", "/usr/lib/python3.11/colorsys.py", ...extra]);
  images.push(tag);
  assert.equal(res.code, 0, `${res.stderr}\n${res.stdout.slice(0, 4000)}`);
  return JSON.parse(res.stdout) as SlimResult;
}

async function start(image: string, seccomp: string): Promise<string> {
  const run = await runCli(["run", image, "--seccomp", seccomp, "--json"]);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const up = JSON.parse(run.stdout) as { containerId: string; url: string };
  containers.push(up.containerId);
  return up.url;
}

test("every regression route answers identically from the slim image, under its seccomp profile", async (t) => {
  const r = await slimIt(t, `fp-slim-regressions.slim:${process.pid}`);
  assert.equal(r.verified, true);
  const get = (path: string) => r.routes.find((x) => x.path === path && x.method === "GET");
  for (const path of ["/", "/color", "/plugin", "/render", "/tls", "/time", "/pth", "/version"]) {
    const route = get(path);
    assert.equal(route?.original.status, 200, `${path} works in the original`);
    assert.equal(route?.slim.status, 200, `${path} works in the slim image`);
    assert.equal(route?.identical, true, `${path} answers the same`);
  }
  assert.deepEqual(r.healthcheck && [r.healthcheck.original, r.healthcheck.slim], [0, 0]);

  const url = await start(r.slim.image, r.profiles.seccomp);
  assert.equal(await (await fetch(`${url}/render`)).text(), "<p>10,20,30</p>", "jinja2.ext loopcontrols and do work");
  assert.deepEqual(await (await fetch(`${url}/tls`)).json(), { body: "hello over verified tls", verified: true }, "the custom CA in the bundle verifies the TLS server");
  assert.deepEqual(await (await fetch(`${url}/time`)).json(), { paris: "2023-11-14T23:13:20+01:00", tokyo: "2023-11-15T07:13:20+09:00" });
  assert.match(await (await fetch(`${url}/plugin`)).text(), /<a><b>plugin<\/b><\/a>/);
  assert.deepEqual(await (await fetch(`${url}/pth`)).json(), { name: "fpextra, on sys.path through a .pth file" });
  assert.match(JSON.stringify(await (await fetch(`${url}/version`)).json()), /"flask":"\d+\.\d+/);
});

const SMOKE = `node -e 'fetch(process.env.FLASKPACK_URL + "/color").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(2))'`;

test("a module imported only at start-up is kept, because the trace starts with the process", async (t) => {
  const r = await slimIt(t, `fp-slim-regressions-startup.slim:${process.pid}`, ["--probe-cmd", SMOKE]);
  assert.deepEqual(r.probeCmd, { original: 0, slim: 0, identical: true }, "the project's own smoke test passes on both");
  assert.ok(r.explain?.[0].startsWith("/usr/lib/python3.11/colorsys.py: traced"), r.explain?.join("\n"));
  const color = r.routes.find((x) => x.path === "/color" && x.method === "GET");
  assert.equal(color?.slim.status, 200);
  assert.equal(color?.identical, true);
});

test("a lazy import on a route no probe runs is reported as not exercised; --probe for it fixes the slim image", async (t) => {
  const first = await slimIt(t, `fp-slim-regressions-lazy.slim:${process.pid}`);
  assert.ok(first.notExercised.includes("POST /export"), first.notExercised.join(", "));
  const url = await start(first.slim.image, first.profiles.seccomp);
  assert.equal((await fetch(`${url}/export`, { method: "POST" })).status, 500, "the slim image lacks the lazily imported module, as reported");

  const second = await slimIt(t, `fp-slim-regressions-probed.slim:${process.pid}`, ["--probe", "POST:/export"]);
  assert.ok(!second.notExercised.includes("POST /export"));
  const exp = second.routes.find((x) => x.method === "POST" && x.path === "/export");
  assert.deepEqual([exp?.original.status, exp?.slim.status, exp?.identical, exp?.exercised], [200, 200, true, true]);
});

test("a slim image that answers differently fails with exit 3 and names the route, unless --accept-diff", async (t) => {
  const tag = `fp-slim-regressions-broken.slim:${process.pid}`;
  images.push(tag);
  const profiles = tempDir((fn) => t.after(fn));
  const res = await runCli(["slim", IMAGE, "--tag", tag, "--profiles-dir", profiles, "--exclude", "/usr/share/zoneinfo"]);
  assert.equal(res.code, 3, res.stderr);
  assert.match(res.stderr, /GET \/time: 200 application\/json vs 500/);
  assert.match(res.stderr, /--include PATH/);
  assert.match(res.stdout, /\/time\s+200\s+500\s+application\/json\s+DIFFERENT/);

  const accepted = await runCli(["slim", IMAGE, "--tag", tag, "--profiles-dir", profiles, "--exclude", "/usr/share/zoneinfo", "--accept-diff", "--json"]);
  assert.equal(accepted.code, 0, accepted.stderr);
  const r = JSON.parse(accepted.stdout) as SlimResult;
  assert.equal(r.verified, false);
  assert.deepEqual(r.routes.filter((x) => !x.identical).map((x) => `${x.method} ${x.path}`), ["GET /time", "HEAD /time"]);
});
