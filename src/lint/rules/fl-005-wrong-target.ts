import type { Rule } from "../types.ts";
import { at } from "./util.ts";
import { serverOf } from "./server.ts";

function norm(target: string): string {
  return target.replace(/\s+/g, "").replace(/\(\)$/, "()");
}

export const wrongAppTarget: Rule = {
  id: "FP-FL-005",
  scope: "flask",
  severity: "error",
  title: "The command's app target is not the app",
  rationale: "gunicorn `module:object` (or `flask --app`) must name the module and object (or factory) that create the Flask app; a wrong one fails at start-up with `Failed to find attribute`.",
  fix: "Use the target flaskpack found, e.g. `gunicorn … server:application` or `blog:create_app()`.",
  examples: {
    bad: {
      dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:4567\", \"app:app\"]\n",
      app: { entry: { target: "server:application", module: "server", object: "application", kind: "object", reason: "Flask() assignment", score: 10 } },
    },
    good: {
      dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:4567\", \"server:application\"]\n",
      app: { entry: { target: "server:application", module: "server", object: "application", kind: "object", reason: "Flask() assignment", score: 10 } },
    },
  },
  check: ({ df, app }) => {
    const s = serverOf(df);
    if (!app.entry || !s) return [];
    const known = [app.entry, ...app.alternatives];
    let target: string | null = null;
    if (s.kind === "gunicorn") target = s.target;
    else if (s.kind === "flask-run" && s.app) target = s.app.includes(":") ? s.app : null;
    if (!target || target.includes("$")) return [];
    const t = norm(target);
    const ok = known.some((c) => norm(c.target) === t || (c.kind === "factory" && t === `${c.module}:${c.object}()`) || (c.kind === "factory" && t.startsWith(`${c.module}:${c.object}(`)));
    return ok ? [] : [at(s.at, `\`${target}\` is not the app: flaskpack found \`${app.entry.target}\` (${app.entry.reason})`, { fix: `use \`${app.entry.target}\`` })];
  },
};
