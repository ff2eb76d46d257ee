/** Declared dependencies: requirements files, pyproject.toml (PEP 621, Poetry, PEP 735), Pipfile and lock files. Pure. */
import { parse as parseToml } from "smol-toml";
import type { Dependency } from "./model.ts";

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** One PEP 508 requirement string ("flask[async]>=2.2; python_version>'3.8'", "pkg @ https://..."). */
export function parsePep508(text: string, from: string): Dependency | undefined {
  const [reqPart, ...markerParts] = splitMarker(text);
  const marker = markerParts.join(";").trim() || undefined;
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(reqPart);
  if (!m) return undefined;
  const [, name, extras, rest] = m;
  const dep: Dependency = {
    name,
    normalized: normalizeName(name),
    specifier: "",
    extras: extras ? extras.split(",").map((e) => e.trim()).filter(Boolean) : [],
    from,
  };
  const r = rest.trim();
  if (r.startsWith("@")) dep.local = r.slice(1).trim();
  else dep.specifier = r.replace(/^\((.*)\)$/, "$1").replace(/\s+/g, "");
  if (marker) dep.marker = marker;
  return dep;
}

function splitMarker(text: string): string[] {
  // A ';' inside a URL (name @ url;marker) is only a marker separator when followed by whitespace, per PEP 508.
  const i = text.includes(" @ ") ? text.search(/\s;/) : text.indexOf(";");
  return i < 0 ? [text] : [text.slice(0, i), text.slice(i + 1).replace(/^;/, "")];
}

export interface RequirementsFile {
  dependencies: Dependency[];
  /** Files named by -r / --requirement, as written. */
  includes: string[];
  /** Files named by -c / --constraint. */
  constraints: string[];
  problems: { line: number; message: string }[];
}

/** requirements.txt syntax: comments, line continuations, -r/-c, -e, local paths, URLs, --hash, global options. */
export function parseRequirements(text: string, file: string): RequirementsFile {
  const out: RequirementsFile = { dependencies: [], includes: [], constraints: [], problems: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    while (line.endsWith("\\") && i + 1 < lines.length) line = line.slice(0, -1) + " " + lines[++i];
    line = line.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const from = `${file}:${lineNo}`;
    const opt = /^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (opt) {
      const [, flag, value] = opt;
      if (flag === "-r" || flag === "--requirement") out.includes.push(value.trim());
      else if (flag === "-c" || flag === "--constraint") out.constraints.push(value.trim());
      else out.dependencies.push(localDependency(value.trim(), from, true));
      continue;
    }
    if (line.startsWith("-")) continue; // --index-url, --find-links, --pre, ...
    const hashes = [...line.matchAll(/--hash[=\s]+(\S+)/g)].map((h) => h[1]);
    line = line.replace(/\s*--hash[=\s]+\S+/g, "").replace(/\s--\S+.*$/, "").trim();
    if (/^(\.{1,2}\/|\/|file:|https?:|git\+|hg\+|svn\+|bzr\+)/.test(line) || /\.(whl|tar\.gz|zip)$/.test(line)) {
      out.dependencies.push(localDependency(line, from, false));
      continue;
    }
    const dep = parsePep508(line, from);
    if (!dep) {
      out.problems.push({ line: lineNo, message: `cannot read requirement "${line}"` });
      continue;
    }
    if (hashes.length) dep.hashes = hashes;
    out.dependencies.push(dep);
  }
  return out;
}

