import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, EXAMPLES } from "../helpers/cli.ts";
import { testBase, docker, cleanup } from "../helpers/engine.ts";
import { buildAppImage, model } from "../fixtures/compose/models.ts";
import { startRegistry, freePort } from "../fixtures/compose/registry.ts";
import { join } from "node:path";

const IMAGE = `fp-push-hello:${process.pid}`;

async function helloImage(): Promise<void> {
  const dir = join(EXAMPLES, "hello");
  const app = model(dir, { port: { value: 8080, from: "test" } });
  await buildAppImage(dir, (await testBase("flask")).tag, IMAGE, app);
}

async function pullAndServe(reference: string, auth?: { username: string; password: string; serveraddress: string }): Promise<string> {
  const d = await docker();
  const stream = await d.pull(reference, auth ? { authconfig: auth } : {});
  await new Promise((res, rej) => d.modem.followProgress(stream, (e: Error | null) => (e ? rej(e) : res(null))));
  const c = await d.createContainer({ Image: reference, name: `fp-push-run-${process.pid}-${Date.now()}`, ExposedPorts: { "8080/tcp": {} }, HostConfig: { PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } } });
  try {
    await c.start();
    const port = (await c.inspect()).NetworkSettings.Ports["8080/tcp"]![0].HostPort;
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      if (r?.ok) return await r.text();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the pulled image did not answer");
  } finally {
    await c.remove({ force: true });
  }
}

test("push to a local registry without auth, pull back by digest and run", async (t) => {
  await helloImage();
  const reg = await startRegistry();
  const target = `${reg.address}/fp-push/hello:1`;
  t.after(async () => {
    await reg.stop();
    await cleanup([], [IMAGE, target]);
  });
  const r = await runCli(["push", IMAGE, target, "--json"]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout) as { digest: string; reference: string; bytesSent: number; bytesTotal: number; layers: { status: string }[] };
  assert.match(out.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(out.reference, `${reg.address}/fp-push/hello@${out.digest}`);
  assert.ok(out.bytesSent > 10_000_000, `bytes sent ${out.bytesSent}`);
  assert.equal(out.bytesSent, out.bytesTotal, "a first push sends every layer");
  const again = JSON.parse((await runCli(["push", IMAGE, target, "--json"])).stdout) as { digest: string; bytesSent: number };
  assert.equal(again.digest, out.digest);
  assert.equal(again.bytesSent, 0, "a second push re-sent layers the registry has");
  await (await docker()).getImage(target).remove({ force: true });
  t.after(() => cleanup([], [out.reference]));
  assert.match(await pullAndServe(out.reference), /Hello/i);
});

test("push with htpasswd auth: the right password works, a wrong one is a clear error", async (t) => {
  await helloImage();
  const reg = await startRegistry({ user: "ci", password: "s3cret-pass" });
  const target = `${reg.address}/fp-push/auth:1`;
  t.after(async () => {
    await reg.stop();
    await cleanup([], [IMAGE, target]);
  });
  const anonymous = await runCli(["push", IMAGE, target]);
  assert.equal(anonymous.code, 2, anonymous.stderr);
  assert.match(anonymous.stderr, /requires a login/);

  const wrong = await runCli(["push", IMAGE, target, "-u", "ci"], { env: { FLASKPACK_REGISTRY_PASSWORD: "nope" } });
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /refused the credentials of user "ci"/);
  assert.doesNotMatch(wrong.stderr, /at .*\.ts:\d+/, "stack trace shown to the user");

  const ok = await runCli(["push", IMAGE, target, "-u", "ci", "--json"], { env: { FLASKPACK_REGISTRY_PASSWORD: "s3cret-pass" } });
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  const out = JSON.parse(ok.stdout) as { reference: string; bytesSent: number };
  assert.ok(out.bytesSent > 10_000_000);
  await (await docker()).getImage(target).remove({ force: true });
  t.after(() => cleanup([], [out.reference]));
  assert.match(await pullAndServe(out.reference, { username: "ci", password: "s3cret-pass", serveraddress: reg.address }), /Hello/i);
});

test("push to a registry that is down says so", async (t) => {
  await helloImage();
  const port = await freePort();
  const target = `127.0.0.1:${port}/fp-push/down:1`;
  t.after(() => cleanup([], [IMAGE, target]));
  const r = await runCli(["push", IMAGE, target]);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot reach the registry at 127.0.0.1:${port}`));
  assert.match(r.stderr, /fix: start the registry/);
});
