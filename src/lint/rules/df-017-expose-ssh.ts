import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const exposeSsh: Rule = {
  id: "FP-DF-017",
  scope: "dockerfile",
  severity: "warning",
  title: "EXPOSE 22 (SSH)",
  rationale: "An SSH server in an app container is an extra way in that needs its own keys and patches; `docker exec` does the job.",
  fix: "Remove the SSH server and `EXPOSE 22`; use `docker exec` to get a shell.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nEXPOSE 22 8000\n" },
    good: { dockerfile: "FROM python:3.11-slim\nEXPOSE 8000\n" },
  },
  check: ({ df }) =>
    df.instructions.filter((i) => i.keyword === "EXPOSE" && i.words.some((w) => /^22(\/tcp)?$/i.test(w))).map((i) => at(i, "port 22 (SSH) is exposed")),
};
