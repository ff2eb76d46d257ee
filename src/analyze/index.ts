/**
 * analyze: a Flask project's source → AppModel, without importing or running it. Reads files here (the impure
 * edge), gets per-file facts from python.ts / requirements.ts / projectfiles.ts, and joins them.
 */
import { existsSync, statSync } from "node:fs";
import { posix, resolve as resolvePath } from "node:path";
import { satisfies } from "@renovatebot/pep440";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import type { AppModel, Dependency, EnvVar, Finding, SourceRef } from "./model.ts";
import { listProject, readText, moduleOf, type ProjectFiles } from "./files.ts";
import { pythonFacts, type FileFacts } from "./python.ts";
import { Resolver, buildUrlMap, folderOf, defKey, type Def } from "./resolve.ts";
import { rankEntries, type Evidence } from "./entry.ts";
import { parseRequirements, parsePyproject, parsePipfile, parseLock, normalizeName, type Declared } from "./requirements.ts";
import { parseDotenv, parseProcfile, parseDockerfile, parseServerCommand, pythonVersionFrom, splitWords, type ServerCommand } from "./projectfiles.ts";
import { isSecretName, serviceForUrl, urlHasCredentials, IMPORT_SERVICES, IMPORT_PROVIDERS, BRINGS, USED_WITHOUT_IMPORT, SERVERS, STDLIB } from "./patterns.ts";

export type { AppModel, EntryCandidate, Route, Dependency, EnvVar, Finding, SourceRef } from "./model.ts";
export { parseRequirements, parsePyproject, parsePipfile, parseLock, parsePep508, poetrySpecifier, normalizeName } from "./requirements.ts";
export { parseDotenv, parseProcfile, parseDockerfile, parseServerCommand } from "./projectfiles.ts";
export { pythonFacts } from "./python.ts";
export { converters, joinRule } from "./resolve.ts";

/** The Python that flaskpack's Debian (bookworm) base images provide. */
export const BASE_PYTHON = "3.11";

const TEST_FILE = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

