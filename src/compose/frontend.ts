/**
 * A frontend's production build (`npm ci && npm run build`), made on the host network (registries are reachable
 * there, not inside flaskpack's namespace) and cached by the hash of its inputs, so an unchanged frontend is
 * never built twice.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { inHostNetwork } from "../engine/netns.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";

const STATE = process.env.FLASKPACK_STATE ?? "/var/lib/flaskpack";
const INPUT_SKIP = new Set(["node_modules", ".git", "dist", "build", ".dockerignore", "Dockerfile.flaskpack", "nginx.flaskpack.conf"]);

export interface FrontendBuildOptions {
  /** e.g. "npm run build" */
  command: string;
  /** Output directory relative to the frontend (dist, build). */
  out: string;
  /** Variables for the build (REACT_APP_BACKEND_URL=...). */
  env: Record<string, string>;
  progress?: Progress;
}

export interface FrontendBuild {
  dir: string;
  out: string;
  key: string;
  cached: boolean;
  seconds: number;
}

/** Hash of everything the build reads: sources, package manifests and the build variables. */
export function frontendKey(dir: string, opts: Pick<FrontendBuildOptions, "command" | "out" | "env">): string {
  const h = createHash("sha256").update(JSON.stringify([opts.command, opts.out, Object.entries(opts.env).sort()]));
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (INPUT_SKIP.has(e.name) || e.name === opts.out) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}${e.name}/`);
      else if (e.isFile()) h.update(`${rel}${e.name}\0`).update(readFileSync(p)).update("\0");
    }
  };
  walk(dir, "");
  return h.digest("hex").slice(0, 16);
}

export async function buildFrontend(dir: string, opts: FrontendBuildOptions): Promise<FrontendBuild> {
  const started = Date.now();
  const progress = opts.progress ?? silentProgress;
  const key = frontendKey(dir, opts);
  const cache = join(STATE, "frontend-builds", key);
  const target = join(dir, opts.out);
  if (existsSync(join(cache, "out"))) {
    rmSync(target, { recursive: true, force: true });
    cpSync(join(cache, "out"), target, { recursive: true });
    return { dir, out: target, key, cached: true, seconds: (Date.now() - started) / 1000 };
  }
  const env = { ...process.env, ...opts.env, CI: "true", NODE_ENV: "production" };
  const lock = existsSync(join(dir, "package-lock.json"));
  progress.step(`building the frontend in ${dir}: ${lock ? "npm ci" : "npm install"} && ${opts.command}`);
  // devDependencies hold the bundler: install them even with NODE_ENV=production.
  await run(lock ? ["npm", "ci", "--include=dev", "--no-audit", "--no-fund"] : ["npm", "install", "--include=dev", "--no-audit", "--no-fund"], dir, env, progress);
  await run(opts.command.split(/\s+/), dir, env, progress);
  if (!existsSync(target) || !statSync(target).isDirectory()) {
    throw new FlaskpackError("BUILD_FAILED", `\`${opts.command}\` in ${dir} did not write ${opts.out}/.`, "check the build script's output directory (Vite: dist, Create React App: build)");
  }
  mkdirSync(join(STATE, "frontend-builds"), { recursive: true });
  const tmp = `${cache}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(target, join(tmp, "out"), { recursive: true });
  rmSync(cache, { recursive: true, force: true });
  renameSync(tmp, cache);
  return { dir, out: target, key, cached: false, seconds: (Date.now() - started) / 1000 };
}

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv, progress: Progress): Promise<void> {
  const [cmd, args] = inHostNetwork(argv[0], argv.slice(1));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const onData = (d: string) => {
      for (const line of d.split("\n").filter((l) => l.trim())) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        progress.detail(line);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    child.on("error", (e) => reject(new FlaskpackError("BUILD_FAILED", `cannot run ${argv[0]}: ${e.message}`, "install Node.js and npm on this machine")));
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new FlaskpackError("BUILD_FAILED", `\`${argv.join(" ")}\` failed in ${cwd} (exit ${code}):\n${tail.slice(-10).join("\n")}`, "run the same command in that directory to see the whole output")),
    );
  });
}
