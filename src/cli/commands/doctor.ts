import type { Command } from "commander";
import pc from "picocolors";
import { action, emit, formatBytes } from "../output.ts";

export function register(program: Command): void {
  program
    .command("doctor")
    .description("check the Docker engine and the tools flaskpack needs, and say how to fix what is missing")
    .option("--json", "print the report as JSON")
    .action(
      action(async (opts: { json?: boolean }) => {
        const { doctor } = await import("../../engine/doctor.ts");
        const report = await doctor();
        emit(report, opts, (r) =>
          [
            `${r.ok ? pc.green("ok") : pc.red("problems found")}`,
            `engine     ${r.engine.reachable ? `Docker ${r.engine.version} (API ${r.engine.apiVersion}) at ${r.engine.endpoint} [${r.engine.source}]` : pc.red(`unreachable: ${r.engine.error}`)}`,
            `networking ${r.engine.networking ?? "-"}`,
            ...r.tools.map((t) => `${t.name.padEnd(10)} ${t.found ? t.version ?? "found" : pc.red("missing")}`),
            `disk       ${formatBytes(r.disk.freeBytes)} free under ${r.disk.path}`,
            ...r.problems.map((p) => `${pc.red("✗")} ${p.message}\n  ${pc.yellow("fix:")} ${p.fix}`),
          ].join("\n"),
        );
        return report.ok ? 0 : 4;
      }),
    );
}
