/**
 * run: starts an image (or builds a project first) hardened by default, waits until it answers, and when it
 * does not, gathers the facts and explains the failure with diagnose().
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join, resolve } from "node:path";
import type Docker from "dockerode";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { connectEngine, engineCall } from "./connect.ts";
import { diagnose, parseProcNetTcp, type FailureFacts, type Listener } from "./diagnose.ts";
import { LABEL_RUNTIME_ENV, LABEL_WRITABLE } from "../generate/render.ts";

export interface RunOptions {
  /** Container port; default: the image's first EXPOSE. */
  port?: number;
  /** Host port on 127.0.0.1; default: a free one. */
  hostPort?: number;
  env?: Record<string, string>;
  /** KEY=VALUE file; default: <dir>/.env when running a project, ./.env when it exists. */
  envFile?: string;
  name?: string;
  /** Read-only root, no capabilities, no-new-privileges, non-root, pids and memory limits. Default true. */
  hardened?: boolean;
  /** Path to a seccomp profile (JSON). */
  seccompProfile?: string;
  /** A user-defined network to join (where the app's database runs), instead of the default bridge. */
  network?: string;
  /** Bind mounts "HOST:CONTAINER[:ro|rw]" (read-only by default), e.g. a config file kept out of the image. */
  volumes?: string[];
  readOnly?: boolean;
  memoryBytes?: number;
  pidsLimit?: number;
  /** Command instead of the image's CMD. */
  command?: string[];
  /** Path that must answer 2xx/3xx/4xx (default "/"). */
  readyPath?: string;
  readyTimeoutMs?: number;
  /** After the app answers, run the image's HEALTHCHECK once and fail when it fails (default true). */
  checkHealth?: boolean;
  /** Keep a container that failed, for inspection (default: removed, its logs are in the diagnosis). */
  keepOnFailure?: boolean;
  progress?: Progress;
}

export interface RunResult {
  containerId: string;
  name: string;
  image: string;
  url: string;
  hostPort: number;
  containerPort: number;
  /** Milliseconds from start to the first HTTP answer. */
  startedMs: number;
  /** The first answer's status. */
  status: number;
  healthChecked: boolean;
  hardening: { readOnlyRoot: boolean; capDrop: string[]; noNewPrivileges: boolean; user: string; memoryBytes?: number; pidsLimit?: number; init: boolean; seccomp: boolean };
  warnings: string[];
}

export interface ReadyState {
  ready: boolean;
  ms: number;
  status?: number;
  /** Why the last HTTP attempt failed. */
  lastError?: string;
  /** The container stopped, or its health turned unhealthy. */
  stopped?: boolean;
  unhealthy?: boolean;
  /** Sockets listening inside, when the app listens but not on the published port. */
  listening?: Listener[];
}

const DEFAULT_MEMORY = 512 * 1024 * 1024;
const DEFAULT_PIDS = 256;

/** KEY=VALUE lines; comments, blank lines and `export ` prefixes allowed; quotes stripped. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, "");
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf("=");
    if (i <= 0) continue;
    let v = line.slice(i + 1).trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    env[line.slice(0, i).trim()] = v;
  }
  return env;
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((res, rej) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, agent: false }, (r) => {
      r.resume();
      res(r.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e: NodeJS.ErrnoException) => rej(new Error(e.code === "ECONNRESET" ? "connection reset (nothing answers behind the published port)" : e.code === "ECONNREFUSED" ? "connection refused" : e.message)));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls url until it answers below 500, the container stops or turns unhealthy, or the time is up. */
