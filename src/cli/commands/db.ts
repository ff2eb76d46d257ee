import type { Command } from "commander";
import { action, emit, formatBytes } from "../output.ts";

export function register(program: Command): void {
  const db = program.command("db").description("manage the local vulnerability data that `scan` reads offline");
  db.command("update")
    .description("download OSV PyPI advisories and Debian's security tracker data into the cache (resumable, checked)")
    .option("--dir <dir>", "cache directory (default ~/.cache/flaskpack/db, or $FLASKPACK_DB)")
    .option("--source <url>", "a mirror serving <url>/PyPI/all.zip and <url>/tracker/data/json")
    .option("--osv-url <url>", "where to get OSV's PyPI all.zip")
    .option("--debian-url <url>", "where to get the Debian security tracker JSON")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExample:\n  flaskpack db update && flaskpack scan myapp:latest")
    .action(
      action(async (opts: { dir?: string; source?: string; osvUrl?: string; debianUrl?: string; json?: boolean }) => {
        const { updateDb, sourceUrls } = await import("../../scan/update.ts");
        const urls = Object.values(sourceUrls(opts));
        if (process.env.FLASKPACK_HOST_NETNS && urls.some((u) => !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]/.test(u))) {
          // Inside flaskpack's network namespace nothing reaches the internet: download from the host's.
          const { spawnSync } = await import("node:child_process");
          const { inHostNetwork } = await import("../../engine/netns.ts");
          const [cmd, args] = inHostNetwork(process.execPath, [...process.execArgv, ...process.argv.slice(1)]);
          return spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, FLASKPACK_HOST_NETNS: "" } }).status ?? 1;
        }
        const { SingleBar, Presets } = await import("cli-progress");
        const tty = !opts.json && process.stderr.isTTY;
        let bar: InstanceType<typeof SingleBar> | undefined;
        let current = "";
        const result = await updateDb({
          dir: opts.dir,
          source: opts.source,
          osvUrl: opts.osvUrl,
          debianUrl: opts.debianUrl,
          onStep: (m) => {
            if (!opts.json && !m.startsWith("downloading")) process.stderr.write(`› ${m}\n`);
          },
          onProgress: (file, received, total) => {
            if (!tty) return;
            if (file !== current) {
              bar?.stop();
              current = file;
              bar = new SingleBar({ format: `${file} [{bar}] {percentage}% {got}/{all}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
              bar.start(total ?? 0, received, { got: formatBytes(received), all: total ? formatBytes(total) : "?" });
            }
            if (total && bar?.getTotal() !== total) bar?.setTotal(total);
            bar?.update(received, { got: formatBytes(received), all: total ? formatBytes(total) : "?" });
          },
        }).finally(() => bar?.stop());
        emit(result, opts, (r) =>
          [
            ...r.files.map((f) => `${f.name}: ${formatBytes(f.bytes)}, ${f.records} records, checked ${[...f.verified, "parse"].join("+")}${f.resumedFrom ? ` (resumed at ${formatBytes(f.resumedFrom)})` : ""}`),
            `vulnerability data updated in ${r.dir}`,
          ].join("\n"),
        );
      }),
    );
}
