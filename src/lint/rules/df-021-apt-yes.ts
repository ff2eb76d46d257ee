import type { Rule } from "../types.ts";
import { aptGet } from "../shell.ts";
import { at, runs } from "./util.ts";

export const aptWithoutYes: Rule = {
  id: "FP-DF-021",
  scope: "dockerfile",
  severity: "warning",
  title: "apt-get install without -y",
  rationale: "Without -y apt-get waits for a confirmation that never comes, and the build fails.",
  fix: "Use `apt-get install -y`.",
  hadolint: "DL3014",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n" },
    good: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c) => {
        const a = aptGet(c);
        return a?.sub === "install" && !a.args.some((w) => /^(-[a-z]*y[a-z]*|--yes|--assume-yes|-qq|-q=2|--quiet=2)$/.test(w));
      }))
      .map(({ instr }) => at(instr, "`apt-get install` will ask for confirmation")),
};
