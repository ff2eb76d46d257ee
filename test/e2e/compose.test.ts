import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { runCli, copyExample } from "../helpers/cli.ts";
import { testBase, docker, cleanup } from "../helpers/engine.ts";
import { renderCompose } from "../../src/generate/compose.ts";
import { lintComposeText } from "../../src/lint/index.ts";
import { pgApiModel, planFor, buildAppImage, removeProject } from "../fixtures/compose/models.ts";

const PROJECT = `fp-compose-pgapi-${process.pid}`;

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url, init);
  return { status: r.status, body: await r.json() };
}

test("pg-api: init + up; a note survives down + up; the app is non-root and read-only; lint finds nothing; --volumes needs a confirmation", async (t) => {
  const dir = copyExample("pg-api", (fn) => t.after(fn));
  t.after(async () => {
    await removeProject(PROJECT);
    await cleanup([], ["pg-api-app:latest"]);
  });
  const init = await runCli(["init", dir]);
  assert.equal(init.code, 0, init.stderr);
  const generated = readFileSync(join(dir, "compose.yaml"), "utf8");
  assert.deepEqual(lintComposeText(generated), [], "lint finds problems in the generated compose file");
  const lint = await runCli(["lint", dir, "--json"]);
  assert.equal(lint.code, 0, lint.stdout);
  // Let the engine pick the host port, as a user does when 8080 is taken.
  writeFileSync(join(dir, "compose.yaml"), generated.replace("127.0.0.1:8080:8080", "127.0.0.1::8080"));

  const up1 = await runCli(["up", dir, "-p", PROJECT, "--json"], { timeoutMs: 900_000 });
  assert.equal(up1.code, 0, up1.stderr + up1.stdout);
  const r1 = JSON.parse(up1.stdout) as { urls: Record<string, string[]>; services: { service: string; container: string; health: string }[] };
  assert.deepEqual(r1.services.map((s) => [s.service, s.health]), [["app", "healthy"], ["db", "healthy"]]);
  let url = r1.urls.app[0];
  const posted = await json(`${url}/notes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: "survives restarts" }) });
  assert.equal(posted.status, 201);

  const appContainer = await (await docker()).getContainer(r1.services.find((s) => s.service === "app")!.container).inspect();
  assert.equal(appContainer.Config.User, "10001:10001");
  assert.equal(appContainer.HostConfig.ReadonlyRootfs, true);
  assert.deepEqual(appContainer.HostConfig.CapDrop, ["ALL"]);
  assert.ok(Object.values(appContainer.NetworkSettings.Ports).flat().every((b) => (b as { HostIp: string }).HostIp === "127.0.0.1"));
  const write = await exec(appContainer.Id, ["python3", "-c", "open('/app/x', 'w')"]);
  assert.notEqual(write.exitCode, 0, "the app could write into its image");
  assert.match(write.output, /Read-only file system/);
  const uid = await exec(appContainer.Id, ["python3", "-c", "import os; print(os.getuid())"]);
  assert.equal(uid.output.trim(), "10001");

  const down1 = await runCli(["down", dir, "-p", PROJECT, "--json"]);
  assert.equal(down1.code, 0, down1.stderr);
  assert.deepEqual((JSON.parse(down1.stdout) as { keptVolumes: string[] }).keptVolumes, [`${PROJECT}_db-data`]);

  const up2 = await runCli(["up", dir, "-p", PROJECT, "--json"]);
  assert.equal(up2.code, 0, up2.stderr + up2.stdout);
  url = (JSON.parse(up2.stdout) as { urls: Record<string, string[]> }).urls.app[0];
  const listed = await json(`${url}/notes`);
  assert.deepEqual(listed.body, [{ id: 1, body: "survives restarts" }]);

  const logs = await runCli(["logs", dir, "-p", PROJECT, "--service", "db"]);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /db\s+\| .*database system is ready to accept connections/);

  const refused = await runCli(["down", dir, "-p", PROJECT, "--volumes"]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing to delete .*db-data.*--yes/s);
  const vols = await (await docker()).listVolumes({ filters: JSON.stringify({ name: [`${PROJECT}_db-data`] }) });
  assert.equal(vols.Volumes?.length, 1, "the refused down deleted the volume anyway");

  const gone = await runCli(["down", dir, "-p", PROJECT, "--volumes", "--yes", "--json"]);
  assert.equal(gone.code, 0, gone.stderr);
  assert.deepEqual((JSON.parse(gone.stdout) as { removedVolumes: string[] }).removedVolumes, [`${PROJECT}_db-data`]);
  assert.ok(!readFileSync(join(dir, "compose.yaml"), "utf8").includes(readFileSync(join(dir, ".env"), "utf8").match(/POSTGRES_PASSWORD=(.*)/)![1]), "a secret is inline in compose.yaml");
});

test("up explains a service that fails: the app crashes without its database URL", async (t) => {
  const dir = copyExample("pg-api", (fn) => t.after(fn));
  const app = pgApiModel(dir);
  const project = `fp-compose-crash-${process.pid}`;
  const image = `fp-compose-crash:${process.pid}`;
  await buildAppImage(dir, (await testBase("flaskPg")).tag, image, app);
  const out = renderCompose(app, planFor(app), { image, build: false, hostPort: 0 })!;
  writeFileSync(join(dir, "compose.yaml"), out.compose);
  writeFileSync(join(dir, ".env"), out.env!.replace(/^DATABASE_URL=.*$/m, ""));
  t.after(async () => {
    await removeProject(project);
    await cleanup([], [image]);
  });
  const r = await runCli(["up", dir, "-p", project, "--timeout", "90"]);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /service app/);
  assert.match(r.stderr, /KeyError: 'DATABASE_URL'/);
});

async function exec(id: string, cmd: string[]): Promise<{ exitCode: number; output: string }> {
  const d = await docker();
  const e = await d.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on("data", (c: Buffer) => chunks.push(c));
  d.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((res) => stream.on("end", () => res()));
  const info = await e.inspect();
  return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
}
