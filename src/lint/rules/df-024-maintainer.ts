import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const maintainerDeprecated: Rule = {
  id: "FP-DF-024",
  scope: "dockerfile",
  severity: "info",
  title: "MAINTAINER is deprecated",
  rationale: "MAINTAINER was replaced by labels; tools read `org.opencontainers.image.authors`.",
  fix: "Use `LABEL org.opencontainers.image.authors=\"you@example.org\"`.",
  hadolint: "DL4000",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nMAINTAINER someone@example.org\n" },
    good: { dockerfile: "FROM python:3.11-slim\nLABEL org.opencontainers.image.authors=\"someone@example.org\"\n" },
  },
  check: ({ df }) => df.instructions.filter((i) => i.keyword === "MAINTAINER").map((i) => at(i, "MAINTAINER is deprecated")),
};
