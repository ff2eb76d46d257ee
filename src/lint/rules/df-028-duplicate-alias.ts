import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const duplicateStageName: Rule = {
  id: "FP-DF-028",
  scope: "dockerfile",
  severity: "error",
  title: "Two stages with the same name",
  rationale: "`COPY --from=name` then refers to only one of them, which is rarely what was meant.",
  fix: "Give each stage its own `AS` name.",
  hadolint: "DL3024",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim AS build\nFROM python:3.11-slim AS build\n" },
    good: { dockerfile: "FROM python:3.11-slim AS build\nFROM python:3.11-slim AS runtime\n" },
  },
  check: ({ df }) =>
    df.stages
      .filter((s, i) => s.name && df.stages.slice(0, i).some((p) => p.name === s.name))
      .map((s) => at(s.from, `stage name \`${s.name}\` is already used`)),
};
