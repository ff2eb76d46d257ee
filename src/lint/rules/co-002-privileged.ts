import type { Rule } from "../types.ts";

export const composePrivileged: Rule = {
  id: "FP-CO-002",
  scope: "compose",
  severity: "error",
  title: "Privileged service",
  rationale: "`privileged: true` gives the container every capability and all host devices: escaping to the host is trivial.",
  fix: "Remove `privileged`; add only the capabilities the service needs with `cap_add`.",
  examples: {
    bad: { compose: "services:\n  web:\n    image: example/web:1.0\n    privileged: true\n" },
    good: { compose: "services:\n  web:\n    image: example/web:1.0\n" },
  },
  check: ({ compose }) =>
    compose.services.filter((s) => s.data.privileged === true || s.data.privileged === "true").map((s) => ({ ...s.at("privileged"), message: `service \`${s.name}\` is privileged` })),
};
