/**
 * slim: the smallest image that provably still answers every route the same way.
 *
 * How the app is traced: the host's strace (with its own libraries and the host's dynamic loader) is copied into
 * the trace-run container at /.fp-trace and becomes the entrypoint, so the app runs under `strace -f` from its very
 * first instruction. Attaching from the host after start (`strace -p`) misses start-up, where most of the keep-set
 * is read (interpreter, stdlib, every import); following the runtime or fanotify marks depend on the host's engine
 * layout. Copying the tracer in (instead of bind-mounting it) works with any engine the CLI can reach and any
 * glibc or musl image, because the tracer never loads the image's libraries. `-y` makes strace print the path the
 * kernel resolved for every fd, so relative paths, symlinks and mmapped libraries are all seen; every syscall name is
 * recorded too, for the seccomp allow-list. Only the trace run gets SYS_PTRACE and no seccomp filter.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { AppModel } from "../analyze/model.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import {
  containerName, execIn, httpProbe, imageFacts, indexImage, loadSingleLayer, profileBase, linesOfFilesIn, removeContainer,
  slimTag, startContainer, straceBundle, TRACER, writeLayer, type ImageFacts, type Running,
} from "./engine.ts";
import { computeKeepSet, explain as explainPath, type FileIndex, type KeepSet } from "./keepset.ts";
import { exercised, notExercised, parseProbe, probesFor, sameAnswer, type Answer, type Probe, type RouteDump, type RouteResult } from "./probes.ts";
import { apparmorProfile, seccompProfile } from "./profiles.ts";
import { readSlimConfig } from "./config.ts";
import { dumpRoutes, mergeStatic } from "./routes.ts";
import { traceParser, type TraceSummary } from "./strace.ts";

export { discoverRoutes, dumpRoutes, appTarget } from "./routes.ts";
export { computeKeepSet, explain } from "./keepset.ts";
export { parseStrace } from "./strace.ts";
export { readElfDeps } from "./elf.ts";
export { seccompProfile, apparmorProfile } from "./profiles.ts";
export { probesFor, parseProbe, sampleUrl, matchRule } from "./probes.ts";
export type { Probe, RouteResult, Answer, RouteDump } from "./probes.ts";
export type { KeepSet, FileIndex } from "./keepset.ts";

export interface SlimOptions {
  /** Tag for the slim image; default `<repo>.slim:<tag>`. */
  tag?: string;
  /** Extra probes, "METHOD:/path[:body]". */
  probes?: string[];
  /** A command run against the container (URL in $FLASKPACK_URL) during the trace and on both images in verify. */
  probeCmd?: string;
  include?: string[];
  exclude?: string[];
  acceptDiff?: boolean;
  /** A path to explain: why it is (or is not) kept. */
  explain?: string;
  app?: AppModel;
  port?: number;
  /** A user-defined network to run the app on (ship puts its database there). */
  network?: string;
  env?: Record<string, string>;
  /** Where the seccomp and AppArmor profiles are written; default ./.flaskpack/profiles. */
  profilesDir?: string;
  /** Keep library `.py` sources; default false: a library module whose bytecode is cached ships only as `.pyc`. */
  keepSources?: boolean;
  /** Regular expressions whose matches in response bodies are ignored when comparing (dates, ids). */
  normalize?: string[];
  progress?: Progress;
}

export interface ImageSummary {
  image: string;
  sizeBytes: number;
  files: number;
  layers: number;
  packages?: number;
}

export interface SlimResult {
  original: ImageSummary;
  slim: ImageSummary & { layers: 1 };
  routes: RouteResult[];
  notExercised: string[];
  healthcheck?: { original: number; slim: number; identical: boolean };
  probeCmd?: { original: number; slim: number; identical: boolean };
  keepSet: { files: number; bytes: number; reasons: Record<string, number>; sourceless: { files: number; savedBytes: number } };
  explain?: string[];
  profiles: { seccomp: string; apparmor: string; syscalls: number; apparmorCheck: string };
  trace: { lines: number; paths: number };
  seconds: number;
  verified: boolean;
}