export async function analyze(dir: string, opts: { progress?: Progress } = {}): Promise<AppModel> {
  const started = performance.now();
  const progress = opts.progress ?? silentProgress;
  const root = resolvePath(dir);
  if (!existsSync(root)) throw new FlaskpackError("NOT_FOUND", `${dir} does not exist`, "pass the directory of your Flask project");
  if (!statSync(root).isDirectory()) throw new FlaskpackError("BAD_INPUT", `${dir} is not a directory`, "pass the directory of your Flask project, not a file");

  progress.step(`analyzing ${dir}`);
  const files = listProject(root);
  const problems: Finding[] = files.skipped.map((s) => ({ id: "file-skipped", severity: "info", message: `${s.file}: ${s.why}` }));
  const texts = new Map<string, string>();
  const listed = new Set(files.all);
  const text = (rel: string): string | undefined => {
    if (texts.has(rel)) return texts.get(rel);
    if (!listed.has(rel)) return undefined;
    const r = readText(root, rel);
    if (r.skipped) problems.push({ id: "file-skipped", severity: "info", message: `${rel} skipped: ${r.skipped}`, source: { file: rel, line: 1 } });
    if (r.text !== undefined) texts.set(rel, r.text);
    return r.text;
  };

  progress.detail(`parsing ${files.python.length} Python files`);
  const facts: FileFacts[] = [];
  const rootOf = new Map<string, string>();
  for (const file of files.python) {
    const t = text(file);
    if (t === undefined) continue;
    const { module, root: srcRoot, isPackage } = moduleOf(file, files.packages);
    if (!module) continue;
    const f = await pythonFacts(t, file, module, isPackage);
    facts.push(f);
    if (!rootOf.has(module)) rootOf.set(module, srcRoot);
    if (f.syntaxError)
      problems.push({
        id: "syntax-error", severity: "warning", source: { file, line: f.syntaxError.line },
        message: `${file}:${f.syntaxError.line}:${f.syntaxError.column}: invalid Python syntax; the rest of the file was still read`,
      });
  }
  const modules = new Map<string, FileFacts>();
  for (const f of facts) if (!modules.has(f.module)) modules.set(f.module, f);
  const resolver = new Resolver(modules);

  // Project files at the root: dotenv, Procfile, Dockerfile, version files.
  const dotenv = new Map<string, ReturnType<typeof parseDotenv>>();
  for (const name of [".flaskenv", ".env", ".env.example", ".env.sample", ".env.template"]) {
    const t = text(name);
    if (t !== undefined) dotenv.set(name, parseDotenv(t));
  }
  let flaskApp: Evidence["flaskApp"];
  for (const name of [".flaskenv", ".env"]) {
    const v = dotenv.get(name)?.find((e) => e.name === "FLASK_APP");
    if (v && !flaskApp) flaskApp = { value: v.value, file: name, line: v.line };
  }
  const commands: Evidence["commands"] = [];
  const debugRisks: Finding[] = [];
  const procfile = text("Procfile");
  for (const p of procfile ? parseProcfile(procfile) : []) {
    if (p.process !== "web") continue;
    const cmd = parseServerCommand(splitWords(p.command));
    if (cmd) commands.push({ cmd, file: "Procfile", line: p.line, reason: "Procfile", score: 95 });
    if (cmd?.devServer) debugRisks.push({ id: "dev-server-cmd", severity: "warning", message: `Procfile starts Flask's development server (${p.command})`, source: { file: "Procfile", line: p.line } });
  }
  const dockerfileText = text("Dockerfile");
  const dockerfile = dockerfileText ? parseDockerfile(dockerfileText) : undefined;
  if (dockerfile) {
    const start = [...(dockerfile.entrypoint?.words ?? []), ...(dockerfile.cmd?.words ?? [])];
    const line = (dockerfile.cmd ?? dockerfile.entrypoint)?.line ?? 1;
    const cmd = start.length ? parseServerCommand(start) : undefined;
    if (cmd) commands.push({ cmd, file: "Dockerfile", line, reason: "Dockerfile CMD", score: 92 });
    if (cmd?.devServer) debugRisks.push({ id: "dev-server-cmd", severity: "warning", message: `the Dockerfile CMD starts Flask's development server (${start.join(" ")})`, source: { file: "Dockerfile", line } });
  }

  const apps = facts.reduce((n, f) => n + f.apps.length + f.factories.length, 0);
  if (!apps) {
    const looked = files.python.slice(0, 15).join(", ") + (files.python.length > 15 ? `, … (${files.python.length} in all)` : "");
    throw new FlaskpackError(
      "NO_FLASK_APP",
      `no Flask app found in ${dir}: looked for Flask(...) assignments and create_app/make_app factories in ${files.python.length} Python file(s)` +
        (files.python.length ? ` (${looked})` : "") +
        `, and read ${[".flaskenv", ".env", "Procfile", "Dockerfile"].filter((n) => files.all.includes(n)).join(", ") || "no .flaskenv, .env, Procfile or Dockerfile"}`,
      "point flaskpack at the directory that holds your Flask app (the one with `app = Flask(__name__)` or `create_app()`)",
      { filesScanned: files.all.length, pythonFiles: files.python, skipped: files.skipped },
    );
  }

  progress.detail("ranking entry points");
  const ranked = rankEntries({ facts, resolver, rootOf, flaskApp, commands });
  const entry = ranked[0] ?? null;
  const appDef = entry ? appOfEntry(entry.module, entry.object, entry.kind, modules, resolver) : undefined;

  progress.detail("building the url map");
  const urlMap = buildUrlMap(facts, resolver, appDef);
  for (const p of urlMap.problems) problems.push({ id: "routes", severity: "warning", message: p.message, source: p.source });
  const routes = urlMap.routes;
  let staticRoute: AppModel["staticRoute"];
  const assets: AppModel["assets"] = { templates: [], static: [], writablePaths: [] };
  const isDir = (rel: string) => files.all.some((f) => f.startsWith(`${rel}/`));
  const appDefs = appDef?.kind === "app" ? [appDef] : facts.flatMap((f) => f.apps.map((a) => ({ kind: "app" as const, facts: f, def: a })));
  for (const a of appDefs) {
    const { facts: f, def } = a;
    const tpl = folderOf(f, def.templateFolder ?? "templates");
    if (isDir(tpl) && !assets.templates.includes(tpl)) assets.templates.push(tpl);
    if (def.staticFolder === null) continue;
    const folder = folderOf(f, def.staticFolder ?? "static");
    if (isDir(folder) && !assets.static.includes(folder)) assets.static.push(folder);
    if (def.dynamic?.length) {
      problems.push({ id: "routes", severity: "info", message: `${def.dynamic.join(", ")} is not a literal; the static route is a guess`, source: { file: f.file, line: def.line } });
    }
    const urlPath = def.staticUrlPath ?? `/${(def.staticFolder ?? "static").replace(/\/+$/, "").split("/").pop()}`;
    if (!staticRoute) {
      staticRoute = { urlPath, folder, files: files.all.filter((x) => x.startsWith(`${folder}/`)).map((x) => x.slice(folder.length + 1)) };
      routes.push({
        rule: `${urlPath.replace(/\/+$/, "")}/<path:filename>`, methods: ["GET"], endpoint: "static",
        converters: [{ name: "filename", type: "path" }], source: { file: f.file, line: def.line }, confidence: def.dynamic ? "unknown" : "static",
      });
    }
  }
  for (const f of facts)
    for (const bp of f.blueprints) {
      if (!urlMap.blueprintsUsed.has(defKey({ kind: "blueprint", facts: f, def: bp }))) continue;
      if (bp.templateFolder && isDir(folderOf(f, bp.templateFolder)) && !assets.templates.includes(folderOf(f, bp.templateFolder))) assets.templates.push(folderOf(f, bp.templateFolder));
      if (bp.staticFolder && isDir(folderOf(f, bp.staticFolder)) && !assets.static.includes(folderOf(f, bp.staticFolder))) assets.static.push(folderOf(f, bp.staticFolder));
    }
  for (const r of routes) if (r.confidence === "unknown" && r.source)
    problems.push({ id: "dynamic-route", severity: "info", message: `rule ${r.rule} is built at run time; only a url_map dump (flaskpack slim) can know it`, source: r.source });
  // Flask puts the instance folder beside the app's top-level module or package: instance/ at the root, or
  // src/instance/ for an app imported from src/ (gunicorn --chdir src).
  const instanceDir = ranked[0]?.chdir ? posix.join(ranked[0].chdir, "instance") : "instance";
  if (isDir(instanceDir) || appDefs.some((a) => a.def.instanceRelative)) assets.instanceFolder = instanceDir;
  // from_pyfile reads relative to the instance folder with instance_relative_config=True, else to the app's root.
  const instanceRelative = appDefs.some((a) => a.def.instanceRelative);
  const configFiles = facts.flatMap((f) =>
    f.configFiles.map((c) => {
      const path = posix.normalize(instanceRelative ? posix.join(instanceDir, c.name) : posix.join(posix.dirname(f.file), c.name));
      return { path, required: !c.silent, exists: listed.has(path), source: { file: f.file, line: c.line } };
    }),
  );
  if (configFiles.length) assets.configFiles = configFiles;

  progress.detail("reading dependencies");
  let deps = declaredDependencies(files, text, problems);
  // Nothing declared at the top, and the app lives in a subdirectory run with --chdir (backend/app.py next to
  // backend/requirements.txt): its declarations are there.
  const sub = ranked[0]?.chdir;
  if (sub && !deps.dependencies.length && !deps.devDependencies.length) {
    const inSub = declaredDependencies(files, text, problems, `${sub.replace(/\/+$/, "")}/`);
    if (inSub.dependencies.length || inSub.devDependencies.length) deps = inSub;
  }
  // Flask-SQLAlchemy 3 reads a relative "sqlite:///site.db" as instance/site.db, and creates the instance folder.
  const sqlaPin = deps.dependencies.find((d) => d.normalized === "flask-sqlalchemy")?.specifier ?? "";
  const sqlaInInstance = facts.some((f) => f.importRoots.has("flask_sqlalchemy")) && !/^(==|<|~=)\s*[0-2]\./.test(sqlaPin);
  for (const f of facts)
    for (const w of f.writable) {
      const inInstance = sqlaInInstance && w.why === "sqlite database" && !w.path.startsWith("/") && !w.path.includes("://");
      const path = inInstance ? posix.join(instanceDir, w.path) : w.path;
      if (inInstance) assets.instanceFolder ??= instanceDir;
      if (!assets.writablePaths.includes(path)) assets.writablePaths.push(path);
    }
  const server: AppModel["server"] = { declared: SERVERS.filter((s) => deps.dependencies.some((d) => d.normalized === s)), chosen: "gunicorn" };

  const localModules = [...new Set(facts.map((f) => f.module.split(".")[0]))].sort();
  const { undeclaredImports, unusedDependencies } = importCheck(facts, deps, new Set(localModules));

  const env = envVars(facts, dotenv);
  const secrets: Finding[] = facts.flatMap((f) => f.secrets.map((s) => ({ id: s.id, severity: s.severity, message: s.message, source: { file: f.file, line: s.line } })));
  for (const e of dotenv.get(".env") ?? [])
    if (isSecretName(e.name) && e.value)
      secrets.push({ id: "secret-in-dotenv", severity: "warning", message: `${e.name} has a value in .env, which a plain COPY would put in the image (keep .env in .dockerignore)`, source: { file: ".env", line: e.line } });
    else if (urlHasCredentials(e.value))
      secrets.push({ id: "secret-in-dotenv", severity: "warning", message: `${e.name} in .env holds a URL with a password`, source: { file: ".env", line: e.line } });

  for (const f of facts) for (const d of f.debug) debugRisks.push({ id: d.id, severity: d.severity, message: d.message, source: { file: f.file, line: d.line } });
  for (const name of [".flaskenv", ".env"])
    for (const e of dotenv.get(name) ?? [])
      if ((e.name === "FLASK_DEBUG" && /^(1|true|yes|on)$/i.test(e.value)) || (e.name === "FLASK_ENV" && e.value === "development"))
        debugRisks.push({ id: "debug-true", severity: "warning", message: `${e.name}=${e.value} in ${name} turns on the debugger if this file reaches the image`, source: { file: name, line: e.line } });

  const model: AppModel = {
    schemaVersion: 1,
    root,
    entry,
    alternatives: ranked.slice(1),
    routes,
    ...(staticRoute ? { staticRoute } : {}),
    port: portOf(facts, appDef, commands, dockerfile, dotenv, Boolean(flaskApp)),
    python: pythonWanted(text, deps),
    dependencies: deps.dependencies,
    devDependencies: deps.devDependencies,
    undeclaredImports,
    unusedDependencies,
    localModules,
    server,
    env,
    secrets,
    assets,
    services: servicesOf(facts, dotenv, deps.dependencies),
    debugRisks,
    problems,
    filesScanned: files.all.length,
    seconds: 0,
  };
  model.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  progress.step(`analyzed ${files.all.length} files in ${model.seconds.toFixed(2)} s`);
  return model;
}

