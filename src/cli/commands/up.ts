import type { Command } from "commander";
import { action, emit, progressFor, table } from "../output.ts";

export function register(program: Command): void {
  program
    .command("up [dir]")
    .description("start the app and its services with compose (compose.yaml from `flaskpack init`) and wait until all are healthy")
    .option("-p, --project <name>", "compose project name (default: the directory name)")
    .option("--build", "rebuild images that have a build: section")
    .option("--db-image <image>", "Postgres image to use instead of the file's (default on flaskpack's own engine: a Debian-built one)")
    .option("--timeout <seconds>", "how long to wait for health", "180")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExample:\n  flaskpack init examples/pg-api && flaskpack up examples/pg-api")
    .action(
      action(async (dir: string | undefined, opts: { project?: string; build?: boolean; dbImage?: string; timeout: string; json?: boolean; verbose?: boolean }) => {
        const { up } = await import("../../compose/index.ts");
        const r = await up(dir ?? ".", { project: opts.project, build: opts.build, dbImage: opts.dbImage, timeoutSeconds: Number(opts.timeout), progress: progressFor(opts) });
        emit(r, opts, (x) =>
          [
            `${x.project} is up (${x.seconds.toFixed(1)} s, ${x.compose})`,
            ...Object.entries(x.substituted).map(([s, i]) => `${s}: using ${i} (the file's image cannot be pulled on this engine)`),
            table(
              x.services.map((s) => [s.service, s.completed ? "completed" : s.state, s.health, s.ports.map((p) => `http://${p.host}`).join(" ")]),
              ["service", "state", "health", "url"],
            ),
            `logs: flaskpack logs ${dir ?? "."}   stop: flaskpack down ${dir ?? "."}`,
          ].join("\n"),
        );
      }),
    );
}