export async function slim(imageOrDir: string, options: SlimOptions = {}): Promise<SlimResult> {
  const started = Date.now();
  const opts = { ...options };
  const progress = opts.progress ?? silentProgress;
  const image = await resolveImage(imageOrDir, opts, progress);
  const facts = await imageFacts(image);
  const port = opts.port ?? exposedPort(facts) ?? opts.app?.port.value ?? 8000;
  const user = runUser(facts);
  const normalize = (opts.normalize ?? []).map((r) => new RegExp(r, "g"));

  progress.step(`listing the routes of ${image}`);
  const dump = mergeStatic(await dumpRoutes(image, { app: opts.app, env: opts.env, network: opts.network }), opts.app);
  const probes = probesFor(dump, (opts.probes ?? []).map(parseProbe));
  progress.detail(`${dump.rules.length} rules, ${probes.length} probes`);

  progress.step(`tracing ${image} under its production command while probing`);
  const trace = await traceRun(image, facts, probes, { port, env: opts.env, network: opts.network, probeCmd: opts.probeCmd, progress });

  progress.step("reading the image file system");
  const { index, files: originalFiles } = await indexImage(image);
  const argv = [...(facts.config.Entrypoint ?? []), ...(facts.config.Cmd ?? [])];
  const hc = healthcheckArgv(facts);
  const keep = computeKeepSet(index, {
    traced: [...trace.paths].filter((p) => !p.startsWith("/.fp-trace")),
    programs: [argv[0], hc?.[0]].filter((p): p is string => Boolean(p)),
    pathEnv: envOf(facts).PATH,
    // The app's own directory is small and read in ways a trace can miss (templates chosen at run time); "/" would be everything.
    include: [...(opts.include ?? []), ...(facts.config.WorkingDir && facts.config.WorkingDir !== "/" ? [facts.config.WorkingDir] : []), "/tmp"],
    exclude: opts.exclude,
  });
  const sourceless = opts.keepSources ? new Map<string, string>() : sourcelessPlan(index, keep, facts.config.WorkingDir);
  const savedBytes = [...sourceless.keys()].reduce((n, p) => n + (index.get(p)?.size ?? 0), 0);
  progress.detail(`keeping ${keep.files} files, ${(keep.bytes / 1e6).toFixed(1)} MB; ${sourceless.size} library sources replaced by bytecode (${(savedBytes / 1e6).toFixed(1)} MB)`);

  const tag = opts.tag ?? slimTag(image);
  progress.step(`writing ${tag}`);
  const work = mkdtempSync(join(tmpdir(), "flaskpack-slim-"));
  try {
    const layerFile = join(work, "layer.tar");
    const { diffId } = await writeLayer(image, layerFile, { keep: new Set(keep.kept.keys()), sourceless });
    await loadSingleLayer(layerFile, diffId, facts, tag, image);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const slimFacts = await imageFacts(tag);

  progress.step("writing the seccomp and AppArmor profiles");
  const profiles = writeProfiles(tag, trace.syscalls, keep, index, opts.profilesDir);

  progress.step(`verifying ${tag} against ${image} on ${probes.length} probes`);
  const verified = await verifyImages(image, tag, probes, { port, env: opts.env, network: opts.network, user, seccomp: profiles.seccompText, normalize, probeCmd: opts.probeCmd, facts, dump });

  const result: SlimResult = {
    original: { image, sizeBytes: facts.sizeBytes, files: originalFiles, layers: facts.layers, packages: countPackages(index, keep, false) },
    slim: { image: tag, sizeBytes: slimFacts.sizeBytes, files: keep.files - sourceless.size, layers: 1, packages: countPackages(index, keep, true) },
    routes: verified.routes,
    notExercised: notExercised(dump, verified.routes),
    healthcheck: verified.healthcheck,
    probeCmd: verified.probeCmd,
    keepSet: { files: keep.files, bytes: keep.bytes, reasons: keep.reasons, sourceless: { files: sourceless.size, savedBytes } },
    explain: opts.explain ? explainPath(keep, opts.explain) : undefined,
    profiles: { seccomp: profiles.seccomp, apparmor: profiles.apparmor, syscalls: profiles.syscalls, apparmorCheck: profiles.apparmorCheck },
    trace: { lines: trace.lines, paths: trace.paths.size },
    seconds: (Date.now() - started) / 1000,
    verified: verified.identical,
  };
  if (!verified.identical && !opts.acceptDiff) {
    const diffs = verified.routes.filter((r) => !r.identical).map((r) => `${r.method} ${r.path}: ${r.original.status} ${r.original.contentType} vs ${r.slim.status} ${r.slim.contentType}`);
    if (verified.healthcheck && !verified.healthcheck.identical) diffs.push(`healthcheck: exit ${verified.healthcheck.original} vs ${verified.healthcheck.slim}`);
    if (verified.probeCmd && !verified.probeCmd.identical) diffs.push(`--probe-cmd: exit ${verified.probeCmd.original} vs ${verified.probeCmd.slim}`);
    throw new FlaskpackError("CHECK_FAILED", `${tag} answers differently from ${image}: ${diffs.join("; ")}`, "keep the missing files with --include PATH (see --explain PATH), or accept the difference with --accept-diff", result);
  }
  return result;
}

export interface VerifyOptions {
  port?: number;
  env?: Record<string, string>;
  /** seccomp profile JSON for the slim image's run. */
  seccomp?: string;
  normalize?: RegExp[];
}

/** Runs both images (read-only, non-root, no capabilities) and replays the probes against each. */
export async function verify(originalImage: string, slimImage: string, probes: Probe[], opts: VerifyOptions = {}): Promise<RouteResult[]> {
  const facts = await imageFacts(originalImage);
  const port = opts.port ?? exposedPort(facts) ?? 8000;
  const r = await verifyImages(originalImage, slimImage, probes, { ...opts, port, user: runUser(facts), normalize: opts.normalize ?? [], facts });
  return r.routes;
}

async function verifyImages(
  original: string,
  slimImage: string,
  probes: Probe[],
  o: { port: number; env?: Record<string, string>; network?: string; user: string; seccomp?: string; normalize: RegExp[]; probeCmd?: string; facts: ImageFacts; dump?: RouteDump },
): Promise<{ routes: RouteResult[]; identical: boolean; healthcheck?: SlimResult["healthcheck"]; probeCmd?: SlimResult["probeCmd"] }> {
  const run = (image: string, seccomp?: string) =>
    startContainer({ image, name: containerName("verify"), port: o.port, env: o.env, network: o.network, user: o.user, readOnly: true, init: true, seccomp });
  const [a, b] = await Promise.allSettled([run(original), run(slimImage, o.seccomp)]);
  try {
    if (a.status === "rejected") throw a.reason;
    if (b.status === "rejected") throw b.reason;
    const routes: RouteResult[] = [];
    for (const p of probes) {
      const [x, y] = await Promise.all([answer(a.value, p, o.normalize), answer(b.value, p, o.normalize)]);
      const declared = o.dump?.rules.find((r) => r.rule === p.rule)?.methods;
      routes.push({
        method: p.method,
        path: p.path,
        rule: p.rule ?? p.path,
        original: x,
        slim: y,
        identical: sameAnswer(x, y),
        exercised: exercised(p, x.status) && (declared === undefined || declared.includes(p.method)),
      });
    }
    const hc = healthcheckArgv(o.facts);
    let healthcheck: SlimResult["healthcheck"];
    if (hc) {
      const [x, y] = await Promise.all([execIn(a.value.container, hc, o.user), execIn(b.value.container, hc, o.user)]);
      healthcheck = { original: x.code, slim: y.code, identical: x.code === y.code };
    }
    let probeCmd: SlimResult["probeCmd"];
    if (o.probeCmd) {
      const [x, y] = await Promise.all([runProbeCmd(o.probeCmd, a.value.url), runProbeCmd(o.probeCmd, b.value.url)]);
      probeCmd = { original: x, slim: y, identical: x === y };
    }
    const identical = routes.every((r) => r.identical) && (healthcheck?.identical ?? true) && (probeCmd?.identical ?? true);
    return { routes, identical, healthcheck, probeCmd };
  } finally {
    for (const r of [a, b]) if (r.status === "fulfilled") await removeContainer(r.value.container);
  }
}

async function answer(r: Running, p: Probe, normalize: RegExp[]): Promise<Answer> {
  try {
    return await httpProbe(r.hostPort, p, normalize);
  } catch (e) {
    return { status: 0, contentType: `no answer: ${(e as Error).message}`, bodySha256: "", bytes: 0 };
  }
}

async function traceRun(image: string, facts: ImageFacts, probes: Probe[], o: { port: number; env?: Record<string, string>; network?: string; probeCmd?: string; progress: Progress }) {
  const argv = [...(facts.config.Entrypoint ?? []), ...(facts.config.Cmd ?? [])];
  if (!argv.length) throw new FlaskpackError("BAD_INPUT", `${image} has no entrypoint or command to trace.`, "give the image a CMD that starts the app (e.g. gunicorn)");
  const running = await startContainer({
    image,
    name: containerName("trace"),
    port: o.port,
    env: o.env,
    network: o.network,
    entrypoint: TRACER.slice(0, 1),
    cmd: [...TRACER.slice(1), "-o", "/.fp-trace/out/app", "--", ...argv],
    capAdd: ["SYS_PTRACE"],
    seccomp: "unconfined",
    inject: await straceBundle(),
  });
  try {
    for (const p of probes) await httpProbe(running.hostPort, p).catch((e) => o.progress.detail(`${p.method} ${p.path}: ${(e as Error).message}`));
    const hc = healthcheckArgv(facts);
    if (hc) await execIn(running.container, [...TRACER, "-o", "/.fp-trace/out/healthcheck", "--", ...hc], facts.config.User || undefined);
    if (o.probeCmd) await runProbeCmd(o.probeCmd, running.url);
    await running.container.stop({ t: 10 }).catch(() => {});
    const summary: TraceSummary = { paths: new Set(), syscalls: new Set(), executed: new Set(), lines: 0 };
    const parsers = new Map<string, (line: string) => void>();
    await linesOfFilesIn(running.container, "/.fp-trace/out", (file, line) => {
      let parse = parsers.get(file);
      if (!parse) parsers.set(file, (parse = traceParser(facts.config.WorkingDir || "/", summary).line));
      parse(line);
    });
    const { paths, syscalls, lines } = summary;
    if (lines === 0) throw new FlaskpackError("RUN_FAILED", `the trace of ${image} is empty.`, "the tracer could not run in this image; run with --debug and report it");
    return { paths, syscalls, lines };
  } finally {
    await removeContainer(running.container);
  }
}

function runProbeCmd(cmd: string, url: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", cmd], { stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, FLASKPACK_URL: url } });
    child.on("close", (code) => resolve(code ?? -1));
    child.on("error", () => resolve(-1));
  });
}

