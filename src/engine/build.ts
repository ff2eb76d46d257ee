/**
 * build: the project's own Dockerfile when it has one, else the generated one (in memory), built through the
 * Engine API with streamed progress, tagged <name>:<git sha or timestamp> and :latest, with OCI labels.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { connectEngine, engineCall } from "./connect.ts";
import { contextRules, contextTar, listContext } from "./context.ts";
import type { BuildPlan, DepsMode } from "../generate/index.ts";

export interface BuildOptions {
  /** "name" (tagged name:<sha|timestamp> and name:latest) or "name:tag" (only that). */
  tag?: string;
  deps?: DepsMode;
  base?: string;
  /** A Dockerfile path relative to the project (default: Dockerfile when it exists, else generated). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  progress?: Progress;
}

export interface BuildStep {
  n: number;
  instruction: string;
  cached: boolean;
}

export interface BuildResult {
  image: string;
  tags: string[];
  imageId: string;
  sizeBytes: number;
  layers: number;
  seconds: number;
  usedProjectDockerfile: boolean;
  dockerfile: string;
  cachedSteps: number;
  totalSteps: number;
  steps: BuildStep[];
  log: string[];
  labels: Record<string, string>;
  plan?: BuildPlan;
}

/** A Docker reference name from a directory name: lowercase, [a-z0-9._-], no leading separator. */
export function imageNameFor(dir: string): string {
  const n = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+|[._-]+$/g, "");
  return n || "app";
}

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync("git", ["-C", dir, ...args], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Revision facts: the commit when the tree is clean; a timestamp tag otherwise, so a dirty build never claims a commit's tag. */
export function revisionOf(dir: string, now = new Date()): { tag: string; revision?: string; source?: string } {
  const sha = git(dir, ["rev-parse", "HEAD"]);
  const dirty = sha ? git(dir, ["status", "--porcelain", "--", "."]) : undefined;
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace("T", "-");
  const source = git(dir, ["config", "--get", "remote.origin.url"]);
  if (sha && dirty === "") return { tag: sha.slice(0, 12), revision: sha, source };
  return { tag: stamp, revision: sha ? `${sha}-dirty` : undefined, source };
}

export function tagsFor(dir: string, tag: string | undefined, revisionTag: string): string[] {
  if (tag && /:[\w][\w.-]{0,127}$/.test(tag) && !tag.endsWith(":")) return [tag];
  const name = tag ?? imageNameFor(dir);
  return [`${name}:${revisionTag}`, `${name}:latest`];
}

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
  status?: string;
}

/** Parses the classic builder's stream into steps: "Step 3/9 : COPY . /app" then " ---> Using cache". */
export function parseBuildLog(lines: string[]): BuildStep[] {
  const steps: BuildStep[] = [];
  for (const line of lines) {
    const m = line.match(/^Step (\d+)\/(\d+) : (.*)$/);
    if (m) steps.push({ n: Number(m[1]), instruction: m[3], cached: false });
    else if (/^ ---> Using cache/.test(line) && steps.length) steps[steps.length - 1].cached = true;
  }
  return steps;
}

