import type { Rule } from "../types.ts";
import { at } from "./util.ts";
import { serverOf } from "./server.ts";

export const flaskDevServer: Rule = {
  id: "FP-FL-001",
  scope: "dockerfile",
  severity: "error",
  title: "Flask's development server is the container command",
  rationale: "`flask run` is Werkzeug's development server: single process, no worker management, and Flask itself says not to use it in production.",
  fix: "Run a WSGI server: `CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]` (flaskpack init writes it for you).",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCMD [\"python3\", \"-m\", \"flask\", \"run\", \"--host=0.0.0.0\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n" },
  },
  check: ({ df, app }) => {
    const s = serverOf(df);
    if (s?.kind !== "flask-run") return [];
    const port = s.port ?? app?.port.value ?? 8000;
    const target = app?.entry?.target ?? "app:app";
    return [at(s.at, "the image runs `flask run`, the development server", { fix: `CMD ["gunicorn", "--bind", "0.0.0.0:${port}", "${target}"]` + (app?.entry ? "" : " (with your module:object)") })];
  },
};
