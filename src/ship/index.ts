/**
 * ship: the whole journey in one call. analyze → lint → init → build → run+probe → slim → verify → sbom → scan →
 * report. Each stage saves its result under the out dir (stages/<name>.json), so `from` resumes after a failure
 * and a warm run reuses what has not changed (same image content, same options). Stages whose module is absent
 * or whose input is missing are recorded as "not-available", never given made-up numbers.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import type { AppModel } from "../analyze/model.ts";
import { connectEngine } from "../engine/connect.ts";
import { contextRules, isIgnored, listContext } from "../engine/context.ts";
import { FlaskpackError } from "../errors.ts";
import {
  countVulns, dirTree, STAGES, writeReport, routeTally,
  type DirNode, type GeneratedFile, type LayerFacts, type LintItem, type RouteCheck, type Severity, type ShipReport,
  type Stage, type StageRecord, type VulnFinding, type ReportFiles,
} from "../report/index.ts";
import type { Progress } from "../util/progress.ts";
import {
  generatedFiles, imageFiles, layerFacts, lintCounts, lintItems, loadModule, notExercisedList, routeChecks, vulnFindings, dbAgeOf,
  type LintReportLike, type SlimResultLike,
} from "./contracts.ts";
import { stageView, type ViewMode } from "./view.ts";
import { checkOutcome } from "./check.ts";
import { VERSION } from "../paths.ts";
import { migrationFor, runMigration, servicesFor, startServices, type ShipServices } from "./services.ts";

export type { Stage } from "../report/model.ts";
export { STAGES } from "../report/model.ts";

export interface ShipOptions {
  /** Ship an existing image: analyze, lint, init and build are skipped. */
  image?: string;
  /** Tag for the built image (default <dir name>:latest). */
  tag?: string;
  /** Write the generated files into the project (init --force semantics with `force`). */
  write?: boolean;
  force?: boolean;
  skip?: Stage[];
  /** Resume: stages before this one are read from the out dir. */
  from?: Stage;
  /** CI mode: no writes to the project; the report says whether the check passed. */
  check?: boolean;
  /** Vulnerabilities at or above this severity fail --check. */
  failOn?: Severity;
  /** Lint findings at or above this severity fail --check (default error). */
  lintThreshold?: "error" | "warning" | "info";
  /** Where results go; default <dir>/.flaskpack/ when the build context ignores it, else a cache dir. */
  out?: string;
  /** Vulnerability database (OSV/PyPA advisory directory); default $FLASKPACK_DB. */
  db?: string;
  sarif?: boolean;
  deps?: "debian" | "pip";
  /** Passed to slim. */
  exclude?: string[];
  include?: string[];
  probes?: string;
  acceptDiff?: boolean;
  /** Ignore saved stage results and the engine's build cache: everything runs again (the Debian base is reused). */
  fresh?: boolean;
  /** Environment for the app wherever ship starts it (run, slim's trace, verify), over the env file's. */
  env?: Record<string, string>;
  /** KEY=VALUE file; default <dir>/.env when it exists. */
  envFile?: string;
  /** How progress is shown: a live view on a TTY, plain lines otherwise, nothing with "silent". */
  view?: ViewMode;
}

export interface ShipResult {
  report: ShipReport;
  files: ReportFiles;
}

interface ImageRef {
  ref: string;
  imageId: string | null;
  sizeBytes: number | null;
  /** Hash of what the image is (layers, run config), not when it was made: a rebuild of the same thing keeps it. */
  contentKey: string | null;
  usedProjectDockerfile: boolean | null;
  dockerfile?: string;
}

interface SlimState {
  ref: string;
  imageId: string | null;
  sizeBytes: number | null;
  files: number | null;
  originalFiles: number | null;
  contentKey: string | null;
  routes: RouteCheck[];
  notExercised: string[];
  profiles: { seccomp: string | null; apparmor: string | null } | null;
}

interface ImageSideFacts { layers: LayerFacts[] | null; files: number | null; dirs: DirNode | null }

/** What the stages produce; each stage owns one field, saved as stages/<stage>.json. */
interface State {
  analyze?: AppModel;
  lint?: { items: LintItem[]; raw: unknown };
  init?: { files: GeneratedFile[] };
  build?: ImageRef;
  run?: { startupMs: number | null; probes: { path: string; status: number | null }[] };
  slim?: SlimState;
  verify?: { startupMs: number | null; differences: RouteCheck[] };
  sbom?: { original: number | null; slim: number | null; key: string };
  scan?: { db: string; dbAge: string | null; original: VulnFinding[] | null; slim: VulnFinding[] | null; key: string };
  report?: { original: ImageSideFacts | null; slim: ImageSideFacts | null; key: string };
}

