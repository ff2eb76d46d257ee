import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { EXAMPLES, runCli, tempDir } from "../helpers/cli.ts";
import { build } from "../../src/engine/build.ts";
import { testBase, docker, cleanup } from "../helpers/engine.ts";
import type { XrayReport } from "../../src/xray/index.ts";

const IMAGE = `fp-xray-planted:${process.pid}`;
after(() => cleanup([], [IMAGE]));

/** A small image on the Debian base: a planted secret, a setuid file, a file deleted in a later layer. */
async function buildPlanted(dir: string): Promise<string> {
  const base = await testBase("flask");
  const ctx = join(dir, "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, ".env"), "GITHUB_TOKEN=ghp_" + "a1B2c3D4e5".repeat(4) + "\n");
  writeFileSync(join(ctx, "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
  writeFileSync(join(ctx, "big.bin"), Buffer.alloc(300_000, 7));
  writeFileSync(join(ctx, "app.py"), "print('hi')\n");
  writeFileSync(
    join(ctx, "Dockerfile"),
    [
      `FROM ${base.tag}`,
      "COPY .env id_rsa app.py /app/",
      "COPY big.bin /tmp/big.bin",
      "RUN cp /usr/bin/true /usr/local/bin/helper && chmod 4755 /usr/local/bin/helper && rm /tmp/big.bin",
      "ENV APP_MODE=prod",
      "USER 1000:1000",
      "EXPOSE 8000",
      "WORKDIR /app",
      'CMD ["python3", "app.py"]',
    ].join("\n"),
  );
  const d = await docker();
  const stream = await d.buildImage({ context: ctx, src: ["Dockerfile", ".env", "id_rsa", "big.bin", "app.py"] }, { t: IMAGE, rm: true, forcerm: true });
  await new Promise((res, rej) => d.modem.followProgress(stream, (err, out) => (err ? rej(err) : out.some((o: { error?: string }) => o.error) ? rej(new Error(JSON.stringify(out))) : res(out))));
  return base.tag;
}

function dockerCli(args: string[]): string {
  const r = spawnSync("docker", args, { encoding: "utf8", maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function save(image: string, file: string) {
  const d = await docker();
  await pipeline(await d.getImage(image).get(), createWriteStream(file));
}

/** Entries per layer blob of a `docker save` tarball, counted by tar itself. */
function tarCounts(file: string, dir: string): number[] {
  const manifest = JSON.parse(spawnSync("tar", ["-xOf", file, "manifest.json"], { encoding: "utf8" }).stdout);
  return (manifest[0].Layers as string[]).map((l) => {
    const out = spawnSync("sh", ["-c", `tar -xOf '${file}' '${l}' | tar tf - | wc -l`], { encoding: "utf8", cwd: dir });
    return Number(out.stdout.trim());
  });
}

/** xray's layers, per-layer entries and config equal what docker history, tar and docker inspect say. */
async function assertMatchesEngine(image: string, dir: string): Promise<void> {
  const r = await runCli(["xray", image, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as XrayReport;

  const history = JSON.parse(`[${dockerCli(["history", "--no-trunc", "--format", "{{json .}}", "-H=false", image]).trim().split("\n").join(",")}]`) as { Size: string; CreatedBy: string }[];
  history.reverse();
  assert.equal(rep.layers.length, history.length, `${image}: layer count`);
  rep.layers.forEach((l, i) => {
    const want = Number(history[i].Size);
    assert.ok(Math.abs(l.sizeBytes - want) <= Math.max(1, want * 0.01), `${image} layer ${i}: ${l.sizeBytes} vs docker history ${want}`);
    assert.equal(l.createdBy, history[i].CreatedBy);
  });

  const file = join(dir, `${image.replace(/[^a-z0-9]+/gi, "-")}.tar`);
  await save(image, file);
  assert.deepEqual(rep.layers.filter((l) => !l.emptyLayer).map((l) => l.files), tarCounts(file, dir), `${image}: entries per layer`);

  const inspect = JSON.parse(dockerCli(["inspect", image]))[0].Config;
  assert.equal(rep.config.user, inspect.User ?? "");
  assert.deepEqual(rep.config.exposedPorts, Object.keys(inspect.ExposedPorts ?? {}).sort());
  assert.deepEqual(rep.config.env, inspect.Env ?? []);
  assert.deepEqual(rep.config.cmd, inspect.Cmd);
  assert.equal(rep.config.workingDir, inspect.WorkingDir ?? "");
}

test("xray matches docker history, tar tf and docker inspect, and reports the planted problems", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const baseTag = await buildPlanted(dir);
  for (const image of [baseTag, IMAGE]) await assertMatchesEngine(image, dir);

  const rep = JSON.parse((await runCli(["xray", IMAGE, "--json"])).stdout) as XrayReport;
  const has = (rule: string, re: RegExp) => assert.ok(rep.findings.some((f) => f.rule === rule && re.test(f.message)), `${rule} ${re} in ${JSON.stringify(rep.findings.map((f) => f.message))}`);
  has("XR-SECRET-FILE", /app\/\.env: dotenv/);
  has("XR-SECRET-FILE", /app\/id_rsa: SSH private key/);
  has("XR-SECRET-CONTENT", /app\/\.env:1: GitHub token \(ghp_\*+/);
  has("XR-SECRET-CONTENT", /app\/id_rsa:1: private key/);
  has("XR-SETUID", /usr\/local\/bin\/helper is setuid/);
  has("XR-DELETED", /tmp\/big\.bin: 300000 bytes/);
  assert.ok(!JSON.stringify(rep.findings).includes("a1B2c3D4e5a1B2c3D4e5"), "the token itself is never printed");
  assert.ok(rep.wastedBytes >= 300_000, `deleted file counted as wasted (${rep.wastedBytes})`);
  assert.ok(rep.efficiency < 1);
  assert.ok(rep.layers.some((l) => l.emptyLayer && /ENV APP_MODE=prod/.test(l.createdBy)));
  assert.equal(rep.largestFiles.length, 20);
  assert.ok(!rep.findings.some((f) => f.rule === "XR-USER-ROOT"), "USER 1000 is not root");

  const text = await runCli(["xray", IMAGE]);
  assert.equal(text.code, 0, text.stderr);
  for (const s of ["Layers", "Largest files", "Largest directories", "Findings", "XR-SETUID", "8000/tcp"]) assert.ok(text.stdout.includes(s), s);
});

test("xray reads a saved tarball with the engine unreachable, and --tree/--diff work on files", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  const base = await testBase("flask");
  const file = join(dir, "base.tar");
  await save(base.tag, file);
  const nowhere = { DOCKER_HOST: "unix:///nonexistent/docker.sock" };
  const r = await runCli(["xray", file, "--json"], { env: nowhere });
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as XrayReport;
  assert.ok(rep.image.files > 1000);
  assert.ok(rep.findings.some((f) => f.rule === "XR-SHELL" && /usr\/bin\/bash/.test(f.message)));

  const tree = await runCli(["xray", file, "--tree"], { env: nowhere });
  assert.equal(tree.code, 0, tree.stderr);
  assert.match(tree.stdout, /python3\.11/);

  const diff = await runCli(["xray", file, "--diff", file, "--json"], { env: nowhere });
  assert.equal(diff.code, 0, diff.stderr);
  const d = JSON.parse(diff.stdout);
  assert.equal(d.onlyInA.length + d.onlyInB.length + d.changed.length, 0);

  const missing = await runCli(["xray", "no-such-image-flaskpack:1"], { env: nowhere });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nonexistent/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});

test("xray matches docker history, tar tf and docker inspect on every example image", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  for (const example of ["hello", "api-port", "factory", "pg-api"]) {
    const built = await build(join(EXAMPLES, example), { tag: `fp-xray-${example}:${process.pid}` });
    t.after(() => cleanup([], built.tags));
    await assertMatchesEngine(built.tags[0], dir);
  }
});
