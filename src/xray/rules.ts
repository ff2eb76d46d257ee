/**
 * xray findings: each rule is an id, a severity, a title and one pure check over the image model (plus the
 * secret hits found while the layers were read). The runner and the output know nothing about single rules.
 */
import type { ImageFile, ImageModel } from "../image/model.ts";
import { secretEnv, secretName, type SecretHit } from "./secrets.ts";

export type Severity = "high" | "medium" | "low" | "info";

export interface Finding {
  rule: string;
  severity: Severity;
  title: string;
  /** What exactly, in one line. */
  message: string;
  path?: string;
  /** Index into the model's layers. */
  layer?: number;
  fix?: string;
}

/** A secret seen in a file's content, in the layer that stores it (which may be hidden by a later layer). */
export interface ContentHit extends SecretHit {
  path: string;
  layer: number;
  /** Still in the merged view, or only in a lower layer (deleted or overwritten later, but still shipped). */
  visible: boolean;
}

export interface RuleContext {
  model: ImageModel;
  contentHits: ContentHit[];
}

export interface Rule {
  id: string;
  severity: Severity;
  title: string;
  check(ctx: RuleContext): Omit<Finding, "rule" | "severity" | "title">[];
}

const BIN_DIRS = ["bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin"];
const SHELLS = ["sh", "bash", "dash", "zsh", "ash", "ksh", "busybox"];
const PACKAGE_MANAGERS = ["apt", "apt-get", "dpkg", "pip", "pip3", "apk", "yum", "dnf", "microdnf", "rpm", "easy_install"];

function executables(model: ImageModel, names: string[]): ImageFile[] {
  const wanted = new Set(names);
  return model.files.filter((f) => {
    if (f.type === "dir") return false;
    const slash = f.path.lastIndexOf("/");
    const dir = f.path.slice(0, Math.max(0, slash));
    const base = f.path.slice(slash + 1);
    return BIN_DIRS.includes(dir) && (wanted.has(base) || (names === PACKAGE_MANAGERS && /^pip3\.\d+$/.test(base)));
  });
}

const isShellForm = (argv: string[] | null) => !!argv && argv.length >= 2 && /^(\/bin\/|\/usr\/bin\/)?(ba|da)?sh$/.test(argv[0]) && argv[1] === "-c";

