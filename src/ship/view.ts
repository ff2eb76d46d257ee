/**
 * How ship shows its stages: a live listr2 view on a terminal (one line per stage, its time and cache hits),
 * plain lines when stderr is not a terminal (CI logs), nothing when silent (--json). Always on stderr.
 */
import pc from "picocolors";
import { Listr, ListrLogger, ProcessOutput } from "listr2";
import type { Progress } from "../util/progress.ts";
import type { Stage, StageRecord } from "../report/model.ts";

export type ViewMode = "auto" | "tty" | "plain" | "silent";

export interface StageView {
  run(name: Stage, fn: (progress: Progress) => Promise<StageRecord>): Promise<StageRecord>;
}

export function stageLine(r: StageRecord): string {
  const time = `${r.seconds.toFixed(1)}s`;
  const tail = r.status === "failed" ? (r.error?.message ?? "") : (r.note ?? "");
  const status = r.status === "ok" ? "" : ` [${r.status}]`;
  return `${r.name.padEnd(8)} ${time.padStart(6)}${status}${tail ? `  ${tail}` : ""}`;
}

export function stageView(mode: ViewMode): StageView {
  // A terminal that reports no width (some CI pseudo-terminals) gets plain lines: the live view would wrap each character.
  const m = mode === "auto" ? (process.stderr.isTTY && (process.stderr.columns ?? 0) > 20 ? "tty" : "plain") : mode;
  if (m === "silent") return { run: (_, fn) => fn({ step() {}, detail() {} }) };
  if (m === "plain") {
    return {
      async run(name, fn) {
        process.stderr.write(`${pc.cyan("›")} ${name} …\n`);
        const r = await fn({ step: (msg) => process.stderr.write(pc.dim(`    ${msg}\n`)), detail() {} });
        const mark = r.status === "failed" ? pc.red("✗") : r.status === "not-available" ? pc.yellow("?") : pc.green("✓");
        process.stderr.write(`${mark} ${stageLine(r)}\n`);
        return r;
      },
    };
  }
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  return {
    async run(name, fn) {
      let record: StageRecord | undefined;
      let crash: unknown;
      const list = new Listr(
        [{
          title: name,
          task: async (_ctx, task) => {
            try {
              record = await fn({ step: (msg) => (task.output = msg), detail: (msg) => (task.output = msg) });
            } catch (e) {
              crash = e;
              throw e;
            }
            task.title = stageLine(record);
            if (record.status === "skipped" || record.status === "not-available") task.skip(stageLine(record));
            if (record.status === "failed") throw new Error(stageLine(record));
          },
        }],
        { exitOnError: false, registerSignalListeners: false, rendererOptions: { logger, collapseErrors: false, showErrorMessage: true } },
      );
      await list.run().catch(() => {});
      if (crash !== undefined || !record) throw crash;
      return record;
    },
  };
}
