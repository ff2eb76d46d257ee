import { spawnSync } from "node:child_process";
import { statfsSync, existsSync, statSync } from "node:fs";
import { connectEngine } from "./connect.ts";
import { FlaskpackError } from "../errors.ts";

export interface DoctorReport {
  ok: boolean;
  engine: {
    reachable: boolean;
    endpoint?: string;
    source?: string;
    version?: string;
    apiVersion?: string;
    storageDriver?: string;
    networking?: "netns" | "host-namespace";
    error?: string;
  };
  tools: { name: string; found: boolean; version?: string; needed: string }[];
  disk: { path: string; freeBytes: number };
  problems: { message: string; fix: string }[];
}

const TOOLS = [
  { name: "mmdebstrap", args: ["--version"], needed: "base images from Debian packages", pkg: "mmdebstrap" },
  { name: "strace", args: ["-V"], needed: "tracing for slim", pkg: "strace" },
  { name: "docker-compose", args: ["version", "--short"], needed: "up/down", pkg: "docker-compose" },
  { name: "chromium", args: ["--version"], needed: "HTML report checks", pkg: "chromium" },
];

/** What flaskpack found on this machine, and what to do about what is missing. */
export async function doctor(): Promise<DoctorReport> {
  const problems: DoctorReport["problems"] = [];
  const engine: DoctorReport["engine"] = { reachable: false };
  try {
    const e = await connectEngine();
    const v = await e.docker.version();
    const info = (await e.docker.info()) as { Driver?: string };
    Object.assign(engine, { reachable: true, endpoint: e.endpoint, source: e.source, version: v.Version, apiVersion: v.ApiVersion, storageDriver: info.Driver });
    engine.networking = inOwnNamespace() ? "netns" : "host-namespace";
  } catch (err) {
    engine.error = err instanceof Error ? err.message : String(err);
    problems.push({ message: engine.error, fix: err instanceof FlaskpackError && err.fix ? err.fix : "start Docker or set DOCKER_HOST" });
  }
  const tools = TOOLS.map((t) => {
    const r = spawnSync(t.name, t.args, { encoding: "utf8", timeout: 10_000 });
    const found = !r.error && r.status === 0;
    if (!found && t.name !== "chromium") problems.push({ message: `${t.name} is missing (${t.needed})`, fix: `apt-get install ${t.pkg}, or run \`npm run setup\` as root` });
    return { name: t.name, found, version: found ? (r.stdout || r.stderr).trim().split("\n")[0] : undefined, needed: t.needed };
  });
  const path = existsSync("/var/lib/flaskpack") ? "/var/lib/flaskpack" : process.cwd();
  const fs = statfsSync(path);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes < 5e9) problems.push({ message: `only ${Math.round(freeBytes / 1e6)} MB free under ${path}`, fix: "free disk space (images and base builds need a few GB)" });
  return { ok: problems.length === 0, engine, tools, disk: { path, freeBytes }, problems };
}

function inOwnNamespace(): boolean {
  try {
    return statSync("/proc/self/ns/net").ino === statSync("/run/netns/flaskpack").ino;
  } catch {
    return false;
  }
}
