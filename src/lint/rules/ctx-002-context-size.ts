import type { Rule } from "../types.ts";
import { contextHit } from "./util.ts";

const LIMIT = 50 * 1000 * 1000;

export const largeContext: Rule = {
  id: "FP-CTX-002",
  scope: "context",
  severity: "warning",
  title: "Build context over 50 MB",
  rationale: "Every build uploads the whole context to the daemon before the first step; a large context makes every build slow and usually means data or artifacts are being sent by mistake.",
  fix: "Exclude the largest paths in .dockerignore.",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\n", files: { "app.py": "print(1)\n", "data/dump.sql": 60_000_000, ".dockerignore": ".git\n" } },
    good: { dockerfile: "FROM python:3.11-slim\n", files: { "app.py": "print(1)\n", "data/dump.sql": 60_000_000, ".dockerignore": ".git\ndata\n" } },
  },
  check: (input) => {
    const sent = input.context.files.filter((f) => input.context.sent(f.path));
    const total = sent.reduce((n, f) => n + f.size, 0);
    if (total <= LIMIT) return [];
    const bySize = new Map<string, number>();
    for (const f of sent) {
      const top = f.path.split("/").slice(0, 2).join("/");
      bySize.set(top, (bySize.get(top) ?? 0) + f.size);
    }
    const largest = [...bySize].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p, n]) => `${p} (${(n / 1e6).toFixed(1)} MB)`);
    return [contextHit(input, `the build context is ${(total / 1e6).toFixed(1)} MB; largest: ${largest.join(", ")}`)];
  },
};
