/**
 * slim on the examples, through the real CLI and engine: every route answers the same from the slim image,
 * which is small and runs read-only, non-root, with its seccomp profile.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { copyExample, runCli, tempDir } from "../helpers/cli.ts";
import { cleanup, docker } from "../helpers/engine.ts";
import type { SlimResult } from "../../src/slim/index.ts";

/** Every path in an image's file system, from a never-started container's export. */
async function filesOf(image: string): Promise<Set<string>> {
  const d = await docker();
  const c = await d.createContainer({ Image: image, Entrypoint: ["/nonexistent"], name: `fp-slim-test-ls-${process.pid}-${Date.now()}` });
  const out = new Set<string>();
  try {
    const extract = tar.extract();
    const done = pipeline((await c.export()) as unknown as Readable, extract as unknown as Writable);
    for await (const e of extract) {
      out.add("/" + e.header.name.replace(/\/$/, ""));
      e.resume();
    }
    await done;
  } finally {
    await c.remove({ force: true });
  }
  return out;
}

async function slimExample(t: { after: (fn: () => void) => void }, name: string, extra: string[] = []): Promise<{ r: SlimResult; profiles: string; stderr: string }> {
  const after = (fn: () => void) => t.after(fn);
  const dir = copyExample(name, after);
  const profiles = tempDir(after);
  const res = await runCli(["slim", dir, "--json", "--profiles-dir", profiles, ...extra]);
  assert.equal(res.code, 0, `slim ${name} failed: ${res.stderr}\n${res.stdout.slice(0, 3000)}`);
  const r = JSON.parse(res.stdout) as SlimResult;
  t.after(() => void cleanup([], [r.slim.image]));
  return { r, profiles, stderr: res.stderr };
}

test("hello: slim ≤ 30 MB, every route identical, runs read-only and non-root under its seccomp profile", async (t) => {
  const { r } = await slimExample(t, "hello");
  assert.equal(r.verified, true);
  assert.ok(r.routes.length >= 6, `probed ${r.routes.length} requests`);
  assert.ok(r.routes.every((x) => x.identical), JSON.stringify(r.routes.filter((x) => !x.identical)));
  assert.ok(r.routes.some((x) => x.path === "/" && x.method === "GET" && x.slim.status === 200));
  assert.ok(r.slim.sizeBytes <= 30_000_000, `slim is ${r.slim.sizeBytes} bytes`);
  assert.ok(r.original.sizeBytes / r.slim.sizeBytes > 3, `ratio ${r.original.sizeBytes / r.slim.sizeBytes}`);
  assert.equal(r.slim.layers, 1);
  assert.deepEqual(r.healthcheck && { o: r.healthcheck.original, s: r.healthcheck.slim }, { o: 0, s: 0 }, "the image's HEALTHCHECK passes on both");
  assert.match(r.profiles.apparmorCheck, existsSync("/usr/sbin/apparmor_parser") ? /^ok/ : /^not checked/, "the AppArmor profile parses");
  assert.match(readFileSync(r.profiles.apparmor, "utf8"), /^ {2}\/usr\/bin\/python3\.11 mrix,$/m);
  const seccomp = JSON.parse(readFileSync(r.profiles.seccomp, "utf8")) as { defaultAction: string; syscalls: { names: string[] }[] };
  assert.equal(seccomp.defaultAction, "SCMP_ACT_ERRNO");
  assert.ok(seccomp.syscalls[0].names.includes("accept4") && !seccomp.syscalls[0].names.includes("ptrace"));

  const files = await filesOf(r.slim.image);
  assert.ok(files.has("/usr/bin/python3.11"), "the interpreter is kept");
  assert.ok(files.has("/var/lib/dpkg/status"), "dpkg status stays for the SBOM");
  assert.ok(!files.has("/usr/share/doc"), "documentation is gone");
  assert.ok(!files.has("/usr/bin/dpkg"), "the package manager is gone");
  assert.ok(files.has("/usr/lib/python3/dist-packages/flask/app.pyc") && !files.has("/usr/lib/python3/dist-packages/flask/app.py"), "library modules ship as bytecode");

  const run = await runCli(["run", r.slim.image, "--seccomp", r.profiles.seccomp, "--json"]);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const up = JSON.parse(run.stdout) as { containerId: string; url: string; name: string };
  t.after(() => void cleanup([up.containerId]));
  const answer = await fetch(`${up.url}/`);
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), { message: "Hello from Flask!", status: "ok" });
  const info = await (await docker()).getContainer(up.containerId).inspect();
  assert.equal(info.HostConfig.ReadonlyRootfs, true);
  assert.ok(info.Config.User && !/^(0|root)(:|$)/.test(info.Config.User), `user ${info.Config.User}`);
  assert.ok((info.HostConfig.SecurityOpt ?? []).some((o: string) => o.startsWith("seccomp=") && o.includes("SCMP_ACT_ERRNO")), "the slim seccomp profile is applied");
});

test("factory: blueprints, templates, a converter route and static files all answer the same", async (t) => {
  const { r } = await slimExample(t, "factory");
  assert.equal(r.verified, true);
  const paths = new Set(r.routes.map((x) => x.path));
  for (const p of ["/", "/about", "/post/1", "/post/1.json", "/static/style.css", "/health"]) assert.ok(paths.has(p), `${p} was probed`);
  assert.ok(r.routes.every((x) => x.identical));
  assert.equal(r.routes.find((x) => x.path === "/post/1" && x.method === "GET")?.slim.status, 200);
  assert.equal(r.routes.find((x) => x.path === "/static/style.css" && x.method === "GET")?.slim.contentType.split(";")[0], "text/css");
  assert.deepEqual(r.notExercised, []);
  assert.ok(r.slim.sizeBytes <= 30_000_000, `slim is ${r.slim.sizeBytes} bytes`);
});

test("api-port: a POST-only route is reported as not exercised until --probe runs it", async (t) => {
  const first = await slimExample(t, "api-port");
  assert.equal(first.r.verified, true);
  assert.ok(first.r.notExercised.includes("POST /api/activities"), first.r.notExercised.join(", "));
  const second = await slimExample(t, "api-port", ["--probe", 'POST:/api/activities:{"handle":"ann","message":"hi"}', "--tag", `api-port-probed.slim:${process.pid}`]);
  assert.ok(!second.r.notExercised.includes("POST /api/activities"));
  const post = second.r.routes.find((x) => x.method === "POST" && x.path === "/api/activities");
  assert.equal(post?.original.status, 201);
  assert.equal(post?.identical, true);
});

test("pg-api: slims without its database; the degraded answers are identical too", async (t) => {
  const { r } = await slimExample(t, "pg-api", ["-e", "DATABASE_URL=postgresql://app:app@127.0.0.1:1/app"]);
  assert.equal(r.verified, true);
  const health = r.routes.find((x) => x.path === "/health" && x.method === "GET");
  assert.equal(health?.original.status, 503);
  assert.ok(r.routes.every((x) => x.identical));
});

test("an image that is not there is a clear error", async () => {
  const res = await runCli(["slim", "fp-slim-test-no-such-image:1"]);
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /no such image|not found/i);
  assert.doesNotMatch(res.stderr, /at .*\.ts:\d+/);
});
