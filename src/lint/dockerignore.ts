/**
 * .dockerignore matching with Docker's semantics: patterns are cleaned paths relative to the context root,
 * `*` and `?` stay within one path segment, `**` spans segments, `!` re-includes, the last matching pattern wins,
 * and a pattern that matches a directory excludes everything under it.
 */
export interface IgnorePattern {
  pattern: string;
  negate: boolean;
  regex: RegExp;
  line: number;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let p = raw.trim();
    if (!p || p.startsWith("#")) return;
    const negate = p.startsWith("!");
    if (negate) p = p.slice(1).trim();
    p = cleanPath(p);
    if (!p) return;
    out.push({ pattern: p, negate, regex: globToRegex(p), line: i + 1 });
  });
  return out;
}

function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, "/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
}

/** Docker's path glob as a regex that also matches every path below a match (a directory's files). */
export function globToRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") { i++; re += "(?:.*/)?"; } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i);
      if (end < 0) re += "\\[";
      else { re += "[" + glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]"; i = end; }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** True when the path (relative, forward slashes) is excluded from the build context. */
export function isExcluded(patterns: IgnorePattern[], path: string): boolean {
  const p = cleanPath(path);
  let excluded = false;
  for (const pat of patterns) if (pat.regex.test(p)) excluded = !pat.negate;
  return excluded;
}