export async function waitReady(url: string, containerId: string, timeoutMs: number, containerPort?: number): Promise<ReadyState> {
  const { docker } = await connectEngine();
  const c = docker.getContainer(containerId);
  const started = Date.now();
  let lastError: string | undefined;
  let lastStatus: number | undefined;
  let nextListenCheck = started + 3000;
  let errorsSince: number | undefined;
  while (Date.now() - started < timeoutMs) {
    const st = (await c.inspect()).State;
    if (!st.Running) return { ready: false, ms: Date.now() - started, stopped: true, lastError, status: lastStatus };
    if (st.Health?.Status === "unhealthy") return { ready: false, ms: Date.now() - started, unhealthy: true, lastError, status: lastStatus };
    try {
      const status = await httpStatus(url, 2000);
      if (status > 0 && status < 500) return { ready: true, ms: Date.now() - started, status };
      lastStatus = status;
      lastError = `answered HTTP ${status}`;
      // The app is up and its route fails (500) again and again: waiting longer will not help. (502-504 may be a
      // proxy or a dependency still starting, so those keep the full wait.)
      errorsSince = status === 500 ? (errorsSince ?? Date.now()) : undefined;
      if (errorsSince !== undefined && Date.now() - errorsSince > 4000) return { ready: false, ms: Date.now() - started, lastError, status };
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (containerPort && Date.now() > nextListenCheck) {
      nextListenCheck = Date.now() + 2000;
      const on = await listeners(docker, containerId);
      // Listening, but never where the port is published: waiting longer will not help.
      if (on && on.length && !on.some((l) => l.port === containerPort && !l.address.startsWith("127.") && l.address !== "::1")) {
        return { ready: false, ms: Date.now() - started, lastError, listening: on };
      }
    }
    await sleep(200);
  }
  return { ready: false, ms: Date.now() - started, lastError, status: lastStatus };
}

/** Demultiplexes the engine's stdout/stderr framing (non-TTY containers and execs). */
export function demux(buf: Buffer): string {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && buf[i] <= 2 && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const size = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  if (i === 0) return buf.toString("utf8");
  return Buffer.concat(out).toString("utf8");
}

async function execIn(docker: Docker, id: string, cmd: string[], timeoutMs = 10_000): Promise<{ exitCode: number; output: string } | undefined> {
  try {
    const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    await Promise.race([
      new Promise<void>((res) => {
        stream.on("data", (d: Buffer) => chunks.push(d));
        stream.on("end", () => res());
        stream.on("close", () => res());
      }),
      sleep(timeoutMs).then(() => stream.destroy()),
    ]);
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output: demux(Buffer.concat(chunks)) };
  } catch {
    return undefined;
  }
}

async function listeners(docker: Docker, id: string): Promise<Listener[] | undefined> {
  const viaCat = await execIn(docker, id, ["cat", "/proc/net/tcp", "/proc/net/tcp6"]);
  if (viaCat && viaCat.exitCode === 0) return parseProcNetTcp(viaCat.output);
  const viaPy = await execIn(docker, id, ["python3", "-c", "import sys\nfor f in ('/proc/net/tcp','/proc/net/tcp6'):\n  try: sys.stdout.write(open(f).read())\n  except OSError: pass"]);
  return viaPy && viaPy.exitCode === 0 ? parseProcNetTcp(viaPy.output) : undefined;
}

async function lastLogs(docker: Docker, id: string, lines = 40): Promise<string[]> {
  try {
    const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demux(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf))).split("\n").map((l) => l.trimEnd()).filter(Boolean);
  } catch {
    return [];
  }
}

/** The last lines a running (or stopped) container wrote, stdout and stderr together. */
export async function containerLogs(id: string, lines = 300): Promise<string[]> {
  const { docker } = await connectEngine();
  return lastLogs(docker, id, lines);
}

function isRootUser(user: string | undefined): boolean {
  return !user || user === "root" || user === "0" || /^(root|0):/.test(user);
}

