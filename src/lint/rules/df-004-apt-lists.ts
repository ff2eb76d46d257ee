import type { Rule } from "../types.ts";
import { aptGet } from "../shell.ts";
import { at, runs } from "./util.ts";

export const aptListsKept: Rule = {
  id: "FP-DF-004",
  scope: "dockerfile",
  severity: "info",
  title: "apt lists not removed after apt-get install",
  rationale: "`/var/lib/apt/lists` stays in the layer (tens of MB) unless it is removed in the same RUN that filled it.",
  fix: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`.",
  hadolint: "DL3009",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n" },
    good: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n" },
  },
  check: ({ df }) =>
    df.finalStage
      ? runs(df.finalStage.instructions)
          .filter(({ cmds }) => cmds.some((c) => aptGet(c)?.sub === "install"))
          .filter(({ cmds }) => !cmds.some((c) => c.argv[0] === "rm" && c.argv.some((w) => w.startsWith("/var/lib/apt/lists"))))
          .map(({ instr }) => at(instr, "apt lists stay in this layer"))
      : [],
};
