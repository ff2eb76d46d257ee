import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const invalidExposePort: Rule = {
  id: "FP-DF-026",
  scope: "dockerfile",
  severity: "error",
  title: "EXPOSE of an invalid port",
  rationale: "Ports are 0–65535 with an optional /tcp or /udp; anything else fails the build or publishes nothing.",
  fix: "Use a valid port number, e.g. `EXPOSE 8000`.",
  hadolint: "DL3011",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nEXPOSE 80000\n" },
    good: { dockerfile: "FROM python:3.11-slim\nEXPOSE 8000\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => i.keyword === "EXPOSE")
      .flatMap((i) =>
        i.words
          .filter((w) => !w.includes("$"))
          .filter((w) => {
            const m = /^(\d+)(?:-(\d+))?(\/(tcp|udp|sctp))?$/i.exec(w);
            return !m || Number(m[1]) > 65535 || (m[2] !== undefined && Number(m[2]) > 65535);
          })
          .map((w) => at(i, `\`${w}\` is not a valid port`)),
      ),
};
