import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";

export const multipleHealthcheck: Rule = {
  id: "FP-DF-031",
  scope: "dockerfile",
  severity: "error",
  title: "More than one HEALTHCHECK in a stage",
  rationale: "Only the last HEALTHCHECK counts; the earlier ones are dead text.",
  fix: "Keep one HEALTHCHECK per stage.",
  hadolint: "DL3012",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nHEALTHCHECK CMD python3 -c \"print(1)\"\nHEALTHCHECK CMD python3 -c \"print(2)\"\n" },
    good: { dockerfile: "FROM python:3.11-slim\nHEALTHCHECK CMD python3 -c \"print(2)\"\n" },
  },
  check: ({ df }) => df.stages.flatMap((s) => ofKind(s, "HEALTHCHECK").slice(1).map((i) => at(i, "a second HEALTHCHECK in this stage"))),
};
