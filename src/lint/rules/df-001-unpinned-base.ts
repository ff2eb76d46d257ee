import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const unpinnedBaseImage: Rule = {
  id: "FP-DF-001",
  scope: "dockerfile",
  severity: "warning",
  title: "Base image tag is not pinned to a version",
  rationale: "`FROM python` or `FROM python:alpine` follows whatever the publisher tags next, so the same Dockerfile builds a different Python tomorrow.",
  fix: "Name a version in the tag (`python:3.11-slim-bookworm`), or pin a digest (`@sha256:…`).",
  hadolint: "DL3006",
  examples: {
    bad: { dockerfile: "FROM python:alpine\n" },
    good: { dockerfile: "FROM python:3.11-alpine3.20\n" },
  },
  check: ({ df }) =>
    df.stages
      .filter((s) => !s.fromStage && !s.digest && s.image !== "scratch" && !s.image.includes("$"))
      .filter((s) => s.tag === null || (s.tag !== "latest" && !/\d/.test(s.tag)))
      .map((s) =>
        at(s.from, s.tag === null ? `\`${s.image}\` has no tag: it means \`latest\`` : `\`${s.image}\`: the tag \`${s.tag}\` names no version and moves`),
      ),
};
