import { test } from "node:test";
import assert from "node:assert/strict";
import { diagnose, parseProcNetTcp, requestErrors, type FailureFacts } from "../../../src/engine/diagnose.ts";
import { parseBuildLog, tagsFor } from "../../../src/engine/build.ts";
import { parseEnvFile, demux } from "../../../src/engine/run.ts";

const base: FailureFacts = { image: "x", phase: "exited", logs: [], containerPort: 5000, hostPort: 32768 };

test("exit 127 / executable not found → command-not-found, naming the command", () => {
  const d = diagnose({ ...base, phase: "start", exitCode: 127, startError: 'OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "gunicorn": executable file not found in $PATH: unknown' });
  assert.equal(d.kind, "command-not-found");
  assert.match(d.cause, /gunicorn/);
  assert.match(d.fix, /requirements/);
});

test("a KeyError from os.environ → missing-env with the variable's name", () => {
  const logs = ["Traceback (most recent call last):", '  File "/app/app.py", line 7, in <module>', '    DATABASE_URL = os.environ["DATABASE_URL"]', "KeyError: 'DATABASE_URL'", "[INFO] Worker exiting (pid: 8)"];
  const d = diagnose({ ...base, exitCode: 3, logs });
  assert.equal(d.kind, "missing-env");
  assert.match(d.cause, /DATABASE_URL/);
  assert.match(d.fix, /-e DATABASE_URL=/);
});

test("ModuleNotFoundError → python-exception, with the app frame as evidence", () => {
  const logs = ["Traceback (most recent call last):", '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 589, in spawn_worker', '  File "/app/app.py", line 3, in <module>', "ModuleNotFoundError: No module named 'flask_sqlalchemy'", "[INFO] Worker failed to boot."];
  const d = diagnose({ ...base, exitCode: 3, logs });
  assert.equal(d.kind, "python-exception");
  assert.match(d.cause, /ModuleNotFoundError: No module named 'flask_sqlalchemy'/);
  assert.ok(d.evidence.some((e) => e.includes("/app/app.py")));
  assert.match(d.fix, /flask_sqlalchemy/);
});

test("writing under a read-only root → read-only-fs", () => {
  const d = diagnose({ ...base, exitCode: 3, readOnlyRoot: true, logs: ["OSError: [Errno 30] Read-only file system: '/app/state.db'"] });
  assert.equal(d.kind, "read-only-fs");
  assert.match(d.cause, /\/app\/state\.db/);
});

test("listening on 127.0.0.1 inside → bound-to-localhost; on another port → wrong-port", () => {
  const local = diagnose({ ...base, phase: "not-answering", listening: [{ address: "127.0.0.1", port: 5000 }] });
  assert.equal(local.kind, "bound-to-localhost");
  const other = diagnose({ ...base, phase: "not-answering", listening: [{ address: "0.0.0.0", port: 5000 }], containerPort: 8080 });
  assert.equal(other.kind, "wrong-port");
  assert.match(other.cause, /5000.*8080/);
});

test("host port taken, OOM kill, failing health check", () => {
  assert.equal(diagnose({ ...base, phase: "start", startError: "driver failed programming external connectivity on endpoint x: Error starting userland proxy: listen tcp4 127.0.0.1:40000: bind: address already in use", hostPort: 40000 }).kind, "port-in-use");
  const oom = diagnose({ ...base, exitCode: 137, oomKilled: true, memoryBytes: 16 * 1048576 });
  assert.equal(oom.kind, "oom");
  assert.match(oom.cause, /16 MiB/);
  const sick = diagnose({ ...base, phase: "unhealthy", health: { log: [{ exitCode: 1, output: "urllib.error.HTTPError: HTTP Error 503: SERVICE UNAVAILABLE" }], command: ["python3", "-c", "..."] } });
  assert.equal(sick.kind, "unhealthy");
  assert.match(sick.cause, /HTTP Error 503/);
});

test("/proc/net/tcp parsing finds listeners in IPv4 and IPv6", () => {
  const text = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 1 1",
    "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001        0 2 1",
    "   2: 0100007F:1388 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 10001        0 3 1",
    "   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4 1",
  ].join("\n");
  assert.deepEqual(parseProcNetTcp(text), [
    { address: "127.0.0.1", port: 5000 },
    { address: "0.0.0.0", port: 8080 },
    { address: "::", port: 8000 },
  ]);
});

test("build log steps and cache hits; tags; env files; stream demux", () => {
  const steps = parseBuildLog(["Step 1/3 : FROM base", " ---> 123", "Step 2/3 : COPY requirements.txt /tmp/", " ---> Using cache", " ---> abc", "Step 3/3 : COPY . /app", " ---> def"]);
  assert.deepEqual(steps.map((s) => s.cached), [false, true, false]);
  assert.deepEqual(tagsFor("/x/My App", undefined, "abc123"), ["my-app:abc123", "my-app:latest"]);
  assert.deepEqual(tagsFor("/x/a", "reg.local:5000/team/a", "abc"), ["reg.local:5000/team/a:abc", "reg.local:5000/team/a:latest"]);
  assert.deepEqual(tagsFor("/x/a", "a:v1", "abc"), ["a:v1"]);
  assert.deepEqual(parseEnvFile("# c\nexport A=1\nB='two words'\n\nC=\"x=y\"\n"), { A: "1", B: "two words", C: "x=y" });
  const frame = (s: number, t: string) => Buffer.concat([Buffer.from([s, 0, 0, 0, 0, 0, 0, t.length]), Buffer.from(t)]);
  assert.equal(demux(Buffer.concat([frame(1, "out\n"), frame(2, "err\n")])), "out\nerr\n");
});

