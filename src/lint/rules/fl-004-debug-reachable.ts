import type { Rule } from "../types.ts";
import { at } from "./util.ts";
import { serverOf } from "./server.ts";

/** True when the source line sits inside `if __name__ == "__main__":`, so a WSGI server never runs it. */
export function underMainGuard(source: string, line: number): boolean {
  const lines = source.split("\n");
  const target = lines[line - 1];
  if (target === undefined) return false;
  let indent = target.search(/\S/);
  for (let i = line - 2; i >= 0 && indent > 0; i--) {
    const l = lines[i];
    const ind = l.search(/\S/);
    if (ind < 0 || ind >= indent) continue;
    if (/^\s*if\s+__name__\s*==\s*["']__main__["']\s*:/.test(l)) return true;
    indent = ind;
  }
  return false;
}

export const debugReachable: Rule = {
  id: "FP-FL-004",
  scope: "flask",
  severity: "error",
  title: "debug=True is reachable in the image",
  rationale: "Debug mode serves the Werkzeug debugger, which executes code from the browser. It is harmless under `if __name__ == \"__main__\":` only if the image never runs the file as a script.",
  fix: "Run the app with gunicorn, and read debug from the environment (`app.run(debug=os.environ.get(\"FLASK_DEBUG\") == \"1\")`).",
  examples: {
    bad: {
      dockerfile: "FROM python:3.11-slim\nCMD [\"python\", \"app.py\"]\n",
      app: { debugRisks: [{ id: "debug-true", severity: "warning", message: "app.run(debug=True)", source: { file: "app.py", line: 4 } }] },
      sources: { "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == \"__main__\":\n    app.run(debug=True, host=\"0.0.0.0\")\n" },
    },
    good: {
      dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
      app: { debugRisks: [{ id: "debug-true", severity: "warning", message: "app.run(debug=True)", source: { file: "app.py", line: 4 } }] },
      sources: { "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == \"__main__\":\n    app.run(debug=True, host=\"0.0.0.0\")\n" },
    },
  },
  check: ({ df, app, readSource }) => {
    const s = serverOf(df);
    if (!s) return [];
    return app.debugRisks
      .filter((r) => r.id === "debug-true")
      .filter((r) => {
        if (!r.source) return s.kind === "script";
        // .flaskenv / .env are read by the flask CLI only.
        if (!r.source.file.endsWith(".py")) return s.kind === "flask-run";
        const src = readSource(r.source.file);
        // Without the source at hand (linting a Dockerfile text alone), analyze's own verdict says whether the
        // call sits under the __main__ guard: it reports guarded calls as info.
        const guarded = src !== undefined ? underMainGuard(src, r.source.line) : r.severity === "info";
        return !guarded || (s.kind === "script" && s.script === r.source.file);
      })
      .map((r) => {
        const where = r.source ? `${r.source.file}:${r.source.line}` : "the app";
        const how = s.kind === "script" && (!r.source || s.script === r.source.file) ? `the image runs \`python ${s.script}\` as a script` : "it runs on import";
        return at(s.at, `debug mode reaches this image: ${where} (${r.message.split(" (")[0]}), and ${how}`);
      });
  },
};
