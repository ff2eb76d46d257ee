import type { Rule } from "../types.ts";
import { at, copyDest, workdirAt } from "./util.ts";

export const relativeCopyWithoutWorkdir: Rule = {
  id: "FP-DF-033",
  scope: "dockerfile",
  severity: "warning",
  title: "COPY to a relative path without WORKDIR",
  rationale: "Without WORKDIR a relative destination lands wherever the base image's working directory is — often `/`, mixing the app with the system.",
  fix: "Set `WORKDIR /app` before the COPY, or copy to an absolute path.",
  hadolint: "DL3045",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCOPY app.py .\n" },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && i.stage)
      .filter((i) => {
        const dest = copyDest(i);
        return dest !== "" && !/^["']?(\/|\$|[A-Za-z]:[\\/])/.test(dest) && !i.args.startsWith("<<") && workdirAt(df.stages, i) === null;
      })
      .map((i) => at(i, `\`${copyDest(i)}\` is relative and no WORKDIR is set`)),
};
