import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";
import { posix } from "node:path";

export const writablePathsWithoutVolume: Rule = {
  id: "FP-FL-011",
  scope: "flask",
  severity: "warning",
  title: "App writes to paths a read-only root filesystem would break",
  rationale: "The app writes files at run time (sqlite database, uploads, instance folder). Hardened runs use `--read-only`; without a VOLUME for those paths the app fails with `Read-only file system`, and data is lost with the container.",
  fix: "Declare a VOLUME for each writable path (`VOLUME /app/instance`), or move them under /tmp.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n", app: { assets: { templates: [], static: [], writablePaths: ["instance/app.db"] } } },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nVOLUME /app/instance\n", app: { assets: { templates: [], static: [], writablePaths: ["instance/app.db"] } } },
  },
  check: ({ df, app }) => {
    const stage = df.finalStage;
    if (!stage || !app.assets?.writablePaths?.length) return [];
    const workdir = ofKind(stage, "WORKDIR").at(-1)?.args ?? "/";
    const volumes = ofKind(stage, "VOLUME").flatMap((v) => v.json ?? v.words);
    const uncovered = app.assets.writablePaths
      .map((p) => posix.resolve(workdir, p))
      .filter((p) => !p.startsWith("/tmp/") && !volumes.some((v) => p === v || p.startsWith(v.replace(/\/$/, "") + "/")));
    return uncovered.length ? [at(stage.from, `the app writes ${uncovered.map((p) => `\`${p}\``).join(", ")} and no VOLUME covers it`)] : [];
  },
};
