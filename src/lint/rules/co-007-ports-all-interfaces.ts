import type { Rule } from "../types.ts";

/** Host IP of a ports entry ("8000:8000" → "", "127.0.0.1:8000:8000" → "127.0.0.1"); null when nothing is published on the host. */
function hostIp(entry: unknown): string | null {
  if (typeof entry === "number") return null;
  if (typeof entry === "object" && entry) {
    const e = entry as { host_ip?: string; published?: unknown };
    return e.published === undefined ? null : (e.host_ip ?? "");
  }
  const s = String(entry).replace(/\/(tcp|udp|sctp)$/, "");
  if (!s.includes(":")) return null;
  const v6 = /^\[([^\]]+)\]:/.exec(s);
  if (v6) return v6[1];
  const parts = s.split(":");
  return parts.length >= 3 ? parts[0] : "";
}

export const composePortsAllInterfaces: Rule = {
  id: "FP-CO-007",
  scope: "compose",
  severity: "warning",
  title: "Port published on all interfaces",
  rationale: "`8000:8000` publishes on 0.0.0.0: anyone on the network reaches the service, and Docker's iptables rules bypass host firewalls like ufw.",
  fix: "Bind to loopback (`127.0.0.1:8000:8000`) unless the port is meant to be public, then bind it explicitly.",
  examples: {
    bad: { compose: "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n    volumes: [\"pg:/var/lib/postgresql/data\"]\nvolumes:\n  pg: {}\n" },
    good: { compose: "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"127.0.0.1:5432:5432\"\n    volumes: [\"pg:/var/lib/postgresql/data\"]\nvolumes:\n  pg: {}\n" },
  },
  check: ({ compose }) =>
    compose.services.flatMap((s) =>
      (Array.isArray(s.data.ports) ? s.data.ports : [])
        .map((p, i) => [p, i] as const)
        .filter(([p]) => {
          const ip = hostIp(p);
          return ip === "" || ip === "0.0.0.0" || ip === "::";
        })
        .map(([p, i]) => ({ ...s.at("ports", i), message: `service \`${s.name}\` publishes \`${typeof p === "object" ? JSON.stringify(p) : p}\` on all interfaces` })),
    ),
};
