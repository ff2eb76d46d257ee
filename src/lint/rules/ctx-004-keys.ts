import type { Rule } from "../types.ts";
import { sentPaths } from "./ctx-sent.ts";

export const keysSent: Rule = {
  id: "FP-CTX-004",
  scope: "context",
  severity: "error",
  title: "Private keys or credentials are sent to the daemon",
  rationale: "Key files (`*.pem`, `*.key`, `id_rsa`, `.npmrc`, `.pypirc`, cloud credentials) in the context can be copied into the image and leak with it.",
  fix: "Add them to .dockerignore and pass them at run time if the app needs them.",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { "certs/server.key": "-----BEGIN PRIVATE KEY-----\n", ".dockerignore": ".git\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { "certs/server.key": "-----BEGIN PRIVATE KEY-----\n", ".dockerignore": ".git\n*.key\n**/*.key\n" } },
  },
  check: (input) =>
    sentPaths(
      input,
      (p, dir) => !dir && /(^|\/)(id_(rsa|dsa|ecdsa|ed25519)|[^/]+\.(pem|key|p12|pfx|jks)|\.npmrc|\.pypirc|\.netrc|credentials\.json|service-account[^/]*\.json|\.htpasswd)$/.test(p),
      "keys or credential files",
      (paths) => [...new Set(paths.map((p) => `**/${p.split("/").pop()!.replace(/^.*(\.(pem|key|p12|pfx|jks))$/, "*$1")}`))],
    ),
};
