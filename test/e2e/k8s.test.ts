import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { runCli, copyExample, tempDir } from "../helpers/cli.ts";
import { testBase, cleanup } from "../helpers/engine.ts";

const IMAGE = `fp-k8s-hello:${process.pid}`;

test("k8s from a built image: port, user, health route and graceful timeout come from the image; files are not overwritten without --force", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  t.after(() => cleanup([], [IMAGE]));
  const built = await runCli(["build", dir, "--tag", IMAGE]);
  assert.equal(built.code, 0, built.stderr);

  const r = await runCli(["k8s", IMAGE, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { from: string; facts: { port: number; healthPath: string; user: { uid: number }; gracefulTimeoutSeconds: number }; objects: { kind: string }[] };
  assert.equal(out.from, "image");
  assert.equal(out.facts.healthPath, "/health");
  assert.equal(out.facts.user.uid, 10001);
  const dep = out.objects.find((o) => o.kind === "Deployment") as unknown as Deployment;
  new Deployment(dep).validate();
  const c = dep.spec!.template.spec!.containers[0];
  assert.equal(c.image, IMAGE);
  assert.equal(c.ports![0].containerPort, out.facts.port);
  assert.deepEqual(c.readinessProbe?.httpGet, { path: "/health", port: "http" });
  assert.equal(dep.spec!.template.spec!.terminationGracePeriodSeconds, out.facts.gracefulTimeoutSeconds + 5);

  const outDir = join(tempDir((fn) => t.after(fn)), "k8s");
  const w = await runCli(["k8s", IMAGE, "-o", outDir, "--host", "hello.example.com"]);
  assert.equal(w.code, 0, w.stderr);
  assert.deepEqual(readdirSync(outDir).sort(), ["deployment.yaml", "hpa.yaml", "ingress.yaml", "networkpolicy.yaml", "service.yaml"]);
  for (const f of readdirSync(outDir)) for (const d of parseAllDocuments(readFileSync(join(outDir, f), "utf8"))) assert.ok((d.toJS() as { kind: string }).kind);
  writeFileSync(join(outDir, "service.yaml"), "# mine\n");
  const again = await runCli(["k8s", IMAGE, "-o", outDir]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already has .*service\.yaml.*--force/s);
  assert.equal(readFileSync(join(outDir, "service.yaml"), "utf8"), "# mine\n");
  assert.equal((await runCli(["k8s", IMAGE, "-o", outDir, "--force"])).code, 0);
});

test("k8s refuses an image that runs as root", async () => {
  const base = await testBase("flask");
  const r = await runCli(["k8s", base.tag]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /runs as root.*runAsNonRoot/);
});
