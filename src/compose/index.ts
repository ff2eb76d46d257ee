/**
 * up / down / logs: drive the real compose program on a project's compose file, wait until every service is
 * healthy (or has completed, for one-shot services), and explain a service that fails.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import type Docker from "dockerode";
import { connectEngine, engineCall } from "../engine/connect.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { composeProgram, runCompose } from "./runner.ts";

export { composeProgram } from "./runner.ts";

const FILE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const OFFICIAL_POSTGRES = /^(docker\.io\/)?(library\/)?postgres(:[^/]*)?$/;

export interface ComposeTarget {
  /** Directory of the compose file, or the file itself. */
  dir: string;
  /** Compose project name (default: the directory name, as compose derives it). */
  project?: string;
}

export interface UpOptions {
  project?: string;
  /** Rebuild images that have a `build:` section. */
  build?: boolean;
  /** Postgres image to use instead of the file's; default on flaskpack's own engine: the Debian-built one. */
  dbImage?: string;
  /** Seconds to wait for every service to be healthy (default 180). */
  timeoutSeconds?: number;
  progress?: Progress;
}

export interface ServiceState {
  service: string;
  container: string;
  image: string;
  user?: string;
  readOnly?: boolean;
  /** running, exited, restarting, ... */
  state: string;
  /** healthy, unhealthy, starting, or none when the image has no healthcheck. */
  health: string;
  exitCode?: number;
  /** Published ports: container port → host address:port. */
  ports: { container: string; host: string }[];
  /** One-shot service that finished with exit code 0. */
  completed?: boolean;
}

export interface FrontendState {
  service: string;
  /** Hash of the build's inputs; the cache key. */
  buildKey: string;
  cached: boolean;
  seconds: number;
}

export interface UpResult {
  project: string;
  file: string;
  compose: string;
  /** Images replaced for this engine (service → image), e.g. postgres:16 → flaskpack/postgres:... */
  substituted: Record<string, string>;
  services: ServiceState[];
  /** Frontends whose production build was made (or reused from the cache) before their image was built. */
  frontends: FrontendState[];
  /** http://127.0.0.1:PORT for each published port. */
  urls: Record<string, string[]>;
  seconds: number;
}

export interface DownOptions {
  project?: string;
  /** Also delete the project's named volumes (database data). Needs yes or confirm. */
  volumes?: boolean;
  yes?: boolean;
  /** Asks the user; the CLI passes a TTY prompt. Without it and without yes, deleting volumes is refused. */
  confirm?: (question: string) => Promise<boolean>;
  progress?: Progress;
}

export interface DownResult {
  project: string;
  removedContainers: string[];
  removedVolumes: string[];
  keptVolumes: string[];
}

export interface LogsOptions {
  project?: string;
  service?: string;
  /** Last N lines per service (default 200). */
  tail?: number;
}

export interface LogLine {
  service: string;
  time: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** The compose file for a directory (or the file given). */
export function findComposeFile(dirOrFile: string): string {
  const p = resolve(dirOrFile);
  if (existsSync(p) && statSync(p).isFile()) return p;
  for (const n of FILE_NAMES) if (existsSync(join(p, n))) return join(p, n);
  throw new FlaskpackError("NOT_FOUND", `no compose file in ${p} (looked for ${FILE_NAMES.join(", ")}).`, `run \`flaskpack init ${dirOrFile}\` to write one`);
}

/** The project name compose derives from a directory: lowercase, only [a-z0-9_-]. */
export function projectNameFor(dir: string): string {
  const n = basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, "").replace(/^[-_]+/, "");
  return n || "default";
}

interface Context {
  file: string;
  dir: string;
  project: string;
  env: NodeJS.ProcessEnv;
  docker: Docker;
  source: string;
}

async function context(dirOrFile: string, project?: string): Promise<Context> {
  const file = findComposeFile(dirOrFile);
  const dir = dirname(file);
  const engine = await connectEngine();
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: engine.endpoint.startsWith("/") ? `unix://${engine.endpoint}` : engine.endpoint };
  return { file, dir, project: project ?? process.env.COMPOSE_PROJECT_NAME ?? projectNameFor(dir), env, docker: engine.docker, source: engine.source };
}

