/**
 * Acceptance: for each example, `init` + `build` + `run` answers its smoke route, and `docker inspect` shows a
 * non-root user, a read-only root, no added capabilities, a healthcheck and an exec-form CMD.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { copyExample, runCli } from "../helpers/cli.ts";
import { cleanup, docker } from "../helpers/engine.ts";
import { ensurePostgresImage } from "../../src/db-image/index.ts";

const id = process.pid;
const containers: string[] = [];
const images: string[] = [];
after(() => cleanup(containers, images));

async function initBuildRun(example: string, t: { after: (fn: () => void) => void }, runArgs: string[] = []) {
  const dir = copyExample(example, (fn) => t.after(fn));
  const init = await runCli(["init", dir]);
  assert.equal(init.code, 0, init.stderr);
  assert.ok(existsSync(join(dir, "Dockerfile")) && existsSync(join(dir, ".dockerignore")));
  const tag = `fp-run-${example}-${id}`;
  const built = await runCli(["build", dir, "-t", tag, "--json"]);
  assert.equal(built.code, 0, built.stderr + built.stdout);
  const b = JSON.parse(built.stdout) as { image: string; tags: string[]; usedProjectDockerfile: boolean };
  images.push(...b.tags);
  assert.equal(b.usedProjectDockerfile, true, "build uses the Dockerfile init wrote");
  const name = `fp-run-${example}-${id}`;
  containers.push(name);
  const ran = await runCli(["run", b.image, "--json", "--name", name, ...runArgs]);
  assert.equal(ran.code, 0, ran.stderr + ran.stdout);
  const r = JSON.parse(ran.stdout) as { url: string; containerId: string; healthChecked: boolean };
  assert.equal(r.healthChecked, true, "the image's HEALTHCHECK passed");
  await assertHardened(r.containerId);
  return { dir, url: r.url, image: b.image };
}

async function assertHardened(containerId: string) {
  const info = await (await docker()).getContainer(containerId).inspect();
  assert.equal(info.Config.User, "10001:10001", "non-root numeric user");
  assert.equal(info.HostConfig.ReadonlyRootfs, true, "read-only root filesystem");
  assert.deepEqual(info.HostConfig.CapDrop, ["ALL"]);
  assert.ok(!info.HostConfig.CapAdd?.length, "no added capabilities");
  assert.ok(info.HostConfig.SecurityOpt?.includes("no-new-privileges:true"));
  assert.ok((info.HostConfig.PidsLimit ?? 0) > 0 && (info.HostConfig.Memory ?? 0) > 0, "pids and memory limits");
  const bindings = Object.values(info.HostConfig.PortBindings ?? {}).flat() as { HostIp: string }[];
  assert.ok(bindings.length && bindings.every((p) => p.HostIp === "127.0.0.1"), "published on loopback only");
  assert.ok(info.Config.Healthcheck?.Test?.[0] === "CMD", "exec-form healthcheck");
  const cmd = info.Config.Cmd ?? [];
  assert.equal(cmd[0], "gunicorn", "exec-form CMD starts gunicorn directly, no shell");
  const entry = info.Config.Entrypoint ?? [];
  assert.ok(!entry.length || !["/bin/sh", "sh"].includes(entry[0]));
}

test("hello: answers / with its JSON", async (t) => {
  const { url } = await initBuildRun("hello", t);
  const body = (await (await fetch(url + "/")).json()) as { message: string };
  assert.equal(body.message, "Hello from Flask!");
});

test("api-port: server.py's `application` on port 4567 answers /api/activities/home", async (t) => {
  const { url } = await initBuildRun("api-port", t);
  const list = (await (await fetch(url + "/api/activities/home")).json()) as { handle: string }[];
  assert.deepEqual(list.map((a) => a.handle), ["andrew", "worf"]);
});

test("factory: create_app() with blueprints, templates and converters answers /post/1", async (t) => {
  const { url } = await initBuildRun("factory", t, ["-e", "SECRET_KEY=test-secret"]);
  const page = await (await fetch(url + "/post/1")).text();
  assert.match(page, /Shipping Flask in containers/);
  assert.equal((await fetch(url + "/post/99")).status, 404);
});

test("pg-api: with Postgres next to it, POST and GET /notes round-trip through the database", async (t) => {
  const pg = await ensurePostgresImage();
  const d = await docker();
  const pgName = `fp-run-pg-${id}`;
  containers.push(pgName);
  const db = await d.createContainer({ name: pgName, Image: pg.tag, Env: ["POSTGRES_PASSWORD=pw"], HostConfig: { Memory: 256 * 1024 * 1024 } });
  await db.start();
  for (let i = 0; i < 120; i++) {
    const st = (await db.inspect()).State;
    if (st.Health?.Status === "healthy") break;
    assert.ok(st.Running, "postgres keeps running");
    await new Promise((r) => setTimeout(r, 500));
  }
  const ip = Object.values((await db.inspect()).NetworkSettings.Networks)[0].IPAddress;
  const { url, dir } = await initBuildRun("pg-api", t, ["-e", `DATABASE_URL=postgresql://postgres:pw@${ip}:5432/postgres`, "--ready-path", "/health"]);
  assert.ok(existsSync(join(dir, ".env.example")), ".env.example documents DATABASE_URL");
  const post = await fetch(url + "/notes", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: "from the e2e test" }) });
  assert.equal(post.status, 201);
  const notes = (await (await fetch(url + "/notes")).json()) as { body: string }[];
  assert.ok(notes.some((n) => n.body === "from the e2e test"));
});
