/**
 * lint on 1,000 generated Dockerfiles: in memory (pure rules), from disk through lint() (discovery, build context,
 * analyze of the app), and through the CLI as a user runs it.
 */
import { mkdtempSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BenchResult } from "./run.ts";
import { lint, lintDockerfileText } from "../src/lint/index.ts";
import { RULES } from "../src/lint/rules/index.ts";
import type { AppModel } from "../src/analyze/model.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const N = 1000;

/** Deterministic variants: every combination of base, dependency step, copy order, user, healthcheck and command. */
export function variants(n: number): string[] {
  const bases = ["python:3.11-slim", "python:alpine", "python:latest", "python:3.10-slim-buster", "flaskpack/base:abc123", "debian:12"];
  const deps = [
    "RUN pip install -r requirements.txt",
    "RUN pip install --no-cache-dir -r requirements.txt",
    "RUN pip install flask gunicorn",
    "RUN apt-get update && apt-get install -y curl && pip3 install --no-cache-dir flask==3.0.3 gunicorn==22.0.0",
    "RUN apt-get update\nRUN apt-get install -y --no-install-recommends python3-flask && rm -rf /var/lib/apt/lists/*",
  ];
  const copies = ["COPY . .", "COPY requirements.txt .", "ADD . /app"];
  const users = ["", "USER root", "RUN useradd -u 10001 app\nUSER 10001"];
  const health = ["", "HEALTHCHECK CMD python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\""];
  const cmds = [
    'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]',
    "CMD gunicorn app:app",
    'CMD [ "python3", "-m" , "flask", "run", "--host=0.0.0.0"]',
    'ENTRYPOINT ["python"]\nCMD ["app.py"]',
    'CMD ["gunicorn", "--bind", "127.0.0.1:8000", "wsgi:application"]',
  ];
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const pick = <T,>(xs: T[], k: number) => xs[Math.floor(i / k) % xs.length];
    const copy = pick(copies, 1);
    const lines = [
      `# variant ${i}`,
      `FROM ${pick(bases, 3)}`,
      "WORKDIR /app",
      copy,
      pick(deps, 7),
      copy === "COPY requirements.txt ." ? "COPY . ." : "",
      i % 4 === 0 ? "ENV FLASK_ENV=development SECRET_KEY=dev" : "ENV PYTHONUNBUFFERED=1",
      `EXPOSE ${i % 3 === 0 ? "5000" : "8000"}`,
      pick(users, 11),
      pick(health, 2),
      pick(cmds, 13),
    ];
    out.push(lines.filter(Boolean).join("\n") + "\n");
  }
  return out;
}

const APP: AppModel = {
  schemaVersion: 1, root: "/bench", entry: { target: "app:app", module: "app", object: "app", kind: "object", reason: "Flask() assignment", score: 10 },
  alternatives: [], routes: [], port: { value: 5000, from: "default" }, python: { wanted: "3.11", from: ".python-version" },
  dependencies: [{ name: "flask", normalized: "flask", specifier: "", extras: [], from: "requirements.txt:1" }],
  undeclaredImports: [], unusedDependencies: [], localModules: ["app"], server: { declared: [], chosen: "gunicorn" }, env: [], secrets: [],
  assets: { templates: [], static: [], writablePaths: ["instance/app.db"] }, services: [],
  debugRisks: [{ id: "debug-true", severity: "info", message: "app.run(debug=True)", source: { file: "app.py", line: 12 } }],
  problems: [], filesScanned: 1, seconds: 0,
};

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export default async function bench(): Promise<BenchResult> {
  const files = variants(N);
  const sources = { "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(debug=True)\n" };
  // Warm-up: JIT and module loading are not what is measured.
  for (const f of files.slice(0, 50)) lintDockerfileText(f, { app: APP, sources });

  const times: number[] = [];
  let findings = 0;
  const started = performance.now();
  for (const f of files) {
    const t0 = performance.now();
    findings += lintDockerfileText(f, { app: APP, sources }).length;
    times.push(performance.now() - t0);
  }
  const memoryMs = performance.now() - started;

  const dir = mkdtempSync(join(tmpdir(), "fp-lint-bench-"));
  try {
    cpSync(join(ROOT, "test/fixtures/lint/seed-002"), dir, { recursive: true });
    rmSync(join(dir, "Dockerfile"));
    files.forEach((f, i) => writeFileSync(join(dir, `v${String(i).padStart(4, "0")}.Dockerfile`), f));
    const t1 = performance.now();
    const report = await lint(dir);
    const diskMs = performance.now() - t1;

    const t2 = performance.now();
    const cli = spawnSync(process.execPath, [join(ROOT, "bin/flaskpack.js"), "lint", dir, "--json"], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    const cliMs = performance.now() - t2;
    const cliFindings = (JSON.parse(cli.stdout) as { findings: unknown[] }).findings.length;

    return {
      name: "lint",
      description:
        `\`flaskpack lint\` on ${N} generated Dockerfiles (combinations of 6 base images, 5 dependency steps, 3 copy orders, 3 USER settings, with/without HEALTHCHECK, 5 commands), all ${RULES.length} rules. ` +
        "In memory: `lintDockerfileText` per file with a hand-made AppModel (Dockerfile + Flask rules). From disk: one `lint(dir)` call on a directory holding all 1,000 files plus a Flask app (discovery, reading, build context, analyze, every rule). CLI: the same directory through `flaskpack lint --json` in a fresh process.",
      rows: [
        { mode: "in memory (lintDockerfileText)", dockerfiles: N, findings, "total s": +(memoryMs / 1000).toFixed(3), "per file ms (mean)": +(memoryMs / N).toFixed(3), "p50 ms": +quantile(times, 0.5).toFixed(3), "p95 ms": +quantile(times, 0.95).toFixed(3), "files/s": Math.round(N / (memoryMs / 1000)) },
        { mode: "from disk (lint(dir))", dockerfiles: report.files.filter((f) => f.endsWith(".Dockerfile")).length, findings: report.findings.length, "total s": +(diskMs / 1000).toFixed(3), "per file ms (mean)": +(diskMs / N).toFixed(3), "p50 ms": null, "p95 ms": null, "files/s": Math.round(N / (diskMs / 1000)) },
        { mode: "CLI (flaskpack lint --json)", dockerfiles: N, findings: cliFindings, "total s": +(cliMs / 1000).toFixed(3), "per file ms (mean)": +(cliMs / N).toFixed(3), "p50 ms": null, "p95 ms": null, "files/s": Math.round(N / (cliMs / 1000)) },
      ],
      notes: [
        `${RULES.length} rules (${RULES.filter((r) => r.scope === "dockerfile").length} Dockerfile, ${RULES.filter((r) => r.scope === "flask").length} AppModel-based, ${RULES.filter((r) => r.scope === "context").length} build context, ${RULES.filter((r) => r.scope === "compose").length} compose).`,
        "The CLI row includes Node start-up, loading every command module and analyze's tree-sitter parse of the app; CPU is shared with other jobs on this machine.",
        "hadolint is not installed here (no registry with its binary is reachable), so there is no side-by-side number.",
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
