import type { Rule } from "../types.ts";
import { ofKind } from "../dockerfile.ts";
import { at, runs } from "./util.ts";

export const pipeWithoutPipefail: Rule = {
  id: "FP-DF-018",
  scope: "dockerfile",
  severity: "warning",
  title: "Pipe in RUN without pipefail",
  rationale: "`/bin/sh -c` reports only the last command's status: `curl … | tar x` succeeds even when the download failed.",
  fix: "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start the RUN with `set -o pipefail &&`.",
  hadolint: "DL4006",
  examples: {
    bad: { dockerfile: "FROM debian:12\nRUN wget -qO- https://example.org/x.tar.gz | tar xz\n" },
    good: { dockerfile: "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -qO- https://example.org/x.tar.gz | tar xz\n" },
  },
  check: ({ df }) =>
    runs(df.instructions)
      .filter(({ instr }) => !instr.json)
      .filter(({ cmds }) => cmds.some((c) => c.next === "|"))
      .filter(({ instr, cmds }) => {
        const shell = ofKind(instr.stage ?? { instructions: [] }, "SHELL").filter((s) => s.line < instr.line).at(-1);
        if (shell?.json && (shell.json.includes("pipefail") || !/(^|\/)(ba|z|k)?sh$/.test(shell.json[0] ?? ""))) return false;
        return !cmds.some((c) => c.argv[0] === "set" && c.argv.includes("pipefail"));
      })
      .map(({ instr }) => at(instr, "a pipe's failure is hidden: set -o pipefail")),
};
