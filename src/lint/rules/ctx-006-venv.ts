import type { Rule } from "../types.ts";
import { sentPaths } from "./ctx-sent.ts";

export const venvSent: Rule = {
  id: "FP-CTX-006",
  scope: "context",
  severity: "warning",
  title: "A virtualenv is sent to the daemon",
  rationale: "A local virtualenv is built for the host (paths, Python, compiled wheels); copied into the image it is dead weight at best and shadows the image's packages at worst.",
  fix: "Add the virtualenv directory to .dockerignore.",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { ".venv/pyvenv.cfg": "home = /usr/bin\n", ".dockerignore": ".git\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { ".venv/pyvenv.cfg": "home = /usr/bin\n", ".dockerignore": ".git\n.venv\n" } },
  },
  check: (input) => {
    const venvs = new Set(input.context.files.filter((f) => /(^|\/)pyvenv\.cfg$/.test(f.path)).map((f) => f.path.replace(/\/?pyvenv\.cfg$/, "")));
    return sentPaths(input, (p, dir) => dir && venvs.has(p), "virtualenvs", (paths) => paths);
  },
};
