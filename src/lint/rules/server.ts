import { effectiveCommand, type DockerfileModel, type Instr } from "../dockerfile.ts";

/** What the final image's command starts, read from ENTRYPOINT + CMD. */
export type Server =
  | { kind: "flask-run"; at: Instr; host: string | null; port: number | null; app: string | null; debug: boolean }
  | { kind: "gunicorn"; at: Instr; binds: string[]; target: string | null; configFile: string | null }
  | { kind: "script"; at: Instr; script: string }
  | { kind: "other"; at: Instr; argv: string[] };

function opt(argv: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    for (const n of names) {
      if (argv[i] === n && i + 1 < argv.length) out.push(argv[i + 1]);
      else if (argv[i].startsWith(n + "=")) out.push(argv[i].slice(n.length + 1));
      else if (n.length === 2 && argv[i].startsWith(n) && argv[i].length > 2 && !argv[i].startsWith("--")) out.push(argv[i].slice(2));
    }
  }
  return out;
}

export function serverOf(df: DockerfileModel): Server | null {
  const stage = df.finalStage;
  if (!stage) return null;
  const cmd = effectiveCommand(stage);
  if (!cmd) return null;
  let argv = cmd.argv;
  // `sh -c "…"` wrappers: read the inner command.
  if (/^(\/bin\/)?(ba)?sh$/.test(argv[0] ?? "") && argv[1] === "-c" && argv[2]) argv = argv[2].split(/\s+/).filter(Boolean);
  const prog = (argv[0] ?? "").split("/").pop() ?? "";
  let rest = argv.slice(1);
  let tool = prog;
  if (/^python[0-9.]*$/.test(prog)) {
    const m = rest.indexOf("-m");
    if (m >= 0) {
      tool = rest[m + 1] ?? "";
      rest = rest.slice(m + 2);
    } else {
      const script = rest.find((w) => !w.startsWith("-"));
      if (script) return { kind: "script", at: cmd.at, script: script.replace(/^\.\//, "") };
    }
  }
  if (tool === "flask") {
    const runAt = rest.indexOf("run");
    if (runAt < 0) return { kind: "other", at: cmd.at, argv };
    const before = rest.slice(0, runAt);
    const after = rest.slice(runAt + 1);
    const port = opt(after, ["--port", "-p"])[0];
    return {
      kind: "flask-run",
      at: cmd.at,
      host: opt(after, ["--host", "-h"])[0] ?? null,
      port: port && /^\d+$/.test(port) ? Number(port) : null,
      app: opt(before, ["--app", "-A"])[0] ?? null,
      debug: before.includes("--debug") || after.includes("--debug"),
    };
  }
  if (tool === "gunicorn") {
    const positional: string[] = [];
    const WITH_VALUE = /^(-[bcwkt]|--bind|--config|--workers|--worker-class|--timeout|--threads|--chdir|--log-level|--access-logfile|--error-logfile|--name|-n|--pythonpath|--env|-e|--user|-u|--group|-g|--max-requests|--graceful-timeout|--keep-alive|--worker-tmp-dir|--preload-app|--forwarded-allow-ips|--log-config|--statsd-host|--paste|--backlog)$/;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i].startsWith("-")) {
        if (WITH_VALUE.test(rest[i])) i++;
        continue;
      }
      positional.push(rest[i]);
    }
    return { kind: "gunicorn", at: cmd.at, binds: opt(rest, ["--bind", "-b"]), target: positional.at(-1) ?? null, configFile: opt(rest, ["--config", "-c"])[0] ?? null };
  }
  return { kind: "other", at: cmd.at, argv };
}

/** `0.0.0.0:8000` → {host, port}; `:8000` and `8000` mean all interfaces per gunicorn; `unix:` has no port. */
export function parseBind(bind: string): { host: string; port: number | null } {
  if (bind.startsWith("unix:")) return { host: bind, port: null };
  const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(bind);
  if (!m) return { host: bind, port: null };
  const host = m[1] ?? m[2] ?? "";
  if (/^\d+$/.test(host) && m[3] === undefined) return { host: "0.0.0.0", port: Number(host) };
  return { host: host || "0.0.0.0", port: m[3] ? Number(m[3]) : 8000 };
}

const LOCAL = new Set(["127.0.0.1", "localhost", "::1", "127.0.1.1"]);
export function isLoopback(host: string): boolean {
  return LOCAL.has(host.replace(/^\[|\]$/g, ""));
}
