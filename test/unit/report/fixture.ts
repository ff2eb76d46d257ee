import type { ShipReport } from "../../../src/report/model.ts";
import { dirTree } from "../../../src/report/summary.ts";

/** A complete report as ship writes it for a small app, for rendering tests. */
export function sampleReport(): ShipReport {
  const files = [
    { path: "usr/lib/python3/dist-packages/flask/app.py", size: 60_000 },
    { path: "usr/lib/python3/dist-packages/werkzeug/routing.py", size: 40_000 },
    { path: "usr/lib/x86_64-linux-gnu/libssl.so.3", size: 700_000 },
    { path: "usr/share/doc/python3/changelog.gz", size: 90_000 },
    { path: "app/app.py", size: 400 },
  ];
  return {
    schemaVersion: 1,
    flaskpackVersion: "0.1.0",
    generatedAt: "2026-11-25T12:00:00.000Z",
    target: { dir: "examples/hello", image: null, usedProjectDockerfile: false },
    app: { entry: "app:app", port: 5000, routes: 2 },
    stages: [
      { name: "analyze", status: "ok", seconds: 0.4 },
      { name: "build", status: "ok", seconds: 12.3, note: "7/9 steps cached" },
      { name: "slim", status: "cached", seconds: 0.1, note: "reused" },
      { name: "scan", status: "not-available", seconds: 0, note: "no database" },
    ],
    original: {
      ref: "hello:latest", imageId: "sha256:aaa", sizeBytes: 98_200_000, files: 4210, packages: 61,
      layers: [{ index: 0, createdBy: "mmdebstrap bookworm", sizeBytes: 97_000_000 }, { index: 1, createdBy: "/bin/sh -c #(nop) COPY dir:abc in /app", sizeBytes: 1_200_000 }],
      startupMs: 812, vulns: { total: 5, critical: 1, high: 2, medium: 1, low: 1, unknown: 0 }, dirs: dirTree(files), pushBytes: null,
    },
    slim: {
      ref: "hello:slim", imageId: "sha256:bbb", sizeBytes: 31_000_000, files: 618, packages: 20,
      layers: [{ index: 0, createdBy: "flaskpack slim", sizeBytes: 31_000_000 }],
      startupMs: 640, vulns: { total: 2, critical: 0, high: 1, medium: 1, low: 0, unknown: 0 }, dirs: dirTree(files.slice(0, 3)), pushBytes: null,
    },
    routes: [
      { method: "GET", path: "/", identical: true, exercised: true, original: { status: 200 }, slim: { status: 200 } },
      { method: "GET", path: "/health", identical: false, exercised: true, original: { status: 200 }, slim: { status: 500 } },
    ],
    notExercised: [],
    lint: {
      counts: { error: 1, warning: 1, info: 0 },
      findings: [{ ruleId: "FP-DF-001", severity: "error", message: "runs as root <script>", file: "Dockerfile", line: 2, snippet: [{ line: 1, text: "FROM x" }, { line: 2, text: "USER root" }] }],
    },
    vulnerabilities: {
      db: "/db", dbAge: "3 days",
      original: [{ id: "PYSEC-1", package: "flask", version: "2.2.2", severity: "high", fixed: "2.2.5" }],
      slim: [],
    },
    generated: [{ path: "Dockerfile", content: "FROM flaskpack/base:abc\nUSER app\n", explanation: "runs gunicorn as a non-root user", written: false }],
    profiles: { seccomp: ".flaskpack/seccomp.json", apparmor: null },
    check: { enabled: true, failOn: "high", lintThreshold: "error", passed: false, reasons: ["1 route differs after slim: GET /health"] },
    nextSteps: ["flaskpack run hello:slim"],
    outDir: "/tmp/out",
  };
}