test("an API missing from an installed library points at its version and at pip mode", () => {
  const d = diagnose({
    image: "mb:latest",
    phase: "exited",
    exitCode: 3,
    containerPort: 5000,
    logs: [
      "Traceback (most recent call last):",
      '  File "/app/app/models.py", line 8, in User',
      "    id: so.Mapped[int] = so.mapped_column(primary_key=True)",
      "AttributeError: module 'sqlalchemy.orm' has no attribute 'mapped_column'",
      "[2026-11-25 13:40:00 +0000] [7] [INFO] Worker exiting (pid: 7)",
      "Worker failed to boot.",
    ],
  });
  assert.equal(d.kind, "python-exception");
  assert.match(d.cause, /mapped_column/);
  assert.match(d.fix, /sqlalchemy.*older.*--deps pip/);
});

test("gunicorn's HaltServer traceback after the app's own: the app's KeyError is the cause, in the evidence, while the container is still 'unhealthy'", () => {
  const logs = [
    "[2026-11-25 14:50:01 +0000] [1] [INFO] Starting gunicorn 20.1.0",
    "[2026-11-25 14:50:01 +0000] [8] [ERROR] Exception in worker process",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 589, in spawn_worker',
    "    worker.init_process()",
    '  File "/app/app.py", line 9, in create_app',
    '    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]',
    "KeyError: 'DATABASE_URL'",
    "[2026-11-25 14:50:01 +0000] [8] [INFO] Worker exiting (pid: 8)",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 209, in run',
    "    self.sleep()",
    '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 242, in handle_chld',
    "    self.reap_workers()",
    '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 525, in reap_workers',
    "    raise HaltServer(reason, self.WORKER_BOOT_ERROR)",
    "gunicorn.errors.HaltServer: <HaltServer 'Worker failed to boot.' 3>",
  ];
  for (const phase of ["exited", "unhealthy"] as const) {
    const d = diagnose({ ...base, phase, exitCode: phase === "exited" ? 3 : undefined, logs });
    assert.equal(d.kind, "missing-env", phase);
    assert.match(d.cause, /DATABASE_URL/);
    assert.ok(d.evidence.some((e) => e.includes("KeyError: 'DATABASE_URL'")), d.evidence.join("\n"));
  }
});

test("a route that answers 500 with a traceback: the exception (even a bare Exception) and the app frame, and --ready-path as a way out", () => {
  const logs = [
    "[2026-11-25 15:06:14,417] ERROR in app: Exception on / [GET]",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3/dist-packages/flask/app.py", line 1796, in dispatch_request',
    '  File "/app/flaskblog/routes.py", line 8, in home',
    "    return render_template('home.html')",
    '  File "/usr/lib/python3/dist-packages/flask_login/login_manager.py", line 347, in _load_user',
    "Exception: Missing user_loader or request_loader. Refer to http://flask-login.readthedocs.io/#how-it-works for more info.",
    '10.212.0.1 - - [25/Nov/2026:15:06:14 +0000] "GET / HTTP/1.1" 500 265 "-" "-"',
  ];
  const d = diagnose({ ...base, phase: "not-answering", logs, failedCheck: "GET http://127.0.0.1:32961/ → answered HTTP 500 for 4 s" });
  assert.equal(d.kind, "python-exception");
  assert.match(d.cause, /GET \/ answers HTTP 500: the app raised Exception: Missing user_loader/);
  assert.ok(d.evidence.some((e) => e.includes("/app/flaskblog/routes.py")), d.evidence.join("\n"));
  assert.match(d.fix, /--ready-path/);
});

test("requestErrors: each 'Exception on PATH [METHOD]' with its final exception (any name, chained ones too) and the app frame", () => {
  const logs = [
    "[2026-11-25 15:10:01,001] ERROR in app: Exception on /about [GET]",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3/dist-packages/flask/app.py", line 1796, in dispatch_request',
    "    return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)",
    '  File "/app/blog/routes.py", line 19, in about',
    "    return render_template('about.html')",
    '  File "/usr/lib/python3/dist-packages/jinja2/loaders.py", line 204, in get_source',
    "jinja2.exceptions.TemplateNotFound: about.html",
    '10.0.0.1 - - [25/Nov/2026:15:10:01 +0000] "GET /about HTTP/1.1" 500 265 "-" "-"',
    "[2026-11-25 15:10:02,001] ERROR in app: Exception on /users [POST]",
    "Traceback (most recent call last):",
    '  File "/app/blog/db.py", line 5, in get',
    "sqlite3.OperationalError: no such table: user",
    "",
    "The above exception was the direct cause of the following exception:",
    "",
    "Traceback (most recent call last):",
    '  File "/app/blog/users.py", line 9, in users',
    "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: user",
  ];
  assert.deepEqual(requestErrors(logs), [
    { method: "GET", path: "/about", error: "jinja2.exceptions.TemplateNotFound: about.html", where: "/app/blog/routes.py:19" },
    { method: "POST", path: "/users", error: "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: user", where: "/app/blog/users.py:9" },
  ]);
});
