import type { Command } from "commander";
import pc from "picocolors";
import { action, emit, formatBytes, progressFor, table } from "../output.ts";
import type { SlimResult } from "../../slim/index.ts";

function many(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function env(value: string, prev: Record<string, string>): Record<string, string> {
  const i = value.indexOf("=");
  return { ...prev, [i < 0 ? value : value.slice(0, i)]: i < 0 ? (process.env[value] ?? "") : value.slice(i + 1) };
}

export function render(r: SlimResult): string {
  const ratio = r.original.sizeBytes / Math.max(1, r.slim.sizeBytes);
  const identical = r.routes.filter((x) => x.identical).length;
  const lines = [
    table(
      r.routes.map((x) => [x.method, x.path, x.original.status, x.slim.status, x.original.contentType.split(";")[0], x.identical ? pc.green("identical") : pc.red("DIFFERENT"), x.exercised ? "" : pc.dim("view not run")]),
      ["method", "path", "original", "slim", "type", "result", ""],
    ),
    "",
    table(
      [
        ["size", formatBytes(r.original.sizeBytes), formatBytes(r.slim.sizeBytes), `${ratio.toFixed(1)}x smaller`],
        ["files", r.original.files, r.slim.files, ""],
        ["packages (with files)", r.original.packages ?? "?", r.slim.packages ?? "?", ""],
        ["layers", r.original.layers, r.slim.layers, ""],
      ],
      ["", r.original.image, r.slim.image, ""],
    ),
    "",
    `routes: ${identical}/${r.routes.length} probes identical${r.healthcheck ? `; healthcheck exit ${r.healthcheck.original} vs ${r.healthcheck.slim}` : ""}${r.probeCmd ? `; --probe-cmd exit ${r.probeCmd.original} vs ${r.probeCmd.slim}` : ""}`,
    `keep-set: ${r.keepSet.files} files (${Object.entries(r.keepSet.reasons).map(([k, v]) => `${k} ${v}`).join(", ")}); ${r.keepSet.sourceless.files} library modules as bytecode only (-${formatBytes(r.keepSet.sourceless.savedBytes)})`,
    `profiles: ${r.profiles.seccomp} (${r.profiles.syscalls} syscalls), ${r.profiles.apparmor} (${r.profiles.apparmorCheck})`,
  ];
  if (r.notExercised.length) lines.push(pc.yellow(`not exercised (the slim image may lack what these load; add --probe METHOD:/path): ${r.notExercised.join(", ")}`));
  if (r.explain) lines.push("", "why:", ...r.explain.map((l) => `  ${l}`));
  lines.push(`${r.verified ? pc.green("verified") : pc.red("NOT verified (--accept-diff)")} in ${r.seconds.toFixed(1)} s. run it: flaskpack run ${r.slim.image} --seccomp ${r.profiles.seccomp}`);
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("slim <image|dir>")
    .description("trace the app while probing every route, keep only what it used, and prove the slim image answers the same")
    .option("-t, --tag <tag>", "tag of the slim image (default <repo>.slim:<tag>)")
    .option("--probe <METHOD:/path[:body]>", "an extra request to send (repeatable), e.g. POST:/api/items:{\"name\":\"x\"}", many, [])
    .option("--probe-cmd <command>", "your own smoke test, run with $FLASKPACK_URL during the trace and against both images")
    .option("--include <path>", "keep this path (and what is under it) even if the trace never touched it (repeatable)", many, [])
    .option("--exclude <path>", "drop this path even if it was traced (repeatable)", many, [])
    .option("--explain <path>", "print why a path is kept (or that it is not)")
    .option("--normalize <regex>", "ignore matches of this regular expression when comparing bodies (dates, ids; repeatable)", many, [])
    .option("-p, --port <port>", "container port the app listens on (default: the image's EXPOSE)", Number)
    .option("-e, --env <KEY=VALUE>", "environment for the runs (repeatable)", env, {})
    .option("--profiles-dir <dir>", "where to write the seccomp and AppArmor profiles", ".flaskpack/profiles")
    .option("--keep-sources", "keep library .py sources (default: library modules whose bytecode was loaded ship as .pyc only)")
    .option("--accept-diff", "write the slim image even when some route answers differently")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack slim hello:latest\n  flaskpack slim examples/factory --probe GET:/post/2 --explain /usr/lib/ssl/openssl.cnf")
    .action(
      action(async (target: string, opts: { tag?: string; probe: string[]; probeCmd?: string; include: string[]; exclude: string[]; explain?: string; normalize: string[]; port?: number; env: Record<string, string>; profilesDir: string; keepSources?: boolean; acceptDiff?: boolean; json?: boolean; verbose?: boolean }) => {
        const { slim } = await import("../../slim/index.ts");
        const { FlaskpackError } = await import("../../errors.ts");
        try {
          const r = await slim(target, {
            tag: opts.tag, probes: opts.probe, probeCmd: opts.probeCmd, include: opts.include, exclude: opts.exclude, explain: opts.explain,
            normalize: opts.normalize, port: opts.port, env: opts.env, profilesDir: opts.profilesDir, keepSources: opts.keepSources,
            acceptDiff: opts.acceptDiff, progress: progressFor(opts),
          });
          emit(r, opts, render);
        } catch (e) {
          if (e instanceof FlaskpackError && e.code === "CHECK_FAILED" && !opts.json && e.details) process.stdout.write(render(e.details as SlimResult) + "\n");
          throw e;
        }
      }),
    );
}
