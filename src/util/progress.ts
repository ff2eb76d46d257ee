import pc from "picocolors";

/** Where long-running work reports what it is doing. The CLI prints it to stderr; --json silences it. */
export interface Progress {
  /** A new stage or step ("building base image"). */
  step(message: string): void;
  /** A detail inside the current step (a build line, a download). */
  detail(message: string): void;
}

export const silentProgress: Progress = { step() {}, detail() {} };

export function stderrProgress(verbose = false): Progress {
  return {
    step: (m) => process.stderr.write(`${pc.cyan("›")} ${m}\n`),
    detail: (m) => {
      if (verbose) process.stderr.write(pc.dim(`  ${m}\n`));
    },
  };
}
