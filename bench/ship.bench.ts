/**
 * ship, end to end, on each example: cold (no saved stage results, no build cache; the Debian base image is
 * reused), warm (nothing changed), and after a one-line source change; plus what it produced: original vs slim
 * size, and vulnerability findings before and after. Runs the real CLI, as a user would.
 */
import { spawn } from "node:child_process";
import { PYPA_DB } from "../test/helpers/cli.ts";
import { appendFileSync, cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchResult } from "./run.ts";
import type { ShipReport } from "../src/report/model.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORK = join(ROOT, "bench/.work/ship");
const DB = process.env.FLASKPACK_DB ?? PYPA_DB;
const EXAMPLES: { name: string; change: string }[] = [
  { name: "hello", change: "app.py" },
  { name: "factory", change: "blog/data.py" },
];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const started = Date.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/flaskpack.js"), ...args], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("close", (code) => res({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

async function shipOnce(dir: string, tag: string, out: string, extra: string[] = []): Promise<{ report: ShipReport; seconds: number }> {
  const r = await cli(["ship", dir, "--tag", tag, "--out", out, "--db", DB, "--json", ...extra]);
  if (r.code !== 0) throw new Error(`ship ${dir} ${extra.join(" ")} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return { report: JSON.parse(r.stdout) as ShipReport, seconds: r.seconds };
}

const mb = (n: number | null | undefined) => (n == null ? null : Number((n / 1e6).toFixed(1)));
const stageSeconds = (r: ShipReport, name: string) => Number((r.stages.find((s) => s.name === name)?.seconds ?? 0).toFixed(1));

export default async function bench(): Promise<BenchResult> {
  const rows: BenchResult["rows"] = [];
  const notes: string[] = [];
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  for (const ex of EXAMPLES) {
    const dir = join(WORK, ex.name);
    cpSync(join(ROOT, "examples", ex.name), dir, { recursive: true });
    const tag = `fp-ship-bench-${ex.name}:latest`;
    const out = join(WORK, `${ex.name}-out`);

    const cold = await shipOnce(dir, tag, out, ["--fresh"]);
    const warm = await shipOnce(dir, tag, out);
    const reused = warm.report.stages.filter((s) => s.status === "cached").map((s) => s.name);
    appendFileSync(join(dir, ex.change), `\n# bench: one-line change ${Date.now()}\n`);
    const changed = await shipOnce(dir, tag, out);

    const r = cold.report;
    rows.push({
      example: ex.name,
      "original MB": mb(r.original?.sizeBytes),
      "slim MB": mb(r.slim?.sizeBytes),
      "slim/original": r.original?.sizeBytes && r.slim?.sizeBytes ? Number((r.slim.sizeBytes / r.original.sizeBytes).toFixed(2)) : null,
      "routes identical": `${r.routes.filter((x) => x.identical).length}/${r.routes.filter((x) => x.exercised).length}`,
      "cold ship s": Number(cold.seconds.toFixed(1)),
      "warm ship s": Number(warm.seconds.toFixed(1)),
      "one-line change ship s": Number(changed.seconds.toFixed(1)),
      "…of which build s": stageSeconds(changed.report, "build"),
      "…of which slim s": stageSeconds(changed.report, "slim"),
      "vulns original": r.original?.vulns?.total ?? null,
      "vulns slim": r.slim?.vulns?.total ?? null,
      "packages original→slim": `${r.original?.packages ?? "?"}→${r.slim?.packages ?? "?"}`,
    });
    notes.push(`${ex.name}: warm run reused ${reused.join(", ")}; cold stages ${r.stages.filter((s) => s.status !== "skipped").map((s) => `${s.name} ${s.seconds.toFixed(1)}s`).join(", ")}.`);
    const docker = spawn("docker", ["rmi", "-f", tag, tag.replace(":latest", ".slim:latest")], { stdio: "ignore" });
    await new Promise((res) => docker.on("close", res));
  }
  notes.push(`vulnerability data: ${DB} (PyPA advisories only: Debian-packaged Python dists are matched through Debian's data, which this snapshot lacks, so 0 is expected for Debian-based images).`);
  notes.push("requests/s of the generated image vs a `flask run` image, and xray vs `tar tf`, are measured by bench/rps.bench.ts and bench/xray.bench.ts.");
  return {
    name: "ship",
    description:
      "`flaskpack ship <example>` through the real CLI: cold (`--fresh`: no saved stage results, no build cache; the Debian base image is reused), warm (nothing changed: every stage after build reuses its saved result because the image content is the same), and after appending one line to a source file (build, run, slim, verify, sbom and scan run again). Sizes are the engine's image sizes.",
    rows,
    notes,
  };
}
