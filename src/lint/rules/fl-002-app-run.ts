import type { Rule } from "../types.ts";
import { at } from "./util.ts";
import { serverOf } from "./server.ts";

/** `app.run(`, `application.run(`, `create_app().run(` at any indentation. */
export const APP_RUN = /^[ \t]*[A-Za-z_][\w.()]*\.run\s*\(/m;

export const scriptDevServer: Rule = {
  id: "FP-FL-002",
  scope: "flask",
  severity: "error",
  title: "The container runs the script that calls app.run()",
  rationale: "`python app.py` reaches `app.run()`, Werkzeug's development server, in production.",
  fix: "Run a WSGI server on the app object instead: `CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]`.",
  examples: {
    bad: {
      dockerfile: "FROM python:3.11-slim\nENTRYPOINT [\"python\"]\nCMD [\"app.py\"]\n",
      sources: { "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\")\n" },
    },
    good: {
      dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
      sources: { "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\")\n" },
    },
  },
  check: ({ df, readSource }) => {
    const s = serverOf(df);
    if (s?.kind !== "script") return [];
    const src = readSource(s.script);
    return src && APP_RUN.test(src) ? [at(s.at, `the image runs \`python ${s.script}\`, which starts the development server with .run()`)] : [];
  },
};
