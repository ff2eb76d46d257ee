import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const alpinePython: Rule = {
  id: "FP-DF-034",
  scope: "dockerfile",
  severity: "info",
  title: "Alpine base image for a Python app",
  rationale: "Most wheels on PyPI are built for glibc; on Alpine (musl) pip compiles them from source, so builds are slow, need compilers, and the image often ends up bigger.",
  fix: "Use a Debian-based `python:3.x-slim` image (or `flaskpack base` for a minimal Debian runtime).",
  examples: {
    bad: { dockerfile: "FROM python:3.11-alpine\n" },
    good: { dockerfile: "FROM python:3.11-slim-bookworm\n" },
  },
  check: ({ df }) =>
    df.stages
      .filter((s) => !s.fromStage && /(^|\/)python$/.test(s.imageName) && /alpine/.test(s.tag ?? ""))
      .map((s) => at(s.from, `\`${s.image}\` is musl-based: wheels must be compiled`)),
};