function healthcheckArgv(facts: ImageFacts): string[] | undefined {
  const test = facts.config.Healthcheck?.Test;
  if (!test?.length || test[0] === "NONE") return undefined;
  if (test[0] === "CMD-SHELL") return ["/bin/sh", "-c", test.slice(1).join(" ")];
  if (test[0] === "CMD") return test.slice(1);
  return test;
}

function exposedPort(facts: ImageFacts): number | undefined {
  const first = Object.keys(facts.config.ExposedPorts ?? {}).find((k) => k.endsWith("/tcp"));
  return first ? Number(first.split("/")[0]) : undefined;
}

function envOf(facts: ImageFacts): Record<string, string> {
  return Object.fromEntries((facts.config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/** Verification runs non-root: the image's user, or nobody when the image would run as root. */
function runUser(facts: ImageFacts): string {
  const u = facts.config.User ?? "";
  return u === "" || u === "root" || u === "0" || u.startsWith("0:") || u.startsWith("root:") ? "65534:65534" : u;
}

/**
 * Library modules (outside the app's own directory) whose cached bytecode was loaded: ship `X.pyc` in place of
 * `X.py` and `__pycache__/X.cpython-3NN.pyc`. Python loads a sourceless `.pyc` only from the module's own directory.
 */
export function sourcelessPlan(index: FileIndex, keep: KeepSet, appDir = ""): Map<string, string> {
  const plan = new Map<string, string>();
  const app = appDir && appDir !== "/" ? `${appDir.replace(/\/$/, "")}/` : undefined;
  for (const p of keep.kept.keys()) {
    if (!p.endsWith(".py") || (app && p.startsWith(app)) || !/\/lib\/python3[^/]*\//.test(p)) continue;
    if (index.get(p)?.type !== "file") continue;
    const dir = posix.dirname(p);
    const stem = posix.basename(p, ".py");
    const pyc = findPyc(keep, dir, stem);
    if (pyc) plan.set(p, pyc);
  }
  return plan;
}

function findPyc(keep: KeepSet, dir: string, stem: string): string | undefined {
  for (const v of ["311", "312", "313", "310", "39"]) {
    const p = `${dir}/__pycache__/${stem}.cpython-${v}.pyc`;
    if (keep.kept.has(p)) return p;
  }
  return undefined;
}

function writeProfiles(tag: string, syscalls: Set<string>, keep: KeepSet, index: FileIndex, dir = join(process.cwd(), ".flaskpack", "profiles")) {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, profileBase(tag));
  const seccomp = `${base}.seccomp.json`;
  const apparmor = `${base}.apparmor`;
  const profile = seccompProfile(syscalls);
  const seccompText = JSON.stringify(profile, null, 2);
  writeFileSync(seccomp, seccompText + "\n");
  const kept = [...keep.kept.keys()].map((p) => {
    const e = index.get(p);
    return { path: p, type: e?.type ?? "file", exec: Boolean(e?.elf) || /\/s?bin\//.test(p) };
  });
  writeFileSync(apparmor, apparmorProfile(`flaskpack-${profileBase(tag).replace(/[^A-Za-z0-9_-]/g, "-")}`, kept));
  return { seccomp, apparmor, seccompText, syscalls: profile.syscalls[0].names.length, apparmorCheck: checkApparmor(apparmor) };
}

function checkApparmor(file: string): string {
  const r = spawnSync("apparmor_parser", ["-Q", "-K", file], { encoding: "utf8" });
  if (r.error) return "not checked: apparmor_parser is not installed";
  return r.status === 0 ? "ok (apparmor_parser -Q)" : `apparmor_parser -Q failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-2).join(" ")}`;
}

/** Debian packages with at least one file in the image (slim: in the keep-set), from dpkg's file lists. */
function countPackages(index: FileIndex, keep: KeepSet, slimOnly: boolean): number | undefined {
  const unmerged = (p: string) => p.replace(/^\/usr\//, "/");
  const kept = new Set<string>();
  if (slimOnly) for (const [p] of keep.kept) if (index.get(p)?.type !== "dir" && !p.startsWith("/var/lib/dpkg/")) kept.add(unmerged(p));
  let n = 0;
  let any = false;
  for (const [p, e] of index) {
    if (!/^\/var\/lib\/dpkg\/info\/[^/]+\.list$/.test(p)) continue;
    any = true;
    if (!slimOnly || (e.text ?? "").split("\n").some((l) => l && kept.has(unmerged(l)))) n++;
  }
  return any ? n : undefined;
}

async function resolveImage(imageOrDir: string, opts: SlimOptions, progress: Progress): Promise<string> {
  const { existsSync, statSync } = await import("node:fs");
  if (!existsSync(imageOrDir) || !statSync(imageOrDir).isDirectory()) return imageOrDir;
  const config = readSlimConfig(imageOrDir);
  opts.probes = [...(config.probes ?? []), ...(opts.probes ?? [])];
  opts.include = [...(config.include ?? []), ...(opts.include ?? [])];
  opts.exclude = [...(config.exclude ?? []), ...(opts.exclude ?? [])];
  opts.normalize = [...(config.normalize ?? []), ...(opts.normalize ?? [])];
  opts.probeCmd ??= config.probeCmd;
  opts.env = { ...(config.env ?? {}), ...(opts.env ?? {}) };
  progress.step(`building ${imageOrDir}`);
  const { build } = await import("../engine/build.ts");
  const built = await build(imageOrDir, { progress });
  opts.app ??= built.plan?.app ?? (await (await import("../analyze/index.ts")).analyze(imageOrDir));
  return built.image;
}
