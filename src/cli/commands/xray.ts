import type { Command } from "commander";
import { FlaskpackError } from "../../errors.ts";
import { action, emit, progressFor } from "../output.ts";

export function register(program: Command): void {
  program
    .command("xray <image>")
    .description("see inside any image (engine name, docker save tarball or OCI layout): layers, files, findings, wasted space")
    .option("--tree [layer]", "print the merged file tree, or only what one layer provides")
    .option("--diff <imageB>", "compare with another image: files only in one, changed, size delta")
    .option("--top <n>", "how many largest files and directories to list", "20")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack xray myapp:latest\n  flaskpack xray image.tar --json\n  flaskpack xray ./oci-layout --tree 2\n  flaskpack xray myapp:latest --diff myapp:slim")
    .action(
      action(async (image: string, opts: { tree?: string | boolean; diff?: string; top: string; json?: boolean; verbose?: boolean }) => {
        const progress = progressFor(opts);
        const render = await import("../../xray/render.ts");
        if (opts.diff) {
          const { xrayDiff } = await import("../../xray/index.ts");
          emit(await xrayDiff(image, opts.diff, { progress }), opts, (d) => render.renderDiff(d));
          return;
        }
        if (opts.tree !== undefined) {
          const { readImage } = await import("../../image/index.ts");
          const model = await readImage(image, { progress });
          let layer: number | undefined;
          if (typeof opts.tree === "string") {
            layer = Number(opts.tree);
            if (!Number.isInteger(layer) || layer < 0 || layer >= model.layers.length)
              throw new FlaskpackError("BAD_INPUT", `--tree ${opts.tree}: the image has layers 0 to ${model.layers.length - 1}`, "give a layer index from the layers table of `flaskpack xray`");
          }
          emit(layer === undefined ? model.files : model.files.filter((f) => f.layer === layer), opts, () => render.renderTree(model, layer));
          return;
        }
        const top = Number(opts.top);
        if (!Number.isInteger(top) || top < 1) throw new FlaskpackError("BAD_INPUT", `--top ${opts.top} is not a positive number`, "e.g. --top 20");
        const { xray } = await import("../../xray/index.ts");
        emit(await xray(image, { progress, top }), opts, (r) => render.renderReport(r));
      }),
    );
}
