import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";

export const multipleEntrypoint: Rule = {
  id: "FP-DF-016",
  scope: "dockerfile",
  severity: "warning",
  title: "More than one ENTRYPOINT in a stage",
  rationale: "Only the last ENTRYPOINT takes effect.",
  fix: "Keep one ENTRYPOINT per stage.",
  hadolint: "DL4004",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nENTRYPOINT [\"python\"]\nENTRYPOINT [\"gunicorn\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nENTRYPOINT [\"gunicorn\"]\n" },
  },
  check: ({ df }) => df.stages.flatMap((s) => ofKind(s, "ENTRYPOINT").slice(0, -1).map((i) => at(i, "this ENTRYPOINT is overridden by a later one"))),
};
