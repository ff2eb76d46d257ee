import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, cpSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const EXAMPLES = join(ROOT, "examples");
/** The PyPA advisory snapshot in shared/, which lies beside the checkout (CI) or at /work/shared (sessions). */
export const PYPA_DB = [join(ROOT, "..", "shared", "vulndb", "pypa-advisory-database"), "/work/shared/vulndb/pypa-advisory-database"].find((p) => existsSync(p)) ?? join(ROOT, "..", "shared", "vulndb", "pypa-advisory-database");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin/flaskpack.js) as a user would. */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/flaskpack.js"), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 600_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A temp dir removed when the test ends (pass t.after). */
export function tempDir(after: (fn: () => void) => void, prefix = "fp-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A private copy of an example, so tests may write into it. */
export function copyExample(name: string, after: (fn: () => void) => void): string {
  return copyTree(join(EXAMPLES, name), name, after);
}

/** A copy of test/fixtures/apps/<name> (apps shaped like third-party projects) in a temp dir removed after the test. */
export function copyFixtureApp(name: string, after: (fn: () => void) => void): string {
  return copyTree(join(ROOT, "test/fixtures/apps", name), name, after);
}

function copyTree(from: string, name: string, after: (fn: () => void) => void): string {
  const dir = join(tempDir(after), name);
  cpSync(from, dir, { recursive: true });
  return dir;
}
