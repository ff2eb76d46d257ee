import type { Rule } from "../types.ts";
import { pipInstallArgs, aptGet } from "../shell.ts";
import { at, runs } from "./util.ts";
import { serverOf } from "./server.ts";

export const gunicornNotInstalled: Rule = {
  id: "FP-FL-012",
  scope: "flask",
  severity: "error",
  title: "The command runs gunicorn but nothing installs it",
  rationale: "gunicorn is not part of Flask: if no requirement or install step provides it, the container exits at once with `gunicorn: not found`.",
  fix: "Add `gunicorn` to requirements.txt (or install the Debian `gunicorn` package).",
  examples: {
    bad: {
      dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
      app: { dependencies: [{ name: "flask", normalized: "flask", specifier: "", extras: [], from: "requirements.txt:1" }] },
    },
    good: {
      dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
      app: {
        dependencies: [
          { name: "flask", normalized: "flask", specifier: "", extras: [], from: "requirements.txt:1" },
          { name: "gunicorn", normalized: "gunicorn", specifier: "", extras: [], from: "requirements.txt:2" },
        ],
      },
    },
  },
  check: ({ df, app }) => {
    const s = serverOf(df);
    if (s?.kind !== "gunicorn") return [];
    // flaskpack's own bases come with their server preinstalled; other images may too.
    if (df.stages.some((st) => /^flaskpack\/base/.test(st.image) || /gunicorn/.test(st.image))) return [];
    if (app.dependencies.some((d) => d.normalized === "gunicorn")) return [];
    const installed = runs(df.instructions).some(({ cmds }) =>
      cmds.some((c) => (pipInstallArgs(c) ?? []).some((w) => /^gunicorn\b/i.test(w)) || (aptGet(c)?.sub === "install" && aptGet(c)!.args.some((w) => /gunicorn/.test(w)))),
    );
    return installed ? [] : [at(s.at, "gunicorn is the command but no requirement or RUN installs it")];
  },
};
