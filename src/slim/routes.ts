/** Routes of the app as the image itself sees them: import the app in the image and dump its url_map. */
import type { AppModel } from "../analyze/model.ts";
import { FlaskpackError } from "../errors.ts";
import { imageFacts, runOnce } from "./engine.ts";
import { probesFor, type Probe, type RouteDump } from "./probes.ts";

const MARK = "@@FLASKPACK-ROUTES@@";

/** Imports `module:object` or `module:factory(args)` the way gunicorn does and prints the url_map as JSON. */
export const DUMP_SNIPPET = `
import importlib, json, os, sys
if len(sys.argv) > 2 and sys.argv[2]:
    os.chdir(sys.argv[2])  # gunicorn --chdir
sys.path.insert(0, os.getcwd())
mod_name, _, expr = sys.argv[1].partition(":")
mod = importlib.import_module(mod_name)
if not expr:
    app = next(v for v in vars(mod).values() if hasattr(v, "url_map") and hasattr(v, "wsgi_app"))
elif "(" in expr:
    app = eval(expr, vars(mod))
else:
    app = mod
    for part in expr.split("."):
        app = getattr(app, part)
rules = [{"rule": r.rule, "methods": sorted(r.methods or []), "endpoint": r.endpoint} for r in app.url_map.iter_rules()]
static = set()
def walk(folder, url):
    if not folder or url is None or not os.path.isdir(folder):
        return
    for root, dirs, files in os.walk(folder):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), folder).replace(os.sep, "/")
            static.add(url.rstrip("/") + "/" + rel)
if app.has_static_folder:
    walk(app.static_folder, app.static_url_path)
for name, bp in app.blueprints.items():
    if bp.has_static_folder:
        for r in app.url_map.iter_rules():
            if r.endpoint == name + ".static":
                walk(bp.static_folder, r.rule.split("<")[0])
print("${MARK}" + json.dumps({"rules": rules, "staticFiles": sorted(static)}))
`;

/** The WSGI target the image serves: from the AppModel, else from a gunicorn/waitress/uwsgi command line. */
export function appTarget(argv: string[], env: string[] = [], app?: AppModel): string | undefined {
  if (app?.entry?.target) return app.entry.target;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^(-b|--bind|-w|--workers|-k|--worker-class|-c|--config|--chdir|-t|--timeout|--threads|--log-level|--access-logfile|--error-logfile|--pythonpath|-e|--env)$/.test(a)) {
      i++;
      continue;
    }
    if (/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/.test(a)) return a;
    const call = /^--call$/.test(a) ? argv[i + 1] : undefined;
    if (call) return call;
  }
  const script = argv.findIndex((a) => /^(?:\S*\/)?python[\d.]*$/.test(a));
  const file = script >= 0 ? argv.slice(script + 1).find((a) => /^[\w./-]+\.py$/.test(a)) : undefined;
  if (file) return `${file.replace(/^\.\//, "").replace(/\.py$/, "").replace(/\//g, ".")}:`;
  const flaskApp = env.find((e) => e.startsWith("FLASK_APP="))?.slice("FLASK_APP=".length);
  if (flaskApp) return flaskApp.includes(":") ? flaskApp : `${flaskApp.replace(/\.py$/, "")}:app`;
  return undefined;
}

export async function dumpRoutes(image: string, opts: { app?: AppModel; env?: Record<string, string>; network?: string } = {}): Promise<RouteDump> {
  const facts = await imageFacts(image);
  const argv = [...(facts.config.Entrypoint ?? []), ...(facts.config.Cmd ?? [])];
  const target = appTarget(argv, facts.config.Env, opts.app);
  if (!target) {
    throw new FlaskpackError("NO_FLASK_APP", `cannot tell which Flask app ${image} serves from its command (${argv.join(" ") || "none"}).`, "run slim on the project directory so analyze finds the app, or use a gunicorn command like `gunicorn app:app`");
  }
  // gunicorn --chdir (code under src/ or backend/): import from there, as gunicorn does.
  const at = argv.indexOf("--chdir");
  const chdir = at >= 0 ? argv[at + 1] : opts.app?.entry?.chdir ? `${(facts.config.WorkingDir || "/app").replace(/\/+$/, "")}/${opts.app.entry.chdir}` : "";
  const out = await runOnce(image, ["python3", "-c", DUMP_SNIPPET], [target, chdir ?? ""], { user: facts.config.User || undefined, env: opts.env, what: `importing ${target} to list its routes`, network: opts.network });
  const line = out.split("\n").find((l) => l.startsWith(MARK));
  if (!line) throw new FlaskpackError("RUN_FAILED", `importing ${target} in ${image} printed no routes.`, undefined, { output: out });
  return JSON.parse(line.slice(MARK.length)) as RouteDump;
}

/** Probes for every route: the dynamic url_map dump, merged with the static routes analyze found. */
export async function discoverRoutes(image: string, app?: AppModel, env?: Record<string, string>): Promise<Probe[]> {
  const dump = await dumpRoutes(image, { app, env });
  return probesFor(mergeStatic(dump, app));
}

export function mergeStatic(dump: RouteDump, app?: AppModel): RouteDump {
  const known = new Set(dump.rules.map((r) => r.rule));
  const rules = [...dump.rules];
  for (const r of app?.routes ?? []) if (!known.has(r.rule)) rules.push({ rule: r.rule, methods: [...new Set([...r.methods, "HEAD", "OPTIONS"])], endpoint: r.endpoint });
  const staticFiles = [...dump.staticFiles];
  if (app?.staticRoute) for (const f of app.staticRoute.files) {
    const url = `${app.staticRoute.urlPath.replace(/\/$/, "")}/${f}`;
    if (!staticFiles.includes(url)) staticFiles.push(url);
  }
  return { rules, staticFiles };
}
