import type { Rule } from "../types.ts";
import { aptGet } from "../shell.ts";
import { at, runs } from "./util.ts";

export const aptUpgrade: Rule = {
  id: "FP-DF-023",
  scope: "dockerfile",
  severity: "info",
  title: "apt-get upgrade in the Dockerfile",
  rationale: "Upgrading inside the build makes the image depend on the day it was built; a newer base image is the reproducible way to get fixes.",
  fix: "Rebuild on a newer tag of the base image instead of `apt-get upgrade`.",
  hadolint: "DL3005",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*\n" },
    good: { dockerfile: "FROM debian:12.6\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c) => ["upgrade", "dist-upgrade", "full-upgrade"].includes(aptGet(c)?.sub ?? "")))
      .map(({ instr }) => at(instr, "`apt-get upgrade` makes the build depend on the day it runs")),
};