export async function build(dirArg: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FlaskpackError("NOT_FOUND", `${dirArg} is not a directory.`, "give the directory of a Flask project");
  const progress = opts.progress ?? silentProgress;
  const { docker } = await connectEngine();

  const dockerfileName = opts.dockerfile ?? "Dockerfile";
  const own = existsSync(join(dir, dockerfileName));
  if (opts.dockerfile && !own) throw new FlaskpackError("NOT_FOUND", `${opts.dockerfile} does not exist in ${dir}.`, "give a Dockerfile path relative to the project, or leave --dockerfile out to generate one");
  let dockerfile: string;
  let plan: BuildPlan | undefined;
  let generatedIgnore: string | undefined;
  if (own) {
    dockerfile = readFileSync(join(dir, dockerfileName), "utf8");
    progress.step(`using the project's own ${dockerfileName}`);
  } else {
    const gen = await import("../generate/index.ts");
    const { analyze } = (await import("../analyze/index.ts")) as { analyze: (d: string) => Promise<import("../analyze/model.ts").AppModel> };
    progress.step(`no ${dockerfileName} in the project: generating one`);
    const app = await analyze(dir);
    plan = await gen.planBuild(app, { deps: opts.deps, base: opts.base, progress });
    dockerfile = gen.renderDockerfile(plan);
    generatedIgnore = gen.renderDockerignore(app, gen.projectFacts(dir));
  }

  const rev = revisionOf(dir);
  const tags = tagsFor(dir, opts.tag, rev.tag);
  const labels: Record<string, string> = {
    "org.opencontainers.image.created": new Date().toISOString(),
    "org.opencontainers.image.title": imageNameFor(dir),
    "org.opencontainers.image.source": rev.source ?? `file://${dir}`,
    ...(rev.revision ? { "org.opencontainers.image.revision": rev.revision } : {}),
  };

  const { rules } = contextRules(dir, generatedIgnore);
  const entries = listContext(dir, rules);
  const extraName = own ? dockerfileName : "Dockerfile";
  // Like the docker CLI, the Dockerfile always travels with the context even when .dockerignore names it.
  const tar = contextTar(dir, entries, { [extraName]: dockerfile });
  progress.step(`building ${tags[0]} (${entries.filter((e) => e.type === "file").length} files in the context)`);

  const log: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
  const stream: NodeJS.ReadableStream = await engineCall("starting the build", () =>
    (docker.buildImage as (ctx: unknown, o: unknown) => Promise<NodeJS.ReadableStream>).call(docker, tar, {
      t: tags[0],
      dockerfile: extraName,
      labels: JSON.stringify(labels),
      buildargs: JSON.stringify(opts.buildArgs ?? {}),
      rm: true,
      forcerm: true,
      nocache: Boolean(opts.noCache),
    }),
  );
  await new Promise<void>((res, rej) =>
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? rej(err) : res()),
      (msg: BuildMessage) => {
        if (msg.error) failure = msg.errorDetail?.message ?? msg.error;
        if (msg.aux?.ID) imageId = msg.aux.ID;
        if (msg.stream) {
          for (const line of msg.stream.split("\n").map((l) => l.trimEnd()).filter(Boolean)) {
            log.push(line);
            if (/^Step \d+\/\d+ :/.test(line)) progress.step(line);
            else if (/Using cache/.test(line)) progress.detail("cache hit");
            else progress.detail(line);
          }
        }
      },
    ),
  ).catch((e: Error) => {
    failure ??= e.message;
  });
  const steps = parseBuildLog(log);
  if (failure || !imageId) {
    const failedStep = steps[steps.length - 1];
    throw new FlaskpackError(
      "BUILD_FAILED",
      `the build failed${failedStep ? ` at step ${failedStep.n} (${failedStep.instruction})` : ""}: ${(failure ?? "no image was produced").trim()}`,
      buildFix(failure ?? "", own),
      { log: log.slice(-30), steps, dockerfile },
    );
  }
  for (const t of tags.slice(1)) {
    const [repo, tag] = splitTag(t);
    await engineCall(`tagging ${t}`, () => docker.getImage(imageId!).tag({ repo, tag }));
  }
  const info = await engineCall("inspecting the new image", () => docker.getImage(imageId!).inspect());
  return {
    image: tags[0],
    tags,
    imageId: imageId,
    sizeBytes: info.Size,
    layers: info.RootFS?.Layers?.length ?? 0,
    seconds: (Date.now() - started) / 1000,
    usedProjectDockerfile: own,
    dockerfile,
    cachedSteps: steps.filter((s) => s.cached).length,
    totalSteps: steps.length,
    steps,
    log,
    labels,
    plan,
  };
}

export function splitTag(ref: string): [string, string] {
  const i = ref.lastIndexOf(":");
  return i > ref.lastIndexOf("/") ? [ref.slice(0, i), ref.slice(i + 1)] : [ref, "latest"];
}

function buildFix(failure: string, own: boolean): string {
  if (/pull access denied|manifest unknown|not found: manifest|repository does not exist|no such host|dial tcp/i.test(failure)) {
    return "the base image is not available to this engine: build it (`flaskpack base`) or pass --base with an image the engine has";
  }
  if (/No matching distribution|Could not find a version|ERROR: .*pip/i.test(failure)) {
    return "pip could not install a requirement: check requirements.txt, or point --build-arg PIP_INDEX_URL at an index that has it";
  }
  return own ? "fix the failing instruction in your Dockerfile, or move it aside to let flaskpack generate one" : "run with --verbose to see the whole build log";
}
