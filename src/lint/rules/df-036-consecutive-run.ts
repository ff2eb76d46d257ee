import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const consecutiveRuns: Rule = {
  id: "FP-DF-036",
  scope: "dockerfile",
  severity: "info",
  title: "Consecutive RUN instructions",
  rationale: "Each RUN is a layer; files deleted in a later RUN still weigh in the earlier one.",
  fix: "Join consecutive RUNs with `&&` when they belong together.",
  hadolint: "DL3059",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN useradd app\nRUN mkdir /data\n" },
    good: { dockerfile: "FROM python:3.11-slim\nRUN useradd app && mkdir /data\n" },
  },
  check: ({ df }) =>
    df.stages.flatMap((s) =>
      s.instructions
        .filter((i, k) => k > 0 && i.keyword === "RUN" && s.instructions[k - 1].keyword === "RUN" && !i.flags.mount && !s.instructions[k - 1].flags.mount)
        .map((i) => at(i, "this RUN could join the previous one")),
    ),
};
