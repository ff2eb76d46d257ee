import type { Rule } from "../types.ts";

export const unparsableLine: Rule = {
  id: "FP-DF-000",
  scope: "dockerfile",
  severity: "error",
  title: "Line is not a Dockerfile instruction",
  rationale: "The builder stops at the first line it cannot parse, so nothing after it is built. flaskpack reports the line and lints the rest.",
  fix: "Fix the typo in the instruction name, or join the line to the previous one with a trailing backslash.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask==3.0.3 \nflask --version\n" },
    good: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask==3.0.3 \\\n    && flask --version\n" },
  },
  check: ({ df }) => {
    const hits = df.unparsable.slice(0, MAX_REPORTED).map((u) => ({
      line: u.line,
      column: u.column,
      message: `cannot parse \`${printable(u.text).trim().slice(0, 60)}\`: not a Dockerfile instruction`,
    }));
    const more = df.unparsable.length - MAX_REPORTED;
    if (more > 0) hits.push({ ...hits[hits.length - 1], message: `${more} more lines cannot be parsed: is this a Dockerfile?` });
    return hits;
  },
};

/** A binary file would otherwise produce one finding per line. */
const MAX_REPORTED = 20;

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?");
}
