import type { Rule } from "../types.ts";
import { aptGet } from "../shell.ts";
import { at, runs } from "./util.ts";
import { insertFlagEdit } from "../fix.ts";

export const aptNoInstallRecommends: Rule = {
  id: "FP-DF-003",
  scope: "dockerfile",
  severity: "warning",
  title: "apt-get install without --no-install-recommends",
  rationale: "Recommended packages are not needed to run the app and often double the size of the layer.",
  fix: "Add `--no-install-recommends` to `apt-get install`.",
  hadolint: "DL3015",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n" },
    good: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c) => {
        const a = aptGet(c);
        return a?.sub === "install" && !a.args.includes("--no-install-recommends") && !a.args.some((w) => /Install-Recommends=(false|0)/i.test(w));
      }))
      .map(({ instr }) =>
        at(instr, "`apt-get install` pulls in recommended packages", {
          edit: insertFlagEdit(df, instr, /\bapt-get((?:\s+-\S+)*)\s+install\b/g, "--no-install-recommends"),
        }),
      ),
};