interface Saved<K extends keyof State> {
  name: K;
  status: StageRecord["status"];
  seconds: number;
  note?: string;
  key?: string;
  result: State[K];
}

/** What a stage returns: its result (or none), whether it reused a saved one, and a note. */
interface StageOutcome {
  status?: StageRecord["status"];
  note?: string;
  key?: string;
  /** A problem found (route differences) that stops the run unless --check collects it. */
  failure?: FlaskpackError;
}

class NotAvailable extends Error {}

const IMAGE_SKIPS: Stage[] = ["analyze", "lint", "init", "build"];

/** Stages whose saved result a resumed run needs (lint and init only feed the report). */
function needed(name: Stage, opts: ShipOptions): boolean {
  return name === "build" ? !opts.image : name === "analyze" || name === "slim";
}

function hash(...parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

/**
 * Where results go. <dir>/.flaskpack/ when the build context leaves it out (else every report would be copied
 * into the image and invalidate its cache), otherwise a per-project cache dir; --check never writes to the project.
 */
export function cacheDirFor(dir: string | undefined): string {
  const root = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "flaskpack", "ship");
  if (!dir) return join(root, `image-${hash(process.cwd())}`);
  return join(root, `${basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-") || "app"}-${hash(dir)}`);
}

export async function outDirFor(dir: string | undefined, opts: { out?: string; check?: boolean; app?: AppModel }): Promise<{ outDir: string; why?: string }> {
  if (opts.out) return { outDir: resolve(opts.out) };
  const elsewhere = cacheDirFor(dir);
  if (!dir) return { outDir: elsewhere };
  if (opts.check) return { outDir: elsewhere, why: "--check writes nothing into the project" };
  const { rules } = contextRules(dir, await generatedIgnore(dir, opts.app));
  if (isIgnored(rules, ".flaskpack") || isIgnored(rules, ".flaskpack/report.json")) return { outDir: join(dir, ".flaskpack") };
  return { outDir: elsewhere, why: "the build context does not ignore .flaskpack (add it to .dockerignore to keep results in the project)" };
}

/** The .dockerignore build uses when the project has neither its own Dockerfile nor its own .dockerignore. */
async function generatedIgnore(dir: string, app: AppModel | undefined): Promise<string | undefined> {
  if (existsSync(join(dir, "Dockerfile")) || !app) return undefined;
  const gen = (await import("../generate/index.ts").catch(() => undefined)) as
    | { renderDockerignore?: (a: AppModel, f: unknown) => string; projectFacts?: (d: string) => unknown }
    | undefined;
  return gen?.renderDockerignore && gen.projectFacts ? gen.renderDockerignore(app, gen.projectFacts(dir)) : undefined;
}

/**
 * A hash of what goes into a build: the Dockerfile, the images it starts FROM, and every file of the context
 * (path, mode, content). The same inputs make the same app, even when the builder's cache hands back layers of an
 * earlier identical build, so the stages after build can reuse their results.
 */
export async function buildInputsKey(dir: string, dockerfile: string, ignore: string | undefined): Promise<string> {
  const { docker } = await connectEngine();
  const h = createHash("sha256").update(dockerfile);
  const froms = [...dockerfile.matchAll(/^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/gim)].map((m) => m[1]);
  for (const from of new Set(froms)) {
    const info = await docker.getImage(from).inspect().catch(() => undefined);
    h.update(`\0FROM ${from} ${info?.Id ?? ""}`);
  }
  for (const e of listContext(dir, contextRules(dir, ignore).rules)) {
    h.update(`\0${e.type} ${e.path} ${e.mode.toString(8)} ${e.linkname ?? ""}\0`);
    if (e.type === "file") h.update(readFileSync(join(dir, e.path)));
  }
  return h.digest("hex").slice(0, 16);
}

/** A hash of what an image is: its layers and run configuration, without labels that only say when it was built. */
async function imageRef(ref: string, extra: Partial<ImageRef> = {}): Promise<ImageRef> {
  const { docker } = await connectEngine();
  const info = await docker.getImage(ref).inspect().catch(() => undefined);
  if (!info) throw new FlaskpackError("NOT_FOUND", `image ${ref} does not exist in the engine.`, "build it first, or check the name with `docker images`");
  const c = info.Config ?? ({} as Record<string, unknown>);
  const labels = Object.fromEntries(Object.entries((c as { Labels?: Record<string, string> }).Labels ?? {}).filter(([k]) => k !== "org.opencontainers.image.created"));
  const contentKey = hash(info.RootFS?.Layers ?? [], (c as { Cmd?: unknown }).Cmd, (c as { Entrypoint?: unknown }).Entrypoint, (c as { Env?: unknown }).Env, (c as { User?: unknown }).User, (c as { WorkingDir?: unknown }).WorkingDir, (c as { ExposedPorts?: unknown }).ExposedPorts, (c as { Healthcheck?: unknown }).Healthcheck, labels);
  return { ref, imageId: info.Id, sizeBytes: info.Size, contentKey, usedProjectDockerfile: null, ...extra };
}

