import type { Rule } from "../types.ts";
import { at } from "./util.ts";
import { serverOf, parseBind, isLoopback } from "./server.ts";

export const serverBoundToLoopback: Rule = {
  id: "FP-FL-007",
  scope: "dockerfile",
  severity: "error",
  title: "Server bound to 127.0.0.1 inside the container",
  rationale: "127.0.0.1 in a container is the container's own loopback: published ports forward to the container's network interface, so nothing from outside reaches the app.",
  fix: "Bind to all interfaces: `--bind 0.0.0.0:8000` (gunicorn) or `--host 0.0.0.0` (flask run).",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"127.0.0.1:8000\", \"app:app\"]\n" },
    good: { dockerfile: "FROM python:3.11-slim\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n" },
  },
  check: ({ df }) => {
    const s = serverOf(df);
    if (s?.kind === "gunicorn") {
      const local = s.binds.filter((b) => isLoopback(parseBind(b).host));
      return local.length && local.length === s.binds.length ? [at(s.at, `gunicorn binds ${local.join(", ")}: unreachable from outside the container`)] : [];
    }
    if (s?.kind === "flask-run" && s.host && isLoopback(s.host)) return [at(s.at, `flask run --host ${s.host}: unreachable from outside the container`)];
    return [];
  },
};
