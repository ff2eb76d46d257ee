import pc from "picocolors";
import { FlaskpackError, EXIT } from "../errors.ts";
import { stderrProgress, silentProgress, type Progress } from "../util/progress.ts";

export interface CommonOptions {
  json?: boolean;
  debug?: boolean;
  verbose?: boolean;
}

/** Progress for a command: on stderr for people, silent under --json. */
export function progressFor(opts: CommonOptions): Progress {
  return opts.json ? silentProgress : stderrProgress(Boolean(opts.verbose));
}

/** Prints a command's result: its data as JSON with --json, else the command's own rendering. */
export function emit<T>(data: T, opts: CommonOptions, render: (data: T) => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(data, null, 2) + "\n");
  else {
    const text = render(data);
    if (text) process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  }
}

/** Runs a command's action: errors become one readable paragraph and an exit code, never a stack trace. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>) {
  return async (...args: A): Promise<void> => {
    const cmd = args[args.length - 1] as { optsWithGlobals?: () => CommonOptions };
    const opts: CommonOptions = cmd?.optsWithGlobals?.() ?? {};
    // Global flags (--verbose, --debug) reach the command's own options object, which commands pass on.
    const own = args[args.length - 2];
    if (own && typeof own === "object") {
      const o = own as CommonOptions;
      o.verbose ??= opts.verbose;
      o.debug ??= opts.debug;
    }
    try {
      const code = await fn(...args);
      process.exitCode = typeof code === "number" ? code : EXIT.OK;
    } catch (e) {
      process.exitCode = reportError(e, opts);
    }
  };
}

export function reportError(e: unknown, opts: CommonOptions): number {
  if (e instanceof FlaskpackError) {
    if (opts.json) process.stdout.write(JSON.stringify(e.toJSON(), null, 2) + "\n");
    process.stderr.write(`${pc.red("error:")} ${e.message}\n`);
    if (e.fix) process.stderr.write(`${pc.yellow("fix:")} ${e.fix}\n`);
    if (opts.debug && e.stack) process.stderr.write(pc.dim(e.stack) + "\n");
    return e.exitCode;
  }
  const err = e as Error;
  if (opts.json) process.stdout.write(JSON.stringify({ error: { code: "INTERNAL", message: String(err?.message ?? e) } }, null, 2) + "\n");
  process.stderr.write(`${pc.red("error:")} ${err?.message ?? String(e)}\n`);
  process.stderr.write(opts.debug ? pc.dim(String(err?.stack)) + "\n" : `${pc.dim("this is a flaskpack bug; run again with --debug for details and report it.")}\n`);
  return EXIT.INTERNAL;
}

/** A plain text table with aligned columns. */
export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(String(c)))));
  const line = (r: (string | number)[]) => r.map((c, i) => String(c) + " ".repeat(widths[i] - visibleLength(String(c)))).join("  ").trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => "─".repeat(w)).join("  "));
  if (header) out[0] = pc.bold(out[0]);
  return out.join("\n");
}

function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, "").length;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "?";
  const units = ["B", "kB", "MB", "GB"];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** `-e KEY=VALUE` (repeatable), as docker run reads it: `-e KEY` alone takes KEY from this environment. */
export function collectEnv(value: string, prev: Record<string, string>): Record<string, string> {
  const i = value.indexOf("=");
  return { ...prev, [i < 0 ? value : value.slice(0, i)]: i < 0 ? (process.env[value] ?? "") : value.slice(i + 1) };
}
