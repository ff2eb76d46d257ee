import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const fromFirst: Rule = {
  id: "FP-DF-032",
  scope: "dockerfile",
  severity: "error",
  title: "Instruction before the first FROM",
  rationale: "Only ARG (and parser directives and comments) may come before FROM; anything else fails the build.",
  fix: "Start the Dockerfile with `FROM` (optionally preceded by `ARG` lines).",
  hadolint: "DL3061",
  examples: {
    bad: { dockerfile: "WORKDIR /app\nFROM python:3.11-slim\n" },
    good: { dockerfile: "ARG PY=3.11\nFROM python:${PY}-slim\nWORKDIR /app\n" },
  },
  check: ({ df }) => {
    const bad = df.preamble.filter((i) => i.keyword !== "ARG");
    if (df.stages.length === 0 && df.instructions.length > 0) return [at(df.instructions[0], "the Dockerfile has no FROM")];
    return bad.map((i) => at(i, `${i.keyword} before the first FROM`));
  },
};
