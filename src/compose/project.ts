/**
 * Multi-service projects (a Flask backend and a JavaScript frontend side by side, as in seed 003): find the
 * services under a root, write one compose file for all of them, and the frontend's production image (its
 * build output served by nginx as a non-root user, /api/ proxied to the backend service).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { AppModel } from "../analyze/model.ts";
import { baseTag } from "../base/index.ts";
import { FlaskpackError } from "../errors.ts";
import { composeServices, projectName, renderParts, type ComposeParts } from "../generate/compose.ts";
import { silentProgress, type Progress } from "../util/progress.ts";

export const FRONTEND_BASE_PACKAGES = ["nginx-light"];
export const FRONTEND_PORT = 8080;
/** Labels on a frontend's compose service that tell `up` how to produce its build output first. */
export const LABEL_FRONTEND_BUILD = "org.flaskpack.frontend.build";
export const LABEL_FRONTEND_OUT = "org.flaskpack.frontend.out";
export const LABEL_FRONTEND_ENV = "org.flaskpack.frontend.env";
export const LABEL_BASE_PACKAGES = "org.flaskpack.base.packages";

export interface BackendService {
  name: string;
  dir: string;
  app: AppModel;
}

export interface FrontendService {
  name: string;
  dir: string;
  framework: "vite" | "create-react-app" | "other";
  /** npm script that makes the production build. */
  buildScript: string;
  /** Directory the build writes (dist for Vite, build for Create React App). */
  outDir: string;
  /** Variables the source reads for the backend's address (REACT_APP_BACKEND_URL, VITE_BACKEND_URL, ...). */
  backendUrlVars: string[];
}

export interface ProjectLayout {
  root: string;
  backends: BackendService[];
  frontends: FrontendService[];
}

const SKIP = new Set(["node_modules", ".git", ".venv", "venv", "dist", "build", "__pycache__"]);

/** The services of a project: the root and each direct subdirectory that is a Flask app or a JS frontend. */
export async function detectProject(rootArg: string): Promise<ProjectLayout> {
  const root = resolve(rootArg);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new FlaskpackError("NOT_FOUND", `${rootArg} is not a directory.`, "give the project's root directory");
  const { analyze } = await import("../analyze/index.ts");
  const backends: BackendService[] = [];
  const frontends: FrontendService[] = [];
  const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !SKIP.has(d.name) && !d.name.startsWith(".")).map((d) => join(root, d.name));
  for (const dir of dirs) {
    const fe = frontendIn(dir);
    if (fe) {
      frontends.push(fe);
      continue;
    }
    if (!readdirSync(dir).some((f) => f.endsWith(".py"))) continue;
    const app = await analyze(dir);
    if (app.entry) backends.push({ name: serviceName(dir), dir, app });
  }
  return { root, backends, frontends };
}

/**
 * True when `init` at this directory should write one compose file for several services: no Python app at the
 * top, and a Flask backend in a subdirectory next to a frontend or another backend (seed 003's layout).
 */
export async function isMultiServiceRoot(dirArg: string): Promise<boolean> {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || readdirSync(dir).some((f) => f.endsWith(".py") || f === "requirements.txt" || f === "pyproject.toml")) return false;
  const layout = await detectProject(dir);
  return layout.backends.length >= 1 && layout.backends.length + layout.frontends.length >= 2;
}

function serviceName(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[-_]+/, "") || "app";
}

/** A JavaScript frontend: package.json with a build script and a browser framework. */
export function frontendIn(dir: string): FrontendService | undefined {
  const pkgFile = join(dir, "package.json");
  if (!existsSync(pkgFile)) return undefined;
  let pkg: { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  } catch {
    return undefined;
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const build = pkg.scripts?.build;
  if (!build) return undefined;
  const framework = deps.vite || /\bvite\b/.test(build) ? "vite" : deps["react-scripts"] || /react-scripts/.test(build) ? "create-react-app" : "other";
  if (framework === "other" && !deps.react && !deps.vue && !deps.svelte) return undefined;
  return { name: serviceName(dir), dir, framework, buildScript: "build", outDir: framework === "create-react-app" ? "build" : "dist", backendUrlVars: backendUrlVars(dir) };
}

/** Names like REACT_APP_BACKEND_URL or VITE_API_URL read in the frontend's source. */
export function backendUrlVars(dir: string): string[] {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?[jt]sx?|vue|svelte)$/.test(e.name)) {
        for (const m of readFileSync(p, "utf8").matchAll(/(?:process\.env|import\.meta\.env)\.((?:REACT_APP|VITE)_[A-Z0-9_]*(?:BACKEND|API)[A-Z0-9_]*)/g)) found.add(m[1]);
      }
    }
  };
  for (const sub of ["src", "app", "pages"]) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return [...found].sort();
}