function appOfEntry(module: string, object: string, kind: "object" | "factory", modules: Map<string, FileFacts>, r: Resolver): Def | undefined {
  const f = modules.get(module);
  if (!f) return undefined;
  const d = r.resolve(f, "", object);
  if (d?.kind === "factory") return r.factoryApp(d);
  return d?.kind === "app" || kind === "object" ? d : undefined;
}

function portOf(
  facts: FileFacts[], app: Def | undefined, commands: Evidence["commands"], dockerfile: ReturnType<typeof parseDockerfile> | undefined,
  dotenv: Map<string, ReturnType<typeof parseDotenv>>, flaskCli: boolean,
): AppModel["port"] {
  const runs = facts.flatMap((f) => f.runs.map((r) => ({ f, r })));
  const own = app?.kind === "app" ? runs.filter(({ f, r }) => f === app.facts && r.target === app.def.var) : [];
  for (const { f, r } of [...own, ...runs])
    if (r.port?.value)
      return { value: r.port.value, from: `${r.target}.run(port=...)${r.port.envVar ? ` reading ${r.port.envVar}` : ""}`, source: { file: f.file, line: r.line }, ...(r.port.envVar ? { envVar: r.port.envVar } : {}) };
  for (const c of commands)
    if (c.cmd.port?.value || c.cmd.port?.envVar)
      return { value: c.cmd.port.value ?? 8000, from: `${c.reason} bind`, source: { file: c.file, line: c.line }, ...(c.cmd.port.envVar ? { envVar: c.cmd.port.envVar } : {}) };
  const expose = dockerfile?.expose[0];
  if (expose) return { value: expose.port, from: "Dockerfile EXPOSE", source: { file: "Dockerfile", line: expose.line } };
  for (const name of [".flaskenv", ".env"])
    for (const e of dotenv.get(name) ?? [])
      if ((e.name === "FLASK_RUN_PORT" || e.name === "PORT") && /^\d+$/.test(e.value))
        return { value: Number(e.value), from: `${e.name} in ${name}`, source: { file: name, line: e.line }, envVar: e.name };
  const envOnly = runs.find(({ r }) => r.port?.envVar);
  if (envOnly) return { value: 5000, from: `${envOnly.r.port!.envVar} has no default; Flask's default port`, source: { file: envOnly.f.file, line: envOnly.r.line }, envVar: envOnly.r.port!.envVar };
  if (runs.length || flaskCli) return { value: 5000, from: "Flask's default port (app.run / flask run without a port)", ...(runs[0] ? { source: { file: runs[0].f.file, line: runs[0].r.line } } : {}) };
  return { value: 8000, from: "gunicorn's default port" };
}

