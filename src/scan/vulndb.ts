import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { FlaskpackError } from "../errors.ts";
import { normalizePypiName } from "../sbom/catalogers/python.ts";
import { zipEntries } from "./zip.ts";

/** An OSV record (https://ossf.github.io/osv-schema/), the fields scan uses. */
export interface OsvRecord {
  id: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  severity?: { type: string; score: string }[];
  database_specific?: { severity?: string };
  affected?: {
    package?: { name: string; ecosystem: string; purl?: string };
    ranges?: { type: string; events: Record<string, string>[] }[];
    versions?: string[];
    database_specific?: { severity?: string };
  }[];
  references?: { type: string; url: string }[];
}

/** Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json): source package → CVE → release. */
export type DebianTracker = Record<string, Record<string, DebianIssue>>;
export interface DebianIssue {
  description?: string;
  scope?: string;
  debianbug?: number;
  releases: Record<string, DebianRelease>;
}
export interface DebianRelease {
  status: "resolved" | "open" | "undetermined" | string;
  repositories?: Record<string, string>;
  urgency?: string;
  fixed_version?: string;
  nodsa?: string;
  nodsa_reason?: string;
}

export interface DbSource {
  name: "osv-pypi" | "debian-tracker";
  /** Where it was read from. */
  path: string;
  /** When the data was fetched (cache) or last modified (advisory repository). */
  updatedAt?: string;
  records: number;
}

export interface VulnDb {
  dir: string;
  /** OSV PyPI records by PEP 503 name. */
  pypi: Map<string, OsvRecord[]>;
  debian?: DebianTracker;
  sources: DbSource[];
}

export const OSV_FILE = "osv-pypi.zip";
export const TRACKER_FILE = "debian-tracker.json";
export const META_FILE = "meta.json";

export interface DbMeta {
  updatedAt: string;
  files: Record<string, { url: string; bytes: number; sha256: string; records: number; downloadedAt: string }>;
}

export function defaultDbDir(): string {
  return process.env.FLASKPACK_DB ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "flaskpack", "db");
}

/**
 * Reads vulnerability data from a directory: flaskpack's cache (osv-pypi.zip, debian-tracker.json), the PyPA
 * advisory database layout (vulns/<package>/*.yaml) or a folder of OSV JSON/YAML records.
 * `names` limits OSV parsing to the packages being scanned.
 */
export function loadVulnDb(dir = defaultDbDir(), names?: Set<string>): VulnDb {
  if (!existsSync(dir)) {
    throw new FlaskpackError("NOT_FOUND", `no vulnerability data at ${dir}.`, "run `flaskpack db update` (needs the internet once), or pass --db DIR with OSV records (e.g. a clone of pypa/advisory-database)");
  }
  const db: VulnDb = { dir, pypi: new Map(), sources: [] };
  const meta = readMeta(dir);
  const add = (r: OsvRecord) => {
    if (r.withdrawn) return;
    for (const a of r.affected ?? []) {
      if (a.package?.ecosystem !== "PyPI") continue;
      const name = normalizePypiName(a.package.name);
      if (names && !names.has(name)) continue;
      const list = db.pypi.get(name) ?? [];
      if (!list.includes(r)) list.push(r);
      db.pypi.set(name, list);
    }
  };
  const zip = join(dir, OSV_FILE);
  if (existsSync(zip)) {
    let count = 0;
    for (const e of zipEntries(readFileSync(zip), zip)) {
      if (!e.name.endsWith(".json")) continue;
      count++;
      add(JSON.parse(e.data().toString("utf8")) as OsvRecord);
    }
    db.sources.push({ name: "osv-pypi", path: zip, updatedAt: meta?.files[OSV_FILE]?.downloadedAt ?? statSync(zip).mtime.toISOString(), records: count });
  } else {
    const vulns = existsSync(join(dir, "vulns")) ? join(dir, "vulns") : dir;
    let count = 0;
    let newest = "";
    for (const { file, wanted } of recordFiles(vulns, names)) {
      const text = readFileSync(file, "utf8");
      // Every record counts toward the data's age; only the scanned packages' records are parsed.
      const modified = /^\s*"?modified"?\s*:\s*"?([0-9T:.Z+-]+)/m.exec(text)?.[1];
      if (modified && modified > newest) newest = modified;
      count++;
      if (!wanted) continue;
      const r = (file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text)) as OsvRecord;
      if (r?.id) add(r);
    }
    if (count) db.sources.push({ name: "osv-pypi", path: vulns, updatedAt: newest || undefined, records: count });
  }
  const tracker = join(dir, TRACKER_FILE);
  if (existsSync(tracker)) {
    db.debian = JSON.parse(readFileSync(tracker, "utf8")) as DebianTracker;
    db.sources.push({ name: "debian-tracker", path: tracker, updatedAt: meta?.files[TRACKER_FILE]?.downloadedAt ?? statSync(tracker).mtime.toISOString(), records: Object.keys(db.debian).length });
  }
  if (!db.sources.length) {
    throw new FlaskpackError("NOT_FOUND", `${dir} holds no vulnerability data (no ${OSV_FILE}, ${TRACKER_FILE} or OSV records).`, "run `flaskpack db update`, or point --db at a folder of OSV records");
  }
  return db;
}

function readMeta(dir: string): DbMeta | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, META_FILE), "utf8")) as DbMeta;
  } catch {
    return undefined;
  }
}

/** OSV record files; in the advisory-database layout, only the folders of the wanted packages are read. */
function recordFiles(root: string, names?: Set<string>): { file: string; wanted: boolean }[] {
  const out: { file: string; wanted: boolean }[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const full = join(root, e.name);
    if (e.isDirectory()) {
      const wanted = !names || names.has(normalizePypiName(e.name));
      for (const f of readdirSync(full)) if (/\.(ya?ml|json)$/.test(f)) out.push({ file: join(full, f), wanted });
    } else if (/\.(ya?ml|json)$/.test(e.name) && e.name !== META_FILE && e.name !== TRACKER_FILE) out.push({ file: full, wanted: true });
  }
  return out;
}
