import type { Rule } from "../types.ts";
import { program } from "../shell.ts";
import { at, runs } from "./util.ts";

export const worldWritable: Rule = {
  id: "FP-DF-035",
  scope: "dockerfile",
  severity: "warning",
  title: "chmod 777 / world-writable files",
  rationale: "World-writable app files let any process in the container rewrite the code it runs.",
  fix: "Give ownership to the app user (`COPY --chown=app:app`) and keep modes like 755/644.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nRUN chmod -R 777 /app\n" },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nRUN chmod -R 755 /app\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c) => program(c) === "chmod" && c.argv.slice(1).some((w) => /^[0-7]?[0-7][0-7]7$/.test(w) || /^(a|o)\+[rx]*w/.test(w))))
      .map(({ instr }) => at(instr, "files made world-writable")),
};