function pythonWanted(text: (rel: string) => string | undefined, deps: Declared & { pythonFrom?: string; lockedNames?: string[] }): AppModel["python"] {
  let wanted: string | undefined;
  let from: string | undefined;
  for (const f of [".python-version", "runtime.txt", ".tool-versions"]) {
    const t = text(f);
    const v = t === undefined ? undefined : pythonVersionFrom(f, t);
    if (v) { wanted = v; from = f; break; }
  }
  if (!wanted && deps.python) { wanted = deps.python; from = deps.pythonFrom; }
  const out: AppModel["python"] = { provided: BASE_PYTHON };
  if (!wanted) return out;
  out.wanted = wanted;
  out.from = from;
  const spec = /^\d/.test(wanted) ? wanted.split(".").slice(0, 2).join(".") : wanted;
  try {
    out.satisfied = /^\d/.test(wanted) ? spec === BASE_PYTHON : satisfies(`${BASE_PYTHON}.2`, wanted.replace(/\s+/g, ""));
  } catch {
    /* an unreadable specifier leaves `satisfied` unknown */
  }
  return out;
}

const DEV_FILE = /(dev|test|lint|doc|local|ci|check|style|typing)/i;

function declaredDependencies(files: ProjectFiles, text: (rel: string) => string | undefined, problems: Finding[], base = ""): Declared & { pythonFrom?: string; lockedNames?: string[] } {
  const out: Declared & { pythonFrom?: string; lockedNames?: string[] } = { dependencies: [], devDependencies: [], problems: [] };
  const seen = new Set<string>();
  const readReq = (rel: string, dev: boolean, depth = 0): void => {
    if (seen.has(rel) || depth > 5) return;
    seen.add(rel);
    const t = text(rel);
    if (t === undefined) {
      if (depth) problems.push({ id: "requirements", severity: "warning", message: `${rel} is included with -r but does not exist` });
      return;
    }
    const r = parseRequirements(t, rel);
    (dev ? out.devDependencies : out.dependencies).push(...r.dependencies);
    for (const p of r.problems) problems.push({ id: "requirements", severity: "warning", message: `${rel}:${p.line}: ${p.message}`, source: { file: rel, line: p.line } });
    const dir = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/") + 1) : "";
    for (const inc of r.includes) readReq(normalizePath(dir + inc), dev, depth + 1);
  };
  const reqFiles = files.all.filter((f) => f.startsWith(base) && /^(requirements\/[^/]+\.(txt|in)|requirements[^/]*\.txt)$/.test(f.slice(base.length)));
  const isDev = (f: string) => DEV_FILE.test(f.slice(base.length).replace(/^requirements/, ""));
  const main = reqFiles.filter((f) => f === `${base}requirements.txt` || (!isDev(f) && f.endsWith(".txt")));
  for (const f of main.includes(`${base}requirements.txt`) ? [`${base}requirements.txt`] : main) readReq(f, false);
  for (const f of reqFiles.filter((f) => isDev(f) && f.endsWith(".txt"))) readReq(f, true);
  const add = (d: Declared, file: string) => {
    out.dependencies.push(...d.dependencies);
    out.devDependencies.push(...d.devDependencies);
    if (d.python && !out.python) { out.python = d.python; out.pythonFrom = file; }
    for (const p of d.problems) problems.push({ id: "requirements", severity: "warning", message: p.message, source: { file, line: 1 } });
  };
  const pyproject = text(`${base}pyproject.toml`);
  if (pyproject !== undefined) add(parsePyproject(pyproject), `${base}pyproject.toml`);
  const pipfile = text(`${base}Pipfile`);
  if (pipfile !== undefined) add(parsePipfile(pipfile), `${base}Pipfile`);
  for (const lock of ["Pipfile.lock", "poetry.lock", "uv.lock"].map((l) => `${base}${l}`)) {
    const t = text(lock);
    if (t === undefined) continue;
    try {
      const pins = parseLock(t, lock);
      for (const d of [...out.dependencies, ...out.devDependencies]) {
        const p = pins.get(d.normalized);
        if (p && !d.locked) {
          d.locked = p.version;
          if (p.hashes?.length && !d.hashes) d.hashes = p.hashes;
        }
      }
      out.lockedNames = [...(out.lockedNames ?? []), ...pins.keys()];
    } catch (e) {
      problems.push({ id: "requirements", severity: "warning", message: `${lock}: ${(e as Error).message.split("\n")[0]}`, source: { file: lock, line: 1 } });
    }
  }
  const dedupe = (list: Dependency[]) => list.filter((d, i) => list.findIndex((x) => x.normalized === d.normalized) === i);
  out.dependencies = dedupe(out.dependencies);
  out.devDependencies = dedupe(out.devDependencies).filter((d) => !out.dependencies.some((m) => m.normalized === d.normalized));
  return out;
}

