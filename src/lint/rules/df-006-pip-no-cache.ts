import type { Rule } from "../types.ts";
import { pipInstallArgs } from "../shell.ts";
import { at, runs } from "./util.ts";
import { insertFlagEdit } from "../fix.ts";
import { ofKind } from "../dockerfile.ts";

export const pipNoCacheDir: Rule = {
  id: "FP-DF-006",
  scope: "dockerfile",
  severity: "warning",
  title: "pip install without --no-cache-dir",
  rationale: "pip keeps downloaded wheels in ~/.cache/pip inside the layer: size that the app never reads.",
  fix: "Add `--no-cache-dir` to `pip install` (or set `ENV PIP_NO_CACHE_DIR=1`).",
  hadolint: "DL3042",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN pip install -r requirements.txt\n" },
    good: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir -r requirements.txt\n" },
  },
  check: ({ df }) => {
    const envOff = ofKind(df, "ENV").some((e) => e.props.some((p) => p.name === "PIP_NO_CACHE_DIR"));
    if (envOff) return [];
    return runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c) => {
        const args = pipInstallArgs(c);
        return args !== null && !args.includes("--no-cache-dir");
      }))
      .map(({ instr }) =>
        at(instr, "`pip install` keeps its download cache in the image", {
          edit: insertFlagEdit(df, instr, /\b(?:pip[0-9.]*|python[0-9.]*\s+-m\s+pip)((?:\s+-\S+)*)\s+install\b/g, "--no-cache-dir"),
        }),
      );
  },
};
