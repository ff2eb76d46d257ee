/**
 * k8s: Kubernetes manifests for a project directory (from its AppModel and build plan) or for a built image
 * (from its config and flaskpack's labels). Writes files only when asked, and never over existing ones
 * without force.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { AppModel } from "../analyze/model.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { k8sName, renderK8s, type K8sFacts, type K8sManifests, type K8sOptions } from "./render.ts";

export { renderK8s, k8sName, type K8sFacts, type K8sManifests, type K8sOptions, type K8sObject } from "./render.ts";

export interface K8sRunOptions extends K8sOptions {
  /** Image the Deployment runs (default for a directory: <name>:latest; for an image: the image itself). */
  image?: string;
  name?: string;
  /** Write the files into this directory. */
  out?: string;
  force?: boolean;
  progress?: Progress;
}

export interface K8sResult extends K8sManifests {
  facts: K8sFacts;
  /** "directory" or "image": where the facts came from. */
  from: "directory" | "image";
  written: string[];
}

const SERVICE_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306, redis: 6379, mongodb: 27017 };
const GUNICORN_DEFAULT_GRACEFUL = 30;

export async function k8s(dirOrImage: string, opts: K8sRunOptions = {}): Promise<K8sResult> {
  const progress = opts.progress ?? silentProgress;
  const isDir = existsSync(dirOrImage) && statSync(dirOrImage).isDirectory();
  progress.step(`reading ${isDir ? "the project" : "the image"} ${dirOrImage}`);
  const facts = isDir ? await factsFromDir(resolve(dirOrImage), opts) : await factsFromImage(dirOrImage, opts);
  const manifests = renderK8s(facts, opts);
  const written: string[] = [];
  if (opts.out) {
    const out = resolve(opts.out);
    mkdirSync(out, { recursive: true });
    const clash = Object.keys(manifests.files).filter((f) => existsSync(join(out, f)));
    if (clash.length && !opts.force) {
      throw new FlaskpackError("WOULD_OVERWRITE", `${out} already has ${clash.join(", ")}.`, "pass --force to overwrite them, or choose another --out directory");
    }
    for (const [f, text] of Object.entries(manifests.files)) {
      writeFileSync(join(out, f), text);
      written.push(join(out, f));
    }
  }
  return { ...manifests, facts, from: isDir ? "directory" : "image", written };
}

/** Facts from source: the same analysis and plan `init` uses. */
export async function factsFromDir(dir: string, opts: K8sRunOptions = {}): Promise<K8sFacts> {
  const { analyze } = await import("../analyze/index.ts");
  const { planFrom } = await import("../generate/plan.ts");
  const { gunicornCommand } = await import("../generate/render.ts");
  const app: AppModel = await analyze(dir);
  const plan = planFrom(app);
  const name = k8sName(opts.name ?? basename(dir));
  return {
    name,
    image: opts.image ?? `${name}:latest`,
    port: plan.port,
    healthPath: plan.healthPath,
    user: { uid: plan.user.uid, gid: plan.user.gid },
    writablePaths: plan.writablePaths,
    secretEnv: plan.runtimeEnv,
    gracefulTimeoutSeconds: gracefulTimeout(gunicornCommand(plan.entry, plan.chdir)),
    egressPorts: [...new Set(app.services.map((s) => SERVICE_PORTS[s.kind]).filter((p): p is number => Boolean(p)))],
  };
}

/** Facts from a built image: exposed port, USER, CMD, and the labels flaskpack's Dockerfile sets. */
export async function factsFromImage(image: string, opts: K8sRunOptions = {}): Promise<K8sFacts> {
  const { connectEngine, engineCall } = await import("../engine/connect.ts");
  const { docker } = await connectEngine();
  const info = await engineCall(`reading ${image}`, () => docker.getImage(image).inspect());
  const cfg = info.Config ?? ({} as typeof info.Config);
  const labels = cfg.Labels ?? {};
  if (!cfg.User || cfg.User === "0" || cfg.User.startsWith("0:") || cfg.User === "root") {
    throw new FlaskpackError("BAD_INPUT", `${image} runs as root; the manifests require runAsNonRoot.`, "build it with a non-root USER (flaskpack build does), then run k8s again");
  }
  const envPort = (cfg.Env ?? []).map((e) => e.match(/^PORT=(\d+)$/)?.[1]).find(Boolean);
  const exposed = Object.keys(cfg.ExposedPorts ?? {}).map((p) => Number(p.split("/")[0]));
  const port = exposed[0] ?? (envPort ? Number(envPort) : undefined);
  if (!port) throw new FlaskpackError("BAD_INPUT", `${image} exposes no port and sets no PORT.`, "build it with `flaskpack build` (which sets EXPOSE), or run `flaskpack k8s` on the project directory");
  const user = (cfg.User ?? "").match(/^(\d+)(?::(\d+))?$/);
  const healthPath = labels["org.flaskpack.health-path"] ?? healthPathFromCheck(cfg.Healthcheck?.Test ?? []);
  const name = k8sName(opts.name ?? image.replace(/@.*$/, "").replace(/:[^/:]*$/, "").split("/").pop() ?? "app");
  return {
    name,
    image: opts.image ?? image,
    port,
    healthPath,
    user: user ? { uid: Number(user[1]), gid: Number(user[2] ?? user[1]) } : undefined,
    writablePaths: (labels["org.flaskpack.writable"] ?? "").split(",").filter(Boolean),
    secretEnv: (labels["org.flaskpack.runtime-env"] ?? "").split(",").filter(Boolean),
    gracefulTimeoutSeconds: gracefulTimeout([...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])]),
    egressPorts: [],
  };
}

export function gracefulTimeout(command: string[]): number {
  const i = command.findIndex((a) => a === "--graceful-timeout" || a.startsWith("--graceful-timeout="));
  if (i < 0) return GUNICORN_DEFAULT_GRACEFUL;
  const v = command[i].includes("=") ? command[i].split("=")[1] : command[i + 1];
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : GUNICORN_DEFAULT_GRACEFUL;
}

export function healthPathFromCheck(test: string[]): string | undefined {
  return test.join(" ").match(/https?:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?(\/[^\s'")]*)/)?.[1];
}
