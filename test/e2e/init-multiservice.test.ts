import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT, runCli, tempDir } from "../helpers/cli.ts";

test("init at a root with a Flask backend and a React frontend writes one compose file for both", async (t) => {
  const dir = join(tempDir((fn) => t.after(fn)), "seed003");
  cpSync(join(ROOT, "test/fixtures/seed003"), dir, { recursive: true });
  const r = await runCli(["init", dir, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const compose = parse(readFileSync(join(dir, "compose.yaml"), "utf8")) as { services: Record<string, { environment?: Record<string, string> }> };
  const names = Object.keys(compose.services);
  assert.ok(names.some((n) => n.includes("backend")), names.join(","));
  assert.ok(names.some((n) => n.includes("frontend")), names.join(","));
  assert.match(readFileSync(join(dir, "backend-flask/Dockerfile"), "utf8"), /gunicorn/);
  assert.equal(statSync(join(dir, ".env")).mode & 0o777, 0o600, ".env holds secrets: owner-only");
  const again = await runCli(["init", dir, "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok((JSON.parse(again.stdout) as { files: { action: string }[] }).files.every((f) => f.action === "skipped-exists"), "nothing overwritten without --force");
});
