import type { Rule } from "../types.ts";
import { at, secretValueKind } from "./util.ts";

export const secretValue: Rule = {
  id: "FP-DF-020",
  scope: "dockerfile",
  severity: "error",
  title: "Credential written in the Dockerfile",
  rationale: "A token, key or password in any instruction ends up in the image history and in version control.",
  fix: "Remove it, rotate it, and pass it at run time or as a build secret.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir --index-url https://ci:hunter22@pypi.example.org/simple flask==3.0.3\n" },
    good: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir --index-url https://pypi.example.org/simple flask==3.0.3\n" },
  },
  check: ({ df }) =>
    df.instructions.flatMap((i) => {
      const kind = secretValueKind(i.args);
      return kind ? [at(i, `${i.keyword} contains ${kind}`)] : [];
    }),
};