export async function run(imageOrDir: string, opts: RunOptions = {}): Promise<RunResult> {
  const progress = opts.progress ?? silentProgress;
  const { docker } = await connectEngine();
  const warnings: string[] = [];
  let image = imageOrDir;
  let dir: string | undefined;
  if (existsSync(imageOrDir) && statSync(imageOrDir).isDirectory()) {
    dir = resolve(imageOrDir);
    const { build } = await import("./build.ts");
    const built = await build(dir, { progress });
    progress.step(`built ${built.image} (${built.cachedSteps}/${built.totalSteps} steps cached)`);
    image = built.image;
  }
  const info = await engineCall(`finding image ${image}`, () => docker.getImage(image).inspect()).catch((e: FlaskpackError) => {
    throw e.code === "NOT_FOUND" ? new FlaskpackError("NOT_FOUND", `no image or directory named ${image}.`, "build it first (`flaskpack build DIR`), or give a project directory") : e;
  });
  const config = info.Config ?? ({} as Docker.ImageInspectInfo["Config"]);
  const exposed = Object.keys(config.ExposedPorts ?? {}).map((p) => Number(p.split("/")[0])).filter(Boolean);
  const containerPort = opts.port ?? exposed[0];
  if (!containerPort) throw new FlaskpackError("BAD_INPUT", `${image} exposes no port.`, "pass the port the app listens on: --port 5000");

  const envFile = opts.envFile ?? (dir && existsSync(join(dir, ".env")) ? join(dir, ".env") : existsSync(".env") ? resolve(".env") : undefined);
  if (opts.envFile && !existsSync(opts.envFile)) throw new FlaskpackError("NOT_FOUND", `env file ${opts.envFile} does not exist.`, "create it (see .env.example) or leave --env-file out");
  const env = { ...(envFile ? parseEnvFile(readFileSync(envFile, "utf8")) : {}), ...(opts.env ?? {}) };
  const labels = config.Labels ?? {};
  const missing = (labels[LABEL_RUNTIME_ENV] ?? "").split(",").filter((n) => n && !(n in env));
  if (missing.length) warnings.push(`not set: ${missing.join(", ")} (the image expects them at run time; see .env.example)`);

  const hardened = opts.hardened ?? true;
  const readOnly = opts.readOnly ?? hardened;
  let user = config.User ?? "";
  if (hardened && isRootUser(user)) {
    warnings.push(`${image} runs as root; running it as 65534:65534 (nobody) instead`);
    user = "65534:65534";
  }
  const memoryBytes = opts.memoryBytes ?? (hardened ? DEFAULT_MEMORY : undefined);
  const pidsLimit = opts.pidsLimit ?? (hardened ? DEFAULT_PIDS : undefined);
  const securityOpt: string[] = [];
  if (hardened) securityOpt.push("no-new-privileges:true");
  if (opts.seccompProfile) {
    if (!existsSync(opts.seccompProfile)) throw new FlaskpackError("NOT_FOUND", `seccomp profile ${opts.seccompProfile} does not exist.`, "write one with `flaskpack slim`, or leave --seccomp out");
    securityOpt.push(`seccomp=${readFileSync(opts.seccompProfile, "utf8")}`);
  }
  const writable = (labels[LABEL_WRITABLE] ?? "").split(",").filter(Boolean);
  const binds = (opts.volumes ?? []).map(parseVolume);
  const name = opts.name ?? `fp-run-${image.replace(/[^a-zA-Z0-9_.-]+/g, "-").replace(/^[-.]+/, "").slice(0, 40)}-${Date.now().toString(36)}`;
  const portKey = `${containerPort}/tcp`;

  progress.step(`starting ${image} as ${name}${hardened ? " (hardened)" : ""}`);
  const container = await engineCall("creating the container", () =>
    docker.createContainer({
      name,
      Image: image,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      User: user || undefined,
      Cmd: opts.command,
      ExposedPorts: { [portKey]: {} },
      Labels: { "org.flaskpack.run": "1" },
      HostConfig: {
        PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: opts.hostPort ? String(opts.hostPort) : "" }] },
        ReadonlyRootfs: readOnly,
        Tmpfs: readOnly ? { "/tmp": "rw,nosuid,nodev,noexec,size=64m" } : undefined,
        CapDrop: hardened ? ["ALL"] : undefined,
        SecurityOpt: securityOpt.length ? securityOpt : undefined,
        Memory: memoryBytes,
        MemorySwap: memoryBytes,
        PidsLimit: pidsLimit,
        Init: true,
        NetworkMode: opts.network,
        Mounts: [
          ...writable.map((Target) => ({ Type: "volume" as const, Target, Source: "" })),
          ...binds.map((b) => ({ Type: "bind" as const, Source: b.source, Target: b.target, ReadOnly: b.readOnly })),
        ],
      },
    }),
  );
  const id = container.id;
  const baseFacts = { image, containerPort, readOnlyRoot: readOnly, memoryBytes, user, command: opts.command ?? config.Cmd ?? undefined, hostPort: opts.hostPort };
  const fail = async (facts: FailureFacts): Promise<never> => {
    const diagnosis = diagnose(facts);
    if (!opts.keepOnFailure) await container.remove({ force: true, v: true }).catch(() => {});
    throw new FlaskpackError("RUN_FAILED", diagnosis.cause, diagnosis.fix, { diagnosis, container: opts.keepOnFailure ? name : undefined, facts });
  };

  try {
    await container.start();
  } catch (e) {
    const err = e as { json?: { message?: string }; message?: string };
    const st = await container.inspect().catch(() => undefined);
    return fail({ ...baseFacts, phase: "start", startError: err.json?.message ?? err.message, exitCode: st?.State.ExitCode || undefined, logs: await lastLogs(docker, id) });
  }
  const startedAt = Date.now();
  const ports = (await container.inspect()).NetworkSettings.Ports?.[portKey];
  const hostPort = Number(ports?.[0]?.HostPort);
  const url = `http://127.0.0.1:${hostPort}`;
  const readyPath = opts.readyPath ?? "/";
  progress.step(`waiting for ${url}${readyPath} to answer`);
  const ready = await waitReady(url + readyPath, id, opts.readyTimeoutMs ?? 30_000, containerPort);

  if (!ready.ready) {
    const st = (await container.inspect()).State;
    const running = st.Running;
    const health = st.Health ? { status: st.Health.Status, log: (st.Health.Log ?? []).map((h) => ({ exitCode: h.ExitCode, output: h.Output })), command: config.Healthcheck?.Test?.slice(1) } : undefined;
    return fail({
      ...baseFacts,
      hostPort,
      phase: !running ? "exited" : ready.unhealthy ? "unhealthy" : "not-answering",
      exitCode: running ? undefined : st.ExitCode,
      oomKilled: st.OOMKilled,
      logs: await lastLogs(docker, id),
      failedCheck: `GET ${url}${readyPath} → ${ready.lastError ?? "no answer"}${running ? ` for ${(ready.ms / 1000).toFixed(0)} s` : ""}`,
      health,
      listening: ready.listening ?? (running ? await listeners(docker, id) : undefined),
    });
  }
  const startedMs = Date.now() - startedAt;

  let healthChecked = false;
  const test = config.Healthcheck?.Test;
  if ((opts.checkHealth ?? true) && test && test[0] !== "NONE" && test.length > 1) {
    const cmd = test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test[1]] : test.slice(1);
    progress.step("running the image's health check");
    const r = await execIn(docker, id, cmd, Math.max(5000, (config.Healthcheck?.Timeout ?? 0) / 1e6));
    healthChecked = true;
    if (!r || r.exitCode !== 0) {
      return fail({
        ...baseFacts,
        hostPort,
        phase: "unhealthy",
        logs: await lastLogs(docker, id),
        health: { status: "unhealthy", log: [{ exitCode: r?.exitCode ?? -1, output: r?.output ?? "the health check could not be run" }], command: cmd },
        failedCheck: `HEALTHCHECK ${cmd.join(" ")} → exit ${r?.exitCode ?? "?"}`,
      });
    }
  }
  return {
    containerId: id,
    name,
    image,
    url,
    hostPort,
    containerPort,
    startedMs,
    status: ready.status ?? 0,
    healthChecked,
    hardening: { readOnlyRoot: readOnly, capDrop: hardened ? ["ALL"] : [], noNewPrivileges: hardened, user, memoryBytes, pidsLimit, init: true, seccomp: Boolean(opts.seccompProfile) },
    warnings,
  };
}

