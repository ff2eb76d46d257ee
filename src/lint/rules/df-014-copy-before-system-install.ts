import type { Rule } from "../types.ts";
import { aptGet, program } from "../shell.ts";
import { installsAfterSourceCopy } from "./util.ts";

export const sourceBeforeSystemPackages: Rule = {
  id: "FP-DF-014",
  scope: "dockerfile",
  severity: "warning",
  title: "Source copied before system packages are installed",
  rationale: "`COPY . .` changes on every commit, so every later layer is rebuilt: the apt/apk/npm install after it runs again on each build.",
  fix: "Install system packages first, then copy the source.",
  examples: {
    bad: { dockerfile: "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n" },
    good: { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nWORKDIR /app\nCOPY . .\n" },
  },
  check: ({ df }) =>
    installsAfterSourceCopy(
      df.stages,
      (c) => aptGet(c)?.sub === "install" || (program(c) === "apk" && c.argv[1] === "add") || (["npm", "yarn"].includes(program(c)) && ["install", "ci"].includes(c.argv[1] ?? "")),
      "packages installed", "reinstalled on every source change",
    ),
};
