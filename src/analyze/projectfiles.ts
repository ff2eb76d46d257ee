/** Facts from the project's non-Python files: .env/.flaskenv, Procfile, Dockerfile, Python version files. Pure. */

/** KEY=value lines of a dotenv file (export prefix, quotes and comments handled). */
export function parseDotenv(text: string): { name: string; value: string; line: number }[] {
  const out: { name: string; value: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) return;
    let value = m[2].trim();
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, "");
    out.push({ name: m[1], value, line: i + 1 });
  });
  return out;
}

export interface ServerCommand {
  /** "gunicorn" | "waitress" | "uwsgi" | "flask run" | "python" | other program */
  program: string;
  /** WSGI target ("app:app", "blog:create_app()"); for `python x.py`, the script. */
  target?: string;
  chdir?: string;
  /** Port from --bind/-b/--port, or the env var it is read from. */
  port?: { value?: number; envVar?: string };
  devServer: boolean;
}

const FLAG_ONLY = new Set(["--reload", "--preload", "--daemon", "-D", "--check-config", "--print-config", "--capture-output", "--enable-stdio-inheritance", "--call", "--debug", "--debugger", "--reload", "--no-reload", "-u", "-B", "-O", "-OO", "--master", "--http-keepalive", "--lazy-apps", "--die-on-term", "--enable-threads"]);

/** Reads a start command (from a Procfile line or Dockerfile CMD), already split into words. */
export function parseServerCommand(words: string[]): ServerCommand | undefined {
  const w = words.filter((x) => x !== "exec");
  let i = 0;
  while (i < w.length && /^[A-Z_][A-Z0-9_]*=/.test(w[i])) i++;
  if (w[i] === "sh" || w[i] === "/bin/sh" || w[i] === "bash") {
    const c = w.indexOf("-c");
    if (c >= 0 && w[c + 1]) return parseServerCommand(splitWords(w[c + 1]));
  }
  const prog = (w[i] ?? "").split("/").pop() ?? "";
  const rest = w.slice(i + 1);
  if (/^python[\d.]*$/.test(prog) && rest[0] === "-m" && rest[1]) {
    if (rest[1] === "flask") return { program: "flask run", devServer: rest.includes("run"), port: flagPort(rest.slice(2)) };
    return parseServerCommand([rest[1].replace(/^waitress$/, "waitress-serve"), ...rest.slice(2)]);
  }
  if (/^python[\d.]*$/.test(prog)) {
    const script = rest.find((x) => !x.startsWith("-"));
    return { program: "python", target: script, devServer: true };
  }
  if (prog === "flask") return { program: "flask run", devServer: rest.includes("run"), port: flagPort(rest) };
  const program = prog === "waitress-serve" ? "waitress" : prog;
  if (!["gunicorn", "waitress", "uwsgi"].includes(program)) return undefined;
  const out: ServerCommand = { program, devServer: false };
  const positional: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    const [flag, inline] = a.startsWith("-") ? splitFlag(a) : [a, undefined];
    if (!a.startsWith("-")) { positional.push(a); continue; }
    const value = inline ?? (FLAG_ONLY.has(flag) ? undefined : rest[++k]);
    if (value === undefined) continue;
    if (flag === "--chdir") out.chdir = value;
    else if (flag === "-b" || flag === "--bind" || flag === "--listen" || flag === "--http" || flag === "--http-socket") out.port = portOf(value);
    else if (flag === "--port") out.port = portOf(value);
    else if (program === "uwsgi" && (flag === "--module" || flag === "-w" || flag === "--wsgi")) out.target = value;
  }
  out.target ??= positional.find((p) => /^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*(\(.*\))?)?$/.test(p));
  if (program === "waitress" && rest.includes("--call") && out.target && !out.target.endsWith(")")) out.target += "()";
  return out;
}

function splitFlag(a: string): [string, string | undefined] {
  const eq = a.indexOf("=");
  return eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
}

function flagPort(args: string[]): ServerCommand["port"] {
  for (let k = 0; k < args.length; k++) {
    const [flag, inline] = splitFlag(args[k]);
    if (flag === "-p" || flag === "--port") return portOf(inline ?? args[k + 1] ?? "");
  }
  return undefined;
}

function portOf(bind: string): { value?: number; envVar?: string } {
  const env = /\$\{?([A-Z_][A-Z0-9_]*)(?::-(\d+))?\}?/.exec(bind);
  if (env) return { envVar: env[1], value: env[2] ? Number(env[2]) : undefined };
  const n = /(?:^|:)(\d+)$/.exec(bind);
  return n ? { value: Number(n[1]) } : {};
}

/** Shell-like word splitting with quotes; enough for one-line commands. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

export function parseProcfile(text: string): { process: string; command: string; line: number }[] {
  const out: { process: string; command: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(l.trim());
    if (m) out.push({ process: m[1], command: m[2], line: i + 1 });
  });
  return out;
}

export interface DockerfileFacts {
  cmd?: { words: string[]; line: number };
  entrypoint?: { words: string[]; line: number };
  expose: { port: number; line: number }[];
  from: string[];
}

/** The last stage's CMD/ENTRYPOINT and every EXPOSE of a Dockerfile. */
export function parseDockerfile(text: string): DockerfileFacts {
  const out: DockerfileFacts = { expose: [], from: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let l = lines[i];
    while (/\\\s*$/.test(l) && i + 1 < lines.length) l = l.replace(/\\\s*$/, " ") + lines[++i];
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(l);
    if (!m || l.trim().startsWith("#")) continue;
    const instr = m[1].toUpperCase();
    const args = m[2].trim();
    if (instr === "FROM") {
      out.from.push(args.split(/\s+/)[0]);
      out.cmd = undefined;
      out.entrypoint = undefined;
    } else if (instr === "CMD" || instr === "ENTRYPOINT") {
      let words: string[];
      try {
        words = args.startsWith("[") ? (JSON.parse(args) as string[]) : splitWords(args);
      } catch {
        words = splitWords(args);
      }
      out[instr === "CMD" ? "cmd" : "entrypoint"] = { words, line: start };
    } else if (instr === "EXPOSE") {
      for (const p of args.split(/\s+/)) {
        const n = Number(p.split("/")[0]);
        if (Number.isInteger(n) && n > 0) out.expose.push({ port: n, line: start });
      }
    }
  }
  return out;
}

/** Wanted Python version from .python-version, runtime.txt or .tool-versions. */
export function pythonVersionFrom(file: string, text: string): string | undefined {
  if (file.endsWith(".python-version")) return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith("#"))?.replace(/^python-?/, "");
  if (file.endsWith("runtime.txt")) return /python-?(\d+(?:\.\d+)*)/.exec(text)?.[1];
  if (file.endsWith(".tool-versions")) return /^\s*python\s+(\S+)/m.exec(text)?.[1];
  return undefined;
}
