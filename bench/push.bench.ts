/**
 * push: bytes sent and time for pushing the original and the slim image of the examples to a real registry
 * (Debian's docker-registry on loopback in flaskpack's namespace): a cold push (empty registry), a repeat push,
 * and a push after a one-line code change (which layers have to travel again).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult } from "./run.ts";
import { build } from "../src/engine/build.ts";
import { slim } from "../src/slim/index.ts";
import { push, type PushResult } from "../src/push/index.ts";
import { cleanup } from "../test/helpers/engine.ts";
import { startRegistry } from "../test/fixtures/compose/registry.ts";

const EXAMPLES = join(import.meta.dirname, "..", "examples");
const MB = (n: number) => Number((n / 1e6).toFixed(3));
/** A typical home/office upload link, to turn bytes into the time a user would wait (seed 001 pushed over one). */
const UPLINK_BITS = 10e6;

function row(app: string, variant: string, step: string, r: PushResult, layers: number) {
  return {
    app,
    image: variant,
    push: step,
    layers,
    "layers sent": r.layers.filter((l) => l.status === "pushed").length,
    "MB sent": MB(r.bytesSent),
    "MB in registry": MB(r.bytesTotal),
    "seconds (loopback)": Number(r.seconds.toFixed(2)),
    "seconds at 10 Mbit/s": Number(((r.bytesSent * 8) / UPLINK_BITS + r.seconds).toFixed(1)),
    digest: r.digest.slice(0, 19),
  };
}

export default async function (): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), "fp-push-bench-"));
  const images: string[] = [];
  const rows: BenchResult["rows"] = [];
  let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
  try {
    for (const name of ["hello", "factory"]) {
      // A fresh registry per app, so "cold" means cold (no base layer mounted from the other app's push).
      await registry?.stop();
      registry = await startRegistry();
      const dir = join(work, name);
      cpSync(join(EXAMPLES, name), dir, { recursive: true });
      const original = await build(dir, { tag: `fp-push-bench-${name}:1` });
      const slimmed = await slim(original.image, { tag: `fp-push-bench-${name}.slim:1`, profilesDir: join(work, "profiles") });
      images.push(original.image, slimmed.slim.image);
      for (const [variant, image] of [["original", original.image], ["slim", slimmed.slim.image]] as const) {
        const target = `${registry.address}/bench/${name}-${variant}:1`;
        images.push(target);
        const cold = await push(image, target);
        rows.push(row(`examples/${name}`, variant, "cold (empty registry)", cold, cold.layers.length));
        const again = await push(image, target);
        rows.push(row(`examples/${name}`, variant, "repeat (nothing changed)", again, again.layers.length));
      }
      // One changed line of app code: rebuild both, push next to the previous version.
      const entry = name === "hello" ? join(dir, "app.py") : join(dir, "blog", "__init__.py");
      writeFileSync(entry, readFileSync(entry, "utf8") + "\n# a one-line change\n");
      const original2 = await build(dir, { tag: `fp-push-bench-${name}:2` });
      const slimmed2 = await slim(original2.image, { tag: `fp-push-bench-${name}.slim:2`, profilesDir: join(work, "profiles") });
      images.push(original2.image, slimmed2.slim.image);
      for (const [variant, image] of [["original", original2.image], ["slim", slimmed2.slim.image]] as const) {
        const target = `${registry.address}/bench/${name}-${variant}:2`;
        images.push(target);
        const changed = await push(image, target);
        rows.push(row(`examples/${name}`, variant, "after a one-line code change", changed, changed.layers.length));
      }
    }
  } finally {
    await registry?.stop();
    await cleanup([], images);
    rmSync(work, { recursive: true, force: true });
  }
  return {
    name: "push",
    description:
      "`flaskpack push` of each example's original image (`flaskpack build`: Debian base + app layers) and its slim image (`flaskpack slim`, one layer) " +
      "to Debian's docker-registry on loopback inside flaskpack's network namespace. MB sent is the sum of the compressed sizes of the layers the " +
      "registry did not have (read back from the pushed manifest). Loopback time is mostly compression and registry writes; the 10 Mbit/s column adds " +
      "the transfer time of the bytes sent over a typical uplink (computed, not measured), the setting where seed 001 measured 8m18s → 0m45s.",
    rows,
    notes: [
      "The slim image is a single layer, so a code change re-sends all of it, while the original re-sends only the app layer above a base the registry already has. Slim wins on the first push to a registry (and on every pull to a new node); layering wins for frequent small changes.",
    ],
  };
}
