import { buildBase } from "../src/base/index.ts";
import { connectEngine } from "../src/engine/connect.ts";
import type { BenchResult } from "./run.ts";

/** Cold and warm base builds (mmdebstrap + import) and base size, vs the python images users pull. */
export default async function bench(): Promise<BenchResult> {
  const { docker } = await connectEngine();
  const repo = "flaskpack/bench-base";
  const sets = { "python3 only": [] as string[], "flask + gunicorn": ["python3-flask", "gunicorn"], "flask + gunicorn + psycopg2": ["python3-flask", "gunicorn", "python3-psycopg2"] };
  const rows: BenchResult["rows"] = [];
  for (const [label, packages] of Object.entries(sets)) {
    const probe = await buildBase({ packages, repo }).catch(() => undefined);
    if (probe) await docker.getImage(probe.tag).remove({ force: true });
    const cold = await buildBase({ packages, repo });
    const warm = await buildBase({ packages, repo });
    rows.push({ image: `flaskpack base: ${label}`, packages: cold.installed.length, "size MB": +(cold.sizeBytes / 1e6).toFixed(1), "cold build s": +cold.seconds.toFixed(1), "warm (reuse) s": +warm.seconds.toFixed(2), source: "measured" });
    await docker.getImage(cold.tag).remove({ force: true });
  }
  rows.push({ image: "python:3.10-slim (Docker Hub)", packages: null, "size MB": 125, "cold build s": null, "warm (reuse) s": null, source: "documented: `docker images` size of python:3.10-slim (bookworm), no Flask" });
  rows.push({ image: "python:alpine (Docker Hub)", packages: null, "size MB": 50, "cold build s": null, "warm (reuse) s": null, source: "documented: `docker images` size of python:3.x-alpine, no Flask" });
  return {
    name: "base",
    description:
      "Base images built from Debian bookworm packages with mmdebstrap and imported into the engine (no registry). Cold = mmdebstrap from the Debian mirror + import; warm = the same package set asked again (the image is reused by its deterministic tag). Docker Hub is not reachable here, so the python:* rows are the commonly documented sizes, and they do not yet include Flask or gunicorn.",
    rows,
  };
}
