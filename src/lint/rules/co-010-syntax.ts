import type { Rule } from "../types.ts";

export const composeSyntax: Rule = {
  id: "FP-CO-010",
  scope: "compose",
  severity: "error",
  title: "compose file is not valid YAML",
  rationale: "`docker compose` refuses the file; flaskpack lints what it could read and reports where the syntax breaks.",
  fix: "Fix the YAML at the reported line (indentation, a missing colon, tabs).",
  examples: {
    bad: { compose: "services:\n  web:\n    image: example/web:1.0\n   ports: [\"127.0.0.1:8000:8000\"]\n" },
    good: { compose: "services:\n  web:\n    image: example/web:1.0\n    ports: [\"127.0.0.1:8000:8000\"]\n" },
  },
  check: ({ compose }) => compose.errors.map((e) => ({ line: e.line, column: e.column, message: e.message })),
};
