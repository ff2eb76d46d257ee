/**
 * rps: requests/s of examples/hello in flaskpack's generated image (gunicorn, 2 workers) against the same image
 * and app under `flask run` (the seeds' way), measured with wrk on loopback inside the engine's namespace.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult } from "./run.ts";
import { build } from "../src/engine/build.ts";
import { run, stop } from "../src/engine/run.ts";
import { connectEngine } from "../src/engine/connect.ts";

function wrk(url: string, duration = "10s"): { rps: number; latencyMs: number; p99Ms: number; errors: number } {
  const r = spawnSync("wrk", ["-t2", "-c20", `-d${duration}`, "--latency", url], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const ms = (s: string) => (s.endsWith("us") ? parseFloat(s) / 1000 : s.endsWith("ms") ? parseFloat(s) : parseFloat(s) * 1000);
  const errors = [...r.stdout.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((a, m) => a + Number(m[2]), 0) + Number(r.stdout.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return {
    rps: Math.round(Number(r.stdout.match(/Requests\/sec:\s+([\d.]+)/)![1])),
    latencyMs: Math.round(ms(r.stdout.match(/Latency\s+([\d.]+\w+)/)![1]) * 100) / 100,
    p99Ms: Math.round(ms(r.stdout.match(/99%\s+([\d.]+\w+)/)![1]) * 100) / 100,
    errors,
  };
}

export default async function (): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), "fp-bench-rps-"));
  const { docker } = await connectEngine();
  const dir = join(work, "hello");
  cpSync(new URL("../examples/hello", import.meta.url).pathname, dir, { recursive: true });
  const b = await build(dir, { tag: "fp-bench-rps:1" });
  const rows: BenchResult["rows"] = [];
  const ROUNDS = 3;
  const variants: { server: string; command?: string[] }[] = [
    { server: "gunicorn (generated CMD: 2 workers x 4 threads)" },
    { server: "flask run --host=0.0.0.0 (seed way, dev server)", command: ["python3", "-m", "flask", "--app", "app", "run", "--host=0.0.0.0", "--port", "5000"] },
  ];
  const started = await Promise.all(variants.map((v, i) => run(b.image, { command: v.command, name: `fp-bench-rps-${i}-${process.pid}`, checkHealth: false })));
  try {
    for (const r of started) wrk(r.url + "/", "3s"); // warm-up
    // Rounds alternate between the servers so a busy moment on the shared machine hits both alike.
    const results = variants.map(() => [] as ReturnType<typeof wrk>[]);
    for (let round = 0; round < ROUNDS; round++) started.forEach((r, i) => results[i].push(wrk(r.url + "/")));
    variants.forEach((v, i) => {
      const byRps = [...results[i]].sort((a, b) => a.rps - b.rps);
      const median = byRps[Math.floor(byRps.length / 2)];
      rows.push({ server: v.server, "requests/s (median)": median.rps, "rounds": results[i].map((m) => m.rps).join(" / "), "avg latency ms": median.latencyMs, "p99 ms": median.p99Ms, errors: results[i].reduce((a, m) => a + m.errors, 0) });
    });
  } finally {
    for (const r of started) await stop(r.containerId).catch(() => {});
  }
  try {
    return {
      name: "rps",
      description:
        "GET / of examples/hello, same image, hardened run (read-only root, 512 MiB, pids 256), wrk -t2 -c20 -d10s on 127.0.0.1 inside " +
        "the engine's network namespace through the published port, after a 3 s warm-up; 3 rounds alternating between the two servers, median shown. Only the command differs.",
      rows,
      notes: [
        "wrk and both servers share the machine's 2 cores with other work; absolute numbers swing a lot between runs (the rounds column shows it), the ratio less so",
        "gunicorn's sync worker closes every connection (no keep-alive), which behind docker-proxy made it slower than the threaded dev server in an early run; the generated CMD uses 4 threads per worker (gthread), which keeps connections alive",
        `image ${b.image}`,
      ],
    };
  } finally {
    await docker.getImage(b.image).remove({ force: true }).catch(() => {});
    for (const t of b.tags) await docker.getImage(t).remove({ force: true }).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}
