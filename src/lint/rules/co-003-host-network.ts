import type { Rule } from "../types.ts";

export const composeHostNamespaces: Rule = {
  id: "FP-CO-003",
  scope: "compose",
  severity: "warning",
  title: "Service shares the host's network, PID or IPC namespace",
  rationale: "`network_mode: host` (or `pid`/`ipc: host`) removes the container's isolation: every port it opens is open on the host, and it can see host processes.",
  fix: "Use the default bridge network and publish the ports you need.",
  examples: {
    bad: { compose: "services:\n  web:\n    image: example/web:1.0\n    network_mode: host\n" },
    good: { compose: "services:\n  web:\n    image: example/web:1.0\n    ports:\n      - \"127.0.0.1:8000:8000\"\n" },
  },
  check: ({ compose }) =>
    compose.services.flatMap((s) =>
      (["network_mode", "pid", "ipc", "userns_mode", "uts"] as const)
        .filter((k) => s.data[k] === "host")
        .map((k) => ({ ...s.at(k), message: `service \`${s.name}\` uses \`${k}: host\`` })),
    ),
};
