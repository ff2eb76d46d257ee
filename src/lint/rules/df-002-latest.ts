import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const latestTag: Rule = {
  id: "FP-DF-002",
  scope: "dockerfile",
  severity: "warning",
  title: "Base image uses the `latest` tag",
  rationale: "`latest` changes without notice; builds stop being reproducible and a rebuild can silently change the Python version.",
  fix: "Use a versioned tag, e.g. `python:3.11-slim-bookworm`.",
  hadolint: "DL3007",
  examples: {
    bad: { dockerfile: "FROM python:latest\n" },
    good: { dockerfile: "FROM python:3.11-slim\n" },
  },
  check: ({ df }) => df.stages.filter((s) => !s.fromStage && s.tag === "latest" && !s.digest).map((s) => at(s.from, `\`${s.image}\` uses \`latest\``)),
};
