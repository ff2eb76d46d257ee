#!/usr/bin/env node
// Launcher: when flaskpack uses its own engine (no DOCKER_HOST, no system engine), the whole CLI runs inside
// flaskpack's network namespace, so published ports are reached on 127.0.0.1 exactly as on a user's machine.
// Downloads (mmdebstrap, db update) go back to the host namespace through FLASKPACK_HOST_NETNS.
import { existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const NETNS = "/run/netns/flaskpack";
const OWN_SOCK = "/run/flaskpack/docker.sock";
// Commands that reach containers' published ports. xray, sbom and scan only talk to the engine's socket, which
// works from any namespace, so they start without the extra hop.
const ENGINE_COMMANDS = new Set(["build", "run", "base", "slim", "ship", "up", "down", "logs", "push", "doctor"]);

function sameNetns() {
  try { return statSync("/proc/self/ns/net").ino === statSync(NETNS).ino; } catch { return false; }
}

function maybeEnterNamespace() {
  const args = process.argv.slice(2);
  const command = args.find((a) => !a.startsWith("-"));
  if (!command || !ENGINE_COMMANDS.has(command)) return;
  if (process.env.FLASKPACK_HOST_NETNS || process.getuid?.() !== 0) return;
  if (process.env.DOCKER_HOST && process.env.DOCKER_HOST !== `unix://${OWN_SOCK}`) return;
  if (!process.env.DOCKER_HOST && existsSync("/var/run/docker.sock") && process.env.FLASKPACK_OWN_ENGINE !== "1") return;
  if (!existsSync(NETNS) || !existsSync(OWN_SOCK)) {
    const setup = spawnSync("bash", [join(root, "scripts/bootstrap.sh")], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, FLASKPACK_OWN_ENGINE: "1" } });
    if (setup.status !== 0 || !existsSync(NETNS)) return; // connectEngine() explains what is missing
  }
  if (sameNetns()) return;
  const child = spawnSync("nsenter", [`--net=${NETNS}`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, DOCKER_HOST: `unix://${OWN_SOCK}`, FLASKPACK_HOST_NETNS: `/proc/${process.pid}/ns/net` },
  });
  process.exit(child.status ?? 1);
}

maybeEnterNamespace();
// The bundled CLI (built from the current sources, see scripts/bundle.mjs), else the sources through tsx.
const { bundledCli } = await import(join(root, "scripts/bundle.mjs"));
const bundled = await bundledCli(root);
if (bundled) {
  if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
  await import(bundled);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(join(root, "src/cli/main.ts"));
}
