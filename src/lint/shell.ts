/**
 * Just enough POSIX shell reading for lint rules: split a RUN line into simple commands and words, keeping quotes
 * out of the words. Not a shell: no expansion, no heredocs, no subshell structure.
 */
export interface ShellCommand {
  /** Words of the command, unquoted; leading `VAR=x` assignments and `sudo`-free as written. */
  argv: string[];
  /** The operator that joins this command to the next one ("&&", "||", ";", "|", "" for the last). */
  next: string;
}

export function splitCommands(script: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const flushWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const flushCommand = (op: string) => {
    flushWord();
    if (words.length) out.push({ argv: words, next: op });
    else if (out.length && op) out[out.length - 1].next = op;
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'" ) {
      const end = script.indexOf("'", i + 1);
      word += end < 0 ? script.slice(i + 1) : script.slice(i + 1, end);
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < script.length && script[j] !== '"') {
        if (script[j] === "\\" && j + 1 < script.length) j++;
        word += script[j];
        j++;
      }
      inWord = true;
      i = j;
    } else if (c === "\\" && i + 1 < script.length) {
      if (script[i + 1] !== "\n") { word += script[i + 1]; inWord = true; }
      i++;
    } else if (c === "&" && script[i + 1] === "&") { flushCommand("&&"); i++; }
    else if (c === "|" && script[i + 1] === "|") { flushCommand("||"); i++; }
    else if (c === "|") flushCommand("|");
    else if (c === ";" || c === "\n") flushCommand(";");
    else if (c === "(" || c === ")" || c === "{" && !inWord || c === "}" && !inWord) flushCommand(";");
    else if (c === "#" && !inWord) {
      const end = script.indexOf("\n", i);
      i = end < 0 ? script.length : end - 1;
    } else if (c === " " || c === "\t" || c === "\r") flushWord();
    else { word += c; inWord = true; }
  }
  flushCommand("");
  return out.map((cmd) => ({ ...cmd, argv: stripPrefix(cmd.argv) }));
}

/** Drops leading environment assignments and wrappers that do not change what runs (`env`, `exec`, `nohup`). */
function stripPrefix(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]) || ["env", "exec", "nohup", "command", "time"].includes(argv[i]))) i++;
  return argv.slice(i);
}

/** The program name of a command, without its directory (`/usr/bin/pip3` → `pip3`). */
export function program(cmd: ShellCommand): string {
  return (cmd.argv[0] ?? "").split("/").pop() ?? "";
}

/** `pip install …`, `pip3 install …`, `python -m pip install …`: the words after `install`, or null. */
export function pipInstallArgs(cmd: ShellCommand): string[] | null {
  const p = program(cmd);
  let rest: string[] | null = null;
  if (/^pip[0-9.]*$/.test(p)) rest = cmd.argv.slice(1);
  else if (/^python[0-9.]*$/.test(p)) {
    const m = cmd.argv.indexOf("-m");
    if (m >= 1 && cmd.argv[m + 1] === "pip") rest = cmd.argv.slice(m + 2);
  }
  if (!rest) return null;
  const i = rest.findIndex((w) => !w.startsWith("-"));
  return i >= 0 && rest[i] === "install" ? [...rest.slice(0, i), ...rest.slice(i + 1)] : null;
}

/** `apt-get <sub> …` (also after sudo): the subcommand and the remaining words, or null. */
export function aptGet(cmd: ShellCommand, tool = "apt-get"): { sub: string; args: string[] } | null {
  const argv = program(cmd) === "sudo" ? cmd.argv.slice(1) : cmd.argv;
  if ((argv[0] ?? "").split("/").pop() !== tool) return null;
  const rest = argv.slice(1);
  const i = rest.findIndex((w) => !w.startsWith("-"));
  if (i < 0) return null;
  return { sub: rest[i], args: [...rest.slice(0, i), ...rest.slice(i + 1)] };
}
