import { test } from "node:test";
import assert from "node:assert/strict";
import { bodyHash, matchRule, notExercised, parseProbe, probesFor, sampleUrl, type RouteResult } from "../../../src/slim/probes.ts";
import { seccompProfile, apparmorProfile, RUNTIME_SYSCALLS } from "../../../src/slim/profiles.ts";
import { appTarget } from "../../../src/slim/routes.ts";

test("converters get sample values", () => {
  assert.equal(sampleUrl("/post/<int:id>"), "/post/1");
  assert.equal(sampleUrl("/p/<float:x>/<name>/<path:rest>"), "/p/1.5/x/a/b");
  assert.equal(sampleUrl("/u/<uuid:u>"), "/u/00000000-0000-4000-8000-000000000000");
  assert.equal(sampleUrl("/l/<any(en, fr):lang>"), "/l/en");
  assert.equal(sampleUrl("/c/<custom:x>"), "/c/x");
});

test("probes: GET/HEAD/OPTIONS where allowed, each static file, then user probes", () => {
  const probes = probesFor(
    {
      rules: [
        { rule: "/static/<path:filename>", methods: ["GET", "HEAD", "OPTIONS"], endpoint: "static" },
        { rule: "/post/<int:id>", methods: ["GET", "HEAD", "OPTIONS"], endpoint: "posts.show" },
        { rule: "/export", methods: ["OPTIONS", "POST"], endpoint: "export" },
      ],
      staticFiles: ["/static/style.css", "/static/js/app.js"],
    },
    [parseProbe("POST:/export:{\"a\":1}")],
  );
  const lines = probes.map((p) => `${p.method} ${p.path} ${p.rule}`);
  assert.deepEqual(lines, [
    "GET /static/style.css /static/<path:filename>", "HEAD /static/style.css /static/<path:filename>", "OPTIONS /static/style.css /static/<path:filename>",
    "GET /static/js/app.js /static/<path:filename>", "HEAD /static/js/app.js /static/<path:filename>", "OPTIONS /static/js/app.js /static/<path:filename>",
    "GET /post/1 /post/<int:id>", "HEAD /post/1 /post/<int:id>", "OPTIONS /post/1 /post/<int:id>",
    "OPTIONS /export /export",
    "POST /export /export",
  ]);
  assert.equal(probes.at(-1)!.body, "{\"a\":1}");
});

test("probe specs are checked; rules are matched back from paths", () => {
  assert.deepEqual(parseProbe("get:/a:b:c"), { method: "GET", path: "/a", body: "b:c" });
  assert.throws(() => parseProbe("/nomethod"), /METHOD:\/path/);
  assert.equal(matchRule([{ rule: "/post/<int:id>.json", methods: [], endpoint: "x" }], "/post/7.json"), "/post/<int:id>.json");
  assert.equal(matchRule([{ rule: "/a", methods: [], endpoint: "x" }], "/b"), undefined);
});

test("routes whose view no probe ran are reported", () => {
  const res = (rule: string, exercised: boolean) => ({ rule, exercised }) as RouteResult;
  const dump = { rules: [{ rule: "/", methods: ["GET", "HEAD", "OPTIONS"], endpoint: "i" }, { rule: "/export", methods: ["OPTIONS", "POST"], endpoint: "e" }], staticFiles: [] };
  assert.deepEqual(notExercised(dump, [res("/", true), res("/export", false)]), ["POST /export"]);
});

test("body normalization hides what the user says varies", () => {
  const a = bodyHash(Buffer.from('{"at":"2024-01-01T10:00:00","v":1}'), [/\d{4}-\d\d-\d\dT[\d:]+/]);
  const b = bodyHash(Buffer.from('{"at":"2025-06-30T23:59:59","v":1}'), [/\d{4}-\d\d-\d\dT[\d:]+/]);
  assert.equal(a, b);
  assert.notEqual(bodyHash(Buffer.from("x")), bodyHash(Buffer.from("y")));
});

test("the seccomp profile allows the traced syscalls and the runtime's, denies the rest", () => {
  const p = seccompProfile(["openat", "accept4", "epoll_wait"]);
  assert.equal(p.defaultAction, "SCMP_ACT_ERRNO");
  const names = p.syscalls[0].names;
  assert.ok(names.includes("accept4") && names.includes("execve") && names.includes("capset"));
  assert.ok(!names.includes("ptrace") && !names.includes("mount"));
  assert.equal(names.length, new Set([...RUNTIME_SYSCALLS, "accept4"]).size);
});

test("the AppArmor profile lists kept paths with the right permissions", () => {
  const text = apparmorProfile("flaskpack-hello", [{ path: "/usr/bin/python3.11", type: "file", exec: true }, { path: "/app", type: "dir", exec: false }, { path: "/app/a b.py", type: "file", exec: false }]);
  assert.match(text, /^profile flaskpack-hello /m);
  assert.match(text, /^ {2}\/usr\/bin\/python3\.11 mrix,$/m);
  assert.match(text, /^ {2}\/app\/ r,$/m);
  assert.match(text, /^ {2}"\/app\/a b\.py" mr,$/m);
});

test("the app target comes from the server command line or FLASK_APP", () => {
  assert.equal(appTarget(["gunicorn", "-b", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "app:app"]), "app:app");
  assert.equal(appTarget(["gunicorn", "--bind", ":5000", "blog:create_app()"]), "blog:create_app()");
  assert.equal(appTarget(["flask", "run"], ["FLASK_APP=server.py"]), "server:app");
  assert.equal(appTarget(["python3", "app.py"]), "app:", "the dump finds the Flask object in the module");
  assert.equal(appTarget(["/bin/sh", "-c", "serve"]), undefined);
});