/** Stops and removes a container run started, with its anonymous volumes. */
export async function stop(containerId: string): Promise<void> {
  const { docker } = await connectEngine();
  await engineCall(`stopping ${containerId}`, () => docker.getContainer(containerId).remove({ force: true, v: true }));
}

/** "HOST:CONTAINER[:ro|rw]" → a bind mount; the host path must exist (relative to the working directory). */
export function parseVolume(spec: string): { source: string; target: string; readOnly: boolean } {
  const parts = spec.split(":");
  const mode = parts.length > 2 && /^(ro|rw)$/.test(parts[parts.length - 1]) ? parts.pop()! : "ro";
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new FlaskpackError("BAD_INPUT", `-v ${spec}: expected HOST:CONTAINER[:ro|rw]`, "e.g. -v ./instance/config.py:/app/instance/config.py:ro");
  const source = resolve(parts[0]);
  if (!existsSync(source)) throw new FlaskpackError("NOT_FOUND", `-v ${spec}: ${source} does not exist`, "give a file or directory that exists on this machine");
  if (!parts[1].startsWith("/")) throw new FlaskpackError("BAD_INPUT", `-v ${spec}: the container path must be absolute`, `e.g. -v ${parts[0]}:/app/${parts[1]}`);
  return { source, target: parts[1], readOnly: mode === "ro" };
}
