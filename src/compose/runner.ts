/** Finds and runs the compose program: `docker compose` (v2) where present, else `docker-compose` (v1). */
import { spawn, spawnSync } from "node:child_process";
import { FlaskpackError } from "../errors.ts";
import type { Progress } from "../util/progress.ts";

export interface ComposeProgram {
  command: string;
  prefix: string[];
  version: string;
}

let found: ComposeProgram | undefined;

export function composeProgram(env: NodeJS.ProcessEnv = process.env): ComposeProgram {
  if (found) return found;
  const v2 = spawnSync("docker", ["compose", "version", "--short"], { encoding: "utf8", env });
  if (v2.status === 0 && v2.stdout.trim()) return (found = { command: "docker", prefix: ["compose"], version: v2.stdout.trim() });
  const v1 = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8", env });
  if (v1.status === 0 && v1.stdout.trim()) return (found = { command: "docker-compose", prefix: [], version: v1.stdout.trim() });
  throw new FlaskpackError(
    "NOT_FOUND",
    "neither `docker compose` nor `docker-compose` is installed.",
    "install the compose plugin (docker-compose-plugin) or Debian's docker-compose package",
  );
}

export interface ComposeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs compose with the given arguments; output lines go to progress.detail as they come. */
export function runCompose(args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; progress?: Progress; inherit?: boolean }): Promise<ComposeRun> {
  const prog = composeProgram(opts.env);
  return new Promise((resolve, reject) => {
    const child = spawn(prog.command, [...prog.prefix, ...args], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: opts.inherit ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      for (const line of d.split("\n").filter((l) => l.trim())) opts.progress?.detail(line.trim());
    });
    child.on("error", (e) => reject(new FlaskpackError("ENGINE_ERROR", `cannot run ${prog.command}: ${e.message}`)));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
