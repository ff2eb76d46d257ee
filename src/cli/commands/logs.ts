import type { Command } from "commander";
import { action, emit } from "../output.ts";

export function register(program: Command): void {
  program
    .command("logs [dir]")
    .description("show the logs of the app's compose services, in time order")
    .option("-p, --project <name>", "compose project name (default: the directory name)")
    .option("-s, --service <name>", "only this service")
    .option("-n, --tail <lines>", "last N lines per service", "200")
    .option("-f, --follow", "keep printing new lines (through compose; Ctrl-C to stop)")
    .option("--json", "print the lines as JSON")
    .action(
      action(async (dir: string | undefined, opts: { project?: string; service?: string; tail: string; follow?: boolean; json?: boolean }) => {
        const { logs, followLogs } = await import("../../compose/index.ts");
        if (opts.follow && !opts.json) return followLogs(dir ?? ".", { project: opts.project, service: opts.service, tail: Number(opts.tail) });
        const lines = await logs(dir ?? ".", { project: opts.project, service: opts.service, tail: Number(opts.tail) });
        const width = Math.max(0, ...lines.map((l) => l.service.length));
        emit(lines, opts, (ls) => ls.map((l) => `${l.service.padEnd(width)} | ${l.text}`).join("\n"));
      }),
    );
}
