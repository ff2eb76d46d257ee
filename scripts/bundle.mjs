// The CLI, bundled with esbuild into dist/<signature>/ so that a command starts in node's time, not in the time
// tsx needs to transpile ~200 modules on every run. The signature is taken from the sources (names, sizes,
// modification times), so an edited checkout never runs stale code: the launcher rebuilds, or falls back to tsx.
// `node scripts/bundle.mjs` builds (npm's prepare does it on `npm ci`); the launcher calls bundledCli().
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function signature(root) {
  const h = createHash("sha256");
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const st = statSync(p);
        h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk(join(root, "src"));
  const pkg = statSync(join(root, "package.json"));
  h.update(`package.json\0${pkg.size}\0${pkg.mtimeMs}\n`);
  return h.digest("hex").slice(0, 16);
}

/** Builds the bundle for the current sources if it is not there yet; returns its entry file. Throws on failure. */
export async function buildBundle(root = ROOT) {
  const sig = signature(root);
  const dist = join(root, "dist");
  const out = join(dist, sig);
  const entry = join(out, "main.js");
  if (existsSync(entry)) {
    // Marks the build as in use: builds are removed only after an hour unused, never under a running command
    // that still has chunks to load.
    try {
      utimesSync(out, new Date(), new Date());
    } catch {}
    return entry;
  }
  const { build } = await import("esbuild");
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: { main: join(root, "src/cli/main.ts") },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "silent",
    chunkNames: "chunks/[name]-[hash]",
  });
  mkdirSync(dist, { recursive: true });
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process finished the same build first
  }
  // Builds of older sources: a command started from one loads its chunks lazily, maybe minutes later (ship), so
  // a build goes only when no run has used it for an hour.
  for (const name of readdirSync(dist)) {
    const p = join(dist, name);
    if (name !== sig && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
  }
  return entry;
}

/** The bundled CLI's entry, building it when the sources changed; undefined when it cannot be had (use tsx). */
export async function bundledCli(root = ROOT) {
  if (process.env.FLASKPACK_NO_BUNDLE === "1") return undefined;
  try {
    return await buildBundle(root);
  } catch {
    return undefined;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const entry = await buildBundle();
    process.stdout.write(`flaskpack: CLI bundled in ${entry.slice(ROOT.length + 1)}\n`);
  } catch (e) {
    process.stderr.write(`flaskpack: could not bundle the CLI (${e.message}); it will run through tsx\n`);
  }
}