/** Starts the project's services and waits until they are healthy. */
export async function up(dirOrFile: string, opts: UpOptions = {}): Promise<UpResult> {
  const started = Date.now();
  const progress = opts.progress ?? silentProgress;
  const ctx = await context(dirOrFile, opts.project);
  const doc = readCompose(ctx.file);
  const substituted = await substitutions(ctx, doc, opts, progress);
  const frontends = await prepareFrontends(ctx, doc, progress);
  const files = ["-f", ctx.file];
  let overrideDir: string | undefined;
  if (Object.keys(substituted).length) {
    overrideDir = mkdtempSync(join(tmpdir(), "flaskpack-compose-"));
    const override = join(overrideDir, "override.yaml");
    writeFileSync(override, stringify({ services: Object.fromEntries(Object.entries(substituted).map(([s, image]) => [s, { image }])) }, { version: "1.1" }));
    files.push("-f", override);
  }
  const prog = composeProgram(ctx.env);
  if (frontends.length) {
    const names = frontends.map((f) => f.service);
    progress.step(`building the image${names.length > 1 ? "s" : ""} of ${names.join(", ")}`);
    const built = await runCompose(["-p", ctx.project, "--project-directory", ctx.dir, "-f", ctx.file, "build", ...names], { env: ctx.env, cwd: ctx.dir, progress });
    if (built.code !== 0) throw new FlaskpackError("BUILD_FAILED", `building ${names.join(", ")} failed:\n${lastLines(built.stderr + built.stdout, 12).join("\n")}`);
  }
  progress.step(`starting ${ctx.project} with ${prog.command}${prog.prefix.length ? " " + prog.prefix.join(" ") : ""} ${prog.version}`);
  try {
    const run = await runCompose(["-p", ctx.project, "--project-directory", ctx.dir, ...files, "up", "-d", ...(opts.build ? ["--build"] : [])], { env: ctx.env, cwd: ctx.dir, progress });
    if (run.code !== 0) {
      const states = await serviceStates(ctx).catch(() => []);
      throw await failure(ctx, states, lastLines(run.stderr, 12), `compose could not start ${ctx.project}`);
    }
  } finally {
    if (overrideDir) rmSync(overrideDir, { recursive: true, force: true });
  }
  const wanted = Object.keys((doc.services ?? {}) as object);
  progress.step(`waiting for ${wanted.join(", ")} to be healthy`);
  const states = await waitHealthy(ctx, wanted, (opts.timeoutSeconds ?? 180) * 1000, progress);
  const urls: Record<string, string[]> = {};
  for (const s of states) if (s.ports.length) urls[s.service] = s.ports.map((p) => `http://${p.host}`);
  return { project: ctx.project, file: ctx.file, compose: `${prog.command}${prog.prefix.length ? " compose" : ""} ${prog.version}`, substituted, frontends, services: states, urls, seconds: (Date.now() - started) / 1000 };
}

type ComposeService = { image?: string; build?: string | { context?: string }; labels?: Record<string, string> | string[] };

function labelsOf(svc: ComposeService): Record<string, string> {
  if (Array.isArray(svc.labels)) return Object.fromEntries(svc.labels.map((l) => [l.split("=")[0], l.slice(l.indexOf("=") + 1)]));
  return svc.labels ?? {};
}

/**
 * Frontend services (labelled by `flaskpack init`): their production build is made (or taken from the cache)
 * and their static-server base exists before compose builds their image. Returns their service names.
 */
async function prepareFrontends(ctx: Context, doc: ReturnType<typeof readCompose>, progress: Progress): Promise<FrontendState[]> {
  const { LABEL_FRONTEND_BUILD, LABEL_FRONTEND_OUT, LABEL_FRONTEND_ENV, LABEL_BASE_PACKAGES } = await import("./project.ts");
  const out: FrontendState[] = [];
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    const labels = labelsOf(svc);
    const command = labels[LABEL_FRONTEND_BUILD];
    if (!command || !svc.build) continue;
    const context = resolve(ctx.dir, typeof svc.build === "string" ? svc.build : svc.build.context ?? ".");
    if (labels[LABEL_BASE_PACKAGES]) {
      const { buildBase } = await import("../base/index.ts");
      await buildBase({ packages: labels[LABEL_BASE_PACKAGES].split(","), progress });
    }
    const env = Object.fromEntries((labels[LABEL_FRONTEND_ENV] ?? "").split(",").filter(Boolean).map((kv) => [kv.split("=")[0], kv.slice(kv.indexOf("=") + 1)]));
    const { buildFrontend } = await import("./frontend.ts");
    const b = await buildFrontend(context, { command, out: labels[LABEL_FRONTEND_OUT] ?? "dist", env, progress });
    progress.step(`${name}: ${b.cached ? "reused the cached" : "made a new"} production build (${b.key}, ${b.seconds.toFixed(1)} s)`);
    out.push({ service: name, buildKey: b.key, cached: b.cached, seconds: b.seconds });
  }
  return out;
}

