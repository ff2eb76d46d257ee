import type { Command } from "commander";
import { action, emit } from "../output.ts";

interface LintFlags {
  format?: string;
  json?: boolean;
  failOn: string;
  fix?: boolean;
  dockerfile?: string;
  compose?: string;
  config?: string;
}

const FORMATS = ["tty", "json", "sarif", "checkstyle"];
const SEVERITIES = ["error", "warning", "info"];

export function register(program: Command): void {
  program
    .command("lint [dir]")
    .description("check the Dockerfile, build context and compose file, with rules that know the Flask app")
    .option("-f, --format <format>", `output format: ${FORMATS.join("|")}`, "tty")
    .option("--json", "same as --format json")
    .option("--fail-on <severity>", "exit 3 when a finding is at or above: error|warning|info", "error")
    .option("--fix", "apply the safe mechanical fixes and print a diff")
    .option("--dockerfile <path>", "lint this Dockerfile (default: Dockerfile* at the top of dir)")
    .option("--compose <path>", "lint this compose file (default: compose.yaml, docker-compose.yml …)")
    .option("--config <path>", "config file (default: .flaskpack.yaml in dir)")
    .addHelpText("after", "\nExamples:\n  flaskpack lint examples/hello\n  flaskpack lint . --format sarif > flaskpack.sarif\n  flaskpack lint . --fix --fail-on warning\n\nRules: docs/rules.md. Ignore one line with `# flaskpack ignore=FP-DF-012` on the line before.")
    .action(
      action(async (dir: string | undefined, flags: LintFlags) => {
        const { FlaskpackError, EXIT } = await import("../../errors.ts");
        const format = flags.json ? "json" : (flags.format ?? "tty");
        if (!FORMATS.includes(format)) throw new FlaskpackError("BAD_INPUT", `unknown format ${format}`, `use one of ${FORMATS.join(", ")}`);
        if (!SEVERITIES.includes(flags.failOn)) throw new FlaskpackError("BAD_INPUT", `unknown severity ${flags.failOn} for --fail-on`, `use one of ${SEVERITIES.join(", ")}`);
        const { lint, applyFixes, toSarif, toCheckstyle, toTty, atOrAbove } = await import("../../lint/index.ts");
        const opts = { dockerfile: flags.dockerfile, compose: flags.compose, config: flags.config };
        const target = dir ?? ".";
        let report = await lint(target, opts);
        let fixed: { file: string; diff: string }[] | undefined;
        if (flags.fix) {
          const result = await applyFixes(target, report, opts);
          report = result.after;
          fixed = result.changed;
          if (format === "tty") {
            for (const c of fixed) process.stdout.write(c.diff + "\n\n");
            process.stderr.write(fixed.length ? `fixed ${result.applied} finding(s) in ${fixed.map((c) => c.file).join(", ")}\n` : "nothing to fix mechanically\n");
          }
        }
        if (format === "sarif") {
          const { relative, resolve, sep } = await import("node:path");
          const rel = relative(process.cwd(), resolve(target));
          const uriPrefix = rel && !rel.startsWith("..") ? rel.split(sep).join("/") : undefined;
          process.stdout.write(JSON.stringify(toSarif(report, { uriPrefix }), null, 2) + "\n");
        }
        else if (format === "checkstyle") process.stdout.write(toCheckstyle(report));
        else emit(fixed ? { ...report, fixed } : report, { json: format === "json" }, toTty);
        const threshold = flags.failOn as "error" | "warning" | "info";
        return report.findings.some((f) => atOrAbove(f.severity, threshold)) ? EXIT.CHECK_FAILED : EXIT.OK;
      }),
    );
}
