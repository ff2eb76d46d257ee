/**
 * pip mode for real: a local PEP 503 index of wheels (made from Debian's Flask 2.2.2 and friends) served on the
 * bridge address; the generated Dockerfile installs from it through PIP_INDEX_URL/PIP_TRUSTED_HOST build args.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { copyExample, runCli } from "../helpers/cli.ts";
import { cleanup, docker, testBase } from "../helpers/engine.ts";
import { buildWheelhouse, serveIndex } from "../helpers/wheelhouse.ts";
import { demux } from "../../src/engine/run.ts";

const IMAGE = `fp-pip-hello-${process.pid}`;
const containers: string[] = [];
const images: string[] = [];
after(() => cleanup(containers, images));

test("the wheelhouse is a real index: proper wheels with metadata and dependencies", async () => {
  const house = await buildWheelhouse();
  const flask = house.wheels.find((w) => w.name === "Flask");
  assert.equal(flask?.version, "2.2.2");
  assert.ok(house.wheels.some((w) => w.name === "gunicorn"));
  const index = await serveIndex(house.dir);
  try {
    const page = await (await fetch(index.url + "flask/")).text();
    assert.match(page, /Flask-2\.2\.2-py3-none-any\.whl#sha256=[0-9a-f]{64}/);
  } finally {
    await index.close();
  }
});

test("init --deps pip + build against the local index + run: the app answers from a virtualenv with Flask 2.2.2", async (t) => {
  const house = await buildWheelhouse();
  const index = await serveIndex(house.dir);
  t.after(() => index.close());
  const pipBase = await testBase("pip");
  const dir = copyExample("hello", (fn) => t.after(fn));

  const init = await runCli(["init", dir, "--deps", "pip", "--base", pipBase.tag, "--json"]);
  assert.equal(init.code, 0, init.stderr);
  const dockerfile = readFileSync(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /ARG PIP_INDEX_URL/);
  assert.match(dockerfile, /COPY --from=builder \/opt\/venv \/opt\/venv/);

  const built = await runCli(["build", dir, "-t", IMAGE, "--build-arg", `PIP_INDEX_URL=${index.url}`, "--build-arg", `PIP_TRUSTED_HOST=${index.host}`, "--json"], { timeoutMs: 600_000 });
  assert.equal(built.code, 0, built.stderr + built.stdout);
  const b = JSON.parse(built.stdout) as { image: string; tags: string[]; usedProjectDockerfile: boolean; log: string[] };
  images.push(...b.tags);
  assert.equal(b.usedProjectDockerfile, true);
  assert.ok(b.log.some((l) => /Successfully installed .*Flask-2\.2\.2/i.test(l)), "pip installed Flask 2.2.2 from the index");

  const ran = await runCli(["run", b.image, "--json", "--name", `${IMAGE}-run`]);
  containers.push(`${IMAGE}-run`);
  assert.equal(ran.code, 0, ran.stderr);
  const r = JSON.parse(ran.stdout) as { url: string; containerId: string };
  const body = (await (await fetch(r.url + "/")).json()) as { message: string };
  assert.equal(body.message, "Hello from Flask!");

  const c = (await docker()).getContainer(r.containerId);
  const exec = await c.exec({ Cmd: ["python3", "-c", "import flask, gunicorn, importlib.metadata as m; print(m.version('flask'), flask.__file__, gunicorn.__file__)"], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise((res) => { stream.on("data", (d: Buffer) => chunks.push(d)); stream.on("end", res); });
  const out = demux(Buffer.concat(chunks));
  assert.match(out, /^2\.2\.2 \/opt\/venv\/lib\/python3\.\d+\/site-packages\/flask\/__init__\.py \/opt\/venv\//, out);
  const info = await c.inspect();
  assert.equal(info.Config.User, "10001:10001");
});
