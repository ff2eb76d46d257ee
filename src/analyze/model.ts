/**
 * AppModel: everything flaskpack knows about a Flask project from its source, without importing it.
 * This is the JSON that `flaskpack analyze --json` prints and the input of init, lint, slim and ship.
 * Paths are relative to the project root, with forward slashes.
 */
export interface SourceRef {
  file: string;
  line: number;
}

export interface EntryCandidate {
  /** gunicorn target: "app:app", "pkg.wsgi:application", "blog:create_app()", "blog:create_app('prod')". */
  target: string;
  /** Python module to import ("blog", "pkg.wsgi") and the attribute or factory call. */
  module: string;
  object: string;
  kind: "object" | "factory";
  /** Factory call arguments as written, when kind = "factory" ("" for none). */
  factoryArgs?: string;
  /** How it was found: "Flask() assignment", "factory function", "FLASK_APP in .flaskenv", "wsgi.py", "Procfile", "Dockerfile CMD", ... */
  reason: string;
  source?: SourceRef;
  /** Higher is more likely. */
  score: number;
  /** Directory gunicorn must run from (`--chdir`) when the module lives under a source root such as "src". */
  chdir?: string;
}

export interface Route {
  /** The full rule with blueprint prefixes applied: "/post/<int:id>". */
  rule: string;
  methods: string[];
  endpoint: string;
  /** Converters in the rule, in order: [{name:"id", type:"int"}]. */
  converters: { name: string; type: string; args?: string }[];
  blueprint?: string;
  source?: SourceRef;
  /** "static" when read from source; "unknown" when the rule is built dynamically and only a dump can know it. */
  confidence: "static" | "unknown";
}

export interface Dependency {
  /** Name as declared, and PEP 503-normalized. */
  name: string;
  normalized: string;
  /** PEP 440 specifier ("==2.2.2", ">=2.2", "" for any). */
  specifier: string;
  extras: string[];
  marker?: string;
  /** Where it was declared: "requirements.txt:3", "pyproject.toml", "Pipfile", "poetry.lock". */
  from: string;
  /** Exact version when a lock file pins it. */
  locked?: string;
  /** Editable or local-path requirement ("-e .", "./libs/x"). */
  local?: string;
  hashes?: string[];
}

export interface EnvVar {
  name: string;
  /** Default as written in source, when there is one. */
  default?: string;
  /** os.environ["X"] (KeyError when missing) or from_envvar → required. */
  required: boolean;
  /** "os.environ[]", "os.environ.get", "os.getenv", "from_prefixed_env", "from_envvar", ".env", ".flaskenv" */
  how: string;
  source?: SourceRef;
  /** Name looks like it holds a secret (KEY, SECRET, TOKEN, PASSWORD, DATABASE_URL with credentials). */
  secret: boolean;
}

export interface Finding {
  id: string;
  severity: "error" | "warning" | "info";
  message: string;
  source?: SourceRef;
}

export interface AppModel {
  schemaVersion: 1;
  root: string;
  /** Best entry first; entry is entries[0]. */
  entry: EntryCandidate | null;
  alternatives: EntryCandidate[];
  routes: Route[];
  /** Static files served under static_url_path. */
  staticRoute?: { urlPath: string; folder: string; files: string[] };
  port: { value: number; from: string; source?: SourceRef; envVar?: string };
  python: {
    wanted?: string;
    from?: string;
    /** What flaskpack's Debian base provides ("3.11"), and whether it satisfies `wanted`. */
    provided?: string;
    satisfied?: boolean;
  };
  dependencies: Dependency[];
  /** Development-only dependencies (requirements-dev.txt, Poetry dev groups, Pipfile [dev-packages]): not for the image. */
  devDependencies?: Dependency[];
  /** Import roots seen in code that no dependency provides ("imported but not declared"). */
  undeclaredImports: { module: string; source: SourceRef }[];
  /** Declared distributions never imported (normalized names). */
  unusedDependencies: string[];
  /** Local top-level modules and packages of the project (so they are not taken for undeclared imports). */
  localModules: string[];
  server: { declared: ("gunicorn" | "waitress" | "uwsgi")[]; chosen: "gunicorn" };
  env: EnvVar[];
  secrets: Finding[];
  assets: {
    templates: string[];
    static: string[];
    instanceFolder?: string;
    /** Paths the app writes at run time (sqlite files, upload dirs) that need a writable volume. */
    writablePaths: string[];
    /**
     * Files loaded with app.config.from_pyfile, relative to the project. `required` (no silent=True): the app
     * fails at start without it; one under instance/ is this machine's config and is left out of the image.
     */
    configFiles?: { path: string; required: boolean; exists: boolean; source: SourceRef }[];
  };
  services: { kind: "postgres" | "mysql" | "redis" | "sqlite" | "mongodb"; evidence: string; source?: SourceRef }[];
  debugRisks: Finding[];
  /** Problems reading the project (syntax errors with file:line, skipped files). */
  problems: Finding[];
  filesScanned: number;
  seconds: number;
}
