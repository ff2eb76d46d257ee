import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at } from "./util.ts";
import { serverOf, parseBind } from "./server.ts";
import type { FlaskInput } from "../types.ts";

/** The port the image's server listens on: from its command line, else from the app's source. */
export function listeningPort({ df, app }: Pick<FlaskInput, "df" | "app">): number | null {
  const s = serverOf(df);
  if (s?.kind === "gunicorn") {
    const env = new Map((df.finalStage ? ofKind(df.finalStage, "ENV") : []).flatMap((e) => e.props.map((p) => [p.name, p.value ?? ""] as const)));
    const fromArgs = /(?:--bind[= ]|-b ?)(\S+)/.exec(env.get("GUNICORN_CMD_ARGS") ?? "")?.[1];
    const b = [...s.binds, ...(fromArgs ? [fromArgs] : [])].map(parseBind).find((x) => x.port !== null);
    if (b) return b.port;
    // gunicorn >= 20 binds 0.0.0.0:$PORT when PORT is set and there is no --bind.
    if (/^\d+$/.test(env.get("PORT") ?? "")) return Number(env.get("PORT"));
    return s.configFile || env.has("PORT") ? null : 8000;
  }
  if (s?.kind === "flask-run") return s.port ?? 5000;
  return app.port?.value ?? null;
}

export const exposeMismatch: Rule = {
  id: "FP-FL-006",
  scope: "flask",
  severity: "warning",
  title: "EXPOSE differs from the port the app listens on",
  rationale: "`docker run -P`, compose and orchestrators publish the EXPOSEd port; if the app listens elsewhere, nothing answers.",
  fix: "EXPOSE the port the server binds (or bind the server to the EXPOSEd port).",
  examples: {
    bad: {
      dockerfile: "FROM python:3.11-slim\nENV PORT=5000\nEXPOSE 5000\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]\n",
      app: { port: { value: 5000, from: "default" } },
    },
    good: {
      dockerfile: "FROM python:3.11-slim\nENV PORT=8000\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\n",
      app: { port: { value: 5000, from: "default" } },
    },
  },
  check: (input) => {
    const stage = input.df.finalStage;
    if (!stage) return [];
    const exposes = ofKind(stage, "EXPOSE");
    if (!exposes.length) return [];
    const port = listeningPort(input);
    if (port === null) return [];
    const ports = exposes.flatMap((e) => e.words).filter((w) => !w.includes("$")).map((w) => Number(w.split("/")[0]));
    if (!ports.length || ports.includes(port)) return [];
    return [at(exposes[0], `EXPOSE ${ports.join(" ")} but the app listens on ${port}`)];
  },
};