function readCompose(file: string): { services?: Record<string, ComposeService> } {
  try {
    return (parse(readFileSync(file, "utf8")) ?? {}) as { services?: Record<string, ComposeService> };
  } catch (e) {
    throw new FlaskpackError("BAD_INPUT", `${file} is not valid YAML: ${(e as Error).message}`, "fix the file, or write it again with `flaskpack init --force`");
  }
}

/**
 * Official Postgres images cannot be pulled where no registry is reachable (flaskpack's own engine): those
 * services run the Debian-built image instead, which keeps the official image's contract.
 */
async function substitutions(ctx: Context, doc: ReturnType<typeof readCompose>, opts: UpOptions, progress: Progress): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    if (!svc?.image || !OFFICIAL_POSTGRES.test(svc.image)) continue;
    if (!opts.dbImage) {
      if (ctx.source !== "flaskpack") continue;
      const present = await ctx.docker.getImage(svc.image).inspect().then(() => true, () => false);
      if (present) continue;
    }
    if (opts.dbImage) out[name] = opts.dbImage;
    else {
      const { ensurePostgresImage } = await import("../db-image/index.ts");
      out[name] = (await ensurePostgresImage({ progress })).tag;
    }
  }
  return out;
}

async function projectContainers(ctx: Context, all = true): Promise<Docker.ContainerInfo[]> {
  return engineCall("listing the project's containers", () =>
    ctx.docker.listContainers({ all, filters: JSON.stringify({ label: [`com.docker.compose.project=${ctx.project}`] }) }),
  );
}

