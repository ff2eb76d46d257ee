import type { Rule } from "../types.ts";
import { sentPaths } from "./ctx-sent.ts";

export const nodeModulesSent: Rule = {
  id: "FP-CTX-007",
  scope: "context",
  severity: "warning",
  title: "node_modules is sent to the daemon",
  rationale: "node_modules is large, platform specific and rebuilt by the image's own install step.",
  fix: "Add `node_modules` (or `**/node_modules`) to .dockerignore.",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { "frontend/node_modules/x/index.js": "1\n", ".dockerignore": ".git\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { "frontend/node_modules/x/index.js": "1\n", ".dockerignore": ".git\n**/node_modules\n" } },
  },
  check: (input) => sentPaths(input, (p, dir) => dir && /(^|\/)node_modules$/.test(p), "node_modules", () => ["**/node_modules"]),
};