export const RULES: Rule[] = [
  {
    id: "XR-USER-ROOT",
    severity: "medium",
    title: "Image runs as root",
    check: ({ model }) => {
      const u = model.config.user.split(":")[0];
      return u === "" || u === "root" || u === "0"
        ? [{ message: model.config.user === "" ? "no USER set, so the container runs as root" : `USER is ${model.config.user}`, fix: "add a non-root USER (flaskpack init generates one)" }]
        : [];
    },
  },
  {
    id: "XR-SHELL-FORM",
    severity: "low",
    title: "Entrypoint or command in shell form",
    check: ({ model }) =>
      (["entrypoint", "cmd"] as const)
        .filter((k) => isShellForm(model.config[k]))
        .map((k) => ({ message: `${k} runs through ${model.config[k]![0]} -c, so the app does not receive SIGTERM directly`, fix: `use the exec form: ${k.toUpperCase()} ["gunicorn", ...]` })),
  },
  {
    id: "XR-ENV-SECRET",
    severity: "high",
    title: "Secret-looking environment variable",
    check: ({ model }) =>
      model.config.env.flatMap((e) => {
        const why = secretEnv(e);
        const name = e.split("=")[0];
        return why ? [{ message: `ENV ${name}: ${why}`, fix: "pass secrets at run time (env file, secret store), never bake them into the image" }] : [];
      }),
  },
  {
    id: "XR-SHELL",
    severity: "info",
    title: "Shell present",
    check: ({ model }) => executables(model, SHELLS).map((f) => ({ message: `${f.path} lets an attacker run commands`, path: f.path, layer: f.layer, fix: "a slim image (flaskpack slim) drops shells the app does not use" })),
  },
  {
    id: "XR-PKG-MANAGER",
    severity: "low",
    title: "Package manager present",
    check: ({ model }) => executables(model, PACKAGE_MANAGERS).map((f) => ({ message: `${f.path} can install software at run time`, path: f.path, layer: f.layer, fix: "install packages in a build stage and leave the package manager out" })),
  },
  {
    id: "XR-SETUID",
    severity: "medium",
    title: "setuid/setgid file",
    check: ({ model }) =>
      model.files
        .filter((f) => f.type === "file" && f.mode & 0o6000)
        .map((f) => ({ message: `${f.path} is ${f.mode & 0o4000 ? "setuid" : "setgid"} (mode ${f.mode.toString(8)}, owner ${f.uid}:${f.gid})`, path: f.path, layer: f.layer, fix: `chmod u-s,g-s /${f.path}, or remove it` })),
  },
  {
    id: "XR-WORLD-WRITABLE",
    severity: "medium",
    title: "World-writable file or directory",
    check: ({ model }) =>
      model.files
        .filter((f) => (f.type === "file" || f.type === "dir") && f.mode & 0o002 && !(f.type === "dir" && f.mode & 0o1000))
        .map((f) => ({ message: `${f.path} (${f.type}, mode ${f.mode.toString(8)}) can be changed by any user`, path: f.path, layer: f.layer, fix: `chmod o-w /${f.path}` })),
  },
  {
    id: "XR-SECRET-FILE",
    severity: "high",
    title: "Secret file in the image",
    check: ({ model }) =>
      model.files.flatMap((f) => {
        const what = f.type === "file" ? secretName(f.path) : undefined;
        return what ? [{ message: `${f.path}: ${what}`, path: f.path, layer: f.layer, fix: "remove it from the build context (.dockerignore) and pass secrets at run time" }] : [];
      }),
  },
  {
    id: "XR-SECRET-CONTENT",
    severity: "high",
    title: "Secret in file content",
    check: ({ contentHits }) =>
      contentHits.map((h) => ({
        message: `${h.path}:${h.line}: ${h.what} (${h.sample})${h.visible ? "" : `, hidden by a later layer but still stored in layer ${h.layer}`}`,
        path: h.path,
        layer: h.layer,
        fix: h.visible ? "remove the file and rotate the secret" : "deleting in a later layer does not remove it: rebuild without it, and rotate the secret",
      })),
  },
  {
    id: "XR-GIT-DIR",
    severity: "high",
    title: ".git directory in the image",
    check: ({ model }) =>
      model.files
        .filter((f) => f.type === "dir" && (f.path === ".git" || f.path.endsWith("/.git")))
        .map((f) => ({ message: `${f.path} holds the repository history (and maybe credentials)`, path: f.path, layer: f.layer, fix: "add .git to .dockerignore" })),
  },
  {
    id: "XR-CACHE",
    severity: "low",
    title: "Cache left in the image",
    check: ({ model }) => {
      const caches: { re: RegExp; what: string; fix: string }[] = [
        { re: /^var\/lib\/apt\/lists\/(?!lock$|partial$|auxfiles$)[^/]+$/, what: "apt package lists", fix: "rm -rf /var/lib/apt/lists/* in the same RUN as apt-get install" },
        { re: /^(root|home\/[^/]+)\/\.cache\/pip\/./, what: "pip cache", fix: "pip install --no-cache-dir" },
        { re: /(^|\/)tests?\/(.*\/)?__pycache__\/[^/]+\.pyc$/, what: "__pycache__ of tests", fix: "leave tests out of the image (.dockerignore)" },
      ];
      const out: Omit<Finding, "rule" | "severity" | "title">[] = [];
      for (const c of caches) {
        const hits = model.files.filter((f) => f.type === "file" && c.re.test(f.path));
        if (!hits.length) continue;
        const bytes = hits.reduce((n, f) => n + f.size, 0);
        const layers = [...new Set(hits.map((f) => f.layer))];
        out.push({ message: `${c.what}: ${hits.length} files, ${bytes} bytes (e.g. ${hits[0].path})`, path: hits[0].path, layer: layers[0], fix: c.fix });
      }
      return out;
    },
  },
  {
    id: "XR-DELETED",
    severity: "low",
    title: "Deleted in a later layer, still shipped",
    check: ({ model }) =>
      model.inefficiencies
        .filter((i) => i.deleted && i.cumulativeBytes > 0)
        .map((i) => ({ message: `${i.path}: ${i.cumulativeBytes} bytes still stored in a lower layer`, path: i.path, fix: "delete files in the same instruction that creates them" })),
  },
  {
    id: "XR-OVERWRITTEN",
    severity: "info",
    title: "Written in more than one layer",
    check: ({ model }) =>
      model.inefficiencies
        .filter((i) => !i.deleted && i.cumulativeBytes > 0)
        .map((i) => ({ message: `${i.path}: ${i.copies} copies, ${i.cumulativeBytes} bytes in all`, path: i.path, fix: "change files in the layer that creates them" })),
  },
  {
    id: "XR-DEVICE",
    severity: "medium",
    title: "Device file outside /dev",
    check: ({ model }) => model.files.filter((f) => (f.type === "char" || f.type === "block") && !f.path.startsWith("dev/")).map((f) => ({ message: `${f.path} is a ${f.type} device`, path: f.path, layer: f.layer })),
  },
  {
    id: "XR-ARCHIVE",
    severity: "medium",
    title: "Suspicious archive entry",
    check: ({ model }) => model.anomalies.map((a) => ({ message: `${a.path}: ${a.why}`, path: a.path, layer: a.layer })),
  },
];

const ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

export function runRules(ctx: RuleContext, rules: Rule[] = RULES): Finding[] {
  const out: Finding[] = [];
  for (const r of rules) for (const f of r.check(ctx)) out.push({ rule: r.id, severity: r.severity, title: r.title, ...f });
  return out.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.rule.localeCompare(b.rule));
}
