import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { extract } from "tar-stream";
import { contextTar, isIgnored, listContext, parseDockerignore, summarizeContext } from "../../../src/engine/context.ts";
import { tempDir } from "../../helpers/cli.ts";

test("dockerignore patterns follow Docker: *, **, parent directories, negation, last match wins", () => {
  const rules = parseDockerignore("# comment\n*.log\n**/__pycache__\n/build/\ndocs\n!docs/keep.md\nsecret?.txt\n");
  assert.ok(isIgnored(rules, "a.log"));
  assert.ok(!isIgnored(rules, "sub/a.log"), "* does not cross directories");
  assert.ok(isIgnored(rules, "x/y/__pycache__/m.pyc"));
  assert.ok(isIgnored(rules, "build/lib/x.py"), "a directory pattern covers its contents");
  assert.ok(isIgnored(rules, "docs/a.md"));
  assert.ok(!isIgnored(rules, "docs/keep.md"), "negation re-includes");
  assert.ok(isIgnored(rules, "secret1.txt"));
  assert.ok(!isIgnored(rules, "secret12.txt"));
});

test("the context lists only kept files, sums them, and streams them as a tar with extra files first", async (t) => {
  const dir = tempDir((fn) => t.after(fn));
  mkdirSync(join(dir, "pkg"));
  mkdirSync(join(dir, ".venv"));
  writeFileSync(join(dir, "pkg", "app.py"), "print(1)\n");
  writeFileSync(join(dir, ".venv", "big.bin"), Buffer.alloc(100_000));
  writeFileSync(join(dir, "data.db"), Buffer.alloc(5000));
  const entries = listContext(dir, parseDockerignore(".venv\n*.db\n"));
  assert.deepEqual(entries.map((e) => e.path), ["pkg", "pkg/app.py"]);
  const sum = summarizeContext(listContext(dir, []));
  assert.equal(sum.largest[0].path, ".venv");
  assert.equal(sum.bytes, 100_000 + 5000 + 9);

  const names: string[] = [];
  let dockerfile = "";
  const ex = extract();
  ex.on("entry", (h, s, next) => {
    names.push(h.name);
    let body = "";
    s.on("data", (d: unknown) => { body += String(d); });
    s.on("end", () => {
      if (h.name === "Dockerfile") dockerfile = body;
      next();
    });
  });
  await new Promise<void>((res, rej) => {
    ex.on("finish", () => res());
    ex.on("error", rej);
    contextTar(dir, entries, { Dockerfile: "FROM scratch\n" }).pipe(ex);
  });
  assert.deepEqual(names, ["Dockerfile", "pkg", "pkg/app.py"]);
  assert.equal(dockerfile, "FROM scratch\n");
});
