import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { FlaskpackError } from "../errors.ts";
import type { LintConfig } from "./types.ts";

const schema = z
  .object({
    lint: z
      .object({
        ignore: z.array(z.string()).default([]),
        severity: z.record(z.string(), z.enum(["error", "warning", "info"])).default({}),
        trustedRegistries: z.array(z.string()).default([]),
      })
      .partial()
      .default({}),
  })
  .loose();

export const DEFAULT_CONFIG: LintConfig = { ignore: [], severity: {}, trustedRegistries: [] };

/** Reads the `lint:` section of `.flaskpack.yaml` (or the given file); defaults when there is none. */
export function loadConfig(dir: string, path?: string): { config: LintConfig; file: string | null } {
  const file = path ?? join(dir, ".flaskpack.yaml");
  if (!existsSync(file)) {
    if (path) throw new FlaskpackError("NOT_FOUND", `config file ${path} does not exist`, "pass an existing file to --config, or drop the flag");
    return { config: DEFAULT_CONFIG, file: null };
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    throw new FlaskpackError("BAD_INPUT", `${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`, "fix the YAML syntax");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlaskpackError("BAD_INPUT", `${file}: ${issue.path.join(".")}: ${issue.message}`, "see docs/lint.md for the `lint:` section of .flaskpack.yaml");
  }
  const lint = parsed.data.lint;
  return { config: { ignore: lint.ignore ?? [], severity: lint.severity ?? {}, trustedRegistries: lint.trustedRegistries ?? [] }, file };
}
