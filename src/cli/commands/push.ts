import type { Command } from "commander";
import { action, emit, formatBytes, progressFor, table } from "../output.ts";

export function register(program: Command): void {
  program
    .command("push <image> <target>")
    .description("push an image to a registry (registry/repo:tag) and report its digest and the bytes sent")
    .option("-u, --username <user>", "registry user (default: FLASKPACK_REGISTRY_USER)")
    .option("--password-stdin", "read the registry password from stdin (else FLASKPACK_REGISTRY_PASSWORD)")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack push myapp:slim 127.0.0.1:5000/myapp:1.0\n  echo \"$TOKEN\" | flaskpack push myapp:slim registry.example.com/team/myapp:1.0 -u ci --password-stdin")
    .action(
      action(async (image: string, target: string, opts: { username?: string; passwordStdin?: boolean; json?: boolean; verbose?: boolean }) => {
        const { push } = await import("../../push/index.ts");
        const username = opts.username ?? process.env.FLASKPACK_REGISTRY_USER;
        let password = process.env.FLASKPACK_REGISTRY_PASSWORD;
        if (opts.passwordStdin) {
          const chunks: Buffer[] = [];
          for await (const c of process.stdin) chunks.push(c as Buffer);
          password = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
        }
        const r = await push(image, target, { username, password, progress: progressFor(opts) });
        emit(r, opts, (x) =>
          [
            `pushed ${x.target} in ${x.seconds.toFixed(1)} s`,
            `digest  ${x.digest}`,
            `sent    ${formatBytes(x.bytesSent)} of ${formatBytes(x.bytesTotal)} (${x.layers.filter((l) => l.status === "pushed").length} of ${x.layers.length} layers new)`,
            table(x.layers.map((l) => [l.id, l.status, formatBytes(l.bytes)]), ["layer", "status", "size"]),
            `pull:   docker pull ${x.reference}`,
          ].join("\n"),
        );
      }),
    );
}
