/**
 * Reads strace output (`strace -f -qq -y -X raw -o FILE`) into what slim needs: every path a process opened,
 * executed, stat-ed, mapped or listed, and every syscall name (for the seccomp allow-list). Pure.
 */
import { posix } from "node:path";

export interface TraceSummary {
  /** Absolute, normalized paths as the processes named them, and as the kernel resolved them (`-y`). */
  paths: Set<string>;
  /** Syscall names seen, for the seccomp profile. */
  syscalls: Set<string>;
  /** Paths of files that were executed. */
  executed: Set<string>;
  lines: number;
}

/** Syscalls whose first string argument is a path (resolved against dirfd or the process's cwd). */
const PATH_CALLS = new Set([
  "open", "openat", "openat2", "creat", "stat", "lstat", "newfstatat", "fstatat64", "statx", "access", "faccessat",
  "faccessat2", "readlink", "readlinkat", "execve", "execveat", "chdir", "statfs", "truncate", "mkdir", "mkdirat",
  "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod",
  "fchmodat", "chown", "lchown", "fchownat", "utimensat", "getxattr", "lgetxattr", "listxattr", "llistxattr",
  "uselib", "inotify_add_watch", "mknod", "mknodat",
]);
/** *at calls whose first argument is a directory fd. */
const AT_CALLS = /at2?$|^statx$|^newfstatat$|^fstatat64$|^openat2$|^inotify_add_watch$/;

const LINE = /^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$/;
const FD_PATH = /\d+<(\/[^<>]*)>/g;

export function parseStrace(text: string, initialCwd = "/"): TraceSummary {
  const parser = traceParser(initialCwd);
  for (const line of text.split("\n")) parser.line(line);
  return parser.summary;
}

/** A line-at-a-time parser, so traces of any length stream through without being held in memory. */
export function traceParser(initialCwd = "/", into?: TraceSummary): { line(line: string): void; summary: TraceSummary } {
  const summary: TraceSummary = into ?? { paths: new Set(), syscalls: new Set(), executed: new Set(), lines: 0 };
  const { paths, syscalls, executed } = summary;
  const cwd = new Map<string, string>();
  const line = (line: string): void => {
    const m = LINE.exec(line);
    if (!m) return;
    summary.lines++;
    const [, pid, resumed, name, rest] = m;
    const call = resumed ?? name;
    syscalls.add(call);
    for (const fd of rest.matchAll(FD_PATH)) paths.add(normalize(unescape(fd[1])));
    if (resumed) {
      const child = /^.*\)\s+=\s+(\d+)/.exec(rest);
      if ((call === "clone" || call === "clone3" || call === "fork" || call === "vfork") && child) cwd.set(child[1], cwd.get(pid) ?? initialCwd);
      return;
    }
    if (call === "clone" || call === "clone3" || call === "fork" || call === "vfork") {
      const child = /\)\s+=\s+(\d+)\s*$/.exec(rest);
      if (child) cwd.set(child[1], cwd.get(pid) ?? initialCwd);
      return;
    }
    if (!PATH_CALLS.has(call)) return;
    let base = cwd.get(pid) ?? initialCwd;
    let strings = rest;
    if (AT_CALLS.test(call)) {
      const dir = /^(?:-100|AT_FDCWD|\d+)(?:<(\/[^<>]*)>)?,\s*/.exec(rest);
      if (dir) {
        if (dir[1]) base = unescape(dir[1]);
        strings = rest.slice(dir[0].length);
      }
    }
    const first = /^"((?:[^"\\]|\\.)*)"/.exec(strings);
    if (!first) return;
    const raw = unescape(first[1]);
    if (raw === "") return;
    const abs = normalize(raw.startsWith("/") ? raw : posix.join(base, raw));
    paths.add(abs);
    if (call === "chdir" && /\)\s+=\s+0\s*$/.test(rest)) cwd.set(pid, abs);
    if ((call === "execve" || call === "execveat") && !/=\s+-1/.test(rest)) executed.add(abs);
    if (call === "rename" || call === "renameat" || call === "renameat2" || call === "link" || call === "linkat") {
      const second = /^"(?:[^"\\]|\\.)*",\s*(?:(?:-100|AT_FDCWD|\d+)(?:<(\/[^<>]*)>)?,\s*)?"((?:[^"\\]|\\.)*)"/.exec(strings);
      if (second) {
        const s = unescape(second[2]);
        paths.add(normalize(s.startsWith("/") ? s : posix.join(second[1] ? unescape(second[1]) : base, s)));
      }
    }
  };
  return { line, summary };
}

export function normalize(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** Undoes strace's C-style escaping of strings. */
function unescape(s: string): string {
  if (!s.includes("\\")) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const n = s[++i];
    if (n === "x") {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(n)) {
      let j = i;
      while (j < i + 3 && /[0-7]/.test(s[j] ?? "")) j++;
      bytes.push(parseInt(s.slice(i, j), 8));
      i = j - 1;
    } else bytes.push(({ n: 10, t: 9, r: 13, v: 11, f: 12 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}
