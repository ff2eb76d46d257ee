import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../helpers/cli.ts";
import { readSlimConfig } from "../../../src/slim/config.ts";

test(".flaskpack.yaml slim: section gives probes and keep rules; mistakes name the field", (t) => {
  const dir = tempDir((fn) => t.after(fn));
  assert.deepEqual(readSlimConfig(dir), {});
  writeFileSync(join(dir, ".flaskpack.yaml"), "lint:\n  ignore: [FP-DF-010]\nslim:\n  probes: ['POST:/export']\n  include: [/usr/share/zoneinfo]\n");
  assert.deepEqual(readSlimConfig(dir), { probes: ["POST:/export"], include: ["/usr/share/zoneinfo"] });
  writeFileSync(join(dir, ".flaskpack.yaml"), "slim:\n  probe: ['GET:/']\n");
  assert.throws(() => readSlimConfig(dir), /slim\.?: Unrecognized key|slim\..*probe/);
});
