import type { Command } from "commander";
import pc from "picocolors";
import { action, collectEnv, emit, progressFor } from "../output.ts";


function bytes(v: string): number {
  const m = v.trim().toLowerCase().match(/^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/);
  if (!m) throw new Error(`not a size: ${v}`);
  return Math.round(Number(m[1]) * { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2] as "" | "k" | "m" | "g"]);
}

export function register(program: Command): void {
  program
    .command("run <image|dir>")
    .description("start an image (or build a project and start it) hardened, wait until it answers, or explain why it does not")
    .option("-p, --port <port>", "container port (default: the image's EXPOSE)", Number)
    .option("--host-port <port>", "host port on 127.0.0.1 (default: a free one)", Number)
    .option("-e, --env <KEY=VALUE>", "environment variable (repeatable; KEY alone takes it from your environment)", collectEnv, {})
    .option("--env-file <file>", "KEY=VALUE file (default: .env of the project, or ./.env)")
    .option("--name <name>", "container name")
    .option("--no-hardened", "run without the hardening (read-only root, no capabilities, limits, non-root)")
    .option("--memory <size>", "memory limit, e.g. 256m (default 512m)")
    .option("--pids-limit <n>", "process limit (default 256)", Number)
    .option("--seccomp <profile.json>", "seccomp profile to apply")
    .option("-v, --volume <HOST:CONTAINER[:ro|rw]>", "bind-mount a file or directory (repeatable; read-only unless :rw), e.g. a config file kept out of the image", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--ready-path <path>", "path that must answer before the app counts as up", "/")
    .option("--timeout <seconds>", "how long to wait for the first answer", Number, 30)
    .option("--keep", "keep a container that failed, for inspection")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack run examples/hello\n  flaskpack run hello:latest -e SECRET_KEY=... --memory 256m\n  flaskpack run myapp:latest -v ./instance/config.py:/app/instance/config.py")
    .action(
      action(async (target: string, opts: { port?: number; hostPort?: number; env: Record<string, string>; envFile?: string; name?: string; hardened: boolean; memory?: string; pidsLimit?: number; seccomp?: string; volume: string[]; readyPath: string; timeout: number; keep?: boolean; json?: boolean; verbose?: boolean }) => {
        const { run } = await import("../../engine/run.ts");
        const { FlaskpackError } = await import("../../errors.ts");
        let memoryBytes: number | undefined;
        try {
          memoryBytes = opts.memory ? bytes(opts.memory) : undefined;
        } catch (e) {
          throw new FlaskpackError("BAD_INPUT", (e as Error).message, "give sizes like 256m or 1g");
        }
        try {
          const r = await run(target, {
            port: opts.port, hostPort: opts.hostPort, env: opts.env, envFile: opts.envFile, name: opts.name, hardened: opts.hardened, memoryBytes,
            pidsLimit: opts.pidsLimit, seccompProfile: opts.seccomp, volumes: opts.volume, readyPath: opts.readyPath, readyTimeoutMs: opts.timeout * 1000, keepOnFailure: opts.keep, progress: progressFor(opts),
          });
          for (const w of r.warnings) process.stderr.write(`${pc.yellow("warning:")} ${w}\n`);
          emit(r, opts, () =>
            [
              `${pc.green("up")} ${r.url}  (${r.image} as ${r.name}, answered HTTP ${r.status} in ${(r.startedMs / 1000).toFixed(1)} s${r.healthChecked ? ", health check passed" : ""})`,
              `hardened: read-only root ${r.hardening.readOnlyRoot ? "on" : "off"}, caps dropped ${r.hardening.capDrop.join(",") || "none"}, user ${r.hardening.user || "image default"}, memory ${r.hardening.memoryBytes ? Math.round(r.hardening.memoryBytes / 1048576) + " MiB" : "unlimited"}, pids ${r.hardening.pidsLimit ?? "unlimited"}`,
              `logs: docker logs -f ${r.name}    stop: docker rm -f ${r.name}`,
            ].join("\n"),
          );
        } catch (e) {
          const d = (e as { details?: { diagnosis?: { kind: string; evidence: string[] } } }).details?.diagnosis;
          if (d && !opts.json) {
            process.stderr.write(`${pc.red("run failed")} ${pc.dim(`(${d.kind})`)}\n`);
            for (const line of d.evidence) process.stderr.write(`  ${pc.dim("│")} ${line}\n`);
          }
          throw e;
        }
      }),
    );
}
