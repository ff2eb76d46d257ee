/**
 * build: the project's own Dockerfile or a generated one, tags and OCI labels, layer caching on a one-line
 * change, and the generated image against the seeds' beginner Dockerfile.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyExample, ROOT, runCli } from "../helpers/cli.ts";
import { cleanup, docker, testBase } from "../helpers/engine.ts";
import { buildWheelhouse, serveIndex } from "../helpers/wheelhouse.ts";
import { run, stop } from "../../src/engine/run.ts";
import type { BuildResult } from "../../src/engine/build.ts";

const id = process.pid;
const images: string[] = [];
const containers: string[] = [];
after(() => cleanup(containers, images));

async function buildJson(args: string[]): Promise<BuildResult> {
  const r = await runCli(["build", ...args, "--json"]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const b = JSON.parse(r.stdout) as BuildResult;
  images.push(...b.tags);
  return b;
}

test("without a Dockerfile, build generates one in memory, tags <name>:<timestamp> and :latest, with OCI labels", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  const r = await runCli(["build", dir, "-t", `fp-build-gen-${id}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /used a generated Dockerfile/);
  assert.match(r.stdout, /size [\d.]+ MB · \d+ layers · [\d.]+ s/, r.stdout);
  const tags = r.stdout.match(/built (\S+), (\S+)/)!;
  images.push(tags[1], tags[2]);
  assert.match(tags[1], new RegExp(`^fp-build-gen-${id}:(\\d{8}-\\d{6}|[0-9a-f]{12})$`));
  assert.equal(tags[2], `fp-build-gen-${id}:latest`);
  const info = await (await docker()).getImage(tags[2]).inspect();
  const labels = info.Config.Labels ?? {};
  assert.ok(labels["org.opencontainers.image.created"]);
  assert.ok(labels["org.opencontainers.image.source"]);
  assert.equal(labels["org.opencontainers.image.title"], "hello");
  assert.equal(info.Config.User, "10001:10001");
});

test("a project's own Dockerfile is used, and build says so", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  const base = await testBase("flask");
  writeFileSync(join(dir, "Dockerfile"), `FROM ${base.tag}\nCOPY app.py /srv/app.py\nLABEL made.by=hand\nCMD ["python3", "/srv/app.py"]\n`);
  const r = await runCli(["build", dir, "-t", `fp-build-own-${id}:1`]);
  assert.equal(r.code, 0, r.stderr);
  images.push(`fp-build-own-${id}:1`);
  assert.match(r.stdout, /used the project's Dockerfile/);
  assert.match(r.stderr, /using the project's own Dockerfile/);
  const info = await (await docker()).getImage(`fp-build-own-${id}:1`).inspect();
  assert.equal(info.Config.Labels?.["made.by"], "hand");
});

test("a failing build names the step and the cause", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  const base = await testBase("flask");
  writeFileSync(join(dir, "Dockerfile"), `FROM ${base.tag}\nRUN exit 3\n`);
  const r = await runCli(["build", dir, "-t", `fp-build-fail-${id}:1`]);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /error: the build failed at step 2 \(RUN exit 3\): The command '.*exit 3' returned a non-zero code: 3/);
});

test("a one-line change in a route rebuilds with every dependency layer cached, and the change is live", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  assert.equal((await runCli(["init", dir])).code, 0);
  const tag = `fp-build-cache-${id}`;
  const cold = await buildJson([dir, "-t", `${tag}:1`]);
  const app = join(dir, "app.py");
  writeFileSync(app, readFileSync(app, "utf8").replace("Hello from Flask!", "Hello again!"));
  const warm = await buildJson([dir, "-t", `${tag}:2`]);
  const sourceStep = warm.steps.findIndex((s) => s.instruction === "COPY . /app");
  assert.ok(sourceStep > 0, "the source copy is a step");
  const before = warm.steps.slice(0, sourceStep).filter((s) => !s.instruction.startsWith("FROM"));
  assert.ok(before.length >= 3, "there are dependency/setup steps before the source");
  assert.deepEqual(before.filter((s) => !s.cached).map((s) => s.instruction), [], "every step before the source copy came from the cache");
  assert.equal(warm.steps[sourceStep].cached, false, "the source layer was rebuilt");
  assert.ok(cold.totalSteps === warm.totalSteps);
  const r = await run(warm.image, { name: `fp-build-cache-${id}` });
  containers.push(r.name);
  assert.equal(((await (await fetch(r.url + "/")).json()) as { message: string }).message, "Hello again!");
  await stop(r.containerId);
});

test("the generated image is smaller than the seeds' beginner image, and runs as non-root where it runs as root", async (t) => {
  const house = await buildWheelhouse();
  const index = await serveIndex(house.dir);
  t.after(() => index.close());
  const pipBase = await testBase("pip");
  const beginnerDir = copyExample("hello", (fn) => t.after(fn));
  writeFileSync(
    join(beginnerDir, "Dockerfile"),
    readFileSync(join(ROOT, "test/fixtures/dockerfiles/beginner.Dockerfile.in"), "utf8").replace("{{BASE}}", pipBase.tag).replace("{{PIP_ARGS}}", `--index-url ${index.url} --trusted-host ${index.host}`),
  );
  const beginner = await buildJson([beginnerDir, "-t", `fp-build-beginner-${id}:1`]);
  const genDir = copyExample("hello", (fn) => t.after(fn));
  const generated = await buildJson([genDir, "-t", `fp-build-generated-${id}:1`]);
  assert.ok(generated.sizeBytes < beginner.sizeBytes, `generated ${generated.sizeBytes} < beginner ${beginner.sizeBytes}`);
  const d = await docker();
  assert.equal((await d.getImage(beginner.image).inspect()).Config.User, "");
  assert.equal((await d.getImage(generated.image).inspect()).Config.User, "10001:10001");
});
