/**
 * build: flaskpack's generated image for examples/hello against the seeds' beginner Dockerfile (size, user),
 * and a one-line change rebuilt with the dependency layers cached against a cold build.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult } from "./run.ts";
import { build, type BuildResult } from "../src/engine/build.ts";
import { init } from "../src/generate/index.ts";
import { buildBase } from "../src/base/index.ts";
import { connectEngine } from "../src/engine/connect.ts";
import { testBase } from "../test/helpers/engine.ts";
import { buildWheelhouse, serveIndex } from "../test/helpers/wheelhouse.ts";

const MB = (n: number) => Math.round(n / 1e5) / 10;

export default async function (): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), "fp-bench-build-"));
  const { docker } = await connectEngine();
  const tags: string[] = [];
  const copy = (name: string) => {
    const dir = join(work, name, "hello");
    cpSync(new URL("../examples/hello", import.meta.url).pathname, dir, { recursive: true });
    return dir;
  };
  const house = await buildWheelhouse();
  const index = await serveIndex(house.dir);
  const pipArgs = { PIP_INDEX_URL: index.url, PIP_TRUSTED_HOST: index.host };
  try {
    const flaskBase = await testBase("flask");
    const pipBase = await testBase("pip");
    const rows: BenchResult["rows"] = [];
    const user = async (b: BuildResult) => (await docker.getImage(b.image).inspect()).Config.User || "root";
    const keep = (b: BuildResult) => (tags.push(...b.tags), b);

    const beginnerDir = copy("beginner");
    writeFileSync(
      join(beginnerDir, "Dockerfile"),
      readFileSync(new URL("../test/fixtures/dockerfiles/beginner.Dockerfile.in", import.meta.url), "utf8")
        .replace("{{BASE}}", pipBase.tag)
        .replace("{{PIP_ARGS}}", `--index-url ${index.url} --trusted-host ${index.host}`),
    );
    const beginner = keep(await build(beginnerDir, { tag: "fp-bench-build-beginner:1", noCache: true }));
    rows.push({ image: "seed beginner Dockerfile (single stage, root, pip install, COPY . ., python3 app.py)", "size MB": MB(beginner.sizeBytes), layers: beginner.layers, user: await user(beginner), "build s": beginner.seconds });

    const debDir = copy("debian");
    await init(debDir, {});
    const deb = keep(await build(debDir, { tag: "fp-bench-build-debian:1", noCache: true }));
    rows.push({ image: "flaskpack init, --deps debian (default)", "size MB": MB(deb.sizeBytes), layers: deb.layers, user: await user(deb), "build s": deb.seconds });

    const pipDir = copy("pip");
    await init(pipDir, { deps: "pip", base: pipBase.tag });
    const pipCold = keep(await build(pipDir, { tag: "fp-bench-build-pip:1", buildArgs: pipArgs, noCache: true }));
    rows.push({ image: "flaskpack init, --deps pip (venv copied into the final stage)", "size MB": MB(pipCold.sizeBytes), layers: pipCold.layers, user: await user(pipCold), "build s": pipCold.seconds });

    const change = (dir: string) => {
      const app = join(dir, "app.py");
      writeFileSync(app, readFileSync(app, "utf8").replace("Hello from Flask!", `Hello ${Date.now()}!`));
    };
    change(pipDir);
    const pipWarm = keep(await build(pipDir, { tag: "fp-bench-build-pip:2", buildArgs: pipArgs }));
    change(debDir);
    const debWarm = keep(await build(debDir, { tag: "fp-bench-build-debian:2" }));
    const cacheRows = [
      { mode: "pip", cold: pipCold, warm: pipWarm },
      { mode: "debian", cold: deb, warm: debWarm },
    ].map(({ mode, cold, warm }) => ({
      image: `rebuild after a one-line change in app.py (${mode})`,
      "cold s": cold.seconds,
      "rebuild s": warm.seconds,
      "rebuild / cold": Math.round((warm.seconds / cold.seconds) * 100) / 100,
      "steps cached": `${warm.cachedSteps}/${warm.totalSteps}`,
      "deps cached": warm.steps.slice(0, warm.steps.findIndex((s) => s.instruction === "COPY . /app")).every((s) => s.cached || s.instruction.startsWith("FROM")),
    }));
    rows.push(...cacheRows);
    // In debian mode the dependencies are installed by building the base; on a machine that has never built it,
    // the cold build is base + image. Measured on a throwaway copy of the same package set.
    const stale = await docker.listImages({ filters: { reference: ["flaskpack/bench-build-base"] } });
    for (const t of stale.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith("flaskpack/bench-build-base:"))) await docker.getImage(t).remove();
    const coldBase = await buildBase({ packages: flaskBase.requested, repo: "flaskpack/bench-build-base" });
    await docker.getImage(coldBase.tag).remove();
    const coldAll = coldBase.seconds + deb.seconds;
    rows.push({
      image: "rebuild after a one-line change in app.py (debian, cold = base with dependencies + image)",
      "cold s": Math.round(coldAll * 10) / 10,
      "rebuild s": debWarm.seconds,
      "rebuild / cold": Math.round((debWarm.seconds / coldAll) * 100) / 100,
      "steps cached": `${debWarm.cachedSteps}/${debWarm.totalSteps}`,
      "deps cached": cacheRows[1]["deps cached"],
    });
    return {
      name: "build",
      description:
        "examples/hello built three ways on this engine (Docker 20.10, classic builder). The seeds' beginner Dockerfile is FROM python:alpine, " +
        "which is unreachable here, so it runs on the same Debian python3+pip base the pip-mode test uses, with pip installing from the local " +
        "wheelhouse (Flask 2.2.2, gunicorn 20.1 as wheels). Cold builds use --no-cache (base images already present); the rebuild changes one " +
        "line of a route and uses the cache. `deps cached` means every step before the source copy came from the cache.",
      rows,
      notes: [
        `flask base ${flaskBase.tag} (${MB(flaskBase.sizeBytes)} MB), pip base ${pipBase.tag} (${MB(pipBase.sizeBytes)} MB)`,
        "debian mode has no dependency install step (dependencies are in the base), so its cold build is already short; pip mode shows the cache win.",
      ],
    };
  } finally {
    await index.close();
    for (const t of tags) await docker.getImage(t).remove({ force: true }).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}
