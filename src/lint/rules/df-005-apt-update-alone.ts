import type { Rule } from "../types.ts";
import { aptGet } from "../shell.ts";
import { at, runs } from "./util.ts";

export const aptUpdateAlone: Rule = {
  id: "FP-DF-005",
  scope: "dockerfile",
  severity: "warning",
  title: "apt-get update in a RUN of its own",
  rationale: "The update layer is cached; a later `apt-get install` in another RUN then uses stale lists and fails or installs old versions.",
  fix: "Run `apt-get update && apt-get install …` in the same RUN.",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n" },
    good: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c) => aptGet(c)?.sub === "update") && !cmds.some((c) => ["install", "upgrade", "dist-upgrade", "build-dep", "source"].includes(aptGet(c)?.sub ?? "")))
      .map(({ instr }) => at(instr, "`apt-get update` without an install in the same RUN")),
};
