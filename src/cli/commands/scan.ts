import type { Command } from "commander";
import pc from "picocolors";
import { action, emit, progressFor, table } from "../output.ts";

export function register(program: Command): void {
  program
    .command("scan <target>")
    .description("find known vulnerabilities in an image or SBOM, offline (OSV for PyPI, Debian's tracker for Debian)")
    .option("--db <dir>", "vulnerability data: the `db update` cache (default) or a folder of OSV records")
    .option("--fail-on <severity>", "exit with 3 when a finding is at least this severe (critical, high, medium, low)")
    .option("--diff <other>", "compare with another image/SBOM (e.g. original vs slim): which findings disappeared and why")
    .option("--sarif", "print SARIF 2.1.0 (for code-scanning tools)")
    .option("--json", "print the report as JSON")
    .addHelpText("after", "\nTarget: image name, `docker save` tarball, OCI layout, or an SBOM JSON from `flaskpack sbom`.\nExamples:\n  flaskpack db update\n  flaskpack scan myapp:latest --fail-on high\n  flaskpack scan myapp:latest --diff myapp:slim")
    .action(
      action(async (target: string, opts: { db?: string; failOn?: string; diff?: string; sarif?: boolean; json?: boolean; verbose?: boolean }) => {
        const { FlaskpackError, EXIT } = await import("../../errors.ts");
        const { scan, toSarif, diffScans } = await import("../../scan/index.ts");
        const { parseSeverity } = await import("../../scan/severity.ts");
        const failOn = opts.failOn ? parseSeverity(opts.failOn) : undefined;
        if (opts.failOn && (!failOn || failOn === "unknown")) throw new FlaskpackError("BAD_INPUT", `--fail-on takes critical, high, medium or low, not "${opts.failOn}".`);
        const machine = Boolean(opts.json || opts.sarif);
        const progress = progressFor({ ...opts, json: machine });
        const report = await scan(target, { db: opts.db, failOn, progress });
        if (opts.diff) {
          const other = await scan(opts.diff, { db: opts.db, failOn, progress });
          const diff = diffScans(report, other);
          emit({ a: report, b: other, diff }, { json: machine }, () => {
            const rows = diff.removed.map((f) => [f.severity, f.id, `${f.component.name} ${f.component.version}`, f.why === "files-removed" ? "package files removed" : f.why]);
            return [
              `${diff.a.ref}: ${diff.a.counts.total} findings (${diff.a.counts.critical} critical, ${diff.a.counts.high} high)`,
              `${diff.b.ref}: ${diff.b.counts.total} findings (${diff.b.counts.critical} critical, ${diff.b.counts.high} high)`,
              `${diff.removed.length} removed, ${diff.added.length} added, ${diff.kept} kept`,
              rows.length ? "\n" + table(rows, ["SEVERITY", "ID", "PACKAGE", "WHY GONE"]) : "",
            ].join("\n");
          });
          return other.failed ? EXIT.CHECK_FAILED : 0;
        }
        if (opts.sarif) process.stdout.write(JSON.stringify(toSarif(report), null, 2) + "\n");
        else
          emit(report, opts, (r) => {
            const color = (s: string) => (s === "critical" || s === "high" ? pc.red(s) : s === "medium" ? pc.yellow(s) : s);
            const rows = r.findings.map((f) => [
              color(f.severity),
              f.id,
              `${f.component.name} ${f.component.version}`,
              f.state === "fixed" ? `fixed in ${f.fixedIn.join(", ")}` : f.state === "will-not-fix" ? "will not fix" : "no fix yet",
              f.summary.slice(0, 70),
            ]);
            const c = r.counts;
            const age = r.db.sources.map((s) => `${s.name} ${s.ageDays !== undefined ? `${s.ageDays} days old` : "age unknown"} (${s.records} records)`).join(", ");
            return [
              rows.length ? table(rows, ["SEVERITY", "ID", "PACKAGE", "STATE", "SUMMARY"]) + "\n" : "",
              `${r.target.ref}: ${c.total} vulnerabilities (${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.unknown} unknown) in ${r.components.length} packages`,
              `data: ${age}`,
              ...r.notes.map((n) => pc.dim(`note: ${n}`)),
              r.failed ? pc.red(`failing: findings at or above ${r.failOn}`) : "",
            ].filter(Boolean).join("\n");
          });
        return report.failed ? EXIT.CHECK_FAILED : 0;
      }),
    );
}
