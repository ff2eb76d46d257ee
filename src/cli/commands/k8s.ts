import type { Command } from "commander";
import { action, emit, progressFor } from "../output.ts";

export function register(program: Command): void {
  program
    .command("k8s <dir-or-image>")
    .description("write Kubernetes manifests (Deployment, Service, HPA, NetworkPolicy, Secret template, optional Ingress) for a project or an image")
    .option("--image <ref>", "image the Deployment runs (default: <name>:latest for a directory, the image itself otherwise)")
    .option("--name <name>", "name of the objects (default: the directory or image name)")
    .option("-n, --namespace <ns>", "namespace to put in the manifests")
    .option("--replicas <n>", "replicas and HPA minimum", "2")
    .option("--max-replicas <n>", "HPA maximum", "5")
    .option("--host <host>", "write an Ingress for this host")
    .option("--ingress-class <class>", "ingressClassName of the Ingress")
    .option("--tls-secret <name>", "TLS secret for the Ingress host")
    .option("--seccomp <profile>", "RuntimeDefault, or the file name of a Localhost profile under the kubelet's seccomp dir", "RuntimeDefault")
    .option("-o, --out <dir>", "write one file per object into this directory (default: print all as one YAML stream)")
    .option("--force", "overwrite files in --out")
    .option("--json", "print the objects and notes as JSON")
    .addHelpText("after", "\nExamples:\n  flaskpack k8s examples/pg-api --image registry.example.com/pg-api:1.0 --host api.example.com -o k8s/\n  flaskpack k8s myapp:slim | kubectl apply -f -")
    .action(
      action(async (target: string, opts: { image?: string; name?: string; namespace?: string; replicas: string; maxReplicas: string; host?: string; ingressClass?: string; tlsSecret?: string; seccomp: string; out?: string; force?: boolean; json?: boolean; verbose?: boolean }) => {
        const { k8s } = await import("../../k8s/index.ts");
        const r = await k8s(target, {
          image: opts.image,
          name: opts.name,
          namespace: opts.namespace,
          replicas: Number(opts.replicas),
          maxReplicas: Number(opts.maxReplicas),
          host: opts.host,
          ingressClass: opts.ingressClass,
          tlsSecret: opts.tlsSecret,
          seccomp: opts.seccomp,
          out: opts.out,
          force: opts.force,
          progress: progressFor({ ...opts, json: opts.json || !opts.out }),
        });
        if (opts.json) return emit({ from: r.from, facts: r.facts, objects: r.objects, written: r.written, notes: r.notes }, opts, () => "");
        if (!opts.out) {
          process.stdout.write(r.yaml);
          for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
          return;
        }
        emit(r, opts, (x) => [`wrote ${x.written.length} files:`, ...x.written.map((w) => `  ${w}`), ...x.notes.map((n) => `note: ${n}`), `apply: kubectl apply -f ${opts.out}`].join("\n"));
      }),
    );
}
