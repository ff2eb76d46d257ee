import type { Rule } from "../types.ts";
import { copySources } from "./util.ts";
import { globToRegex } from "../dockerignore.ts";

export const copiedButIgnored: Rule = {
  id: "FP-CTX-008",
  scope: "context",
  severity: "error",
  title: "COPY names a file that .dockerignore excludes",
  rationale: "The daemon never receives excluded files, so the COPY fails (`not found`) or silently copies less than intended.",
  fix: "Remove the path from .dockerignore (or add a `!path` exception), or stop copying it.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n", files: { "requirements.txt": "flask\n", ".dockerignore": "*.txt\n" } },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n", files: { "requirements.txt": "flask\n", ".dockerignore": "*.txt\n!requirements.txt\n" } },
  },
  check: ({ context, dockerfiles }) => {
    if (!context.dockerignore) return [];
    return dockerfiles.flatMap((df) =>
      df.instructions
        .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !i.flags.from && !i.args.startsWith("<<"))
        .flatMap((i) => {
          const excluded = copySources(i)
            .filter((s) => !/^[a-z]+:\/\//i.test(s) && !s.includes("$"))
            .map((s) => s.replace(/^\.?\//, "").replace(/\/$/, ""))
            .filter((s) => s && s !== ".")
            .filter((s) => {
              const re = globToRegex(s);
              const matching = context.files.filter((f) => re.test(f.path));
              return matching.length > 0 && matching.every((f) => !context.sent(f.path));
            });
          return excluded.length ? [{ file: df.file, line: i.line, column: i.column, message: `${excluded.map((s) => `\`${s}\``).join(", ")} is excluded by .dockerignore, so this ${i.keyword} gets nothing` }] : [];
        }),
    );
  },
};
