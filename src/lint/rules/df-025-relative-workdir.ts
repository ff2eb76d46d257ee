import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const relativeWorkdir: Rule = {
  id: "FP-DF-025",
  scope: "dockerfile",
  severity: "error",
  title: "WORKDIR is a relative path",
  rationale: "A relative WORKDIR depends on every WORKDIR before it, including the base image's; an absolute one says where files land.",
  fix: "Use an absolute path: `WORKDIR /app`.",
  hadolint: "DL3000",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nWORKDIR app\n" },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => i.keyword === "WORKDIR" && i.args && !/^["']?(\/|\$|[A-Za-z]:[\\/])/.test(i.args))
      .map((i) => at(i, `WORKDIR \`${i.args}\` is relative`)),
};
