import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStrace } from "../../../src/slim/strace.ts";

const TRACE = `9     execve("/usr/bin/gunicorn", ["gunicorn", "app:app"], 0x7ffc /* 4 vars */) = 0
9     openat(-100</app>, "/etc/ld.so.cache", 0x80000) = 3</etc/ld.so.cache>
9     openat(-100</app>, "/lib/x86_64-linux-gnu/libz.so.1", 0x80000) = 3</usr/lib/x86_64-linux-gnu/libz.so.1.2.13>
9     read(3</usr/lib/x86_64-linux-gnu/libz.so.1.2.13>, "\\177ELF\\"/not/a/path\\"", 832) = 832
9     newfstatat(-100</app>, "app.py", {st_mode=0100644, st_size=10, ...}, 0) = 0
9     clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x7f) = 10
10    chdir("/srv")                     = 0
10    openat(-100</srv>, "templates/index.html", 0) = 4</srv/templates/index.html>
10    stat("data/a\\x20b.txt", 0x7ff) = -1 ENOENT (No such file or directory)
9     openat(-100</app>, "/usr/lib/python3.11/json/__init__.py", 0x80000 <unfinished ...>
10    pselect6(6, [5], NULL, NULL, {tv_sec=1, tv_nsec=0}, NULL) = 0 (Timeout)
9     <... openat resumed>) = 5</usr/lib/python3.11/json/__init__.py>
`;

test("strace output becomes absolute paths, resolved against the traced cwd", () => {
  const t = parseStrace(TRACE, "/app");
  for (const p of ["/usr/bin/gunicorn", "/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "/app/app.py", "/srv/templates/index.html", "/srv/data/a b.txt", "/usr/lib/python3.11/json/__init__.py"]) {
    assert.ok(t.paths.has(p), `${p} is in the trace`);
  }
  assert.ok(!t.paths.has("/not/a/path"), "strings read from files are not paths");
  assert.deepEqual([...t.executed], ["/usr/bin/gunicorn"]);
});

test("every syscall name is recorded for the seccomp profile, including resumed ones", () => {
  const t = parseStrace(TRACE);
  for (const s of ["execve", "openat", "read", "newfstatat", "clone", "chdir", "stat", "pselect6"]) assert.ok(t.syscalls.has(s), s);
  assert.equal(t.lines, 12);
});