export interface ProjectInitOptions {
  force?: boolean;
  /** Prefix of the image names (default: the root directory's name). */
  project?: string;
  /** Host ports: backend (default its own port) and frontend (default 3000); 0 lets the engine pick. */
  backendHostPort?: number;
  frontendHostPort?: number;
  /** Build (or reuse) the base images so the Dockerfiles' FROM exist (default true). */
  ensureBase?: boolean;
  progress?: Progress;
}

export interface ProjectInitResult {
  root: string;
  layout: { backends: string[]; frontends: string[] };
  files: { path: string; action: "written" | "overwritten" | "skipped-exists" }[];
  warnings: string[];
}

/** Writes compose.yaml (+ .env, .env.example) at the root and each service's Dockerfile. */
export async function initProject(rootArg: string, opts: ProjectInitOptions = {}): Promise<ProjectInitResult> {
  const progress = opts.progress ?? silentProgress;
  const layout = await detectProject(rootArg);
  const root = layout.root;
  if (layout.backends.length === 0) {
    throw new FlaskpackError("NO_FLASK_APP", `no Flask backend found in ${root} or its subdirectories.`, "run flaskpack init in the Flask app's directory");
  }
  const warnings: string[] = [];
  const files: ProjectInitResult["files"] = [];
  const write = (path: string, content: string, keepExisting = false) => {
    const exists = existsSync(path);
    const rel = relative(root, path);
    if (exists && (!opts.force || keepExisting)) return files.push({ path: rel, action: "skipped-exists" });
    writeFileSync(path, content, path.endsWith(".env") ? { mode: 0o600 } : undefined);
    files.push({ path: rel, action: exists ? "overwritten" : "written" });
  };

  const { init } = await import("../generate/index.ts");
  const project = opts.project ?? projectName({ root } as AppModel);
  const frontendHost = opts.frontendHostPort ?? 3000;
  const merged: ComposeParts = { services: {}, volumes: {}, env: [] };
  for (const be of layout.backends) {
    progress.step(`backend ${be.name}: writing its Dockerfile`);
    const r = await init(be.dir, { force: opts.force, ensureBase: opts.ensureBase, progress });
    for (const f of r.files) if (f.path !== "compose.yaml" && f.path !== ".env" && f.path !== ".env.example") files.push({ path: join(relative(root, be.dir), f.path), action: f.action === "skipped-exists" ? "skipped-exists" : f.action === "overwritten" ? "overwritten" : "written" });
    warnings.push(...r.warnings.map((w) => `${be.name}: ${w}`));
    const port = r.plan.port;
    const hostPort = opts.backendHostPort ?? port;
    const environment: Record<string, string> = {};
    const names = new Set(be.app.env.map((e) => e.name));
    // CORS and self-links as the browser sees them: the published addresses on this machine.
    if (names.has("FRONTEND_URL")) environment.FRONTEND_URL = frontendHost ? `http://127.0.0.1:${frontendHost}` : "http://127.0.0.1";
    if (names.has("BACKEND_URL")) environment.BACKEND_URL = hostPort ? `http://127.0.0.1:${hostPort}` : "http://127.0.0.1";
    const parts = composeServices(be.app, r.plan, { service: be.name, build: `./${relative(root, be.dir)}`, image: `${project}-${be.name}:latest`, hostPort, project, environment });
    Object.assign(merged.services, parts.services);
    Object.assign(merged.volumes, parts.volumes);
    for (const e of parts.env) if (!merged.env.some((x) => x.name === e.name)) merged.env.push(e);
  }
  const backend = layout.backends[0];
  const backendPort = Number(String((merged.services[backend.name].environment as Record<string, string>).PORT));
  for (const fe of layout.frontends) {
    progress.step(`frontend ${fe.name}: ${fe.framework} production build served by nginx`);
    const base = baseTag(FRONTEND_BASE_PACKAGES).tag;
    if (opts.ensureBase ?? true) {
      const { buildBase } = await import("../base/index.ts");
      await buildBase({ packages: FRONTEND_BASE_PACKAGES, progress });
    }
    write(join(fe.dir, "Dockerfile.flaskpack"), frontendDockerfile(base, fe));
    write(join(fe.dir, "nginx.flaskpack.conf"), nginxConf(backend.name, backendPort));
    write(join(fe.dir, ".dockerignore"), `# Generated by flaskpack: the image needs only the build output and the server config.\n*\n!${fe.outDir}\n!nginx.flaskpack.conf\n`);
    const env = fe.backendUrlVars.length ? fe.backendUrlVars : fe.framework === "vite" ? ["VITE_BACKEND_URL"] : ["REACT_APP_BACKEND_URL"];
    merged.services[fe.name] = {
      build: { context: `./${relative(root, fe.dir)}`, dockerfile: "Dockerfile.flaskpack" },
      image: `${project}-${fe.name}:latest`,
      restart: "unless-stopped",
      labels: {
        [LABEL_FRONTEND_BUILD]: `npm run ${fe.buildScript}`,
        [LABEL_FRONTEND_OUT]: fe.outDir,
        // Empty backend URL: the page calls /api/... on its own origin, and nginx proxies that to the backend service.
        [LABEL_FRONTEND_ENV]: env.map((v) => `${v}=`).join(","),
        [LABEL_BASE_PACKAGES]: FRONTEND_BASE_PACKAGES.join(","),
      },
      ports: [frontendHost === 0 ? `127.0.0.1::${FRONTEND_PORT}` : `127.0.0.1:${frontendHost}:${FRONTEND_PORT}`],
      user: "33:33",
      read_only: true,
      tmpfs: ["/tmp"],
      cap_drop: ["ALL"],
      security_opt: ["no-new-privileges:true"],
      healthcheck: { test: ["CMD", "bash", "-c", staticProbe()], interval: "10s", timeout: "5s", retries: 6, start_period: "5s" },
      depends_on: { [backend.name]: { condition: "service_healthy" } },
    };
  }
  const out = renderParts(merged, project);
  write(join(root, "compose.yaml"), out.compose);
  if (out.env) write(join(root, ".env"), out.env, true);
  if (out.envExample) write(join(root, ".env.example"), out.envExample);
  return { root, layout: { backends: layout.backends.map((b) => b.name), frontends: layout.frontends.map((f) => f.name) }, files, warnings };
}

