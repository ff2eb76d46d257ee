import type { Rule } from "../types.ts";
import { pipInstallArgs } from "../shell.ts";
import { at, runs } from "./util.ts";

/** pip options that take a value as the next word. */
const WITH_VALUE = new Set([
  "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f",
  "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform", "--python-version",
  "--only-binary", "--no-binary", "--progress-bar", "--src", "--upgrade-strategy", "--cache-dir", "--implementation", "--abi",
]);

/** Installers upgraded in place (`pip install -U pip`): pinning them is not the point of the rule. */
const TOOLING = new Set(["pip", "setuptools", "wheel"]);

export function unpinnedPipPackages(args: string[]): string[] {
  const upgrade = args.includes("-U") || args.includes("--upgrade");
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (w.startsWith("-")) {
      if (WITH_VALUE.has(w)) i++;
      continue;
    }
    const isPath = w.startsWith(".") || w.startsWith("/") || w.includes("/") || /\.(whl|tar\.gz|zip)$/.test(w) || w.includes("$");
    const pinned = /(===?|~=)\s*[\w*.!+-]+/.test(w) || w.includes(" @ ") || /@/.test(w);
    if (!isPath && !pinned && !(upgrade && TOOLING.has(w.toLowerCase()))) out.push(w);
  }
  return out;
}

export const pipUnpinned: Rule = {
  id: "FP-DF-007",
  scope: "dockerfile",
  severity: "warning",
  title: "pip install of unpinned packages",
  rationale: "`pip install flask` installs whatever is newest at build time: two builds of the same commit can differ and break.",
  fix: "Pin versions (`flask==3.0.3`) or install from a pinned requirements file (`-r requirements.txt`).",
  hadolint: "DL3013",
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask gunicorn\n" },
    good: { dockerfile: "FROM python:3.11-slim\nRUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0\n" },
  },
  check: ({ df }) =>
    runs(df.instructions).flatMap(({ instr, cmds }) => {
      const names = cmds.flatMap((c) => {
        const args = pipInstallArgs(c);
        return args ? unpinnedPipPackages(args) : [];
      });
      return names.length ? [at(instr, `unpinned: ${names.map((n) => `\`${n}\``).join(", ")}`)] : [];
    }),
};
