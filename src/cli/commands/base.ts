import type { Command } from "commander";
import { action, emit, formatBytes, progressFor } from "../output.ts";

export function register(program: Command): void {
  program
    .command("base")
    .description("build (or reuse) a Python runtime base image from Debian packages, no registry needed")
    .option("-p, --packages <list>", "comma-separated Debian packages, e.g. python3-flask,gunicorn", "")
    .option("-r, --requirements <names>", "comma-separated PyPI names to map to Debian packages, e.g. flask,gunicorn")
    .option("--suite <suite>", "Debian suite", "bookworm")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExample:\n  flaskpack base --packages python3-flask,gunicorn")
    .action(
      action(async (opts: { packages: string; requirements?: string; suite: string; json?: boolean; verbose?: boolean }) => {
        const { buildBase, mapRequirements } = await import("../../base/index.ts");
        const packages = opts.packages.split(",").filter(Boolean);
        if (opts.requirements) packages.push(...mapRequirements(opts.requirements.split(",").filter(Boolean)));
        const base = await buildBase({ packages, suite: opts.suite, progress: progressFor(opts) });
        emit(base, opts, (b) =>
          `${b.reused ? "reused" : "built"} ${b.tag} (${formatBytes(b.sizeBytes)}, ${b.installed.length || "?"} packages) in ${b.seconds.toFixed(1)} s`,
        );
      }),
    );
}
