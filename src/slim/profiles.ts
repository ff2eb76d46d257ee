/** Security profiles from what the trace saw. Pure. */

/**
 * Syscalls the container runtime itself makes between installing the seccomp filter and exec-ing the app
 * (runc applies the filter before dropping privileges and calling execve), those of the engine's init process
 * (tini, for `docker run --init` and hardened runs: signal forwarding and reaping), plus what a stopping process needs.
 */
export const RUNTIME_SYSCALLS = [
  "arch_prctl", "brk", "capget", "capset", "chdir", "close", "close_range", "dup2", "dup3", "epoll_ctl", "epoll_pwait",
  "epoll_wait", "execve", "exit", "exit_group", "fchdir", "fchown", "fcntl", "fstat", "fstatfs", "futex", "getcwd",
  "getdents64", "getegid", "geteuid", "getgid", "getpid", "getppid", "getuid", "gettid", "mmap", "mprotect", "munmap",
  "nanosleep", "newfstatat", "openat", "prctl", "read", "restart_syscall", "rt_sigaction", "rt_sigprocmask",
  "rt_sigreturn", "sched_yield", "set_robust_list", "set_tid_address", "setgid", "setgroups", "setresgid", "setresuid",
  "setsid", "setuid", "sigaltstack", "statx", "tgkill", "uname", "wait4", "waitid", "write",
  // tini
  "clone", "clone3", "fork", "getpgid", "getpgrp", "ioctl", "kill", "rt_sigtimedwait", "setpgid", "vfork",
];

export interface SeccompProfile {
  defaultAction: "SCMP_ACT_ERRNO";
  defaultErrnoRet: number;
  architectures: string[];
  syscalls: { names: string[]; action: "SCMP_ACT_ALLOW" }[];
}

/** An allow-list of the traced syscalls plus the runtime's; everything else fails with EPERM. */
export function seccompProfile(traced: Iterable<string>): SeccompProfile {
  const names = [...new Set([...traced, ...RUNTIME_SYSCALLS])].filter((n) => /^[a-z0-9_]+$/.test(n)).sort();
  return {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 1,
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    syscalls: [{ names, action: "SCMP_ACT_ALLOW" }],
  };
}

/**
 * An AppArmor profile: read (and map/exec where it is a program or library) for the kept paths, write only to the
 * places a hardened run makes writable. Directories get one rule for their listing.
 */
export function apparmorProfile(name: string, kept: { path: string; type: string; exec: boolean }[], writable = ["/tmp/"]): string {
  const rules: string[] = [];
  for (const k of [...kept].sort((a, b) => a.path.localeCompare(b.path))) {
    const p = quote(k.type === "dir" ? `${k.path === "/" ? "" : k.path}/` : k.path);
    rules.push(`  ${p} ${k.exec ? "mrix" : k.type === "dir" ? "r" : "mr"},`);
  }
  return [
    "#include <tunables/global>",
    "",
    `profile ${name} flags=(attach_disconnected,mediate_deleted) {`,
    "  #include <abstractions/base>",
    "  network inet stream,",
    "  network inet6 stream,",
    "  network inet dgram,",
    "  network inet6 dgram,",
    "  network unix,",
    "  signal (receive) peer=unconfined,",
    "  signal (send,receive) peer=@{profile_name},",
    "  /proc/** r,",
    "  /sys/fs/cgroup/** r,",
    "  /dev/null rw,",
    "  /dev/urandom r,",
    "  /dev/shm/** rwk,",
    "  /etc/hosts r,",
    "  /etc/hostname r,",
    "  /etc/resolv.conf r,",
    ...writable.map((w) => `  ${quote(w)}** rwk,`),
    ...rules,
    "  deny /sys/[^f]** wklx,",
    "  deny mount,",
    "  deny ptrace,",
    "}",
    "",
  ].join("\n");
}

function quote(raw: string): string {
  const p = raw.replace(/([*?[\]{}^@])/g, "\\$1");
  return /[\s"#,]/.test(p) ? `"${p.replace(/"/g, '\\"')}"` : p;
}
