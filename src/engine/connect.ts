import Docker from "dockerode";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { FlaskpackError } from "../errors.ts";
import { ownFile } from "../paths.ts";

export const OWN_SOCKET = "/run/flaskpack/docker.sock";
const DEFAULT_SOCKET = "/var/run/docker.sock";
const BOOTSTRAP = ownFile("scripts/bootstrap.sh");

export type EngineSource = "DOCKER_HOST" | "default-socket" | "flaskpack";

export interface Engine {
  docker: Docker;
  /** Where the engine was found, e.g. unix:///var/run/docker.sock or tcp://host:2376. */
  endpoint: string;
  source: EngineSource;
}

function dockerFor(endpoint: string): Docker {
  if (endpoint.startsWith("unix://")) return new Docker({ socketPath: endpoint.slice("unix://".length) });
  if (endpoint.startsWith("/")) return new Docker({ socketPath: endpoint });
  const url = new URL(endpoint.replace(/^tcp:/, process.env.DOCKER_TLS_VERIFY ? "https:" : "http:"));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol.replace(":", "") as "http" | "https" });
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await Promise.race([docker.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error("timeout")), 3000))]);
    return true;
  } catch {
    return false;
  }
}

let cached: Promise<Engine> | undefined;

/**
 * Finds a Docker engine: DOCKER_HOST if set (used as it is, never replaced), else the system socket, else
 * flaskpack's own engine, which is started (scripts/bootstrap.sh) when FLASKPACK_NO_START is not set.
 */
export function connectEngine(): Promise<Engine> {
  cached ??= locate().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function locate(): Promise<Engine> {
  const host = process.env.DOCKER_HOST;
  if (host) {
    const docker = dockerFor(host);
    if (await answers(docker)) return { docker, endpoint: host, source: host === `unix://${OWN_SOCKET}` ? "flaskpack" : "DOCKER_HOST" };
    throw unreachable(host, "DOCKER_HOST points there");
  }
  if (process.env.FLASKPACK_OWN_ENGINE !== "1" && existsSync(DEFAULT_SOCKET)) {
    const docker = dockerFor(DEFAULT_SOCKET);
    if (await answers(docker)) return { docker, endpoint: `unix://${DEFAULT_SOCKET}`, source: "default-socket" };
  }
  const own = dockerFor(OWN_SOCKET);
  if (await answers(own)) return { docker: own, endpoint: `unix://${OWN_SOCKET}`, source: "flaskpack" };
  if (process.env.FLASKPACK_NO_START !== "1" && existsSync(BOOTSTRAP)) {
    const r = spawnSync("bash", [BOOTSTRAP], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, FLASKPACK_OWN_ENGINE: "1" } });
    if (r.status === 0 && (await answers(own))) return { docker: own, endpoint: `unix://${OWN_SOCKET}`, source: "flaskpack" };
    const why = r.stderr?.toString().trim().split("\n").pop() ?? "";
    throw unreachable(`unix://${DEFAULT_SOCKET}`, `no engine answers there or at ${OWN_SOCKET}, and starting flaskpack's own failed: ${why}`);
  }
  throw unreachable(`unix://${DEFAULT_SOCKET}`, `no engine answers there or at ${OWN_SOCKET}`);
}

function unreachable(endpoint: string, why: string): FlaskpackError {
  return new FlaskpackError(
    "ENGINE_UNREACHABLE",
    `cannot reach the Docker engine at ${endpoint} (${why}).`,
    "start Docker (e.g. `sudo systemctl start docker`), point DOCKER_HOST at a running engine, or run `npm run setup` as root to start flaskpack's own engine.",
    { endpoint },
  );
}

/** Wraps an engine call so its failures read as flaskpack errors. */
export async function engineCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FlaskpackError) throw e;
    const err = e as { statusCode?: number; json?: { message?: string }; message?: string; code?: string };
    if (err.code === "ENOENT" || err.code === "ECONNREFUSED") throw unreachable(process.env.DOCKER_HOST ?? "the engine socket", String(err.message));
    const msg = err.json?.message ?? err.message ?? String(e);
    throw new FlaskpackError(err.statusCode === 404 ? "NOT_FOUND" : "ENGINE_ERROR", `${what}: ${msg}`, err.statusCode === 404 ? "check the name, or list what exists with `docker images`" : undefined);
  }
}
