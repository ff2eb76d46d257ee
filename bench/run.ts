/**
 * Benchmarks (not tests): each bench/<name>.bench.ts default-exports a function returning a BenchResult.
 * `npm run bench` runs them all in one run (or `npm run bench -- xray lint` for some), writes
 * bench/results/<name>.json and regenerates the tables in bench/README.md.
 */
import { readdirSync, writeFileSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export interface BenchResult {
  name: string;
  /** What was measured and how, one paragraph. */
  description: string;
  rows: Record<string, string | number | boolean | null>[];
  /** Environment notes (versions, sizes of inputs). */
  notes?: string[];
}

const dir = fileURLToPath(new URL(".", import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort();
mkdirSync(join(dir, "results"), { recursive: true });
// The CLI the benchmarks spawn, bundled before any clock starts.
// @ts-expect-error plain JS module without types
await import("../scripts/bundle.mjs").then((m: { buildBundle: () => Promise<string> }) => m.buildBundle());
let failed = 0;
const thisRun: Record<string, unknown> = {};
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, "");
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench ${name} ...\n`);
  const started = Date.now();
  try {
    const mod = (await import(join(dir, f))) as { default: () => Promise<BenchResult> };
    const result = await mod.default();
    const out = { ...result, date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, machine: machine() };
    writeFileSync(join(dir, "results", `${name}.json`), JSON.stringify(out, null, 2) + "\n");
    thisRun[name] = out;
    process.stderr.write(`bench ${name}: done in ${out.seconds.toFixed(1)} s\n`);
  } catch (e) {
    failed++;
    process.stderr.write(`bench ${name} failed: ${(e as Error).stack ?? e}\n`);
  }
}
// One file per run with everything it measured, next to the latest result of each benchmark.
if (Object.keys(thisRun).length) {
  // Several runs on one day (e.g. `npm run bench -- xray` after a full run) add to that day's file.
  const runFile = join(dir, "results", `run-${new Date().toISOString().slice(0, 10)}.json`);
  const earlier = existsSync(runFile) ? (JSON.parse(readFileSync(runFile, "utf8")) as Record<string, unknown>) : {};
  writeFileSync(runFile, JSON.stringify({ ...earlier, ...thisRun }, null, 2) + "\n");
}
writeReadme();
process.exitCode = failed ? 1 : 0;

function machine() {
  const cpus = readFileSync("/proc/cpuinfo", "utf8").split("\n").filter((l) => l.startsWith("processor")).length;
  return { node: process.version, cpus, platform: process.platform };
}

function writeReadme() {
  const readme = join(dir, "README.md");
  const head = existsSync(readme) ? readFileSync(readme, "utf8").split("<!-- results -->")[0] : "# Benchmarks\n\n";
  const sections: string[] = [];
  for (const f of readdirSync(join(dir, "results")).filter((x) => x.endsWith(".json") && !x.startsWith("run-")).sort()) {
    const r = JSON.parse(readFileSync(join(dir, "results", f), "utf8")) as BenchResult & { date: string };
    sections.push(`## ${r.name}\n\n${r.description}\n\n${markdownTable(r.rows)}\n${(r.notes ?? []).map((n) => `- ${n}`).join("\n")}\n\n_Measured ${r.date.slice(0, 16).replace("T", " ")} UTC on this repo's 2-core machine._\n`);
  }
  writeFileSync(readme, `${head.trimEnd()}\n\n<!-- results -->\n\n${sections.join("\n")}`);
}

function markdownTable(rows: BenchResult["rows"]): string {
  if (!rows.length) return "_no rows_\n";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: unknown[]) => `| ${cells.map((c) => String(c ?? "").replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(cols), line(cols.map(() => "---")), ...rows.map((r) => line(cols.map((c) => r[c])))].join("\n") + "\n";
}
