/** The `slim:` section of a project's `.flaskpack.yaml`: probes and keep-set rules that belong with the code. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { FlaskpackError } from "../errors.ts";

const SlimConfig = z
  .object({
    probes: z.array(z.string()).optional(),
    probeCmd: z.string().optional(),
    include: z.array(z.string()).optional(),
    exclude: z.array(z.string()).optional(),
    normalize: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export type SlimConfig = z.infer<typeof SlimConfig>;

export function readSlimConfig(dir: string): SlimConfig {
  const file = join(dir, ".flaskpack.yaml");
  if (!existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new FlaskpackError("BAD_INPUT", `${file} is not valid YAML: ${(e as Error).message}`, "fix the YAML syntax");
  }
  const section = (doc as { slim?: unknown } | null)?.slim;
  if (section === undefined) return {};
  const r = SlimConfig.safeParse(section);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new FlaskpackError("BAD_INPUT", `${file}: slim.${issue.path.join(".")}: ${issue.message}`, "see docs/slim.md for the `slim:` section of .flaskpack.yaml");
  }
  return r.data;
}
