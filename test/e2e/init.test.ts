/** init on real projects: what it writes, what it refuses to overwrite, --dry-run, --print, large contexts. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyExample, runCli } from "../helpers/cli.ts";

test("init writes Dockerfile, .dockerignore and .env.example for the factory app", async (t) => {
  const dir = copyExample("factory", (fn) => t.after(fn));
  const r = await runCli(["init", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /written\s+Dockerfile/);
  const df = readFileSync(join(dir, "Dockerfile"), "utf8");
  assert.match(df, /"blog:create_app\(\)"\]/);
  assert.match(df, /EXPOSE 8000/);
  assert.match(df, /^# /m, "choices are explained in comments");
  assert.match(readFileSync(join(dir, ".env.example"), "utf8"), /^SECRET_KEY=$/m);
  assert.doesNotMatch(df, /SECRET_KEY=/);
});

test("init never overwrites without --force; --force does", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  writeFileSync(join(dir, "Dockerfile"), "FROM mine\n");
  const r = await runCli(["init", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /skipped-exists\s+Dockerfile/);
  assert.match(r.stderr, /kept existing Dockerfile \(use --force to overwrite\)/);
  assert.equal(readFileSync(join(dir, "Dockerfile"), "utf8"), "FROM mine\n");
  const f = await runCli(["init", dir, "--force"]);
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /overwritten\s+Dockerfile/);
  assert.match(readFileSync(join(dir, "Dockerfile"), "utf8"), /gunicorn/);
});

test("--dry-run writes nothing; --print puts the files on stdout", async (t) => {
  const dir = copyExample("api-port", (fn) => t.after(fn));
  const dry = await runCli(["init", dir, "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /dry-run\s+Dockerfile/);
  assert.equal(existsSync(join(dir, "Dockerfile")), false);
  const printed = await runCli(["init", dir, "--print"]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /# ---- Dockerfile\n/);
  assert.match(printed.stdout, /"server:application"\]/);
  assert.match(printed.stdout, /EXPOSE 4567/);
  assert.equal(existsSync(join(dir, "Dockerfile")), false);
});

test("the app with a database gets compose.yaml, and .env.example documents DATABASE_URL", async (t) => {
  const dir = copyExample("pg-api", (fn) => t.after(fn));
  const r = await runCli(["init", dir, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, "compose.yaml")));
  assert.match(readFileSync(join(dir, ".env.example"), "utf8"), /DATABASE_URL/);
  const out = JSON.parse(r.stdout) as { plan: { runtimeEnv: string[] } };
  assert.ok(out.plan.runtimeEnv.includes("DATABASE_URL"));
});

test("a build context over 50 MB is warned about, naming the largest offenders; .dockerignore'd venvs do not count", async (t) => {
  const dir = copyExample("hello", (fn) => t.after(fn));
  mkdirSync(join(dir, "media"));
  writeFileSync(join(dir, "media", "video.bin"), Buffer.alloc(52_000_000));
  mkdirSync(join(dir, "myenv"));
  writeFileSync(join(dir, "myenv", "pyvenv.cfg"), "home = /usr/bin\n");
  writeFileSync(join(dir, "myenv", "big.so"), Buffer.alloc(30_000_000));
  const r = await runCli(["init", dir, "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: the build context is 52 MB after \.dockerignore; largest: media \(52\.0 MB\)/);
  assert.doesNotMatch(r.stderr, /myenv/);
});
