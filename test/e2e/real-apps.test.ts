import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers/cli.ts";
import { cleanup } from "../helpers/engine.ts";
import { build } from "../../src/engine/build.ts";
import { run, stop } from "../../src/engine/run.ts";

test("a tutorial-style app that keeps its SQLite database in the instance folder runs hardened and writes it", async (t) => {
  const dir = join(tempDir((fn) => t.after(fn)), "flaskr");
  cpSync(join(ROOT, "test/fixtures/apps/flaskr"), dir, { recursive: true });
  const built = await build(dir, { tag: `fp-realapp-flaskr:${process.pid}` });
  t.after(() => cleanup([], built.tags));
  const started = await run(built.image, { name: `fp-realapp-flaskr-${process.pid}` });
  t.after(() => stop(started.containerId));
  const index = await fetch(`${started.url}/`);
  assert.equal(index.status, 200, await index.clone().text());
  assert.match(await index.text(), /<h1>Posts<\/h1>/);
  const login = await fetch(`${started.url}/auth/login`);
  assert.equal(login.status, 200);
});