async function serviceStates(ctx: Context): Promise<ServiceState[]> {
  const out: ServiceState[] = [];
  for (const c of await projectContainers(ctx)) {
    const info = await ctx.docker.getContainer(c.Id).inspect().catch(() => undefined);
    if (!info) continue;
    const restart = info.HostConfig?.RestartPolicy?.Name ?? "no";
    const ports: ServiceState["ports"] = [];
    for (const [cport, binds] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
      for (const b of (binds as { HostIp: string; HostPort: string }[] | null) ?? []) ports.push({ container: cport, host: `${b.HostIp === "0.0.0.0" || !b.HostIp ? "127.0.0.1" : b.HostIp}:${b.HostPort}` });
    }
    out.push({
      service: c.Labels["com.docker.compose.service"] ?? info.Name.replace(/^\//, ""),
      container: info.Name.replace(/^\//, ""),
      image: info.Config.Image,
      user: info.Config.User || undefined,
      readOnly: info.HostConfig?.ReadonlyRootfs ?? false,
      state: info.State.Restarting ? "restarting" : info.State.Status,
      health: info.State.Health?.Status ?? "none",
      exitCode: info.State.Running ? undefined : info.State.ExitCode,
      ports,
      completed: !info.State.Running && info.State.ExitCode === 0 && (restart === "no" || restart === "") && Boolean(info.State.FinishedAt && !info.State.FinishedAt.startsWith("0001")),
    });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

async function waitHealthy(ctx: Context, wanted: string[], timeoutMs: number, progress: Progress): Promise<ServiceState[]> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const states = await serviceStates(ctx);
    const bad = states.find((s) => s.health === "unhealthy" || s.state === "restarting" || (s.state === "exited" && !s.completed) || s.state === "dead");
    if (bad) throw await failure(ctx, states, [], `service ${bad.service} ${bad.health === "unhealthy" ? "is unhealthy" : bad.state === "restarting" ? "keeps restarting" : `exited with code ${bad.exitCode}`}`);
    const ready = (s: ServiceState) => s.completed || (s.state === "running" && (s.health === "healthy" || s.health === "none"));
    const missing = wanted.filter((w) => !states.some((s) => s.service === w));
    if (missing.length === 0 && states.every(ready)) return states;
    const now = states.map((s) => `${s.service}:${s.health === "none" ? s.state : s.health}`).join(" ");
    if (now !== last) progress.detail(now);
    last = now;
    if (Date.now() > deadline) throw await failure(ctx, states, [], `services were not healthy after ${Math.round(timeoutMs / 1000)} s (${now})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A failed start as a flaskpack error: which service, its last log lines, and a diagnosis with a fix. */
async function failure(ctx: Context, states: ServiceState[], composeLines: string[], headline: string): Promise<FlaskpackError> {
  const culprit =
    states.find((s) => s.state === "restarting" || (s.state === "exited" && !s.completed)) ??
    states.find((s) => s.health === "unhealthy") ??
    states.find((s) => s.health === "starting");
  // Enough lines to reach the app's own traceback: gunicorn prints its arbiter's after it when a worker fails to boot.
  const logLines = culprit ? (await logs(ctx.file, { project: ctx.project, service: culprit.service, tail: 300 }).catch(() => [])).map((l) => l.text) : [];
  const healthLog = culprit ? await ctx.docker.getContainer(culprit.container).inspect().then((i) => i.State.Health?.Log ?? [], () => []) : [];
  const diagnosis = composeDiagnosis(composeLines) ?? (await diagnoseService(logLines, culprit, healthLog));
  const { tail } = await import("../engine/diagnose.ts");
  // The diagnosis's evidence (the app's exception and its frame) when there is one, else the end of the log.
  const shown = [...composeLines, ...(diagnosis?.evidence?.length ? diagnosis.evidence : tail(logLines, 12))].map((l) => `  ${l}`).join("\n");
  return new FlaskpackError(
    "RUN_FAILED",
    `${headline}${diagnosis?.cause ? `: ${diagnosis.cause}` : ""}${shown ? `\n${shown}` : ""}`,
    diagnosis?.fix ?? `see \`flaskpack logs ${ctx.dir}${culprit ? ` --service ${culprit.service}` : ""}\`; stop everything with \`flaskpack down ${ctx.dir}\``,
    { project: ctx.project, services: states, logs: logLines, diagnosis },
  );
}

/** Failures compose itself reports before any service runs. */
function composeDiagnosis(lines: string[]): Diagnosis | undefined {
  const text = lines.join("\n");
  const port = text.match(/Bind for ([\d.:]+?):(\d+) failed: port is already allocated/);
  if (port) return { cause: `host port ${port[2]} on ${port[1]} is already taken by another container`, fix: `stop what uses port ${port[2]} (\`docker ps\`), or change the host side of "ports:" in the compose file (e.g. "${port[1]}:${Number(port[2]) + 1}:${port[2]}")` };
  const pull = text.match(/pull access denied for ([^,\s]+)|manifest for (\S+) not found|Get "?https:\/\/registry[^\n]*/);
  if (pull) return { cause: `an image cannot be pulled (${pull[1] ?? pull[2] ?? "no registry reachable"})`, fix: "build it locally, or pass --db-image for the database" };
  return undefined;
}

interface Diagnosis {
  cause: string;
  fix?: string;
  /** The log lines and facts behind the cause (the app's exception, where it was raised). */
  evidence?: string[];
}

/** run's diagnosis (src/engine/diagnose.ts) over the facts compose gives about the failed service. */
async function diagnoseService(logLines: string[], s: ServiceState | undefined, healthLog: { ExitCode: number; Output: string }[]): Promise<Diagnosis | undefined> {
  if (!s) return undefined;
  const { diagnose } = await import("../engine/diagnose.ts");
  const d = diagnose({
    image: s.image,
    phase: s.health === "unhealthy" || s.health === "starting" ? "unhealthy" : s.state === "created" ? "start" : "exited",
    exitCode: s.exitCode,
    logs: logLines,
    containerPort: Number(s.ports[0]?.container.split("/")[0] ?? 0),
    readOnlyRoot: s.readOnly,
    user: s.user,
    health: { status: s.health, log: healthLog.map((h) => ({ exitCode: h.ExitCode, output: h.Output })) },
  });
  if (d.kind !== "unknown") return { cause: d.cause, fix: d.fix, evidence: d.evidence };
  const err = [...logLines].reverse().find((l) => /error|exception|fatal|denied|refused/i.test(l));
  return err ? { cause: err.trim(), fix: d.fix } : { cause: d.cause, fix: d.fix };
}

function lastLines(text: string, n: number): string[] {
  return text.split("\n").map((l) => l.trimEnd()).filter(Boolean).slice(-n);
}

/** Stops and removes the project's containers and network; named volumes stay unless volumes + confirmation. */
export async function down(dirOrFile: string, opts: DownOptions = {}): Promise<DownResult> {
  const progress = opts.progress ?? silentProgress;
  const ctx = await context(dirOrFile, opts.project);
  const containers = (await projectContainers(ctx)).map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ""));
  const vols = await engineCall("listing the project's volumes", () => ctx.docker.listVolumes({ filters: JSON.stringify({ label: [`com.docker.compose.project=${ctx.project}`] }) }));
  const volumeNames = (vols.Volumes ?? []).map((v) => v.Name).sort();
  let deleteVolumes = false;
  if (opts.volumes && volumeNames.length) {
    const question = `delete ${volumeNames.length} volume(s) of ${ctx.project} and ALL their data (${volumeNames.join(", ")})?`;
    if (opts.yes) deleteVolumes = true;
    else if (opts.confirm) deleteVolumes = await opts.confirm(question);
    else
      throw new FlaskpackError(
        "BAD_INPUT",
        `refusing to delete ${volumeNames.join(", ")} without confirmation (no terminal to ask on).`,
        "pass --yes to delete the volumes and their data, or drop --volumes to keep them",
      );
    if (!deleteVolumes) throw new FlaskpackError("BAD_INPUT", "not deleting anything: the volumes were not confirmed.", "run again without --volumes to stop the services and keep the data");
  }
  progress.step(`stopping ${ctx.project}`);
  const run = await runCompose(["-p", ctx.project, "--project-directory", ctx.dir, "-f", ctx.file, "down", "--remove-orphans", ...(deleteVolumes ? ["--volumes"] : [])], { env: ctx.env, cwd: ctx.dir, progress });
  if (run.code !== 0) throw new FlaskpackError("ENGINE_ERROR", `compose down failed:\n${lastLines(run.stderr, 10).join("\n")}`);
  return { project: ctx.project, removedContainers: containers, removedVolumes: deleteVolumes ? volumeNames : [], keptVolumes: deleteVolumes ? [] : volumeNames };
}

/** The project's log lines, per service in time order (stdout and stderr both). */
export async function logs(dirOrFile: string, opts: LogsOptions = {}): Promise<LogLine[]> {
  const ctx = await context(dirOrFile, opts.project);
  const out: LogLine[] = [];
  const containers = await projectContainers(ctx);
  if (opts.service && !containers.some((c) => c.Labels["com.docker.compose.service"] === opts.service)) {
    const known = [...new Set(containers.map((c) => c.Labels["com.docker.compose.service"]))].join(", ");
    throw new FlaskpackError("NOT_FOUND", `no container for service "${opts.service}" in ${ctx.project}${known ? ` (services: ${known})` : " (is it up?)"}.`, `run \`flaskpack up ${ctx.dir}\` first`);
  }
  for (const c of containers) {
    const service = c.Labels["com.docker.compose.service"] ?? c.Names[0];
    if (opts.service && service !== opts.service) continue;
    const buf = (await engineCall("reading logs", () =>
      ctx.docker.getContainer(c.Id).logs({ stdout: true, stderr: true, timestamps: true, tail: opts.tail ?? 200, follow: false }),
    )) as unknown as Buffer;
    out.push(...demux(buf, service));
  }
  // Docker drops trailing zeros of the nanoseconds ("…:11.12Z" is later than "…:11.1199Z"): compare padded.
  const key = (t: string) => t.replace(/(?:\.(\d+))?Z$/, (_m, frac: string | undefined) => `.${(frac ?? "").padEnd(9, "0")}Z`);
  const keyed = out.map((l, i) => ({ l, i, k: key(l.time) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
  return keyed.map((x) => x.l);
}

/** Docker's multiplexed log format: 8-byte header (stream, 0, 0, 0, size BE32) then the payload. */
function demux(buf: Buffer, service: string): LogLine[] {
  const out: LogLine[] = [];
  const push = (text: string, stream: LogLine["stream"]) => {
    for (const line of text.split("\n")) {
      if (!line) continue;
      const sp = line.indexOf(" ");
      out.push({ service, stream, time: line.slice(0, sp), text: line.slice(sp + 1) });
    }
  };
  let i = 0;
  if (buf.length >= 8 && (buf[0] === 1 || buf[0] === 2) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0) {
    while (i + 8 <= buf.length) {
      const size = buf.readUInt32BE(i + 4);
      push(buf.subarray(i + 8, i + 8 + size).toString("utf8"), buf[i] === 2 ? "stderr" : "stdout");
      i += 8 + size;
    }
  } else push(buf.toString("utf8"), "stdout");
  return out;
}

/** Follows the project's logs live through the compose program (Ctrl-C to stop). */
export async function followLogs(dirOrFile: string, opts: LogsOptions = {}): Promise<number> {
  const ctx = await context(dirOrFile, opts.project);
  const run = await runCompose(["-p", ctx.project, "--project-directory", ctx.dir, "-f", ctx.file, "logs", "-f", "--tail", String(opts.tail ?? 50), ...(opts.service ? [opts.service] : [])], { env: ctx.env, cwd: ctx.dir, inherit: true });
  return run.code;
}
