import { connectEngine } from "../../src/engine/connect.ts";
import { buildBase, type BaseImage } from "../../src/base/index.ts";

/**
 * The base package sets the suite uses. Tests share these so that a clean machine builds each set once
 * (about 40 s each) and every later test reuses the image.
 */
export const BASES = {
  flask: ["python3-flask", "gunicorn"],
  flaskPg: ["python3-flask", "gunicorn", "python3-psycopg2"],
  pip: ["python3-venv", "python3-pip"],
  /** slim's regression fixtures: time zones and CA certificates on top of flask. */
  slimFix: ["python3-flask", "gunicorn", "tzdata", "ca-certificates"],
} as const;

const built = new Map<string, Promise<BaseImage>>();

export function testBase(name: keyof typeof BASES): Promise<BaseImage> {
  let b = built.get(name);
  if (!b) {
    b = buildBase({ packages: [...BASES[name]] });
    built.set(name, b);
  }
  return b;
}

export async function docker() {
  return (await connectEngine()).docker;
}

/** Removes containers and images a test made, ignoring what is already gone. */
export async function cleanup(containers: string[] = [], images: string[] = []): Promise<void> {
  const d = await docker();
  for (const c of containers) await d.getContainer(c).remove({ force: true, v: true }).catch(() => {});
  for (const i of images) await d.getImage(i).remove({ force: true }).catch(() => {});
}
