import type { Rule } from "../types.ts";
import { sentPaths } from "./ctx-sent.ts";

export const envFilesSent: Rule = {
  id: "FP-CTX-003",
  scope: "context",
  severity: "error",
  title: ".env files are sent to the daemon",
  rationale: ".env files hold local secrets; with `COPY . .` they end up in the image for anyone who pulls it.",
  fix: "Add `.env` and `.env.*` to .dockerignore (keep `.flaskenv` if the app needs it).",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { ".env": "SECRET_KEY=x\n", ".dockerignore": ".git\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { ".env": "SECRET_KEY=x\n", ".dockerignore": ".git\n.env\n" } },
  },
  check: (input) =>
    sentPaths(input, (p, dir) => !dir && /(^|\/)\.env(\.[\w.-]+)?$/.test(p) && !/\.(example|sample|template|dist)$/.test(p), ".env files", () => [".env", ".env.*", "!.env.example"]),
};
