import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ShipReport, VulnFinding } from "./model.ts";
import { routeTally } from "./model.ts";
import { change, comparisonRows, formatBytes, formatMetric, type ComparisonRow } from "./summary.ts";
import { ownFile } from "../paths.ts";

const require = createRequire(import.meta.url);

function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Text safe inside a <script> element: no "</script", no "<!--". */
function scriptSafe(s: string): string {
  return s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function metric(row: ComparisonRow, side: "original" | "slim"): string {
  const v = row[side];
  const text = side === "slim" && row.slimText ? row.slimText : formatMetric(v, row.format);
  return `<span class="num" data-metric="${esc(row.key)}" data-side="${side}" data-value="${v ?? ""}">${esc(text)}</span>`;
}

function chartOrNote(id: string, available: boolean, title: string, height = 300): string {
  return `<figure><figcaption>${esc(title)}</figcaption>${available ? `<div class="chart" id="${id}" style="height:${height}px"></div>` : `<p class="na">not available</p>`}</figure>`;
}

/**
 * report.html: one self-contained file. ECharts and the page script are inlined and the report data is embedded
 * as JSON, so it opens offline and never reaches the network.
 */
export function renderHtml(report: ShipReport): string {
  const echarts = readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8");
  const page = readFileSync(ownFile("src/report/assets/page.js"), "utf8");
  const css = readFileSync(ownFile("src/report/assets/page.css"), "utf8");
  const rows = comparisonRows(report);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const tally = routeTally(report.routes);
  const o = report.original;
  const s = report.slim;
  const title = `flaskpack ship: ${report.target.dir ?? report.target.image ?? ""}`;

  const card = (key: string, label: string) => {
    const r = byKey.get(key);
    if (!r) return "";
    return `<div class="card"><div class="label">${esc(label)}</div><div class="values">${key === "routes" ? "" : `${metric(r, "original")} <span class="arrow">→</span> `}${metric(r, "slim")}</div><div class="change">${esc(change(r))}</div></div>`;
  };

  const sections: string[] = [];
  sections.push(`<section class="cards">${card("sizeBytes", "image size")}${card("files", "files")}${card("packages", "packages")}${card("vulns.total", "vulnerabilities")}${card("routes", "routes verified")}${card("startupMs", "start-up")}</section>`);

  sections.push(`<section><h2>Original vs slim</h2><table class="compare" id="comparison"><thead><tr><th></th><th>original</th><th>slim</th><th>change</th></tr></thead><tbody>${rows
    .map((r) => `<tr><th>${esc(r.label.trim())}</th><td>${r.key === "routes" ? "" : metric(r, "original")}</td><td>${metric(r, "slim")}</td><td>${esc(change(r))}</td></tr>`)
    .join("")}</tbody></table></section>`);

  sections.push(`<section class="grid2">${chartOrNote("chart-size", o?.sizeBytes != null || s?.sizeBytes != null, "Image size", 160)}${chartOrNote("chart-vulns", Boolean(o?.vulns || s?.vulns), "Vulnerabilities by severity", 220)}</section>`);
  sections.push(`<section><h2>Layers</h2><p class="hint">Size of each layer and the instruction that made it.</p><div class="grid2">${chartOrNote("chart-layers-original", Boolean(o?.layers?.length), "original", Math.max(160, 26 * (o?.layers?.length ?? 0) + 50))}${chartOrNote("chart-layers-slim", Boolean(s?.layers?.length), "slim", Math.max(160, 26 * (s?.layers?.length ?? 0) + 50))}</div></section>`);
  sections.push(`<section><h2>Largest directories</h2><div class="grid2">${chartOrNote("chart-dirs-original", Boolean(o?.dirs?.children?.length), `original${o?.dirs ? ` (${formatBytes(o.dirs.sizeBytes)} of files)` : ""}`, 420)}${chartOrNote("chart-dirs-slim", Boolean(s?.dirs?.children?.length), `slim${s?.dirs ? ` (${formatBytes(s.dirs.sizeBytes)} of files)` : ""}`, 420)}</div></section>`);

  sections.push(`<section><h2>Routes</h2><p class="hint">Every route probed on the original and on the slim image; identical means same status, headers that matter and body.</p>${
    report.routes.length
      ? `<table id="routes"><thead><tr><th>method</th><th>path</th><th>original</th><th>slim</th><th>verdict</th></tr></thead><tbody>${report.routes
          .map((r) => `<tr class="${r.identical === false ? "bad" : ""}"><td>${esc(r.method)}</td><td><code>${esc(r.path)}</code></td><td>${esc(r.original.status ?? "–")}</td><td>${esc(r.slim.status ?? "–")}</td><td>${r.exercised ? (r.identical ? "identical" : "<b>different</b>") : "not exercised"}</td></tr>`)
          .join("")}</tbody></table><p><span class="num" data-metric="routes.identical" data-value="${tally.identical}">${tally.identical}</span> of <span class="num" data-metric="routes.exercised" data-value="${tally.exercised}">${tally.exercised}</span> exercised routes identical.</p>`
      : `<p class="na">not available</p>`
  }${report.notExercised.length ? `<p class="hint">Not exercised: ${report.notExercised.map((n) => `<code>${esc(n)}</code>`).join(", ")}</p>` : ""}</section>`);

  sections.push(vulnSection(report));
  sections.push(lintSection(report));

  sections.push(`<section><h2>Generated files</h2>${
    report.generated.length
      ? report.generated
          .map((g) => `<details class="file"${g.path === "Dockerfile" ? " open" : ""}><summary><code>${esc(g.path)}</code>${g.written ? ' <span class="tag">written</span>' : ' <span class="tag">not written (use --write)</span>'}</summary><p>${esc(g.explanation)}</p><pre>${esc(g.content)}</pre></details>`)
          .join("")
      : `<p class="na">${report.target.usedProjectDockerfile ? "none: the project's own Dockerfile was used" : "not available"}</p>`
  }${report.profiles && (report.profiles.seccomp || report.profiles.apparmor) ? `<p>Run-time profiles: ${[report.profiles.seccomp && `seccomp <code>${esc(report.profiles.seccomp)}</code>`, report.profiles.apparmor && `AppArmor <code>${esc(report.profiles.apparmor)}</code>`].filter(Boolean).join(", ")}</p>` : ""}</section>`);

  sections.push(`<section><h2>Stages</h2><div class="grid2">${chartOrNote("chart-stages", report.stages.some((x) => x.status !== "skipped"), "time per stage", Math.max(160, 24 * report.stages.length + 40))}<table id="stages"><thead><tr><th>stage</th><th>status</th><th>time</th><th>note</th></tr></thead><tbody>${report.stages
    .map((x) => `<tr class="${x.status === "failed" ? "bad" : ""}"><td>${esc(x.name)}</td><td>${esc(x.status)}</td><td>${x.seconds.toFixed(1)} s</td><td>${esc(x.error ? `${x.error.message}${x.error.fix ? ` (fix: ${x.error.fix})` : ""}` : x.note ?? "")}</td></tr>`)
    .join("")}</tbody></table></div></section>`);

  if (report.nextSteps.length) sections.push(`<section><h2>Next steps</h2><ul>${report.nextSteps.map((n) => `<li><code>${esc(n)}</code></li>`).join("")}</ul></section>`);

  const check = report.check.enabled
    ? `<span class="badge ${report.check.passed ? "ok" : "bad"}">${report.check.passed ? "check passed" : "check failed"}</span>`
    : "";
  // "<" as \u003c: still the same JSON, and nothing in it can close or open a tag.
  const json = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${css}</style></head>
<body><header><h1>${esc(title)}</h1>${check}<p class="meta">${esc([o?.ref, s?.ref].filter(Boolean).join(" → "))} · flaskpack ${esc(report.flaskpackVersion)} · ${esc(report.generatedAt)}</p>${
    report.check.reasons.length ? `<ul class="reasons">${report.check.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>` : ""
  }</header>
<main>${sections.join("\n")}</main>
<script id="report-data" type="application/json">${json}</script>
<script>${scriptSafe(echarts)}</script>
<script>${scriptSafe(page)}</script>
</body></html>
`;
}

function vulnSection(report: ShipReport): string {
  const v = report.vulnerabilities;
  if (!v || (!v.original && !v.slim)) return `<section><h2>Vulnerabilities</h2><p class="na">not available${v?.db ? "" : " (no vulnerability database: pass --db or set FLASKPACK_DB)"}</p></section>`;
  const key = (f: VulnFinding) => `${f.id} ${f.package} ${f.version}`;
  const inSlim = new Set((v.slim ?? []).map(key));
  const all = new Map<string, VulnFinding>();
  for (const f of [...(v.original ?? []), ...(v.slim ?? [])]) all.set(key(f), f);
  const list = [...all.values()].sort((a, b) => ["critical", "high", "medium", "low", "unknown"].indexOf(a.severity) - ["critical", "high", "medium", "low", "unknown"].indexOf(b.severity) || a.id.localeCompare(b.id));
  const origSet = new Set((v.original ?? []).map(key));
  return `<section><h2>Vulnerabilities</h2><p class="hint">Offline scan against ${esc(v.db ?? "?")}${v.dbAge ? ` (database age ${esc(v.dbAge)})` : ""}.</p>${
    list.length
      ? `<table id="vulns"><thead><tr><th>id</th><th>package</th><th>version</th><th>severity</th><th>fixed in</th><th>original</th><th>slim</th></tr></thead><tbody>${list
          .map((f) => `<tr><td>${esc(f.id)}</td><td>${esc(f.package)}</td><td>${esc(f.version)}</td><td class="sev-${esc(f.severity)}">${esc(f.severity)}</td><td>${esc(f.fixed ?? "–")}</td><td>${origSet.has(key(f)) ? "yes" : v.original ? "no" : "?"}</td><td>${inSlim.has(key(f)) ? "yes" : v.slim ? "no" : "?"}</td></tr>`)
          .join("")}</tbody></table>`
      : "<p>No known vulnerabilities in either image.</p>"
  }</section>`;
}

function lintSection(report: ShipReport): string {
  if (!report.lint) return `<section><h2>Lint findings</h2><p class="na">not available</p></section>`;
  const { counts, findings } = report.lint;
  const head = `<p><span class="num" data-metric="lint.error" data-value="${counts.error}">${counts.error}</span> errors, <span class="num" data-metric="lint.warning" data-value="${counts.warning}">${counts.warning}</span> warnings, <span class="num" data-metric="lint.info" data-value="${counts.info}">${counts.info}</span> info.</p>`;
  const items = findings
    .map((f) => `<div class="finding sev-${esc(f.severity)}"><div><b>${esc(f.severity)}</b> <code>${esc(f.ruleId)}</code> ${esc(f.file ?? "")}${f.line ? `:${f.line}` : ""} — ${esc(f.message)}</div>${
      f.snippet?.length ? `<pre class="snippet">${f.snippet.map((l) => `<span class="${l.line === f.line ? "hl" : ""}">${String(l.line).padStart(4)}  ${esc(l.text)}</span>`).join("")}</pre>` : ""
    }</div>`)
    .join("");
  return `<section><h2>Lint findings</h2>${head}${items}</section>`;
}
