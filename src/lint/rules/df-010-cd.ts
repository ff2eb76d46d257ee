import type { Rule } from "../types.ts";
import { at, runs, hasProgram } from "./util.ts";

export const cdInRun: Rule = {
  id: "FP-DF-010",
  scope: "dockerfile",
  severity: "warning",
  title: "cd in RUN instead of WORKDIR",
  rationale: "A `cd` lasts only for its RUN; later instructions run elsewhere, which is hard to read and easy to get wrong.",
  fix: "Use `WORKDIR /path` before the RUN.",
  hadolint: "DL3003",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN cd /app && pip install --no-cache-dir -r requirements.txt\n" },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nRUN pip install --no-cache-dir -r requirements.txt\n" },
  },
  check: ({ df }) => runs(df.instructions).filter(({ cmds }) => hasProgram(cmds, "cd")).map(({ instr }) => at(instr, "`cd` in RUN: use WORKDIR")),
};
