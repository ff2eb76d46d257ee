import { posix } from "node:path";
import type { AppModel, Route } from "../analyze/model.ts";
import { FlaskpackError } from "../errors.ts";
import { baseTag, mapRequirements } from "../base/index.ts";

export type DepsMode = "debian" | "pip";

/** Everything the generated files say, decided once from the AppModel; rendering only formats it. */
export interface BuildPlan {
  app: AppModel;
  deps: DepsMode;
  /** Image the builder and final stages start FROM: a tag, or name@sha256 digest. */
  baseImage: string;
  /** Debian packages in the base (debian mode). */
  basePackages?: string[];
  port: number;
  /** gunicorn target, e.g. "app:app" or "blog:create_app()". */
  entry: string;
  /** Directory under WORKDIR gunicorn imports from (--chdir), for code under src/ or backend/. */
  chdir?: string;
  user: { uid: number; gid: number; name: string };
  /** Absolute paths in the image the app may write to (owned by the app user); everything else is root's. */
  writablePaths: string[];
  healthPath: string;
  /** Baked into the image with ENV: runtime defaults only, never secrets. */
  env: Record<string, string>;
  /** Variables the app needs at run time that must not be baked in (secrets, required values). */
  runtimeEnv: string[];
  /** Per runtime variable: why it is one, for .env.example. */
  runtimeEnvNotes: Record<string, string>;
  workdir: string;
  /** pip mode: the requirements file to install, relative to the project root. */
  requirementsFile?: string;
  /** pip mode: every requirement carries --hash, so pip runs with --require-hashes. */
  requireHashes: boolean;
  /** pip mode: gunicorn is not among the requirements, so the builder installs it too. */
  addGunicorn: boolean;
  /** Things the user should know about the plan. */
  warnings: string[];
}

export interface PlanOptions {
  deps?: DepsMode;
  /** Base image to use instead of the default (a flaskpack base tag, python:3.11-slim, name@sha256:...). */
  base?: string;
}

export const APP_USER = { uid: 10001, gid: 10001, name: "app" } as const;
const WORKDIR = "/app";
const HEALTH_NAMES = ["/health", "/healthz", "/healthcheck", "/api/health", "/ping", "/status", "/"];

