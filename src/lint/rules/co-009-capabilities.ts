import type { Rule } from "../types.ts";

const DANGEROUS = new Set(["ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN", "DAC_READ_SEARCH", "SYS_RAWIO", "BPF"]);

export const composeDangerousCapabilities: Rule = {
  id: "FP-CO-009",
  scope: "compose",
  severity: "error",
  title: "Dangerous capability added to a service",
  rationale: "SYS_ADMIN, SYS_PTRACE, NET_ADMIN or ALL give a container near-root power over the host kernel; a web app never needs them.",
  fix: "Remove the capability from `cap_add` (and consider `cap_drop: [ALL]`).",
  examples: {
    bad: { compose: "services:\n  web:\n    image: example/web:1.0\n    cap_add: [SYS_ADMIN]\n" },
    good: { compose: "services:\n  web:\n    image: example/web:1.0\n    cap_drop: [ALL]\n" },
  },
  check: ({ compose }) =>
    compose.services.flatMap((s) =>
      (Array.isArray(s.data.cap_add) ? s.data.cap_add : [])
        .map((c, i) => [String(c).toUpperCase().replace(/^CAP_/, ""), i] as const)
        .filter(([c]) => DANGEROUS.has(c))
        .map(([c, i]) => ({ ...s.at("cap_add", i), message: `service \`${s.name}\` adds ${c}` })),
    ),
};
