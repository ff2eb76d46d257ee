import type { Rule } from "../types.ts";
import { at } from "./util.ts";

export const pythonVersionMismatch: Rule = {
  id: "FP-FL-013",
  scope: "flask",
  severity: "warning",
  title: "Base image Python differs from the project's Python",
  rationale: "The project asks for one Python (`.python-version`, `requires-python`), the image ships another: code and pinned wheels may not work.",
  fix: "Use a base image tag with the project's Python version.",
  examples: {
    bad: { dockerfile: "FROM python:3.10-slim\n", app: { python: { wanted: "3.12", from: ".python-version" } } },
    good: { dockerfile: "FROM python:3.12-slim\n", app: { python: { wanted: "3.12", from: ".python-version" } } },
  },
  check: ({ df, app }) => {
    if (/^[<>!]/.test(app.python?.wanted ?? "")) return [];
    const wanted = /^(\d+)\.(\d+)/.exec(app.python?.wanted?.replace(/^[^\d]*/, "") ?? "");
    const stage = df.finalStage;
    if (!wanted || !stage || stage.fromStage || !/(^|\/)python$/.test(stage.imageName)) return [];
    const has = /^(\d+)\.(\d+)/.exec(stage.tag ?? "");
    if (!has || (has[1] === wanted[1] && has[2] === wanted[2])) return [];
    return [at(stage.from, `the image has Python ${has[1]}.${has[2]}, the project wants ${app.python.wanted} (${app.python.from})`)];
  },
};