/** The pure part of planning: no engine, no file system. Debian mode names the base by its deterministic tag. */
export function planFrom(app: AppModel, opts: PlanOptions = {}): BuildPlan {
  if (!app.entry) {
    throw new FlaskpackError(
      "NO_FLASK_APP",
      `no Flask application found in ${app.root}.`,
      "create the app as `app = Flask(__name__)` or a `create_app()` factory, or set FLASK_APP in .flaskenv",
    );
  }
  const deps = opts.deps ?? "debian";
  const warnings: string[] = [];
  const names = app.dependencies.filter((d) => !d.local).map((d) => d.name);
  const hasGunicorn = app.dependencies.some((d) => d.normalized === "gunicorn");
  let baseImage: string;
  let basePackages: string[] | undefined;
  if (deps === "debian") {
    basePackages = mapRequirements([...names, "gunicorn"]);
    baseImage = opts.base ?? baseTag(basePackages).tag;
    for (const d of app.dependencies.filter((x) => x.specifier && /==|~=|<|!=/.test(x.specifier))) {
      warnings.push(`${d.name}${d.specifier}: debian mode installs Debian's packaged version, which may not satisfy the pin; use --deps pip to honor it`);
    }
    for (const d of app.dependencies.filter((x) => x.local)) warnings.push(`${d.name} is a local path (${d.local}); debian mode cannot install it, use --deps pip`);
  } else {
    const py = pythonVersion(app.python.wanted);
    baseImage = opts.base ?? `python:${py}-slim`;
  }
  const requireHashes = deps === "pip" && app.dependencies.length > 0 && app.dependencies.every((d) => (d.hashes?.length ?? 0) > 0);
  const requirementsFile = deps === "pip" ? requirementsFileOf(app) : undefined;
  if (deps === "pip" && !requirementsFile && app.dependencies.length) {
    warnings.push("dependencies are declared outside requirements.txt; the generated Dockerfile installs the project itself with `pip install .`");
  }

  const writablePaths: string[] = [];
  for (const p of app.assets.writablePaths) {
    const rel = p.replace(/^\.?\/+/, "").replace(/\/+$/, "");
    const dir = looksLikeFile(rel) ? posix.dirname(rel) : rel;
    if (!dir || dir === "." || dir.startsWith("..") || posix.isAbsolute(dir)) {
      if (posix.isAbsolute(p) && p.startsWith("/")) writablePaths.push(posix.normalize(looksLikeFile(p) ? posix.dirname(p) : p));
      else warnings.push(`the app writes ${p} in the project root; the root stays read-only, so move it into a directory (e.g. instance/)`);
      continue;
    }
    writablePaths.push(posix.join(WORKDIR, dir));
  }
  // Flask's instance folder is where apps keep their run-time data (the SQLite file of the tutorial's
  // `os.path.join(app.instance_path, ...)`, uploads, `os.makedirs(app.instance_path)`): it must stay writable.
  const instance = app.assets.instanceFolder?.replace(/^\.?\/+/, "").replace(/\/+$/, "");
  if (instance && !instance.startsWith("..") && !posix.isAbsolute(instance)) writablePaths.push(posix.join(WORKDIR, instance));

  // A required config file in instance/ is this machine's config: .dockerignore keeps it out of the image.
  for (const c of app.assets.configFiles ?? []) {
    if (!c.required || !instance || !c.path.startsWith(`${instance}/`)) continue;
    warnings.push(
      `the app loads ${c.path} at start (${c.source.file}:${c.source.line}, from_pyfile without silent=True) and instance/ stays out of the image: ` +
        `mount it (flaskpack run IMAGE -v ./${c.path}:${posix.join(WORKDIR, c.path)}:ro), or pass silent=True and configure with environment variables`,
    );
  }

  const runtimeEnv: string[] = [];
  const runtimeEnvNotes: Record<string, string> = {};
  for (const v of app.env) {
    if (v.name === "PORT" || runtimeEnv.includes(v.name)) continue;
    if (v.secret || v.required) {
      runtimeEnv.push(v.name);
      const where = v.source ? ` (${v.source.file}:${v.source.line})` : "";
      runtimeEnvNotes[v.name] = [v.secret ? "secret: never baked into the image" : "", v.required ? "required: the app fails at start without it" : "", v.default !== undefined ? `code default: ${v.default}` : ""]
        .filter(Boolean)
        .join("; ") + where;
    }
  }

  return {
    app,
    deps,
    baseImage,
    basePackages,
    port: app.port.value || 5000,
    entry: app.entry.target,
    ...(app.entry.chdir ? { chdir: posix.join(WORKDIR, app.entry.chdir) } : {}),
    user: { ...APP_USER },
    writablePaths: [...new Set(writablePaths)],
    healthPath: healthPathFor(app.routes),
    env: {
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONUNBUFFERED: "1",
      PORT: String(app.port.value || 5000),
      WEB_CONCURRENCY: "2",
    },
    runtimeEnv,
    runtimeEnvNotes,
    workdir: WORKDIR,
    requirementsFile,
    requireHashes,
    addGunicorn: deps === "pip" && !hasGunicorn,
    warnings,
  };
}

/** The health route: a conventional health endpoint when the app has one, else the first plain GET route. */
export function healthPathFor(routes: Route[]): string {
  const plain = routes.filter((r) => r.converters.length === 0 && !r.rule.includes("<") && (r.methods.length === 0 || r.methods.includes("GET")));
  for (const name of HEALTH_NAMES) if (plain.some((r) => r.rule === name)) return name;
  return plain[0]?.rule ?? "/";
}

function pythonVersion(wanted?: string): string {
  const m = wanted?.match(/(\d+)\.(\d+)/);
  return m ? `${m[1]}.${m[2]}` : "3.11";
}

function requirementsFileOf(app: AppModel): string | undefined {
  return app.dependencies.map((d) => d.from.split(":")[0]).find((f) => /requirements.*\.txt$/.test(f));
}

function looksLikeFile(p: string): boolean {
  return /\.(db|sqlite3?|json|log|txt|csv|pid|lock)$/i.test(p);
}
