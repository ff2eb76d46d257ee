import * as pep440 from "@renovatebot/pep440";
import { normalizePypiName } from "../sbom/catalogers/python.ts";
import type { Component } from "../sbom/model.ts";
import { compareDebianVersions } from "./dpkg-version.ts";
import { cvss3BaseScore, parseSeverity, severityFromScore, severityFromUrgency, severityRank, type Severity } from "./severity.ts";
import type { DebianTracker, OsvRecord } from "./vulndb.ts";

export type FindingState = "fixed" | "no-fix-yet" | "will-not-fix";

export interface Finding {
  id: string;
  aliases: string[];
  severity: Severity;
  /** CVSS base score when the advisory has one. */
  score?: number;
  state: FindingState;
  /** Versions that fix it (PyPI) or the Debian version with the fix for this release. */
  fixedIn: string[];
  summary: string;
  url: string;
  /** Which data said so. */
  source: "osv-pypi" | "debian-tracker";
  component: { ecosystem: Component["ecosystem"]; name: string; version: string; purl: string; location: string; source?: string; sourceVersion?: string };
  /** Debian's reason for not fixing (no-dsa text, ignored/postponed). */
  note?: string;
}

/** Is `version` inside an OSV affected entry (ECOSYSTEM ranges with introduced/fixed/last_affected/limit, or versions)? */
export function osvAffects(affected: NonNullable<OsvRecord["affected"]>[number], version: string): boolean {
  if (affected.versions?.includes(version)) return true;
  if (!pep440.valid(version)) return false;
  for (const range of affected.ranges ?? []) {
    if (range.type !== "ECOSYSTEM") continue;
    // OSV's evaluation: walk events in version order; introduced opens, fixed/last_affected/limit close.
    const events = [...range.events].sort((a, b) => cmp(eventVersion(a), eventVersion(b)));
    let inside = false;
    for (const e of events) {
      if (e.introduced !== undefined && cmp(version, e.introduced) >= 0) inside = true;
      else if (e.fixed !== undefined && cmp(version, e.fixed) >= 0) inside = false;
      else if (e.limit !== undefined && cmp(version, e.limit) >= 0) inside = false;
      else if (e.last_affected !== undefined && cmp(version, e.last_affected) > 0) inside = false;
    }
    if (inside) return true;
  }
  return false;
}

function eventVersion(e: Record<string, string>): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? "0";
}

/** PEP 440 order; versions PEP 440 cannot read sort as equal so they never widen a range. */
function cmp(a: string, b: string): number {
  if (a === "0" && b === "0") return 0;
  if (a === "0") return -1;
  if (b === "0") return 1;
  try {
    return pep440.compare(a, b);
  } catch {
    return 0;
  }
}

export function osvSeverity(r: OsvRecord): { severity: Severity; score?: number } {
  for (const s of r.severity ?? []) {
    if (s.type === "CVSS_V3") {
      const score = cvss3BaseScore(s.score);
      if (score !== undefined) return { severity: severityFromScore(score), score };
    }
  }
  const named = r.database_specific?.severity ?? r.affected?.find((a) => a.database_specific?.severity)?.database_specific?.severity;
  return { severity: (named && parseSeverity(named)) || "unknown" };
}

function fixedVersions(a: NonNullable<OsvRecord["affected"]>[number]): string[] {
  return (a.ranges ?? []).filter((r) => r.type === "ECOSYSTEM").flatMap((r) => r.events.map((e) => e.fixed).filter((f): f is string => Boolean(f)));
}

function componentRef(c: Component): Finding["component"] {
  return { ecosystem: c.ecosystem, name: c.name, version: c.version, purl: c.purl, location: c.location, source: c.source?.name, sourceVersion: c.source?.version };
}

