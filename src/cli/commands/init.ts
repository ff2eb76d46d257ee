import type { Command } from "commander";
import pc from "picocolors";
import { action, emit, formatBytes, progressFor } from "../output.ts";

export function register(program: Command): void {
  program
    .command("init [dir]")
    .description("write a production Dockerfile, .dockerignore (and compose.yaml, .env.example) for a Flask project")
    .option("--deps <mode>", "how dependencies are installed: debian (python3-* packages) or pip", "debian")
    .option("--base <image>", "base image for both stages (default: flaskpack's Debian base, or python:<version>-slim with --deps pip)")
    .option("-f, --force", "overwrite existing files")
    .option("--dry-run", "show what would be written, write nothing")
    .option("--print", "print the generated files to stdout, write nothing")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack init examples/hello\n  flaskpack init . --deps pip --base python:3.12-slim --dry-run")
    .action(
      action(async (dir: string | undefined, opts: { deps: string; base?: string; force?: boolean; dryRun?: boolean; print?: boolean; json?: boolean; verbose?: boolean }) => {
        const { FlaskpackError } = await import("../../errors.ts");
        if (opts.deps !== "debian" && opts.deps !== "pip") throw new FlaskpackError("BAD_INPUT", `--deps must be debian or pip, not ${opts.deps}.`, "use --deps debian or --deps pip");
        const { isMultiServiceRoot, initProject } = await import("../../compose/project.ts");
        if (!opts.dryRun && !opts.print && (await isMultiServiceRoot(dir ?? "."))) {
          // A root holding a Flask backend and a frontend in subdirectories: one compose file for both.
          const p = await initProject(dir ?? ".", { force: opts.force, progress: progressFor(opts) });
          for (const w of p.warnings) process.stderr.write(`${pc.yellow("warning:")} ${w}\n`);
          emit(p, opts, () =>
            [...p.files.map((f) => `${f.action.padEnd(14)} ${f.path}`), "", `services: ${[...p.layout.backends, ...p.layout.frontends].join(", ")}`, `next: flaskpack up ${dir ?? "."}`].join("\n"),
          );
          return;
        }
        const { init } = await import("../../generate/index.ts");
        const r = await init(dir ?? ".", { deps: opts.deps, base: opts.base, force: opts.force, dryRun: opts.dryRun, print: opts.print, progress: progressFor(opts) });
        for (const w of r.warnings) process.stderr.write(`${pc.yellow("warning:")} ${w}\n`);
        const { plan: _plan, ...data } = r;
        emit({ ...data, plan: { ...r.plan, app: undefined } }, opts, () => {
          if (opts.print) return r.files.map((f) => `${pc.dim(`# ---- ${f.path}`)}\n${f.content}`).join("\n");
          const lines = r.files.map((f) => `${f.action.padEnd(14)} ${f.path}`);
          lines.push(
            "",
            `entry ${r.plan.entry} · port ${r.plan.port} · ${r.plan.deps} deps · base ${r.plan.baseImage} · health ${r.plan.healthPath} · user ${r.plan.user.uid}`,
            `build context: ${r.context.files} files, ${formatBytes(r.context.bytes)}`,
            opts.dryRun ? "dry run: nothing written" : `next: flaskpack build ${dir ?? "."} && flaskpack run ${dir ?? "."}`,
          );
          return lines.join("\n");
        });
      }),
    );
}
