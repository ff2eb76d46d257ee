import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";

export const missingHealthcheck: Rule = {
  id: "FP-DF-012",
  scope: "dockerfile",
  severity: "warning",
  title: "Image has no HEALTHCHECK",
  rationale: "Without a health check, Docker and compose report a hung app as running, and `depends_on: condition: service_healthy` cannot work.",
  fix: "Add `HEALTHCHECK CMD python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\"` (no curl needed).",
  hadolint: "DL3057",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCMD [\"python3\", \"-m\", \"http.server\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nHEALTHCHECK CMD python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\"\nCMD [\"python3\", \"-m\", \"http.server\"]\n" },
  },
  check: ({ df }) => {
    const stage = df.finalStage;
    if (!stage || stage.fromStage) return [];
    return ofKind(stage, "HEALTHCHECK").length ? [] : [at(stage.from, "the final stage has no HEALTHCHECK")];
  },
};
