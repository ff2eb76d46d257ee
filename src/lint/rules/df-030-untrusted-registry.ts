import type { Rule } from "../types.ts";
import { at } from "./util.ts";

/** The registry an image reference pulls from (`python:3` → docker.io). */
export function registryOf(image: string): string {
  const first = image.split("/")[0];
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

export const untrustedRegistry: Rule = {
  id: "FP-DF-030",
  scope: "dockerfile",
  severity: "error",
  title: "Base image from a registry that is not trusted",
  rationale: "When `.flaskpack.yaml` lists `lint.trustedRegistries`, images from anywhere else are not allowed as bases.",
  fix: "Use an image from a trusted registry, or add the registry to `lint.trustedRegistries`.",
  hadolint: "DL3026",
  examples: {
    bad: { dockerfile: "FROM quay.example.org/python:3.11-slim\n", config: { trustedRegistries: ["docker.io"] } },
    good: { dockerfile: "FROM python:3.11-slim\n", config: { trustedRegistries: ["docker.io"] } },
  },
  check: ({ df, config }) =>
    config.trustedRegistries.length === 0
      ? []
      : df.stages
          .filter((s) => !s.fromStage && s.image !== "scratch" && !s.image.includes("$"))
          .filter((s) => !config.trustedRegistries.includes(registryOf(s.image)))
          .map((s) => at(s.from, `\`${s.image}\` comes from ${registryOf(s.image)}, which is not in lint.trustedRegistries`)),
};
