import type { Rule } from "../types.ts";

export const composeDockerSocket: Rule = {
  id: "FP-CO-004",
  scope: "compose",
  severity: "error",
  title: "Docker socket mounted into a service",
  rationale: "Whoever can talk to /var/run/docker.sock controls the Docker host: it is root on the host in one API call.",
  fix: "Remove the mount; if the service really needs the engine, use a socket proxy that allows only the calls it needs.",
  examples: {
    bad: { compose: "services:\n  web:\n    image: example/web:1.0\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n" },
    good: { compose: "services:\n  web:\n    image: example/web:1.0\n    volumes:\n      - data:/data\nvolumes:\n  data: {}\n" },
  },
  check: ({ compose }) =>
    compose.services.flatMap((s) => {
      const vols = Array.isArray(s.data.volumes) ? s.data.volumes : [];
      return vols
        .map((v, i) => [typeof v === "string" ? v.split(":")[0] : String((v as { source?: string }).source ?? ""), i] as const)
        .filter(([src]) => /docker\.sock$|podman\.sock$|containerd\.sock$/.test(src))
        .map(([src, i]) => ({ ...s.at("volumes", i), message: `service \`${s.name}\` mounts ${src}` }));
    }),
};
