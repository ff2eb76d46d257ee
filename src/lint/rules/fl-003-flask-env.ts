import type { Rule } from "../types.ts";

export const flaskDebugEnv: Rule = {
  id: "FP-FL-003",
  scope: "dockerfile",
  severity: "error",
  title: "Debug mode switched on by ENV",
  rationale: "`FLASK_ENV=development` or `FLASK_DEBUG=1` turns on the interactive debugger: anyone who can trigger an error can run code in the container.",
  fix: "Remove the variable from the Dockerfile; set it only in a local `.flaskenv`.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nENV FLASK_ENV=development\n" },
    good: { dockerfile: "FROM python:3.11-slim\nENV FLASK_APP=app\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => i.keyword === "ENV")
      .flatMap((i) => i.props)
      .filter((p) => (p.name === "FLASK_ENV" && /^dev/i.test(p.value ?? "")) || (p.name === "FLASK_DEBUG" && /^(1|true|yes|on)$/i.test(p.value ?? "")))
      .map((p) => ({ line: p.line, column: p.column, message: `\`${p.name}=${p.value}\` enables the debugger in the image` })),
};
