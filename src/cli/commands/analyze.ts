import type { Command } from "commander";
import type { AppModel, Finding } from "../../analyze/model.ts";
import { action, emit, progressFor, table } from "../output.ts";

export function register(program: Command): void {
  program
    .command("analyze")
    .argument("[dir]", "the Flask project's directory", ".")
    .description("read a Flask project's source (without running it): entry, routes, port, dependencies, config, services")
    .option("--json", "print the AppModel as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack analyze examples/factory\n  flaskpack analyze . --json | jq .entry.target")
    .action(
      action(async (dir: string, opts: { json?: boolean; verbose?: boolean }) => {
        const { analyze } = await import("../../analyze/index.ts");
        const model = await analyze(dir, { progress: progressFor(opts) });
        emit(model, opts, render);
      }),
    );
}

const at = (s?: { file: string; line: number }) => (s ? `${s.file}:${s.line}` : "");

function findings(title: string, list: Finding[]): string[] {
  if (!list.length) return [];
  return [`${title}:`, ...list.map((f) => `  ${f.severity.padEnd(7)} ${at(f.source).padEnd(22)} ${f.message}`)];
}

function render(m: AppModel): string {
  const out: string[] = [];
  if (m.entry) {
    out.push(`entry     ${m.entry.target}${m.entry.chdir ? `  (gunicorn --chdir ${m.entry.chdir})` : ""}`);
    out.push(`          found by ${m.entry.reason}${m.entry.source ? ` at ${at(m.entry.source)}` : ""}, score ${m.entry.score}`);
    for (const a of m.alternatives.slice(0, 5)) out.push(`          or ${a.target}  (${a.reason}${a.source ? `, ${at(a.source)}` : ""}, score ${a.score})`);
  }
  out.push(`port      ${m.port.value}  (${m.port.from}${m.port.source ? `, ${at(m.port.source)}` : ""})`);
  out.push(`python    ${m.python.wanted ? `wants ${m.python.wanted} (${m.python.from}); ` : ""}base provides ${m.python.provided}${m.python.satisfied === false ? "  ✗ mismatch" : ""}`);
  out.push(`server    ${m.server.chosen}${m.server.declared.length ? ` (declared: ${m.server.declared.join(", ")})` : " (not declared; flaskpack adds it)"}`);
  out.push(`files     ${m.filesScanned} scanned in ${m.seconds.toFixed(2)} s`);
  out.push("", `routes (${m.routes.length}):`);
  out.push(table(m.routes.map((r) => [r.rule, r.methods.join(","), r.endpoint, r.confidence === "static" ? "" : "unknown", at(r.source)]), ["rule", "methods", "endpoint", "", "source"]));
  out.push("", `dependencies (${m.dependencies.length}${m.devDependencies?.length ? ` + ${m.devDependencies.length} dev` : ""}):`);
  if (m.dependencies.length)
    out.push(table(m.dependencies.map((d) => [d.name + (d.extras.length ? `[${d.extras.join(",")}]` : ""), d.specifier || d.local || "any", d.locked ?? "", d.from])));
  for (const u of m.undeclaredImports) out.push(`  warning: ${u.module} is imported (${at(u.source)}) but not declared`);
  if (m.unusedDependencies.length) out.push(`  info: declared but never imported: ${m.unusedDependencies.join(", ")}`);
  if (m.env.length) {
    out.push("", `environment (${m.env.length}):`);
    out.push(table(m.env.map((e) => [e.name, e.required ? "required" : "", e.secret ? "secret" : "", e.secret ? "" : (e.default ?? ""), e.how, at(e.source)])));
  }
  if (m.services.length) out.push("", `services: ${m.services.map((s) => `${s.kind} (${s.evidence}${s.source ? `, ${at(s.source)}` : ""})`).join("; ")}`);
  const a = m.assets;
  const assets = [
    a.templates.length ? `templates ${a.templates.join(", ")}` : "",
    a.static.length ? `static ${a.static.join(", ")}${m.staticRoute ? ` at ${m.staticRoute.urlPath} (${m.staticRoute.files.length} files)` : ""}` : "",
    a.instanceFolder ? `instance ${a.instanceFolder}` : "",
    a.writablePaths.length ? `writable ${a.writablePaths.join(", ")}` : "",
  ].filter(Boolean);
  if (assets.length) out.push("", `assets: ${assets.join("; ")}`);
  for (const c of a.configFiles ?? [])
    out.push(`config file ${c.path} (${at(c.source)}): ${c.required ? "required at start" : "optional"}${c.exists ? "" : ", not in the project"}`);
  const warn = [...findings("secrets", m.secrets), ...findings("debug risks", m.debugRisks), ...findings("problems", m.problems)];
  if (warn.length) out.push("", ...warn);
  return out.join("\n");
}
