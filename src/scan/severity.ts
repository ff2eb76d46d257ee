export type Severity = "critical" | "high" | "medium" | "low" | "unknown";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "unknown"];

export function severityRank(s: Severity): number {
  return { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 }[s];
}

export function parseSeverity(s: string): Severity | undefined {
  const v = s.toLowerCase();
  if (v === "moderate") return "medium";
  return (SEVERITIES as readonly string[]).includes(v) ? (v as Severity) : undefined;
}

/** CVSS v3.x base score from its vector (FIRST's specification, section 7). */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = new Map<string, string>();
  for (const part of vector.split("/")) {
    const [k, v] = part.split(":");
    if (k && v) m.set(k, v);
  }
  if (!/^3\.[01]$/.test(m.get("CVSS") ?? "")) return undefined;
  const W: Record<string, Record<string, number>> = {
    AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
    AC: { L: 0.77, H: 0.44 },
    UI: { N: 0.85, R: 0.62 },
    C: { H: 0.56, L: 0.22, N: 0 },
    I: { H: 0.56, L: 0.22, N: 0 },
    A: { H: 0.56, L: 0.22, N: 0 },
  };
  const scope = m.get("S");
  const pr = { N: 0.85, L: scope === "C" ? 0.68 : 0.62, H: scope === "C" ? 0.5 : 0.27 }[m.get("PR") ?? ""];
  const g = (k: string) => W[k][m.get(k) ?? ""];
  const [av, ac, ui, c, i, a] = ["AV", "AC", "UI", "C", "I", "A"].map(g);
  if ([av, ac, ui, c, i, a, pr].some((x) => x === undefined) || (scope !== "U" && scope !== "C")) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * pr! * ui;
  if (impact <= 0) return 0;
  const raw = scope === "U" ? Math.min(impact + exploitability, 10) : Math.min(1.08 * (impact + exploitability), 10);
  return roundUp(raw);
}

function roundUp(x: number): number {
  const int = Math.round(x * 100000);
  return int % 10000 === 0 ? int / 100000 : (Math.floor(int / 10000) + 1) / 10;
}

export function severityFromScore(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "unknown";
}

/** Debian tracker urgency ("low", "medium**", "not yet assigned", "unimportant", "end-of-life") as a severity. */
export function severityFromUrgency(urgency: string | undefined): Severity {
  const u = (urgency ?? "").replace(/\*+$/, "").trim().toLowerCase();
  if (u === "high") return "high";
  if (u === "medium") return "medium";
  if (u === "low" || u === "unimportant") return "low";
  return "unknown";
}
