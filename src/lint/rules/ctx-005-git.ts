import type { Rule } from "../types.ts";
import { sentPaths } from "./ctx-sent.ts";

export const gitSent: Rule = {
  id: "FP-CTX-005",
  scope: "context",
  severity: "warning",
  title: ".git is sent to the daemon",
  rationale: ".git holds the whole history (including secrets ever committed) and changes on every commit, which defeats the layer cache of `COPY . .`.",
  fix: "Add `.git` to .dockerignore.",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { ".git/HEAD": "ref: refs/heads/main\n", ".dockerignore": ".env\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { ".git/HEAD": "ref: refs/heads/main\n", ".dockerignore": ".env\n.git\n" } },
  },
  check: (input) => sentPaths(input, (p, dir) => dir && /(^|\/)\.(git|hg|svn)$/.test(p), "version control data", (paths) => [...new Set(paths.map((p) => p.split("/").pop()!))]),
};
