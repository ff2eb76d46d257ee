/**
 * The README's main-job command: ship examples/hello (analyze → … → report), then start the slim image
 * hardened, under the seccomp profile slim wrote, and print what it answers over HTTP.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run, stop } from "../src/engine/run.ts";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const example = join(root, "examples", process.argv[2] ?? "hello");
const snapshot = join(root, "..", "shared", "vulndb", "pypa-advisory-database");
// The product downloads its vulnerability data with `flaskpack db update`; this machine cannot reach it, so the
// demo uses the advisory snapshot next to the repository when there is one.
const db = !process.env.FLASKPACK_DB && existsSync(snapshot) ? ["--db", snapshot] : [];

const shipped = spawnSync(process.execPath, [join(root, "bin/flaskpack.js"), "ship", example, ...db], { stdio: "inherit" });
if (shipped.status !== 0) process.exit(shipped.status ?? 1);

const report = JSON.parse(readFileSync(join(example, ".flaskpack", "report.json"), "utf8")) as {
  slim?: { ref?: string } | null;
};
const slimImage = report.slim?.ref ?? "hello.slim:latest";
const seccomp = join(example, ".flaskpack", "profiles");
const profile = existsSync(seccomp) ? spawnSync("sh", ["-c", `ls ${seccomp}/*seccomp*.json 2>/dev/null | head -1`], { encoding: "utf8" }).stdout.trim() : "";

const started = await run(slimImage, { seccompProfile: profile || undefined });
try {
  const res = await fetch(`${started.url}/`);
  console.log(`\n${slimImage} (read-only, non-root, no capabilities${profile ? ", seccomp profile" : ""}) at ${started.url}/ answers ${res.status}:`);
  console.log(await res.text());
} finally {
  await stop(started.containerId);
}
