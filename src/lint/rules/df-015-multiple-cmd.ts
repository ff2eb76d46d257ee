import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";

export const multipleCmd: Rule = {
  id: "FP-DF-015",
  scope: "dockerfile",
  severity: "warning",
  title: "More than one CMD in a stage",
  rationale: "Only the last CMD takes effect; the others mislead the reader about what the container runs.",
  fix: "Keep one CMD per stage.",
  hadolint: "DL4003",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCMD [\"python\", \"setup.py\"]\nCMD [\"python\", \"app.py\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nCMD [\"python\", \"app.py\"]\n" },
  },
  check: ({ df }) => df.stages.flatMap((s) => ofKind(s, "CMD").slice(0, -1).map((i) => at(i, "this CMD is overridden by a later one"))),
};
