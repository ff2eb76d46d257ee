import type { Rule } from "../types.ts";
import { at, runs, hasProgram } from "./util.ts";

export const aptNotAptGet: Rule = {
  id: "FP-DF-022",
  scope: "dockerfile",
  severity: "warning",
  title: "apt used instead of apt-get",
  rationale: "`apt` is meant for people: its output and behaviour change between releases and it warns that it has no stable CLI.",
  fix: "Use `apt-get` (or `apt-cache`) in scripts.",
  hadolint: "DL3027",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN apt update && apt install -y curl\n" },
    good: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n" },
  },
  check: ({ df }) => runs(df.instructions).filter(({ cmds }) => hasProgram(cmds, "apt")).map(({ instr }) => at(instr, "`apt` in RUN: use `apt-get`")),
};