function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "..") out.pop();
    else if (part && part !== ".") out.push(part);
  }
  return out.join("/");
}

function providersOf(importRoot: string): string[] {
  const n = normalizeName(importRoot);
  return [n, ...(IMPORT_PROVIDERS[importRoot] ?? []), `python-${n}`, `${n}-python`, `py${n}`];
}

function importCheck(facts: FileFacts[], deps: Declared & { lockedNames?: string[] }, local: Set<string>) {
  const expand = (list: Dependency[]) => {
    const names = new Set(list.map((d) => d.normalized));
    for (const n of [...names]) for (const b of BRINGS[n] ?? []) names.add(b);
    for (const n of deps.lockedNames ?? []) names.add(n);
    return names;
  };
  const mainNames = expand(deps.dependencies);
  const allNames = expand([...deps.dependencies, ...deps.devDependencies]);
  const undeclared = new Map<string, SourceRef>();
  const used = new Set<string>();
  for (const f of facts) {
    const names = TEST_FILE.test(f.file) ? allNames : mainNames;
    for (const [root, line] of f.importRoots) {
      if (STDLIB.has(root) || local.has(root) || root.startsWith("_")) continue;
      const providers = providersOf(root);
      for (const p of providers) used.add(p);
      if (!providers.some((p) => names.has(p)) && !undeclared.has(root)) undeclared.set(root, { file: f.file, line });
    }
  }
  const usedVia = new Set(used);
  for (const u of used) for (const b of BRINGS[u] ?? []) usedVia.add(b);
  return {
    undeclaredImports: [...undeclared].map(([module, source]) => ({ module, source })),
    unusedDependencies: deps.dependencies
      .filter((d) => !d.local && !usedVia.has(d.normalized) && !USED_WITHOUT_IMPORT.has(d.normalized))
      .map((d) => d.normalized),
  };
}

