import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";

export const runsAsRoot: Rule = {
  id: "FP-DF-011",
  scope: "dockerfile",
  severity: "warning",
  title: "Final image runs as root",
  rationale: "With no USER (or a last USER root) the app runs as uid 0: any code execution bug owns the whole container and whatever it mounts.",
  fix: "Create an unprivileged user and switch to it last: `RUN useradd --uid 10001 app` then `USER 10001`.",
  hadolint: "DL3002",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nUSER root\nCMD [\"python\", \"-c\", \"print(1)\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nRUN useradd --uid 10001 app\nUSER 10001\nCMD [\"python\", \"-c\", \"print(1)\"]\n" },
  },
  check: ({ df }) => {
    const stage = df.finalStage;
    if (!stage) return [];
    const last = ofKind(stage, "USER").at(-1);
    if (!last) return stage.fromStage ? [] : [at(stage.from, "no USER: the app runs as root")];
    const user = last.args.split(":")[0].trim();
    return user === "root" || user === "0" ? [at(last, "the last USER is root")] : [];
  },
};
