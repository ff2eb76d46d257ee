import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const copyFromUnknownStage: Rule = {
  id: "FP-DF-027",
  scope: "dockerfile",
  severity: "warning",
  title: "COPY --from names no earlier stage",
  rationale: "A `--from` that matches no earlier stage is pulled as an image from a registry: usually a typo, sometimes a surprise download.",
  fix: "Use the alias of an earlier stage (`FROM … AS build`, then `COPY --from=build`), or a full image reference with a tag.",
  hadolint: "DL3022",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim AS build\nRUN python -m venv /venv\nFROM python:3.11-slim\nCOPY --from=builder /venv /venv\n" },
    good: { dockerfile: "FROM python:3.11-slim AS build\nRUN python -m venv /venv\nFROM python:3.11-slim\nCOPY --from=build /venv /venv\n" },
  },
  check: ({ df }) =>
    df.stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === "COPY" && i.flags.from)
        .filter((i) => {
          const ref = i.flags.from!;
          if (/[:/@$]/.test(ref)) return false;
          if (/^\d+$/.test(ref)) return Number(ref) >= stage.index;
          return !df.stages.slice(0, stage.index).some((s) => s.name === ref.toLowerCase());
        })
        .map((i) => at(i, `\`--from=${i.flags.from}\` is not an earlier stage`)),
    ),
};
