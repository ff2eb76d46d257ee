import type { Rule } from "../types.ts";
import { databaseKind } from "../compose.ts";

export const composeDatabaseWithoutVolume: Rule = {
  id: "FP-CO-006",
  scope: "compose",
  severity: "warning",
  title: "Database service without a volume",
  rationale: "Without a volume the database lives in the container's writable layer: `docker compose down` deletes every row.",
  fix: "Mount a named volume on the data directory (`pg:/var/lib/postgresql/data`).",
  examples: {
    bad: { compose: "services:\n  db:\n    image: postgres:16\n" },
    good: { compose: "services:\n  db:\n    image: postgres:16\n    volumes:\n      - pg:/var/lib/postgresql/data\nvolumes:\n  pg: {}\n" },
  },
  check: ({ compose }) =>
    compose.services
      .filter((s) => typeof s.data.image === "string" && databaseKind(s.data.image) && !(Array.isArray(s.data.volumes) && s.data.volumes.length) && !s.data.tmpfs)
      .map((s) => ({ ...s.at("image"), message: `service \`${s.name}\` (${databaseKind(String(s.data.image))}) keeps its data in the container` })),
};
