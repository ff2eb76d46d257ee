/**
 * init: the production Dockerfile, .dockerignore, .env.example (and compose.yaml when the app needs a
 * service) for a Flask project, planned from its AppModel. Planning and rendering are pure; init and
 * planBuild are the shell around them (base image, file system).
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AppModel } from "../analyze/model.ts";
import { buildBase } from "../base/index.ts";
import { contextRules, listContext, parseDockerignore, summarizeContext, LARGE_CONTEXT_BYTES, type ContextSummary } from "../engine/context.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { planFrom, type BuildPlan, type DepsMode, type PlanOptions } from "./plan.ts";
import { renderDockerfile, renderDockerignore, renderEnvExample, type ProjectFacts } from "./render.ts";

export { planFrom, healthPathFor, APP_USER, type BuildPlan, type DepsMode, type PlanOptions } from "./plan.ts";
export { renderDockerfile, renderDockerignore, renderEnvExample, gunicornCommand, healthcheckCommand, LABEL_WRITABLE, LABEL_RUNTIME_ENV, LABEL_HEALTH_PATH, type ProjectFacts } from "./render.ts";

/**
 * The build plan for an app. In debian mode (without --base) the base image is built or reused, so the
 * plan's FROM exists when it is returned.
 */
export async function planBuild(app: AppModel, opts: PlanOptions & { progress?: Progress } = {}): Promise<BuildPlan> {
  const plan = planFrom(app, opts);
  if (plan.deps === "debian" && !opts.base) {
    const base = await buildBase({ packages: plan.basePackages, progress: opts.progress });
    plan.baseImage = base.tag;
  }
  return plan;
}

export interface InitOptions {
  deps?: DepsMode;
  base?: string;
  force?: boolean;
  dryRun?: boolean;
  /** Print the files instead of writing them (the CLI prints; the library only returns them). */
  print?: boolean;
  /** Build (or reuse) the Debian base so the Dockerfile's FROM exists; default true. */
  ensureBase?: boolean;
  progress?: Progress;
}

export interface InitFile {
  path: string;
  content: string;
  action: "written" | "overwritten" | "skipped-exists" | "dry-run" | "printed";
}

export interface InitResult {
  dir: string;
  files: InitFile[];
  plan: BuildPlan;
  context: ContextSummary;
  warnings: string[];
}

/** Scans the top of the project for what .dockerignore should name: virtualenvs under any name, an instance folder. */
export function projectFacts(dir: string): ProjectFacts {
  const present: string[] = [];
  const venvs: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    present.push(d.name);
    if (d.isDirectory() && existsSync(join(dir, d.name, "pyvenv.cfg"))) venvs.push(d.name);
  }
  return { present, venvs };
}

async function analyzeDir(dir: string): Promise<AppModel> {
  const mod = (await import("../analyze/index.ts")) as { analyze: (d: string) => Promise<AppModel> };
  return mod.analyze(dir);
}

export async function init(dirArg: string, opts: InitOptions = {}): Promise<InitResult> {
  const dir = resolve(dirArg);
  if (!existsSync(dir)) throw new FlaskpackError("NOT_FOUND", `${dirArg} does not exist.`, "give the directory of a Flask project");
  const progress = opts.progress ?? silentProgress;
  progress.step(`analyzing ${dir}`);
  const app = await analyzeDir(dir);
  const ensureBase = (opts.ensureBase ?? true) && !opts.dryRun && !opts.print;
  const plan = ensureBase ? await planBuild(app, { deps: opts.deps, base: opts.base, progress }) : planFrom(app, { deps: opts.deps, base: opts.base });
  const warnings = [...plan.warnings];

  const dockerignore = renderDockerignore(app, projectFacts(dir));
  const files: { path: string; content: string; keepExisting?: boolean }[] = [
    { path: "Dockerfile", content: renderDockerfile(plan) },
    { path: ".dockerignore", content: dockerignore },
  ];
  let envExample = renderEnvExample(plan);
  const compose = await composeFor(app, plan);
  if (compose) {
    files.push({ path: "compose.yaml", content: compose.compose });
    envExample = compose.envExample ?? envExample;
    if (compose.env) files.push({ path: ".env", content: compose.env, keepExisting: true });
  }
  if (envExample) files.push({ path: ".env.example", content: envExample });

  const keepsOwnIgnore = existsSync(join(dir, ".dockerignore")) && !opts.force;
  const context = summarizeContext(listContext(dir, keepsOwnIgnore ? contextRules(dir).rules : parseDockerignore(dockerignore)));
  if (context.bytes > LARGE_CONTEXT_BYTES) {
    warnings.push(
      `the build context is ${(context.bytes / 1e6).toFixed(0)} MB after .dockerignore; largest: ${context.largest.map((l) => `${l.path} (${(l.bytes / 1e6).toFixed(1)} MB)`).join(", ")}. Add what the image does not need to .dockerignore.`,
    );
  }

  const out: InitFile[] = [];
  for (const f of files) {
    const target = join(dir, f.path);
    const exists = existsSync(target);
    let action: InitFile["action"];
    if (opts.print) action = "printed";
    else if (opts.dryRun) action = "dry-run";
    else if (exists && (!opts.force || f.keepExisting)) action = "skipped-exists";
    else {
      // .env holds generated secrets: readable by its owner only.
      writeFileSync(target, f.content, { mode: f.path === ".env" ? 0o600 : 0o644 });
      action = exists ? "overwritten" : "written";
    }
    out.push({ path: f.path, content: f.content, action });
  }
  const skipped = out.filter((f) => f.action === "skipped-exists" && f.path !== ".env");
  if (skipped.length) warnings.push(`kept existing ${skipped.map((f) => f.path).join(", ")} (use --force to overwrite)`);
  return { dir, files: out, plan, context, warnings };
}

async function composeFor(app: AppModel, plan: BuildPlan): Promise<{ compose: string; envExample?: string; env?: string } | null> {
  if (!app.services.some((s) => s.kind !== "sqlite")) return null;
  try {
    const mod = (await import("./compose.ts")) as { renderCompose?: (a: AppModel, p: BuildPlan) => { compose: string; envExample?: string; env?: string } | null };
    return mod.renderCompose ? mod.renderCompose(app, plan) : null;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return null;
    throw e;
  }
}