function envVars(facts: FileFacts[], dotenv: Map<string, ReturnType<typeof parseDotenv>>): EnvVar[] {
  const byName = new Map<string, EnvVar>();
  const add = (e: EnvVar) => {
    const prev = byName.get(e.name);
    if (!prev) return void byName.set(e.name, e);
    if (e.required) prev.required = true;
    if (prev.default === undefined && e.default !== undefined && !prev.secret) prev.default = e.default;
  };
  for (const f of facts) {
    for (const e of f.env) {
      const secret = isSecretName(e.name);
      add({ name: e.name, ...(e.default !== undefined ? { default: e.default } : {}), required: e.required, how: e.how, source: { file: f.file, line: e.line }, secret });
    }
    for (const p of f.prefixedEnv)
      add({ name: `${p.prefix}_*`, required: false, how: "from_prefixed_env", source: { file: f.file, line: p.line }, secret: false });
  }
  for (const [file, entries] of dotenv)
    for (const e of entries) {
      const secret = isSecretName(e.name) || urlHasCredentials(e.value);
      add({ name: e.name, ...(secret || !e.value ? {} : { default: e.value }), required: false, how: file, source: { file, line: e.line }, secret });
    }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Database drivers SQLAlchemy loads from the URL's scheme, so the app's code never imports them. */
const DRIVER_SERVICES: Record<string, AppModel["services"][number]["kind"]> = {
  psycopg2: "postgres", "psycopg2-binary": "postgres", psycopg: "postgres", "psycopg-binary": "postgres", asyncpg: "postgres", pg8000: "postgres",
  pymysql: "mysql", mysqlclient: "mysql", "mysql-connector-python": "mysql", redis: "redis", pymongo: "mongodb",
};

function servicesOf(facts: FileFacts[], dotenv: Map<string, ReturnType<typeof parseDotenv>>, dependencies: Dependency[]): AppModel["services"] {
  const out: AppModel["services"] = [];
  const add = (kind: AppModel["services"][number]["kind"], evidence: string, source?: SourceRef) => {
    if (!out.some((s) => s.kind === kind)) out.push({ kind, evidence, ...(source ? { source } : {}) });
  };
  for (const f of facts) for (const [root, line] of f.importRoots) if (IMPORT_SERVICES[root]) add(IMPORT_SERVICES[root], `import ${root}`, { file: f.file, line });
  for (const f of facts) for (const u of f.urls) add(u.kind as AppModel["services"][number]["kind"], `${u.url.split(":")[0]}:// URL`, { file: f.file, line: u.line });
  for (const [file, entries] of dotenv)
    for (const e of entries) {
      const kind = serviceForUrl(e.value);
      if (kind) add(kind, `${e.name} in ${file}`, { file, line: e.line });
    }
  for (const d of dependencies) {
    const kind = DRIVER_SERVICES[d.normalized];
    if (kind) add(kind, `${d.name} declared`, { file: d.from.split(":")[0], line: Number(d.from.split(":")[1] ?? 1) || 1 });
  }
  return out;
}

export type { ServerCommand };
