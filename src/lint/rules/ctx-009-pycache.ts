import type { Rule } from "../types.ts";
import { sentPaths } from "./ctx-sent.ts";

export const pycacheSent: Rule = {
  id: "FP-CTX-009",
  scope: "context",
  severity: "info",
  title: "Python caches are sent to the daemon",
  rationale: "`__pycache__`, `.pytest_cache` and `.mypy_cache` are host artifacts: they bloat the image and bust the layer cache.",
  fix: "Add `**/__pycache__`, `**/*.pyc`, `.pytest_cache` and `.mypy_cache` to .dockerignore.",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { "__pycache__/app.cpython-311.pyc": "x", ".dockerignore": ".git\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { "__pycache__/app.cpython-311.pyc": "x", ".dockerignore": ".git\n**/__pycache__\n" } },
  },
  check: (input) =>
    sentPaths(input, (p, dir) => dir && /(^|\/)(__pycache__|\.pytest_cache|\.mypy_cache|\.ruff_cache|\.tox)$/.test(p), "Python caches", (paths) => [...new Set(paths.map((p) => `**/${p.split("/").pop()}`))]),
};
