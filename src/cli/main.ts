import { Command } from "commander";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { reportError } from "./output.ts";

// `flaskpack xray img | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("flaskpack")
  .description("From Flask source to a small, hardened, verified container image; inspect, slim and audit images.")
  .version(pkg.version)
  .option("--debug", "show stack traces and internal details")
  .option("-v, --verbose", "show every step of long work")
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ outputError: (str, write) => write(str) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

// Every file in commands/ registers one command; command modules import their library lazily so that
// `flaskpack --help` stays fast.
const dir = fileURLToPath(new URL("./commands/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();
for (const f of files) {
  const mod = (await import(new URL(`./commands/${f}`, import.meta.url).href)) as { register: (p: Command) => void };
  mod.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e, program.opts());
}
