import type { Command } from "commander";
import { action, collectEnv, emit } from "../output.ts";
import { EXIT } from "../../errors.ts";

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((x) => x.trim()).filter(Boolean)];

interface ShipFlags {
  image?: string;
  tag?: string;
  write?: boolean;
  force?: boolean;
  skip?: string[];
  from?: string;
  check?: boolean;
  failOn?: string;
  lintThreshold?: string;
  out?: string;
  db?: string;
  sarif?: boolean;
  deps?: string;
  exclude?: string[];
  include?: string[];
  probes?: string;
  acceptDiff?: boolean;
  fresh?: boolean;
  json?: boolean;
  env?: Record<string, string>;
  envFile?: string;
}

export function register(program: Command): void {
  program
    .command("ship [dir]")
    .description("the whole journey: analyze, lint, init, build, run, slim, verify, sbom, scan, and one report")
    .option("--image <ref>", "ship an existing image (skips analyze, lint, init and build)")
    .option("-t, --tag <name:tag>", "tag for the built image (default <dir name>:latest)")
    .option("--write", "write the generated Dockerfile, .dockerignore, ... into the project")
    .option("--force", "with --write: overwrite existing files")
    .option("--skip <stages>", "stages to skip, comma-separated (e.g. slim,scan)", collect)
    .option("--from <stage>", "resume at this stage with the earlier stages' saved results")
    .option("--check", "CI mode: write nothing into the project; exit 3 on lint errors, route differences or vulnerabilities")
    .option("--fail-on <severity>", "with --check: vulnerabilities at or above critical|high|medium|low fail")
    .option("--lint-threshold <severity>", "with --check: lint findings at or above error|warning|info fail", "error")
    .option("-o, --out <dir>", "where report.json, report.html and stage results go (default <dir>/.flaskpack)")
    .option("--db <dir>", "offline vulnerability database (default $FLASKPACK_DB, then the `flaskpack db update` cache)")
    .option("--sarif", "also write report.sarif with the lint findings")
    .option("--deps <mode>", "dependencies from debian packages or pip")
    .option("--exclude <path>", "slim: leave this path out even if used (repeatable)", collect)
    .option("--include <path>", "slim: keep this path even if unused (repeatable)", collect)
    .option("--probes <file>", "slim: extra requests to exercise, one 'METHOD /path' a line")
    .option("--accept-diff", "accept routes that answer differently after slim")
    .option("--fresh", "run every stage again: no saved results, no build cache")
    .option("-e, --env <KEY=VALUE>", "environment for the app in run, slim and verify (repeatable; KEY alone takes it from your environment)", collectEnv, {})
    .option("--env-file <file>", "KEY=VALUE file for the app (default: the project's .env)")
    .option("--json", "print the report as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack ship examples/hello\n  flaskpack ship . --check --fail-on high --db ./advisory-db\n  flaskpack ship --image myapp:1.2\n  flaskpack ship . --from slim")
    .action(
      action(async (dir: string | undefined, flags: ShipFlags) => {
        const { ship } = await import("../../ship/index.ts");
        const { renderTerminal } = await import("../../report/terminal.ts");
        const { isFlaskpackError } = await import("../../errors.ts");
        type Opts = NonNullable<Parameters<typeof ship>[1]>;
        const opts: Opts = {
          image: flags.image,
          tag: flags.tag,
          write: flags.write,
          force: flags.force,
          skip: flags.skip as Opts["skip"],
          from: flags.from as Opts["from"],
          check: flags.check,
          failOn: flags.failOn as Opts["failOn"],
          lintThreshold: flags.lintThreshold as Opts["lintThreshold"],
          out: flags.out,
          db: flags.db,
          sarif: flags.sarif,
          deps: flags.deps as Opts["deps"],
          exclude: flags.exclude,
          include: flags.include,
          probes: flags.probes,
          acceptDiff: flags.acceptDiff,
          fresh: flags.fresh,
          env: flags.env,
          envFile: flags.envFile,
          view: flags.json ? "silent" : "auto",
        };
        try {
          const { report, files } = await ship(dir, opts);
          emit(report, flags, (r) => renderTerminal(r, files));
          return report.check.enabled && !report.check.passed ? EXIT.CHECK_FAILED : EXIT.OK;
        } catch (e) {
          // A stage failed: the partial report is still on disk; show it before the error.
          const details = isFlaskpackError(e) ? (e.details as { report?: Parameters<typeof renderTerminal>[0]; files?: Parameters<typeof renderTerminal>[1] } | undefined) : undefined;
          if (details?.report && !flags.json) process.stdout.write(renderTerminal(details.report, details.files) + "\n\n");
          throw e;
        }
      }),
    );
}
