/**
 * Why a container did not come up: pure rules over the facts `run` gathers (start error, exit code, OOM flag,
 * last log lines, health log, which check failed, what is listening inside). First matching rule wins; the
 * order puts the most specific evidence first.
 */
export type DiagnosisKind =
  | "command-not-found"
  | "python-exception"
  | "missing-env"
  | "bound-to-localhost"
  | "port-in-use"
  | "read-only-fs"
  | "wrong-port"
  | "oom"
  | "unhealthy"
  | "unknown"
  | "missing-config-file";

export interface Listener {
  address: string;
  port: number;
}

export interface FailureFacts {
  image: string;
  /** "start": the engine refused to start it; "exited": it stopped; "not-answering": running, no HTTP answer; "unhealthy": answered, health check failed. */
  phase: "start" | "exited" | "not-answering" | "unhealthy";
  startError?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** Last lines of the container's output. */
  logs: string[];
  /** The check that failed, in words ("GET http://127.0.0.1:32768/ → connection reset"). */
  failedCheck?: string;
  health?: { status?: string; log: { exitCode: number; output: string }[]; command?: string[] };
  containerPort: number;
  hostPort?: number;
  /** TCP sockets listening inside the container, when it was running. */
  listening?: Listener[];
  readOnlyRoot?: boolean;
  memoryBytes?: number;
  user?: string;
  command?: string[];
}

export interface Diagnosis {
  kind: DiagnosisKind;
  cause: string;
  evidence: string[];
  fix: string;
}

function lastMatch(lines: string[], re: RegExp): RegExpMatchArray | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = lines[i].match(re);
    if (m) return m;
  }
  return undefined;
}

const EXCEPTION_LINE = /^((?:[A-Za-z_][\w.]*\.)?([A-Z]\w*(?:Error|Exception|Exit|Interrupt)|Exception|KeyError|StopIteration)): ?(.*)$/;
/** Exceptions named otherwise, from a library's exceptions module: jinja2.exceptions.TemplateNotFound, werkzeug.exceptions.NotFound. */
const DOTTED_EXCEPTION_LINE = /^([a-z_]\w*(?:\.[a-z_]\w*)*\.(?:exceptions?|exc|errors)\.([A-Z]\w*)): ?(.*)$/;

function exceptionLine(line: string): RegExpMatchArray | null {
  return line.match(EXCEPTION_LINE) ?? line.match(DOTTED_EXCEPTION_LINE);
}
/** gunicorn's own way of stopping after a worker failed to boot: its traceback hides the app's, printed before. */
const GUNICORN_HALT = /^gunicorn\.errors\.HaltServer\b|^HaltServer\b/;

