import type { Rule } from "../types.ts";
import { program } from "../shell.ts";
import { at, runs } from "./util.ts";

export const pipeToShell: Rule = {
  id: "FP-DF-029",
  scope: "dockerfile",
  severity: "warning",
  title: "Downloaded script piped into a shell",
  rationale: "`curl … | sh` runs whatever the server sends at build time, unchecked, as the build user.",
  fix: "Download to a file, verify its checksum (`sha256sum -c`), then run it.",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN curl -fsSL https://example.org/install.sh | sh\n" },
    good: { dockerfile: "FROM debian:12\nRUN curl -fsSLo /tmp/install.sh https://example.org/install.sh && echo \"0123abcd  /tmp/install.sh\" | sha256sum -c && sh /tmp/install.sh\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ cmds }) => cmds.some((c, i) => ["curl", "wget"].includes(program(c)) && c.next === "|" && /^(ba|z|da)?sh$|^python[0-9.]*$/.test(program(cmds[i + 1] ?? { argv: [], next: "" }))))
      .map(({ instr }) => at(instr, "a downloaded script is piped straight into a shell")),
};
