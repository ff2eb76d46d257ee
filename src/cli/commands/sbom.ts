import type { Command } from "commander";
import { action, emit, progressFor, table } from "../output.ts";

export function register(program: Command): void {
  program
    .command("sbom <image>")
    .description("list every package in an image (Debian and Python), with licenses, files left and layer")
    .option("-f, --format <format>", "table, cyclonedx-json, spdx-json or json", "table")
    .option("--json", "print flaskpack's SBOM data as JSON (same as --format json)")
    .option("--files", "with --json: list each package's files that are in the image")
    .addHelpText("after", "\nImage: an engine image name, a `docker save` tarball or an OCI layout.\nExamples:\n  flaskpack sbom myapp:latest\n  flaskpack sbom myapp.tar --format cyclonedx-json > sbom.cdx.json")
    .action(
      action(async (image: string, opts: { format: string; json?: boolean; files?: boolean; verbose?: boolean }) => {
        const { FlaskpackError } = await import("../../errors.ts");
        const formats = ["table", "cyclonedx-json", "spdx-json", "json"];
        if (!formats.includes(opts.format)) throw new FlaskpackError("BAD_INPUT", `unknown format "${opts.format}".`, `use one of ${formats.join(", ")}`);
        const { sbom, toCycloneDx, toSpdx } = await import("../../sbom/index.ts");
        const machine = opts.json || opts.format !== "table";
        const result = await sbom(image, { progress: progressFor({ ...opts, json: machine }), files: opts.files });
        if (opts.format === "cyclonedx-json") return void process.stdout.write(JSON.stringify(toCycloneDx(result), null, 2) + "\n");
        if (opts.format === "spdx-json") return void process.stdout.write(JSON.stringify(toSpdx(result), null, 2) + "\n");
        emit(result, { json: machine }, (s) => {
          const rows = s.components.map((c) => [
            c.ecosystem,
            c.name,
            c.version,
            c.partial ? `${c.filesPresent}/${c.files} (partial)` : String(c.files),
            c.ecosystem === "pypi" ? (c.debianPackage ? `debian:${c.debianPackage}` : c.installer ?? "?") : c.source && c.source.name !== c.name ? `src:${c.source.name}` : "",
            c.licenses.slice(0, 2).join(", ") + (c.licenses.length > 2 ? ", …" : ""),
          ]);
          const debs = s.components.filter((c) => c.ecosystem === "deb").length;
          const partial = s.components.filter((c) => c.partial).length;
          return [
            table(rows, ["TYPE", "NAME", "VERSION", "FILES", "FROM", "LICENSES"]),
            "",
            `${s.image.ref} (${s.image.os?.pretty ?? "unknown OS"}): ${s.components.length} packages (${debs} deb, ${s.components.length - debs} python)` +
              `${partial ? `, ${partial} partial` : ""}; ${s.unownedFiles} of ${s.image.files} files owned by no package` +
              (s.unownedByDir.length ? ` (most in ${s.unownedByDir.slice(0, 3).map((d) => `${d.dir} ${d.files}`).join(", ")})` : ""),
          ].join("\n");
        });
      }),
    );
}
