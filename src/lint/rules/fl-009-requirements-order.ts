import type { Rule } from "../types.ts";
import { pipInstallArgs } from "../shell.ts";
import { installsAfterSourceCopy } from "./util.ts";

export const requirementsAfterSource: Rule = {
  id: "FP-FL-009",
  scope: "dockerfile",
  severity: "warning",
  title: "Requirements installed only after the whole source is copied",
  rationale: "With `COPY . .` before `pip install -r requirements.txt`, any code change invalidates the cache and every build reinstalls all dependencies.",
  fix: "Copy the requirements file alone, install, then copy the rest: `COPY requirements.txt .` / `RUN pip install --no-cache-dir -r requirements.txt` / `COPY . .`.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n" },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n" },
  },
  check: ({ df }) =>
    installsAfterSourceCopy(
      df.stages,
      (c) => {
        const a = pipInstallArgs(c);
        return a !== null && (a.some((w, i) => ["-r", "--requirement"].includes(a[i - 1] ?? "") || w.startsWith("--requirement=")) || a.includes(".") || a.includes("-e"));
      },
      "dependencies installed", "every code change reinstalls them",
    ),
};
