import type { Rule } from "../types.ts";
import { isSecretName } from "./util.ts";

export const secretInEnvArg: Rule = {
  id: "FP-DF-019",
  scope: "dockerfile",
  severity: "error",
  title: "Secret in ENV or ARG",
  rationale: "ENV values are baked into the image config and ARG values into its history: anyone who can pull the image can read them.",
  fix: "Pass secrets at run time (`docker run -e`, compose `secrets:`), or use a build secret; never ENV/ARG.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nENV SECRET_KEY=change-me\n" },
    good: { dockerfile: "FROM python:3.11-slim\nENV FLASK_APP=app\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => i.keyword === "ENV" || i.keyword === "ARG")
      .flatMap((i) =>
        i.props
          .filter((p) => isSecretName(p.name) && (i.keyword === "ARG" || (p.value ?? "") !== ""))
          .map((p) => ({
            line: p.line,
            column: p.column,
            message: i.keyword === "ENV" ? `\`${p.name}\` is set in the image config, readable by anyone with the image` : `build arg \`${p.name}\` is recorded in the image history`,
          })),
      ),
};
