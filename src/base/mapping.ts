import { readFileSync } from "node:fs";
import { FlaskpackError } from "../errors.ts";
import { ownFile } from "../paths.ts";

/** PEP 503 normalized name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * Where Debian's own name differs from what dh-python's map says, or the map has no entry for a common
 * PyPI alias. `gunicorn` maps to the package with the executable, not only the module.
 */
const OVERRIDES: Record<string, string> = {
  gunicorn: "gunicorn",
  "psycopg2-binary": "python3-psycopg2",
  "psycopg-binary": "python3-psycopg",
  "mysqlclient": "python3-mysqldb",
  "pyyaml": "python3-yaml",
  "python-dotenv": "python3-dotenv",
  "pillow": "python3-pil",
  "beautifulsoup4": "python3-bs4",
  "pyjwt": "python3-jwt",
  "pymongo": "python3-pymongo",
  "waitress": "python3-waitress",
};

let fallback: Map<string, string> | undefined;

function debianMap(): Map<string, string> {
  if (fallback) return fallback;
  const file = ownFile("src/base/data/cpython3_fallback");
  fallback = new Map();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [dist, pkg] = line.trim().split(/\s+/);
    if (dist && pkg) fallback.set(normalizeName(dist), pkg);
  }
  return fallback;
}

/** Debian package that provides a PyPI distribution, or undefined. */
export function debianPackageFor(distribution: string): string | undefined {
  const n = normalizeName(distribution);
  return OVERRIDES[n] ?? debianMap().get(n);
}

/** Maps requirement names to Debian packages; throws naming every requirement that has none. */
export function mapRequirements(names: string[]): string[] {
  const unmapped: string[] = [];
  const pkgs = new Set<string>();
  for (const name of names) {
    const pkg = debianPackageFor(name);
    if (pkg) pkgs.add(pkg);
    else unmapped.push(name);
  }
  if (unmapped.length) {
    throw new FlaskpackError(
      "UNMAPPED_REQUIREMENT",
      `no Debian package provides ${unmapped.join(", ")}.`,
      "use pip mode (`--deps pip`), which installs requirements with pip, or drop the requirement.",
      { unmapped },
    );
  }
  return [...pkgs].sort();
}
