import type { Rule } from "../types.ts";
import { at, runs, hasProgram } from "./util.ts";

export const sudoInRun: Rule = {
  id: "FP-DF-013",
  scope: "dockerfile",
  severity: "error",
  title: "sudo in RUN",
  rationale: "RUN already runs as the current USER; sudo adds a setuid binary and unpredictable TTY and signal behaviour.",
  fix: "Switch with `USER root` for the privileged steps and back to the app user afterwards.",
  hadolint: "DL3004",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN sudo apt-get update\n" },
    good: { dockerfile: "FROM debian:12\nUSER root\nRUN apt-get update\n" },
  },
  check: ({ df }) => runs(df.instructions).filter(({ cmds }) => hasProgram(cmds, "sudo")).map(({ instr }) => at(instr, "`sudo` in RUN")),
};
