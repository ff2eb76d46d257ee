import type { Command } from "commander";
import { action, collectEnv, emit, formatBytes, progressFor } from "../output.ts";

export function register(program: Command): void {
  program
    .command("build [dir]")
    .description("build the project's image: its own Dockerfile, or the one `init` would write, generated in memory")
    .option("-t, --tag <name[:tag]>", "image name (tagged <name>:<git sha|timestamp> and :latest) or an exact name:tag")
    .option("--deps <mode>", "without a Dockerfile: debian or pip", "debian")
    .option("--base <image>", "without a Dockerfile: base image for both stages")
    .option("--dockerfile <path>", "Dockerfile to use, relative to the project")
    .option("--build-arg <KEY=VALUE>", "build argument (repeatable), e.g. PIP_INDEX_URL=http://host/simple", collectEnv, {})
    .option("--no-cache", "do not use cached layers")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack build examples/hello\n  flaskpack build . --deps pip --build-arg PIP_INDEX_URL=http://10.0.0.2:8080/simple")
    .action(
      action(async (dir: string | undefined, opts: { tag?: string; deps: "debian" | "pip"; base?: string; dockerfile?: string; buildArg: Record<string, string>; cache: boolean; json?: boolean; verbose?: boolean }) => {
        const { build } = await import("../../engine/build.ts");
        const r = await build(dir ?? ".", { tag: opts.tag, deps: opts.deps, base: opts.base, dockerfile: opts.dockerfile, buildArgs: opts.buildArg, noCache: !opts.cache, progress: progressFor(opts) });
        const { plan, log, dockerfile, ...data } = r;
        emit({ ...data, dockerfile, log, plan: plan ? { ...plan, app: undefined } : undefined }, opts, () =>
          [
            `built ${r.tags.join(", ")}`,
            `${r.usedProjectDockerfile ? "used the project's Dockerfile" : "used a generated Dockerfile (write it with `flaskpack init`)"}`,
            `size ${formatBytes(r.sizeBytes)} · ${r.layers} layers · ${r.seconds.toFixed(1)} s · ${r.cachedSteps}/${r.totalSteps} steps from cache`,
          ].join("\n"),
        );
      }),
    );
}
