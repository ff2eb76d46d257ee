import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const consecutiveRuns: Rule = {
  id: "FP-DF-036",
  scope: "dockerfile",
  severity: "info",
  title: "Consecutive RUN instructions",
  rationale: "Each RUN of the final stage is a layer of the image; files deleted in a later RUN still weigh in the earlier one. (Layers of earlier build stages are thrown away, so they are not checked.)",
  fix: "Join consecutive RUNs with `&&` when they belong together.",
  hadolint: "DL3059",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN useradd app\nRUN mkdir /data\n" },
    good: { dockerfile: "FROM python:3.11-slim AS build\nRUN python3 -m venv /venv\nRUN /venv/bin/pip install --no-cache-dir flask==3.0.3\nFROM python:3.11-slim\nCOPY --from=build /venv /venv\nRUN useradd app && mkdir /data\n" },
  },
  check: ({ df }) =>
    (df.finalStage ? [df.finalStage] : []).flatMap((s) =>
      s.instructions
        .filter((i, k) => k > 0 && i.keyword === "RUN" && s.instructions[k - 1].keyword === "RUN" && !i.flags.mount && !s.instructions[k - 1].flags.mount)
        .map((i) => at(i, "this RUN could join the previous one")),
    ),
};