function localDependency(spec: string, from: string, editable: boolean): Dependency {
  const egg = /#egg=([A-Za-z0-9._-]+)/.exec(spec)?.[1];
  const base = spec.replace(/[#?].*$/, "").replace(/\/+$/, "");
  const name = egg ?? (base === "." ? "." : base.split("/").pop()!.replace(/\.git$/, "").replace(/-\d.*\.(whl|tar\.gz|zip)$/, ""));
  return { name, normalized: normalizeName(name), specifier: "", extras: [], from, local: editable ? `-e ${spec}` : spec };
}

export interface Declared {
  dependencies: Dependency[];
  devDependencies: Dependency[];
  python?: string;
  problems: { message: string }[];
}

type Table = Record<string, unknown>;

function table(v: unknown): Table | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : undefined;
}

/** An empty declaration and the parsed TOML document, or the parse error as a problem naming the file. */
function tomlDeclared(text: string, file: string): { out: Declared; doc?: Table } {
  const out: Declared = { dependencies: [], devDependencies: [], problems: [] };
  try {
    return { out, doc: parseToml(text) as Table };
  } catch (e) {
    out.problems.push({ message: `${file}: ${(e as Error).message.split("\n")[0]}` });
    return { out };
  }
}

/** pyproject.toml: [project] (PEP 621), [tool.poetry], [dependency-groups] (PEP 735), [tool.uv] dev-dependencies. */
export function parsePyproject(text: string, file = "pyproject.toml"): Declared {
  const { out, doc } = tomlDeclared(text, file);
  if (!doc) return out;
  const project = table(doc.project);
  if (project) {
    for (const s of (project.dependencies as unknown[] | undefined) ?? []) {
      const d = typeof s === "string" ? parsePep508(s, file) : undefined;
      if (d) out.dependencies.push(d);
    }
    if (typeof project["requires-python"] === "string") out.python = project["requires-python"] as string;
  }
  const groups = table(doc["dependency-groups"]);
  for (const [g, list] of Object.entries(groups ?? {}))
    for (const s of Array.isArray(list) ? list : []) {
      const d = typeof s === "string" ? parsePep508(s, `${file} [dependency-groups.${g}]`) : undefined;
      if (d) out.devDependencies.push(d);
    }
  const uv = table(table(doc.tool)?.uv);
  for (const s of (uv?.["dev-dependencies"] as unknown[] | undefined) ?? []) {
    const d = typeof s === "string" ? parsePep508(s, `${file} [tool.uv]`) : undefined;
    if (d) out.devDependencies.push(d);
  }
  const poetry = table(table(doc.tool)?.poetry);
  if (poetry) {
    const deps = table(poetry.dependencies) ?? {};
    for (const [name, spec] of Object.entries(deps)) {
      if (name.toLowerCase() === "python") {
        out.python ??= poetrySpecifier(typeof spec === "string" ? spec : String(table(spec)?.version ?? ""));
        continue;
      }
      out.dependencies.push(poetryDependency(name, spec, `${file} [tool.poetry.dependencies]`));
    }
    for (const [name, spec] of Object.entries(table(poetry["dev-dependencies"]) ?? {}))
      out.devDependencies.push(poetryDependency(name, spec, `${file} [tool.poetry.dev-dependencies]`));
    for (const [g, group] of Object.entries(table(poetry.group) ?? {}))
      for (const [name, spec] of Object.entries(table(table(group)?.dependencies) ?? {}))
        out.devDependencies.push(poetryDependency(name, spec, `${file} [tool.poetry.group.${g}]`));
  }
  return out;
}

function poetryDependency(name: string, spec: unknown, from: string): Dependency {
  const t = table(spec);
  const version = typeof spec === "string" ? spec : typeof t?.version === "string" ? t.version : "";
  const dep: Dependency = { name, normalized: normalizeName(name), specifier: poetrySpecifier(version), extras: [], from };
  if (Array.isArray(t?.extras)) dep.extras = (t.extras as unknown[]).map(String);
  if (typeof t?.markers === "string") dep.marker = t.markers;
  if (typeof t?.path === "string") dep.local = t.path;
  if (typeof t?.git === "string") dep.local = `git+${t.git}`;
  return dep;
}

/** Poetry's "^2.2", "~2.2", "2.2.*", "2.2.0", "*" as a PEP 440 specifier. */
export function poetrySpecifier(spec: string): string {
  return spec
    .split(",")
    .map((part) => {
      const p = part.trim();
      if (!p || p === "*") return "";
      const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(p);
      if (caret) {
        const [major, minor, patch] = [Number(caret[1]), caret[2], caret[3]];
        const upper = major > 0 ? `${major + 1}.0` : minor !== undefined && Number(minor) > 0 ? `0.${Number(minor) + 1}` : `0.0.${Number(patch ?? 0) + 1}`;
        return `>=${p.slice(1)},<${upper}`;
      }
      const tilde = /^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(p);
      if (tilde) {
        const upper = tilde[2] !== undefined ? `${tilde[1]}.${Number(tilde[2]) + 1}` : `${Number(tilde[1]) + 1}.0`;
        return `>=${p.slice(1)},<${upper}`;
      }
      if (/^\d/.test(p)) return `==${p}`;
      return p.replace(/\s+/g, "");
    })
    .filter(Boolean)
    .join(",");
}

/** Pipfile: [packages], [dev-packages], [requires] python_version. */
export function parsePipfile(text: string, file = "Pipfile"): Declared {
  const { out, doc } = tomlDeclared(text, file);
  if (!doc) return out;
  const pip = (name: string, spec: unknown, from: string): Dependency => {
    const t = table(spec);
    const version = typeof spec === "string" ? spec : typeof t?.version === "string" ? t.version : "";
    const dep: Dependency = { name, normalized: normalizeName(name), specifier: version === "*" ? "" : version.replace(/\s+/g, ""), extras: [], from };
    if (Array.isArray(t?.extras)) dep.extras = (t.extras as unknown[]).map(String);
    if (typeof t?.markers === "string") dep.marker = t.markers;
    if (typeof t?.path === "string") dep.local = t.editable ? `-e ${t.path}` : t.path;
    if (typeof t?.git === "string") dep.local = `git+${t.git}`;
    return dep;
  };
  for (const [n, s] of Object.entries(table(doc.packages) ?? {})) out.dependencies.push(pip(n, s, `${file} [packages]`));
  for (const [n, s] of Object.entries(table(doc["dev-packages"]) ?? {})) out.devDependencies.push(pip(n, s, `${file} [dev-packages]`));
  const req = table(doc.requires);
  const py = req?.python_full_version ?? req?.python_version;
  if (typeof py === "string") out.python = py;
  return out;
}

/** Exact versions from a lock file: Pipfile.lock (JSON), poetry.lock or uv.lock (TOML [[package]]). */
export function parseLock(text: string, file: string): Map<string, { version: string; hashes?: string[] }> {
  const out = new Map<string, { version: string; hashes?: string[] }>();
  if (file.endsWith("Pipfile.lock")) {
    const doc = JSON.parse(text) as Record<string, Record<string, { version?: string; hashes?: string[] }>>;
    for (const section of ["default", "develop"])
      for (const [name, p] of Object.entries(doc[section] ?? {}))
        if (p.version && !out.has(normalizeName(name))) out.set(normalizeName(name), { version: p.version.replace(/^==/, ""), hashes: p.hashes });
    return out;
  }
  const doc = parseToml(text) as Table;
  for (const p of (doc.package as unknown[] | undefined) ?? []) {
    const t = table(p);
    if (typeof t?.name === "string" && typeof t.version === "string") out.set(normalizeName(t.name), { version: t.version });
  }
  return out;
}
