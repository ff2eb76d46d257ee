import type { Rule } from "../types.ts";
import { environmentOf } from "../compose.ts";
import { isSecretName, secretValueKind } from "./util.ts";

export const composeSecretsInEnvironment: Rule = {
  id: "FP-CO-001",
  scope: "compose",
  severity: "error",
  title: "Secret written in a service's environment",
  rationale: "compose files are committed and shared; a password or key written in `environment:` leaks with the repository.",
  fix: "Reference a variable (`SECRET_KEY: ${SECRET_KEY}`) from an uncommitted .env file, or use compose `secrets:`.",
  examples: {
    bad: { compose: "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2\n" },
    good: { compose: "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n" },
  },
  check: ({ compose }) =>
    compose.services.flatMap((s) =>
      environmentOf(s)
        .filter(([name, value]) => value !== null && value !== "" && !/^\$\{?[A-Za-z_]/.test(value) && (isSecretName(name) || secretValueKind(value) !== null))
        .map(([name, , i]) => {
          const pos = Array.isArray(s.data.environment) ? s.at("environment", i) : s.at("environment", name);
          return { ...pos, message: `service \`${s.name}\`: \`${name}\` has a literal secret value` };
        }),
    ),
};