async function imageExists(ref: string): Promise<boolean> {
  const { docker } = await connectEngine();
  return docker.getImage(ref).inspect().then(() => true, () => false);
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined || v === null) throw new NotAvailable(what);
  return v;
}

async function mod<K extends Parameters<typeof loadModule>[0]>(name: K) {
  const m = await loadModule(name);
  if (!m) throw new NotAvailable(`the ${name} module is not part of this flaskpack`);
  return m;
}

/** Probes from a file: one "METHOD /path" (or slim's "METHOD:/path[:body]") a line; # starts a comment. */
function readProbes(file: string): string[] {
  if (!existsSync(file)) throw new FlaskpackError("NOT_FOUND", `probe file ${file} does not exist.`, "give a file with one 'GET /path' a line");
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean)
    .map((l) => l.replace(/^([A-Za-z]+)\s+\//, "$1:/"));
}

/** Requests each static route of the app (no converters) once, for the smoke test after start. */
async function probeRoutes(base: string, app: AppModel | undefined): Promise<{ path: string; status: number | null }[]> {
  const paths = new Set<string>(["/"]);
  for (const r of app?.routes ?? []) if (!r.converters.length && !r.rule.includes("<") && (r.methods.length === 0 || r.methods.includes("GET"))) paths.add(r.rule);
  const out: { path: string; status: number | null }[] = [];
  for (const path of [...paths].sort()) {
    const status = await fetch(new URL(path, base), { signal: AbortSignal.timeout(5000), redirect: "manual" }).then((r) => r.status, () => null);
    out.push({ path, status });
  }
  return out;
}

export async function ship(dirArg: string | undefined, opts: ShipOptions = {}): Promise<ShipResult> {
  const dir = dirArg ? resolve(dirArg) : undefined;
  if (!dir && !opts.image) throw new FlaskpackError("BAD_INPUT", "ship needs a project directory or --image.", "run `flaskpack ship ./myapp`, or `flaskpack ship --image name:tag`");
  if (dir && (!existsSync(dir) || !statSync(dir).isDirectory())) throw new FlaskpackError("NOT_FOUND", `${dirArg} is not a directory.`, "give the directory of a Flask project");
  if (opts.from && !STAGES.includes(opts.from)) throw new FlaskpackError("BAD_INPUT", `--from ${opts.from}: no such stage.`, `use one of ${STAGES.join(", ")}`);
  for (const s of opts.skip ?? []) if (!STAGES.includes(s)) throw new FlaskpackError("BAD_INPUT", `--skip ${s}: no such stage.`, `use one of ${STAGES.join(", ")}`);
  const check = Boolean(opts.check);
  const write = Boolean(opts.write) && !check;
  const db = opts.db ?? process.env.FLASKPACK_DB ?? undefined;
  // The app's environment (SECRET_KEY and the like), the same for every container ship starts.
  if (opts.envFile && !existsSync(opts.envFile)) throw new FlaskpackError("NOT_FOUND", `env file ${opts.envFile} does not exist.`, "create it (see .env.example) or leave --env-file out");
  const envFile = opts.envFile ?? (dir && existsSync(join(dir, ".env")) ? join(dir, ".env") : undefined);
  const { parseEnvFile } = await import("../engine/run.ts");
  const appEnv: Record<string, string> = { ...(envFile ? parseEnvFile(readFileSync(envFile, "utf8")) : {}), ...(opts.env ?? {}) };
  const envKey = createHash("sha256").update(JSON.stringify(Object.entries(appEnv).sort())).digest("hex");
  const state: State = {};
  // A database for the app when it needs one and none is given (see services.ts); started on first use.
  let services: Promise<ShipServices | undefined> | undefined;
  const servicesPlan = () => servicesFor(state.analyze, appEnv);
  const withServices = async (progress: Progress, image: string): Promise<{ env: Record<string, string>; network?: string; note: string }> => {
    const plan = servicesPlan();
    if (!plan) return { env: appEnv, note: "" };
    const migration = migrationFor(state.analyze, dir, existsSync);
    services ??= startServices(plan, progress).then(async (svc) => {
      if (migration) await runMigration(image, migration, { ...appEnv, ...svc.env }, svc.network, progress).catch(async (e) => { await svc.stop(); throw e; });
      return svc;
    });
    const svc = await services;
    return svc ? { env: { ...appEnv, ...svc.env }, network: svc.network, note: ` (with ${plan.kind} for ${plan.urlVar}${migration ? `, migrated with ${migration.cmd.join(" ")}` : ""})` } : { env: appEnv, note: "" };
  };

  const records: StageRecord[] = [];
  let outDir = opts.out ? resolve(opts.out) : "";
  let outWhy: string | undefined;
  const stagesDir = () => join(outDir, "stages");
  const saved = <K extends keyof State>(name: K): Saved<K> | undefined => {
    if (!outDir) return undefined;
    const file = join(stagesDir(), `${name}.json`);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Saved<K>;
    } catch {
      return undefined;
    }
  };
  const save = <K extends keyof State>(entry: Saved<K>) => {
    mkdirSync(stagesDir(), { recursive: true });
    writeFileSync(join(stagesDir(), `${entry.name}.json`), JSON.stringify(entry, null, 2) + "\n");
  };
  /** A saved result made from the same inputs, unless --fresh. */
  const reuse = <K extends keyof State>(name: K, key: string): State[K] | undefined => {
    if (opts.fresh) return undefined;
    const s = saved(name);
    return s && s.key === key && (s.status === "ok" || s.status === "cached") ? s.result : undefined;
  };

  const fromIndex = opts.from ? STAGES.indexOf(opts.from) : 0;
  const skipped = new Set<Stage>(opts.skip ?? []);
  if (opts.image) for (const s of IMAGE_SKIPS) skipped.add(s);

  // The out dir depends on the app (its .dockerignore), so it is settled once analyze has run or been restored.
  const settleOut = async () => {
    if (outDir) return;
    const r = await outDirFor(dir, { out: opts.out, check, app: state.analyze });
    outDir = r.outDir;
    outWhy = r.why;
  };

  const generate = async (root: string, writeFiles: boolean): Promise<GeneratedFile[]> => {
    const m = await mod("generate");
    const r = await m.init(root, { dryRun: !writeFiles, force: Boolean(opts.force), deps: opts.deps, ensureBase: writeFiles } as Parameters<typeof m.init>[1]);
    return generatedFiles(r.files, writeFiles).map((f, i) => {
      const action = Array.isArray(r.files) ? (r.files[i] as { action?: string }).action : undefined;
      return { ...f, written: action === "written" || action === "overwritten" };
    });
  };
  let inMemory: Promise<GeneratedFile[]> | undefined;
  const generateInMemory = (root: string) => (inMemory ??= generate(root, false));

  const defs: Record<Stage, (p: Progress) => Promise<StageOutcome>> = {
    analyze: async () => {
      const { analyze } = await mod("analyze");
      state.analyze = await analyze(need(dir, "no project directory"));
      const a = state.analyze;
      return { note: `${a.entry?.target ?? "no entry found"}, ${a.routes.length} routes, port ${a.port.value}` };
    },
    lint: async () => {
      const m = await mod("lint");
      const root = need(dir, "no project directory");
      const fromDisk = (file: string) => {
        const p = join(root, file);
        return existsSync(p) && statSync(p).isFile() ? readFileSync(p, "utf8").split("\n") : null;
      };
      let raw: LintReportLike;
      let linesOf = fromDisk;
      let what = "";
      try {
        raw = await m.lint(root, { app: state.analyze });
      } catch (e) {
        // No Dockerfile of its own: lint the one ship generates and builds, so its findings are the image's.
        if (!(e instanceof FlaskpackError && e.code === "NOT_FOUND") || !m.lintDockerfileText) throw e;
        const generated = await generateInMemory(root);
        const dockerfile = generated.find((f) => f.path === "Dockerfile");
        if (!dockerfile) throw e;
        const findings = m.lintDockerfileText(dockerfile.content, { file: "Dockerfile", app: state.analyze });
        raw = { findings, files: ["Dockerfile"], notes: ["no Dockerfile in the project: linted the one flaskpack generates"] } as LintReportLike;
        linesOf = (file) => (file === "Dockerfile" ? dockerfile.content.split("\n") : fromDisk(file));
        what = " (the generated Dockerfile)";
      }
      const items = lintItems(raw, linesOf);
      state.lint = { items, raw };
      const c = lintCounts(items);
      return { note: `${c.error} errors, ${c.warning} warnings, ${c.info} info${what}` };
    },
    init: async () => {
      const root = need(dir, "no project directory");
      const files = write ? await generate(root, true) : await generateInMemory(root);
      state.init = { files };
      const written = files.filter((f) => f.written).length;
      return { note: write ? `${written} of ${files.length} files written` : `${files.length} files planned (in memory; --write to keep them)` };
    },
    build: async (progress) => {
      const m = await mod("build");
      const root = need(dir, "no project directory");
      const tag = opts.tag ?? `${basename(root).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "") || "app"}:latest`;
      const b = await m.build(root, { tag, deps: opts.deps, noCache: Boolean(opts.fresh), progress });
      state.build = await imageRef(b.image, { usedProjectDockerfile: b.usedProjectDockerfile ?? null, dockerfile: b.dockerfile });
      if (b.dockerfile) state.build.contentKey = `inputs:${await buildInputsKey(root, b.dockerfile, b.usedProjectDockerfile ? undefined : await generatedIgnore(root, state.analyze))}`;
      const all = b.totalSteps && b.cachedSteps === b.totalSteps;
      return { status: all ? "cached" : "ok", note: `${b.image}, ${b.cachedSteps ?? "?"}/${b.totalSteps ?? "?"} steps cached` };
    },
    run: async (progress) => {
      const image = need(state.build, "no image (build was skipped)");
      const key = hash(image.contentKey, envKey, servicesPlan() ?? null);
      const again = reuse("run", key);
      if (again) {
        state.run = again;
        return { status: "cached", key, note: `same image content as the last run: start-up ${again.startupMs ?? "?"} ms` };
      }
      const m = await mod("run");
      progress.step(`starting ${image.ref}`);
      const svc = await withServices(progress, image.ref);
      const started = await m.run(image.ref, { name: `fp-ship-${hash(image.ref, Date.now())}`, env: svc.env, envFile, network: svc.network, progress });
      let errors: { method: string; path: string; error: string; where?: string }[] = [];
      try {
        const probes = await probeRoutes(started.url, state.analyze);
        state.run = { startupMs: started.startedMs ?? null, probes };
        if (probes.some((p) => p.status === null || p.status >= 500)) {
          const { containerLogs } = await import("../engine/run.ts");
          const { requestErrors } = await import("../engine/diagnose.ts");
          errors = requestErrors(await containerLogs(started.containerId));
        }
      } finally {
        await m.stop(started.containerId).catch(() => {});
      }
      const bad = state.run.probes.filter((p) => p.status === null || p.status >= 500);
      if (bad.length) {
        // Each failing route with the exception the app logged for it, so the cause is on screen.
        const why = (path: string) => {
          const e = errors.find((x) => x.path === path.split("?")[0]);
          return e ? ` (${e.error}${e.where ? ` at ${e.where.replace(/^\/app\//, "")}` : ""})` : "";
        };
        throw new FlaskpackError(
          "RUN_FAILED",
          `${image.ref} started but ${bad.map((p) => `${p.path} answered ${p.status ?? "nothing"}${why(p.path)}`).join(", ")}.`,
          errors.length
            ? "fix those errors in the app (they happen in the container as built), or run the image with `flaskpack run` to try them by hand"
            : "run `flaskpack run` on the image and read its logs",
          { probes: state.run.probes, errors },
        );
      }
      return { key, note: `answered ${state.run.probes.map((p) => `${p.path} ${p.status}`).join(", ")}; start-up ${state.run.startupMs} ms${svc.note}` };
    },
    slim: async (progress) => {
      const image = need(state.build, "no image (build was skipped)");
      const key = hash(image.contentKey, opts.exclude ?? [], opts.include ?? [], opts.probes ?? null, Boolean(opts.acceptDiff), envKey, servicesPlan() ?? null);
      const again = reuse("slim", key);
      if (again && (await imageExists(again.ref))) {
        state.slim = again;
        return { status: "cached", key, note: `reused ${again.ref} (same image, same options)` };
      }
      const m = await mod("slim");
      const probes = opts.probes ? readProbes(opts.probes) : undefined;
      let r: SlimResultLike;
      try {
        r = await m.slim(image.ref, { app: state.analyze, probes, exclude: opts.exclude, include: opts.include, acceptDiff: opts.acceptDiff, profilesDir: join(outDir, "profiles"), ...(await withServices(progress, image.ref).then((w) => ({ env: w.env, network: w.network }))), progress });
      } catch (e) {
        // slim refuses a slim image that answers differently, and hands back what it measured: verify reports it.
        const result = e instanceof FlaskpackError && e.code === "CHECK_FAILED" ? (e.details as SlimResultLike | undefined) : undefined;
        if (!result?.routes || !result.slim?.image) throw e;
        r = result;
      }
      const slimRef = await imageRef(r.slim.image);
      const profile = (p: unknown) => (typeof p === "string" ? p : p ? "generated" : null);
      state.slim = {
        ref: r.slim.image,
        imageId: slimRef.imageId,
        sizeBytes: r.slim.sizeBytes ?? slimRef.sizeBytes,
        files: typeof r.slim.files === "number" ? r.slim.files : null,
        originalFiles: typeof r.original.files === "number" ? r.original.files : null,
        contentKey: slimRef.contentKey,
        routes: routeChecks(r.routes),
        notExercised: notExercisedList(r.notExercised),
        profiles: r.profiles ? { seccomp: profile(r.profiles.seccomp), apparmor: profile(r.profiles.apparmor) } : null,
      };
      return { key, note: `${r.slim.image}: ${state.slim.files ?? "?"} files` };
    },
    verify: async (progress) => {
      const s = need(state.slim, "no slim image (slim was skipped)");
      const key = hash(s.contentKey, s.routes);
      const differences = s.routes.filter((r) => r.identical === false);
      const t = routeTally(s.routes);
      const failure = differences.length && !opts.acceptDiff
        ? new FlaskpackError(
            "CHECK_FAILED",
            `the slim image answers ${differences.length} route${differences.length === 1 ? "" : "s"} differently: ${differences.map((d) => `${d.method} ${d.path} (${d.original.status ?? "none"} → ${d.slim.status ?? "none"})`).join(", ")}.`,
            "keep the files those routes need with --include PATH (or remove a wrong --exclude), or accept the difference with --accept-diff",
            { differences },
          )
        : undefined;
      const again = reuse("verify", key);
      if (again) {
        state.verify = again;
        return { status: "cached", key, failure, note: `${t.identical}/${t.exercised} routes identical; start-up ${again.startupMs ?? "?"} ms (measured on the same slim image)` };
      }
      let startupMs: number | null = null;
      const m = await loadModule("run");
      if (m) {
        progress.step(`starting ${s.ref} to time its start-up`);
        // Same hardened settings as the original's run, so the two start-up times compare.
        const svc = await withServices(progress, state.build?.ref ?? s.ref); // migrations need the original image
        const started = await m.run(s.ref, { name: `fp-ship-${hash(s.ref, Date.now())}`, env: svc.env, envFile, network: svc.network, progress });
        startupMs = started.startedMs ?? null;
        await m.stop(started.containerId).catch(() => {});
      }
      state.verify = { startupMs, differences };
      return { key, failure, note: `${t.identical}/${t.exercised} routes identical${startupMs !== null ? `; start-up ${startupMs} ms` : ""}` };
    },
    sbom: async () => {
      const image = need(state.build, "no image (build was skipped)");
      const key = hash(image.contentKey, state.slim?.contentKey ?? null);
      const again = reuse("sbom", key);
      if (again) {
        state.sbom = again;
        return { status: "cached", key, note: `${again.original} → ${again.slim ?? "?"} packages` };
      }
      const m = await mod("sbom");
      const count = async (ref: string) => (await m.sbom(ref)).components.length;
      state.sbom = { original: await count(image.ref), slim: state.slim ? await count(state.slim.ref) : null, key };
      return { key, note: `${state.sbom.original} → ${state.sbom.slim ?? "?"} packages` };
    },
    scan: async (progress) => {
      const image = need(state.build, "no image (build was skipped)");
      const m = await mod("scan");
      const cached = m.defaultDbDir?.();
      // Without --db or FLASKPACK_DB, the database `flaskpack db update` keeps, when there is one.
      const dbPath = need(db ?? (cached && existsSync(cached) ? cached : undefined), "no vulnerability database: pass --db DIR, set FLASKPACK_DB, or run `flaskpack db update`");
      if (!existsSync(dbPath)) throw new FlaskpackError("NOT_FOUND", `the vulnerability database ${dbPath} does not exist.`, "pass --db with an OSV or PyPA advisory directory, or set FLASKPACK_DB");
      const key = hash(image.contentKey, state.slim?.contentKey ?? null, resolve(dbPath), statSync(dbPath).mtimeMs);
      const again = reuse("scan", key);
      if (again) {
        state.scan = again;
        return { status: "cached", key, note: `${again.original?.length ?? "?"} → ${again.slim?.length ?? "?"} findings` };
      }
      const one = async (ref: string) => m.scan(ref, { db: dbPath, progress });
      const o = await one(image.ref);
      const s = state.slim ? await one(state.slim.ref) : null;
      state.scan = { db: resolve(dbPath), dbAge: dbAgeOf(o), original: vulnFindings(o), slim: s ? vulnFindings(s) : null, key };
      return { key, note: `${state.scan.original?.length} → ${state.scan.slim?.length ?? "?"} findings` };
    },
    report: async () => {
      const key = hash(state.build?.contentKey ?? null, state.slim?.contentKey ?? null);
      const again = reuse("report", key);
      if (again) {
        state.report = again;
        return { status: "cached", key, note: "image facts reused (same images)" };
      }
      const m = await loadModule("image");
      const side = async (ref: string | undefined): Promise<ImageSideFacts | null> => {
        if (!ref || !m) return null;
        const model = await m.readImage(ref);
        const files = imageFiles(model.files);
        return { layers: layerFacts(model.layers), files: files.length, dirs: dirTree(files) };
      };
      state.report = { original: await side(state.build?.ref), slim: await side(state.slim?.ref), key };
      return { key, note: m ? "image facts read" : "image reader not available: no layer or directory charts" };
    },
  };

  const restore = <K extends keyof State>(name: K): boolean => {
    const s = saved(name);
    if (!s || (s.status !== "ok" && s.status !== "cached")) return false;
    (state as Record<string, unknown>)[name] = s.result;
    return true;
  };

  if (opts.image) state.build = await imageRef(opts.image);
  if (fromIndex > 0 && !outDir) {
    // Resuming: the results are wherever the earlier run put them.
    const candidates = [dir && join(dir, ".flaskpack"), cacheDirFor(dir)].filter((c): c is string => Boolean(c));
    outDir = candidates.find((c) => existsSync(join(c, "stages"))) ?? "";
    if (!outDir) throw new FlaskpackError("BAD_INPUT", `nothing to resume: no saved stage results in ${candidates.join(" or ")}.`, "run ship once without --from (or pass the --out of the earlier run)");
  }

  const view = stageView(opts.view ?? "auto");
  let stopped: FlaskpackError | undefined;
  try {
    for (const [i, name] of STAGES.entries()) {
      if (name !== "analyze") await settleOut();
      if (i < fromIndex) {
        const ok = !skipped.has(name) && restore(name);
        if (!ok && !skipped.has(name) && name !== "report" && needed(name, opts)) {
          throw new FlaskpackError("BAD_INPUT", `cannot resume from ${opts.from}: the earlier run has no result for ${name} in ${stagesDir()}.`, `resume from an earlier stage (--from ${name}) or run without --from`);
        }
        records.push({ name, status: "skipped", seconds: 0, note: ok ? "--from: result of the earlier run" : "--from" });
        continue;
      }
      if (skipped.has(name)) {
        records.push({ name, status: "skipped", seconds: 0, note: opts.image && IMAGE_SKIPS.includes(name) ? "--image" : "--skip" });
        continue;
      }
      const started = Date.now();
      const rec: StageRecord = await view.run(name, async (progress) => {
        try {
          const o = await defs[name](progress);
          const r: StageRecord = { name, status: o.failure ? "failed" : (o.status ?? "ok"), seconds: (Date.now() - started) / 1000, ...(o.note ? { note: o.note } : {}) };
          if (o.failure) {
            r.error = { code: o.failure.code, message: o.failure.message, fix: o.failure.fix };
            if (!check) stopped = o.failure;
          }
          if (name === "analyze") await settleOut();
          save({ name, status: r.status, seconds: r.seconds, note: r.note, key: o.key, result: state[name] } as Saved<typeof name>);
          return r;
        } catch (e) {
          const seconds = (Date.now() - started) / 1000;
          if (e instanceof NotAvailable) return { name, status: "not-available", seconds, note: e.message };
          if (!(e instanceof FlaskpackError)) throw e;
          stopped = e;
          await settleOut().catch(() => {});
          if (name !== "report") save({ name, status: "failed", seconds, result: undefined } as Saved<typeof name>);
          return { name, status: "failed", seconds, error: { code: e.code, message: e.message, fix: e.fix, details: e.details } };
        }
      });
      records.push(rec);
      if (stopped && name !== "report") {
        // What ran stays on disk and the report is still written, with the failure in it.
        for (const rest of STAGES.slice(i + 1)) if (rest !== "report") records.push({ name: rest, status: "skipped", seconds: 0, note: `stopped at ${name}` });
        records.push({ name: "report", status: "ok", seconds: 0, note: "partial report" });
        break;
      }
    }
  } finally {
    // The database ship started for the app goes with its network and data.
    if (services) await (await services.catch(() => undefined))?.stop();
  }
  await settleOut();

  const report = assemble({ dir, image: opts.image ?? null, state, records, outDir, check, opts, outWhy });
  const sarif = opts.sarif && state.lint ? await loadModule("lint").then((m) => m?.toSarif?.(state.lint!.raw)) : undefined;
  const files = writeReport(report, outDir, sarif);
  if (stopped) {
    throw new FlaskpackError(stopped.code, stopped.message, stopped.fix, { ...(typeof stopped.details === "object" && stopped.details ? stopped.details : {}), report, files });
  }
  return { report, files };
}

function assemble(a: { dir: string | undefined; image: string | null; state: State; records: StageRecord[]; outDir: string; check: boolean; opts: ShipOptions; outWhy?: string }): ShipReport {
  const { state, opts } = a;
  const original = state.build;
  const slim = state.slim;
  const facts = state.report;
  const routes = slim?.routes ?? [];
  const scan = state.scan;
  const lint = state.lint ? { counts: lintCounts(state.lint.items), findings: state.lint.items } : null;
  const side = (which: "original" | "slim", img: { ref: string; imageId: string | null; sizeBytes: number | null } | undefined, own: { files: number | null; startupMs: number | null }): ShipReport["original"] =>
    img
      ? {
          ref: img.ref,
          imageId: img.imageId,
          sizeBytes: img.sizeBytes,
          files: facts?.[which]?.files ?? own.files,
          packages: state.sbom?.[which] ?? null,
          layers: facts?.[which]?.layers ?? null,
          startupMs: own.startupMs,
          vulns: scan?.[which] ? countVulns(scan[which]!) : null,
          dirs: facts?.[which]?.dirs ?? null,
          pushBytes: null,
        }
      : null;
  // Without the image reader, file counts come from slim's own index, for both images alike.
  const o = side("original", original, { files: slim?.originalFiles ?? null, startupMs: state.run?.startupMs ?? null });
  const s = side("slim", slim, { files: slim?.files ?? null, startupMs: state.verify?.startupMs ?? null });

  const check = checkOutcome({
    enabled: a.check,
    lint: lint?.findings ?? null,
    routes,
    vulns: scan?.slim ? { image: "slim", findings: scan.slim } : scan?.original ? { image: "original", findings: scan.original } : null,
    stages: a.records,
    failOn: opts.failOn,
    lintThreshold: opts.lintThreshold,
    acceptDiff: opts.acceptDiff,
  });
  const diffs = routes.filter((r) => r.identical === false);

  const next: string[] = [];
  const port = state.analyze?.port.value;
  const best = slim && !diffs.length ? slim.ref : original?.ref;
  if (best) next.push(`flaskpack run ${best}${port ? `   # or: docker run --rm -p 127.0.0.1:${port}:${port} ${best}` : ""}`);
  if (a.dir && state.init && !state.init.files.some((f) => f.written) && !original?.usedProjectDockerfile) next.push(`flaskpack ship ${a.dir} --write   # keep the generated Dockerfile in the project`);
  if (lint && lint.counts.error + lint.counts.warning > 0 && a.dir) next.push(`flaskpack lint ${a.dir}   # details and fixes for ${lint.counts.error + lint.counts.warning} findings`);
  if (!scan && a.records.some((r) => r.name === "scan" && r.status === "not-available")) next.push("flaskpack db update   # or pass --db DIR / set FLASKPACK_DB: then ship scans both images offline");
  if (diffs.length) next.push("flaskpack slim ... --include PATH   # keep what the differing routes need");
  if (a.outWhy) next.push(`results are in ${a.outDir}: ${a.outWhy}`);

  return {
    schemaVersion: 1,
    flaskpackVersion: VERSION,
    generatedAt: new Date().toISOString(),
    target: { dir: a.dir ?? null, image: a.image, usedProjectDockerfile: original?.usedProjectDockerfile ?? null },
    app: state.analyze ? { entry: state.analyze.entry?.target ?? null, port: state.analyze.port.value ?? null, routes: state.analyze.routes.length } : null,
    stages: a.records,
    original: o,
    slim: s,
    routes,
    notExercised: slim?.notExercised ?? [],
    lint,
    vulnerabilities: scan ? { db: scan.db, dbAge: scan.dbAge, original: scan.original, slim: scan.slim } : null,
    generated: state.init?.files ?? [],
    profiles: slim?.profiles ?? null,
    check,
    nextSteps: next,
    outDir: a.outDir,
  };
}
