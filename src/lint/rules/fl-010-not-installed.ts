import type { Rule } from "../types.ts";
import { pipInstallArgs } from "../shell.ts";
import { at, runs } from "./util.ts";

export const importedNotInstalled: Rule = {
  id: "FP-FL-010",
  scope: "flask",
  severity: "warning",
  title: "Module imported by the app but not installed in the image",
  rationale: "The image installs only what requirements declare (or what the Dockerfile names); a module imported in code but not declared fails at start-up with ModuleNotFoundError.",
  fix: "Add the distribution to requirements.txt (or to the `pip install` line).",
  examples: {
    bad: {
      dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask==3.0.3\n",
      app: { undeclaredImports: [{ module: "requests", source: { file: "app.py", line: 2 } }] },
    },
    good: {
      dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask==3.0.3 requests==2.32.3\n",
      app: { undeclaredImports: [] },
    },
  },
  check: ({ df, app }) => {
    const installs = runs(df.instructions).flatMap(({ instr, cmds }) => cmds.map((c) => ({ instr, args: pipInstallArgs(c) })).filter((x) => x.args !== null));
    const named = new Set(installs.flatMap((x) => x.args!.filter((w) => !w.startsWith("-")).map((w) => w.split(/[=<>~![ ;@]/)[0].toLowerCase().replace(/_/g, "-"))));
    const where = installs[0]?.instr ?? df.finalStage?.from;
    if (!where) return [];
    const missing = new Map<string, string>();
    for (const u of app.undeclaredImports) if (!named.has(u.module.toLowerCase().replace(/_/g, "-"))) missing.set(u.module, `${u.source.file}:${u.source.line}`);
    // A Dockerfile that names its packages (no -r file) must name every declared dependency too.
    const usesFile = installs.some((x) => x.args!.some((w, i) => ["-r", "--requirement"].includes(x.args![i - 1] ?? "") || w === "." || w.startsWith("--requirement=")));
    if (installs.length && !usesFile) for (const d of app.dependencies) if (!named.has(d.normalized)) missing.set(d.name, d.from);
    return [...missing].map(([m, from]) => at(where, `\`${m}\` (${from}) is not installed in the image`));
  },
};