export function frontendDockerfile(base: string, fe: FrontendService): string {
  return [
    `# Generated by flaskpack: the production build of ${fe.name} (\`npm run ${fe.buildScript}\` → ${fe.outDir}/, made by`,
    "# `flaskpack up` before the image is built), served by nginx as www-data; /api/ goes to the backend service.",
    `FROM ${base}`,
    `COPY ${fe.outDir}/ /usr/share/flaskpack/www/`,
    "COPY nginx.flaskpack.conf /etc/nginx/flaskpack.conf",
    "USER 33:33",
    `EXPOSE ${FRONTEND_PORT}`,
    `HEALTHCHECK --interval=10s --timeout=5s --retries=6 CMD ${JSON.stringify(["bash", "-c", staticProbe()])}`,
    "STOPSIGNAL SIGQUIT",
    'CMD ["nginx", "-e", "stderr", "-c", "/etc/nginx/flaskpack.conf", "-g", "daemon off;"]',
    "",
  ].join("\n");
}

/** The static image has no curl and only python3-minimal (no http.client): bash's /dev/tcp speaks HTTP/1.0. */
function staticProbe(): string {
  return `exec 3<>/dev/tcp/127.0.0.1/${FRONTEND_PORT} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^HTTP/1.[01] 200' <&3`;
}

export function nginxConf(backendService: string, backendPort: number): string {
  return `# Generated by flaskpack: static files of the production build; /api/ proxied to the backend service.
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /dev/stdout;
  server_tokens off;
  sendfile on;
  client_body_temp_path /tmp/client_body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  server {
    listen ${FRONTEND_PORT};
    root /usr/share/flaskpack/www;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy strict-origin-when-cross-origin always;
    location /api/ {
      proxy_pass http://${backendService}:${backendPort};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
    location /assets/ {
      expires 1y;
      add_header Cache-Control "public, immutable";
    }
    location / {
      try_files $uri /index.html;
    }
  }
}
`;
}
