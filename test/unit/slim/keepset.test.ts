import { test } from "node:test";
import assert from "node:assert/strict";
import { computeKeepSet, explain, type FileIndex, type FileEntry } from "../../../src/slim/keepset.ts";
import { sourcelessPlan } from "../../../src/slim/index.ts";

function index(entries: Record<string, Partial<FileEntry> | "dir">): FileIndex {
  const m: FileIndex = new Map();
  for (const [p, e] of Object.entries(entries)) m.set(p, e === "dir" ? { type: "dir", size: 0 } : { type: "file", size: 100, ...e });
  // parents
  for (const p of [...m.keys()]) for (let d = p.slice(0, p.lastIndexOf("/")); d; d = d.slice(0, d.lastIndexOf("/"))) if (!m.has(d)) m.set(d, { type: "dir", size: 0 });
  return m;
}

const SITE = "/usr/lib/python3/dist-packages";
const IMAGE = index({
  "/lib": { type: "symlink", link: "usr/lib" },
  "/lib64": { type: "symlink", link: "usr/lib64" },
  "/usr/lib64/ld-linux-x86-64.so.2": { type: "symlink", link: "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" },
  "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": {},
  "/usr/bin/python3": { type: "symlink", link: "python3.11" },
  "/usr/bin/python3.11": { elf: { interp: "/lib64/ld-linux-x86-64.so.2", needed: ["libz.so.1", "libc.so.6"], runpath: [] } },
  "/usr/lib/x86_64-linux-gnu/libz.so.1": { type: "symlink", link: "libz.so.1.2.13" },
  "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13": { elf: { needed: ["libc.so.6"], runpath: [] } },
  "/usr/lib/x86_64-linux-gnu/libc.so.6": { elf: { needed: [], runpath: [] } },
  "/usr/lib/x86_64-linux-gnu/libunused.so.1": { elf: { needed: [], runpath: [] } },
  [`${SITE}/jinja2/__init__.py`]: {},
  [`${SITE}/jinja2/__pycache__/__init__.cpython-311.pyc`]: {},
  [`${SITE}/jinja2/ext.py`]: { size: 3000 },
  [`${SITE}/jinja2/__pycache__/ext.cpython-311.pyc`]: { size: 2000 },
  [`${SITE}/jinja2/sandbox.py`]: {},
  [`${SITE}/Jinja2-3.1.2.egg-info/PKG-INFO`]: {},
  [`${SITE}/Jinja2-3.1.2.egg-info/top_level.txt`]: { text: "jinja2\n" },
  [`${SITE}/six-1.16.0.dist-info/METADATA`]: {},
  "/etc/passwd": {},
  "/etc/group": {},
  "/etc/shadow": {},
  "/etc/ssl/certs/ca-certificates.crt": {},
  "/usr/lib/ssl/openssl.cnf": {},
  "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so": { elf: { needed: [], runpath: [] } },
  "/usr/share/zoneinfo/Europe/Paris": {},
  "/usr/share/zoneinfo/Asia/Tokyo": {},
  "/var/lib/dpkg/status": {},
  "/var/lib/dpkg/info/libc6.list": { text: "/usr/lib/x86_64-linux-gnu/libc.so.6\n" },
  "/usr/share/doc/libc6/copyright": {},
  "/app/app.py": {},
});

test("traced paths pull in symlink chains, ELF dependencies and parent directories", () => {
  const k = computeKeepSet(IMAGE, { traced: ["/usr/bin/python3"] });
  for (const p of ["/usr/bin/python3", "/usr/bin/python3.11", "/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin", "/usr"]) {
    assert.ok(k.kept.has(p), `${p} kept`);
  }
  assert.ok(!k.kept.has("/usr/lib/x86_64-linux-gnu/libunused.so.1"));
  assert.ok(!k.kept.has("/usr/share/doc/libc6/copyright"));
  assert.ok(!k.kept.has("/etc/shadow"));
  assert.ok(k.kept.has("/etc/passwd") && k.kept.has("/var/lib/dpkg/status") && k.kept.has("/var/lib/dpkg/info/libc6.list"));
  assert.equal(k.kept.get("/usr/lib/x86_64-linux-gnu/libc.so.6")?.reason, "ELF dependency");
});

test("a kept module keeps its package __init__ chain and its distribution's metadata, not its siblings", () => {
  const k = computeKeepSet(IMAGE, { traced: [`${SITE}/jinja2/__pycache__/ext.cpython-311.pyc`] });
  assert.ok(k.kept.has(`${SITE}/jinja2/__init__.py`));
  assert.ok(k.kept.has(`${SITE}/jinja2/__pycache__/__init__.cpython-311.pyc`));
  assert.ok(k.kept.has(`${SITE}/Jinja2-3.1.2.egg-info/PKG-INFO`));
  assert.ok(!k.kept.has(`${SITE}/six-1.16.0.dist-info/METADATA`));
  assert.ok(!k.kept.has(`${SITE}/jinja2/sandbox.py`));
});

test("ssl brings the CA bundle; one time zone brings the zone database", () => {
  const k = computeKeepSet(IMAGE, { traced: ["/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so", "/usr/share/zoneinfo/Europe/Paris"] });
  assert.equal(k.kept.get("/etc/ssl/certs/ca-certificates.crt")?.reason, "CA certificates");
  assert.equal(k.kept.get("/usr/share/zoneinfo/Asia/Tokyo")?.reason, "time zone data");
});

test("--include keeps a tree, --exclude drops one, --explain tells why", () => {
  const k = computeKeepSet(IMAGE, { traced: ["/usr/bin/python3"], include: ["/usr/share/doc"], exclude: ["/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"] });
  assert.ok(k.kept.has("/usr/share/doc/libc6/copyright"));
  assert.ok(!k.kept.has("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"));
  const why = explain(k, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  assert.match(why[0], /ELF dependency \(from \/usr\/bin\/python3\.11\)/);
  assert.match(why.at(-1)!, /traced/);
  assert.match(explain(k, "/etc/shadow")[0], /not kept/);
});

test("sourceless: library .py with loaded bytecode ships as .pyc; the app's own sources stay", () => {
  const k = computeKeepSet(IMAGE, { traced: [`${SITE}/jinja2/ext.py`, `${SITE}/jinja2/__pycache__/ext.cpython-311.pyc`, "/app/app.py"] });
  const plan = sourcelessPlan(IMAGE, k, "/app");
  assert.equal(plan.get(`${SITE}/jinja2/ext.py`), `${SITE}/jinja2/__pycache__/ext.cpython-311.pyc`);
  assert.ok(!plan.has("/app/app.py"));
});
