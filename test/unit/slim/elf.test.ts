import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readElfDeps } from "../../../src/slim/elf.ts";

test("DT_NEEDED and the interpreter of a real executable", () => {
  const deps = readElfDeps(readFileSync("/usr/bin/strace"));
  assert.ok(deps);
  assert.match(deps.interp ?? "", /ld-linux-x86-64\.so\.2$/);
  assert.ok(deps.needed.includes("libc.so.6"), deps.needed.join(","));
  assert.ok(deps.needed.some((n) => n.startsWith("libunwind")), deps.needed.join(","));
});

test("a shared library has DT_NEEDED but no interpreter; text is not ELF", () => {
  const libz = ["/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"].map((p) => { try { return readFileSync(p); } catch { return undefined; } }).find(Boolean);
  assert.ok(libz, "libz is installed on the host");
  const deps = readElfDeps(libz);
  assert.equal(deps?.interp, undefined);
  assert.deepEqual(deps?.needed, ["libc.so.6"]);
  assert.equal(readElfDeps(Buffer.from("#!/bin/sh\necho hi\n".repeat(10))), undefined);
  assert.equal(readElfDeps(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), undefined);
});
