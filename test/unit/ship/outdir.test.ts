import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { cacheDirFor, outDirFor } from "../../../src/ship/index.ts";

function project(t: { after: (fn: () => void) => void }, ignore?: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "fp-ship-out-")), "myapp");
  mkdirSync(dir);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "app.py"), "from flask import Flask\napp = Flask(__name__)\n");
  if (ignore !== undefined) writeFileSync(join(dir, ".dockerignore"), ignore);
  return dir;
}

test("results stay in <dir>/.flaskpack when the build context ignores it", async (t) => {
  const dir = project(t, ".git\n.flaskpack\n");
  assert.deepEqual(await outDirFor(dir, {}), { outDir: join(dir, ".flaskpack") });
});

test("results go to a cache dir when .flaskpack would be sent into the image", async (t) => {
  const dir = project(t, ".git\n");
  const r = await outDirFor(dir, {});
  assert.equal(r.outDir, cacheDirFor(dir));
  assert.match(r.why!, /does not ignore \.flaskpack/);
});

test("--check never writes into the project; --out always wins", async (t) => {
  const dir = project(t, ".flaskpack\n");
  assert.equal((await outDirFor(dir, { check: true })).outDir, cacheDirFor(dir));
  assert.equal((await outDirFor(dir, { check: true, out: "/tmp/x" })).outDir, "/tmp/x");
  assert.notEqual(cacheDirFor(dir), cacheDirFor(dir + "2"));
});