/** PyPI advisories for a Python dist installed by pip or another Python installer (not Debian's). */
export function matchPypi(c: Component, records: OsvRecord[]): Finding[] {
  const out: Finding[] = [];
  const name = normalizePypiName(c.name);
  for (const r of records) {
    if (r.withdrawn) continue;
    const hits = (r.affected ?? []).filter((a) => a.package?.ecosystem === "PyPI" && normalizePypiName(a.package.name) === name && osvAffects(a, c.version));
    if (!hits.length) continue;
    const fixedIn = [...new Set(hits.flatMap(fixedVersions))].sort(cmp);
    const { severity, score } = osvSeverity(r);
    out.push({
      id: r.id,
      aliases: r.aliases ?? [],
      severity,
      score,
      state: fixedIn.length ? "fixed" : "no-fix-yet",
      fixedIn,
      summary: r.summary ?? firstSentence(r.details ?? ""),
      url: r.references?.find((x) => x.type === "ADVISORY")?.url ?? `https://osv.dev/vulnerability/${r.id}`,
      source: "osv-pypi",
      component: componentRef(c),
    });
  }
  return mergeAliases(out);
}

/**
 * OSV's PyPI feed carries one issue under several ids (PYSEC-… and GHSA-…, aliases of each other, or sharing a
 * CVE): report it once, under PyPA's id, with the most severe rating any of them gives.
 */
export function mergeAliases(findings: Finding[]): Finding[] {
  const rank = (id: string) => (id.startsWith("PYSEC-") ? 0 : id.startsWith("GHSA-") ? 1 : 2);
  const sorted = [...findings].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  const merged: Finding[] = [];
  for (const f of sorted) {
    const names = new Set([f.id, ...f.aliases]);
    const same = merged.find((m) => names.has(m.id) || m.aliases.some((a) => names.has(a)));
    if (!same) {
      merged.push({ ...f, aliases: [...f.aliases] });
      continue;
    }
    same.aliases = [...new Set([...same.aliases, ...names])].filter((a) => a !== same.id).sort();
    same.fixedIn = [...new Set([...same.fixedIn, ...f.fixedIn])].sort(cmp);
    if (same.fixedIn.length) same.state = "fixed";
    if (severityRank(f.severity) > severityRank(same.severity) || (f.score ?? 0) > (same.score ?? 0)) {
      same.severity = severityRank(f.severity) > severityRank(same.severity) ? f.severity : same.severity;
      same.score = Math.max(f.score ?? 0, same.score ?? 0) || undefined;
    }
    if (!same.summary) same.summary = f.summary;
  }
  return merged;
}

/**
 * Debian advisories for a binary package, by its source package and the image's release. Versions compare in
 * dpkg order against the source version, which is what the tracker records (and backported fixes show up there).
 */
export function matchDebian(c: Component, tracker: DebianTracker, release: string): Finding[] {
  const src = c.source?.name ?? c.name;
  const version = c.source?.version ?? c.version;
  const issues = tracker[src];
  if (!issues) return [];
  const out: Finding[] = [];
  for (const [id, issue] of Object.entries(issues)) {
    const rel = issue.releases?.[release];
    if (!rel) continue;
    let state: FindingState;
    let fixedIn: string[] = [];
    let note: string | undefined;
    if (rel.status === "resolved") {
      const fixed = rel.fixed_version;
      if (!fixed || fixed === "0" || compareDebianVersions(version, fixed) >= 0) continue;
      state = "fixed";
      fixedIn = [fixed];
    } else if (rel.status === "open" || rel.status === "undetermined") {
      if (rel.nodsa !== undefined || rel.nodsa_reason) {
        state = "will-not-fix";
        note = [rel.nodsa_reason, rel.nodsa].filter(Boolean).join(": ") || "no DSA planned";
      } else if (/end-of-life|unimportant/.test(rel.urgency ?? "")) {
        state = "will-not-fix";
        note = rel.urgency;
      } else state = "no-fix-yet";
    } else continue;
    out.push({
      id,
      aliases: [],
      severity: severityFromUrgency(rel.urgency),
      state,
      fixedIn,
      summary: firstSentence(issue.description ?? ""),
      url: `https://security-tracker.debian.org/tracker/${id}`,
      source: "debian-tracker",
      component: componentRef(c),
      note,
    });
  }
  return out;
}

/** A one-line summary; advisories often open by describing the project ("Flask is a ..."), which says nothing. */
function firstSentence(text: string): string {
  const sentences = text.replace(/\s+/g, " ").trim().split(/(?<=[.!?])\s+(?=[A-Z0-9])/);
  if (sentences.length > 1 && /^[\w.-]+ (is|are) an? /i.test(sentences[0])) sentences.shift();
  const first = sentences[0] ?? "";
  return first.length > 200 ? first.slice(0, 199) + "…" : first;
}
