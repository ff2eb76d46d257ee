import type { Rule } from "../types.ts";
import type { ComposeService } from "../compose.ts";

function hasHealthcheck(s: ComposeService): boolean {
  const hc = s.data.healthcheck as { disable?: boolean; test?: unknown } | undefined;
  return Boolean(hc && !hc.disable && hc.test !== "NONE");
}

export const composeDependsWithoutHealthcheck: Rule = {
  id: "FP-CO-005",
  scope: "compose",
  severity: "warning",
  title: "A service others depend on has no healthcheck",
  rationale: "`depends_on` only waits for the container to start, not for the database to accept connections; the app then fails its first requests or crashes at start-up.",
  fix: "Give the dependency a `healthcheck:` and depend on it with `condition: service_healthy`.",
  examples: {
    bad: { compose: "services:\n  web:\n    image: example/web:1.0\n    depends_on: [db]\n  db:\n    image: postgres:16\n    volumes: [\"pg:/var/lib/postgresql/data\"]\nvolumes:\n  pg: {}\n" },
    good: {
      compose:
        "services:\n  web:\n    image: example/web:1.0\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16\n    volumes: [\"pg:/var/lib/postgresql/data\"]\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\nvolumes:\n  pg: {}\n",
    },
  },
  check: ({ compose }) => {
    const byName = new Map(compose.services.map((s) => [s.name, s]));
    return compose.services.flatMap((s) => {
      const dep = s.data.depends_on;
      // A one-shot dependency (a migration) is waited for by its exit, not its health.
      const oneShot = (n: string) => !Array.isArray(dep) && (dep as Record<string, { condition?: string }>)[n]?.condition === "service_completed_successfully";
      const names = (Array.isArray(dep) ? dep.map(String) : dep && typeof dep === "object" ? Object.keys(dep) : []).filter((n) => !oneShot(n));
      return names
        .filter((n) => byName.has(n) && !hasHealthcheck(byName.get(n)!))
        .map((n) => ({ ...s.at("depends_on"), message: `service \`${s.name}\` depends on \`${n}\`, which has no healthcheck: start order is not readiness` }));
    });
  },
};
