import type { Rule } from "../types.ts";
import { at } from "./util.ts";
import { execFormEdit } from "../fix.ts";

export const shellFormCommand: Rule = {
  id: "FP-DF-009",
  scope: "dockerfile",
  severity: "warning",
  title: "CMD or ENTRYPOINT in shell form",
  rationale: "Shell form runs the app under `/bin/sh -c`: the shell is PID 1, SIGTERM never reaches the app, and `docker stop` waits 10 s then kills it.",
  fix: "Write the command as a JSON array: `CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]`.",
  hadolint: "DL3025",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCMD gunicorn --bind 0.0.0.0:8000 app:app\n" },
    good: { dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && !i.json && i.args.length > 0)
      .map((i) => at(i, `${i.keyword} in shell form: the app will not receive SIGTERM`, { edit: execFormEdit(df, i) })),
};
