import type { Rule } from "../types.ts";

export const composeUnpinnedImage: Rule = {
  id: "FP-CO-008",
  scope: "compose",
  severity: "warning",
  title: "Service image without a version tag",
  rationale: "`postgres` or `postgres:latest` pulls whatever is newest: a major database upgrade can arrive with the next `pull` and refuse the old data directory.",
  fix: "Pin a version tag (`postgres:16`), or a digest.",
  examples: {
    bad: { compose: "services:\n  cache:\n    image: redis:latest\n" },
    good: { compose: "services:\n  cache:\n    image: redis:7.2\n  app:\n    build: .\n    image: myapp:latest\n" },
  },
  check: ({ compose }) =>
    compose.services
      // With `build:`, `image:` names the image compose builds, not one it pulls.
      .filter((s) => typeof s.data.image === "string" && !s.data.build && !s.data.image.includes("$") && !s.data.image.includes("@"))
      .filter((s) => {
        const image = String(s.data.image);
        const last = image.split("/").pop()!;
        const tag = last.includes(":") ? last.split(":").pop()! : null;
        return tag === null || tag === "latest";
      })
      .map((s) => ({ ...s.at("image"), message: `service \`${s.name}\` uses \`${s.data.image}\`, which has no pinned version` })),
};
