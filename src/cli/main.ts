import { Command } from "commander";
import { reportError } from "./output.ts";
import { COMMANDS } from "./commands.ts";
import { VERSION } from "../paths.ts";

// `flaskpack xray img | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const program = new Command("flaskpack")
  .description("From Flask source to a small, hardened, verified container image; inspect, slim and audit images.")
  .version(VERSION)
  .option("--debug", "show stack traces and internal details")
  .option("--verbose", "show every step of long work")
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ outputError: (str, write) => write(str) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

// Command modules import their library lazily so that `flaskpack --help` stays fast.
for (const register of Object.values(COMMANDS)) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e, program.opts());
}
