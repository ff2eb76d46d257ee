import type { Rule } from "../types.ts";
import { contextHit } from "./util.ts";

/** What flaskpack puts in a new .dockerignore: things a Flask image never needs. */
export const DEFAULT_DOCKERIGNORE = [".git", ".env", ".env.*", "**/__pycache__", "**/*.pyc", ".venv", "venv", "node_modules", "*.pem", "*.key", ".pytest_cache", ".mypy_cache"];

export const noDockerignore: Rule = {
  id: "FP-CTX-001",
  scope: "context",
  severity: "warning",
  title: "No .dockerignore",
  rationale: "Without .dockerignore the whole directory — .git, virtualenvs, .env files — is sent to the daemon and can land in the image through `COPY . .`.",
  fix: "Create a .dockerignore (`flaskpack lint --fix` writes a starting one).",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { "app.py": "print(1)\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { "app.py": "print(1)\n", ".dockerignore": ".git\n.env\n" } },
  },
  check: (input) => (input.context.dockerignore ? [] : [contextHit(input, "the build context has no .dockerignore", DEFAULT_DOCKERIGNORE)]),
};
