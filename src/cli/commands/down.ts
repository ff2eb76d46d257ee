import type { Command } from "commander";
import { action, emit, progressFor } from "../output.ts";

export function register(program: Command): void {
  program
    .command("down [dir]")
    .description("stop and remove the app's compose services; data volumes are kept unless --volumes is confirmed")
    .option("-p, --project <name>", "compose project name (default: the directory name)")
    .option("--volumes", "also DELETE the named volumes (database data); asks first")
    .option("-y, --yes", "confirm --volumes without asking (for scripts)")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack down examples/pg-api            keeps the database volume\n  flaskpack down examples/pg-api --volumes  deletes it, after a confirmation")
    .action(
      action(async (dir: string | undefined, opts: { project?: string; volumes?: boolean; yes?: boolean; json?: boolean; verbose?: boolean }) => {
        const { down } = await import("../../compose/index.ts");
        const confirm = process.stdin.isTTY && process.stderr.isTTY ? askOnTty : undefined;
        const r = await down(dir ?? ".", { project: opts.project, volumes: opts.volumes, yes: opts.yes, confirm, progress: progressFor(opts) });
        emit(r, opts, (x) =>
          [
            `${x.project}: removed ${x.removedContainers.length} container(s)`,
            x.removedVolumes.length ? `deleted volumes: ${x.removedVolumes.join(", ")}` : "",
            x.keptVolumes.length ? `kept volumes (data survives): ${x.keptVolumes.join(", ")}` : "",
          ].filter(Boolean).join("\n"),
        );
      }),
    );
}

async function askOnTty(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
