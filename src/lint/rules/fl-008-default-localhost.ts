import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";
import { serverOf } from "./server.ts";

/** Keyword `host=` in a `.run(` call, as written. */
function runHost(source: string): string | null {
  const m = /\.run\s*\(([^)]*)\)/s.exec(source);
  if (!m) return null;
  const h = /host\s*=\s*["']([^"']+)["']/.exec(m[1]);
  return h ? h[1] : /host\s*=/.test(m[1]) ? "(expression)" : "";
}

export const notListeningOnAllInterfaces: Rule = {
  id: "FP-FL-008",
  scope: "flask",
  severity: "error",
  title: "The server listens on localhost only (by default)",
  rationale: "`flask run` and `app.run()` default to 127.0.0.1, and gunicorn without --bind to 127.0.0.1:8000: in a container nothing outside can connect.",
  fix: "Pass the host explicitly: `--host=0.0.0.0`, `app.run(host=\"0.0.0.0\")`, or `gunicorn --bind 0.0.0.0:8000`.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"app:app\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n" },
  },
  check: ({ df, readSource }) => {
    const s = serverOf(df);
    const stage = df.finalStage;
    if (!s || !stage) return [];
    const env = new Set(ofKind(stage, "ENV").flatMap((e) => e.props.map((p) => p.name)));
    if (s.kind === "gunicorn" && !s.binds.length && !s.configFile && !env.has("GUNICORN_CMD_ARGS") && !env.has("PORT") && !readSource("gunicorn.conf.py"))
      return [at(s.at, "gunicorn without --bind listens on 127.0.0.1:8000")];
    if (s.kind === "flask-run" && !s.host && !env.has("FLASK_RUN_HOST")) return [at(s.at, "flask run without --host listens on 127.0.0.1")];
    if (s.kind === "script") {
      const src = readSource(s.script);
      if (src && runHost(src) === "") return [at(s.at, `${s.script} calls .run() without host=: it listens on 127.0.0.1`)];
    }
    return [];
  },
};