/** The final "Error: message" line of the last Python traceback, and where it was raised in the app's code. */
function pythonError(lines: string[]): { line: string; type: string; message: string; where?: string } | undefined {
  const tb = lines.map((l) => l.trim());
  let end = tb.length;
  let scope: string[] = tb;
  let m: RegExpMatchArray | undefined;
  for (;;) {
    let start = -1;
    for (let i = end - 1; i >= 0; i--) if (/^Traceback \(most recent call last\)/.test(tb[i])) { start = i; break; }
    scope = start >= 0 ? tb.slice(start, end) : tb.slice(0, end);
    m = undefined;
    for (let i = scope.length - 1; i >= 0 && !m; i--) m = exceptionLine(scope[i]) ?? undefined;
    if (start > 0 && (!m || GUNICORN_HALT.test(m[0]))) {
      end = start; // look at the traceback before gunicorn's
      continue;
    }
    break;
  }
  if (!m) return undefined;
  const frames = scope.filter((l) => /^File "/.test(l) && !/site-packages|dist-packages|\/usr\/lib\/python|<frozen/.test(l));
  return { line: m[0], type: m[2], message: m[3], where: frames[frames.length - 1] };
}

/**
 * Errors Flask logged while answering requests ("Exception on /about [GET]" and its traceback): for each request,
 * the exception line and the app's frame that led to it.
 */
export function requestErrors(lines: string[]): { method: string; path: string; error: string; where?: string }[] {
  const out: { method: string; path: string; error: string; where?: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/Exception on (\S+) \[([A-Z]+)\]/);
    if (!m) continue;
    // The traceback: indented frames, then the exception at column 0 (after chained tracebacks, the last one).
    let where: string | undefined;
    let j = i + 1;
    for (; j < lines.length && j < i + 400; j++) {
      const l = lines[j];
      if (/^\s/.test(l)) {
        const frame = l.trim();
        if (/^File "/.test(frame) && !/site-packages|dist-packages|\/usr\/lib\/python|<frozen/.test(frame)) where = frame;
        continue;
      }
      if (/^(Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause)/.test(l) || !l.trim()) continue;
      // An exception line; when a chained traceback follows, the last exception is the one that counts.
      let k = j + 1;
      while (k < lines.length && !lines[k].trim()) k++;
      if (k < lines.length && /^(During handling of the above exception|The above exception was the direct cause)/.test(lines[k])) {
        j = k;
        where = undefined;
        continue;
      }
      break;
    }
    if (j < lines.length && j < i + 400) out.push({ method: m[2], path: m[1], error: lines[j].trim(), where: where?.replace(/^File "([^"]+)", line (\d+).*$/, "$1:$2") });
    i = j;
  }
  return out;
}

/**
 * The last n log lines worth showing: when gunicorn's shutdown traceback (HaltServer) ends the log, the lines
 * that end at the app's own exception before it.
 */
export function tail(lines: string[], n = 8): string[] {
  const kept = lines.filter((l) => l.trim());
  const t = kept.map((l) => l.trim());
  const halt = t.findLastIndex((l) => GUNICORN_HALT.test(l));
  if (halt >= 0) {
    let tb = halt;
    while (tb > 0 && !/^Traceback \(most recent call last\)/.test(t[tb])) tb--;
    for (let i = tb - 1; i >= 0; i--) if (exceptionLine(t[i])) return kept.slice(Math.max(0, i + 1 - n), i + 1);
  }
  return kept.slice(-n);
}

export function diagnose(f: FailureFacts): Diagnosis {
  const logs = f.logs;
  const exit = f.exitCode !== undefined ? [`exit code ${f.exitCode}`] : [];
  const check = f.failedCheck ? [`check failed: ${f.failedCheck}`] : [];
  const logEvidence = tail(logs).map((l) => `log: ${l}`);

  if (f.phase === "start" && f.startError && /address already in use|port is already allocated/i.test(f.startError)) {
    const port = f.hostPort ?? Number(f.startError.match(/:(\d+)(?!.*:\d)/)?.[1]);
    return {
      kind: "port-in-use",
      cause: `host port ${port} is already in use by another process or container`,
      evidence: [`engine: ${f.startError.trim()}`],
      fix: `pick another host port (--host-port), or leave it out to get a free one; see what holds it with \`ss -ltnp 'sport = :${port}'\``,
    };
  }

  const notFound = /exec: "?[^":\s]+"?: (?:executable file not found|no such file or directory)/i.test(f.startError ?? "") ? f.startError : undefined;
  const shellNotFound = lastMatch(logs, /(?:^|: )([\w./-]+): (?:command )?not found$|exec: ([\w./-]+): not found/);
  if (notFound || f.exitCode === 127 || shellNotFound) {
    const cmd = notFound?.match(/exec: "?([^":\s]+)"?/)?.[1] ?? shellNotFound?.[1] ?? shellNotFound?.[2] ?? f.command?.[0] ?? "the command";
    return {
      kind: "command-not-found",
      cause: `command not found: ${cmd} is not installed in the image (exit 127)`,
      evidence: [...(f.startError ? [`engine: ${f.startError.trim()}`] : []), ...exit, ...(f.command ? [`command: ${JSON.stringify(f.command)}`] : []), ...logEvidence],
      fix: cmd === "gunicorn"
        ? "add gunicorn to requirements.txt (debian mode: the base needs the gunicorn package) and rebuild"
        : `install ${cmd} in the image, or fix the CMD/ENTRYPOINT to call a program that exists`,
    };
  }

  if (f.oomKilled || (f.exitCode === 137 && f.memoryBytes) || lastMatch(logs, /Perhaps out of memory|MemoryError/)) {
    const limit = f.memoryBytes ? `${Math.round(f.memoryBytes / 1048576)} MiB` : "its";
    return {
      kind: "oom",
      cause: `the app ran out of memory: the kernel killed it at the ${limit} memory limit${f.exitCode === 137 ? " (exit 137)" : ""}`,
      evidence: [...exit, ...(f.oomKilled ? ["OOMKilled: true"] : []), ...logEvidence],
      fix: "raise the limit (--memory 512m), or lower WEB_CONCURRENCY so fewer workers share it",
    };
  }

  const py = pythonError(logs);
  const roFs = lastMatch(logs, /(?:Errno 30\] Read-only file system|Errno 13\] Permission denied): '([^']+)'/);
  if (roFs) {
    const ro = /Errno 30/.test(roFs[0]);
    return {
      kind: "read-only-fs",
      cause: `the app cannot write ${roFs[1]}: ${ro ? "the root filesystem is read-only" : "permission denied (the app's files belong to root)"}`,
      evidence: [...exit, `log: ${roFs[0].trim()}`, ...(py?.where ? [`raised at: ${py.where}`] : []), ...(f.readOnlyRoot ? ["read-only root filesystem: on"] : [])],
      fix: `write under a declared writable directory (e.g. instance/ or /tmp), or mount a volume at ${roFs[1].replace(/\/[^/]*$/, "") || "/"}; only declared paths are writable`,
    };
  }
  // app.config.from_pyfile("config.py") without silent=True, and the file is not in the image (instance/ is ignored).
  const cfg = lastMatch(logs, /Unable to load configuration file \((?:No such file or directory|Is a directory)\): '([^']+)'/);
  if (cfg) {
    const file = cfg[1];
    const rel = file.startsWith("/app/") ? `./${file.slice(5)}` : `./${file.split("/").pop()}`;
    return {
      kind: "missing-config-file",
      cause: `the app loads ${file} at start (config.from_pyfile) and the container does not have it`,
      evidence: [...exit, `log: ${cfg[0].trim()}`, ...(py?.where ? [`raised at: ${py.where}`] : [])],
      fix: `mount it: flaskpack run -v ${rel}:${file} (instance/ is kept out of the image: it holds this machine's config), or load it with silent=True and configure with environment variables`,
    };
  }
  if (py && py.type === "KeyError") {
    const name = py.message.replace(/^['"]|['"]$/g, "");
    const viaEnviron = logs.some((l) => /os\.environ\[|environ\[/.test(l)) || /^[A-Z][A-Z0-9_]*$/.test(name);
    if (viaEnviron) {
      return {
        kind: "missing-env",
        cause: `required environment variable ${name} is not set (KeyError from os.environ)`,
        evidence: [...exit, `log: ${py.line}`, ...(py.where ? [`raised at: ${py.where}`] : [])],
        fix: `pass it with -e ${name}=... (flaskpack run, ship), or put ${name}=... in the project's .env; see .env.example`,
      };
    }
  }
  if (py && (f.phase === "exited" || /Worker failed to boot|App failed to load/.test(logs.join("\n")))) {
    const missingModule = py.message.match(/No module named '([^']+)'/)?.[1];
    return {
      kind: "python-exception",
      cause: `the app crashed at start: ${py.line}`,
      evidence: [...exit, ...(py.where ? [`raised at: ${py.where}`] : []), ...logEvidence],
      fix: missingModule
        ? `${missingModule} is imported but not installed: add its distribution to requirements.txt and rebuild`
        : olderLibrary(py.message) ?? "fix the exception in the app (run it locally with the same environment), then rebuild",
    };
  }

  if (f.phase === "not-answering" && f.listening) {
    const on = f.listening;
    const local = on.find((l) => isLoopback(l.address));
    const anyOnPort = on.some((l) => l.port === f.containerPort && !isLoopback(l.address));
    if (local && !anyOnPort) {
      return {
        kind: "bound-to-localhost",
        cause: `the app listens on ${local.address}:${local.port} inside the container, which is unreachable from outside it`,
        evidence: [...check, `listening inside: ${on.map((l) => `${l.address}:${l.port}`).join(", ")}`, ...logEvidence.slice(-3)],
        fix: `bind to 0.0.0.0: gunicorn --bind 0.0.0.0:${f.containerPort} (or set PORT), or app.run(host="0.0.0.0")`,
      };
    }
    const other = on.filter((l) => !isLoopback(l.address) && l.port !== f.containerPort);
    if (other.length && !anyOnPort) {
      return {
        kind: "wrong-port",
        cause: `the app listens on port ${other[0].port}, but port ${f.containerPort} is the one published`,
        evidence: [...check, `listening inside: ${on.map((l) => `${l.address}:${l.port}`).join(", ")}`, `published: ${f.containerPort}/tcp → 127.0.0.1:${f.hostPort ?? "?"}`],
        fix: `publish the port it uses (--port ${other[0].port}), or make it listen on ${f.containerPort} (-e PORT=${f.containerPort})`,
      };
    }
  }

  if (f.phase === "unhealthy") {
    const last = f.health?.log[f.health.log.length - 1];
    const out = last?.output.trim().split("\n").filter(Boolean) ?? [];
    const err = lastMatch(out, /(HTTP Error \d+[^\n]*|URLError[^\n]*|Error[^\n]*)$/)?.[1] ?? out[out.length - 1];
    return {
      kind: "unhealthy",
      cause: `the health check fails${err ? `: ${err}` : ""}`,
      evidence: [
        ...(f.health?.command ? [`health check: ${f.health.command.join(" ")}`] : []),
        ...(last ? [`exit code ${last.exitCode}`] : []),
        ...out.slice(-3).map((l) => `output: ${l}`),
        ...check,
      ],
      fix: "make the health route answer 2xx without depending on what is down, or point HEALTHCHECK at a route that does",
    };
  }

  const serverError = f.phase === "not-answering" ? f.failedCheck?.match(/^GET (\S+) → answered HTTP (5\d\d)/) : undefined;
  if (py && serverError) {
    const path = new URL(serverError[1]).pathname;
    return {
      kind: "python-exception",
      cause: `GET ${path} answers HTTP ${serverError[2]}: the app raised ${py.line}`,
      evidence: [...check, ...(py.where ? [`raised at: ${py.where}`] : []), ...logEvidence.slice(-4)],
      fix: `fix the error${py.where ? ` (${py.where.replace(/^File /, "")})` : ""} and rebuild; if ${path} needs what a fresh container does not have yet (a logged-in user, database tables), wait on a route that answers without it: --ready-path /health`,
    };
  }
  if (py) {
    return {
      kind: "python-exception",
      cause: `the app raised ${py.line}`,
      evidence: [...exit, ...(py.where ? [`raised at: ${py.where}`] : []), ...logEvidence],
      fix: "fix the exception in the app, then rebuild",
    };
  }
  return {
    kind: "unknown",
    cause: f.phase === "exited" ? `the container stopped with exit code ${f.exitCode ?? "?"} before answering` : f.phase === "start" ? `the engine could not start the container: ${f.startError ?? "no reason given"}` : "the app did not answer in time",
    evidence: [...(f.startError ? [`engine: ${f.startError}`] : []), ...exit, ...check, ...logEvidence],
    fix: "read the logs above; run with --verbose, or start it by hand: docker run --rm -it <image>",
  };
}

function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}

/** Listening TCP sockets from /proc/net/tcp and /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[3] !== "0A" || !/^[0-9A-F]+:[0-9A-F]{4}$/i.test(cols[1])) continue;
    const [hex, port] = cols[1].split(":");
    out.push({ address: hex.length === 8 ? ipv4(hex) : ipv6(hex), port: parseInt(port, 16) });
  }
  return out;
}

function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join(".");
}

function ipv6(hex: string): string {
  if (/^0{32}$/.test(hex)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  if (hex.startsWith("0000000000000000FFFF0000")) return ipv4(hex.slice(24));
  const words: string[] = [];
  for (let i = 0; i < 4; i++) {
    const w = hex.slice(i * 8, i * 8 + 8);
    const le = w.match(/../g)!.reverse().join("");
    words.push(le.slice(0, 4), le.slice(4));
  }
  return words.map((w) => w.replace(/^0+(?=.)/, "").toLowerCase()).join(":");
}

/**
 * An API missing from an installed library (`module 'sqlalchemy.orm' has no attribute 'mapped_column'`, `cannot
 * import name 'x' from 'y'`) usually means the image has an older version than the app was written for: in debian
 * mode that is the version Debian packages.
 */
function olderLibrary(message: string): string | undefined {
  const lib = message.match(/module '([\w.]+)' has no attribute/)?.[1] ?? message.match(/cannot import name '[^']+' from '([\w.]+)'/)?.[1];
  if (!lib) return undefined;
  const top = lib.split(".")[0];
  return `the installed ${top} lacks what the app uses, so it is likely older than the app expects (debian mode installs Debian's packaged version; see \`flaskpack sbom IMAGE\`): pin the version you need in requirements.txt and build with --deps pip, or adapt the code`;
}
