import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../../src/cli/commands.ts";
import { VERSION } from "../../../src/paths.ts";
import { ROOT, runCli } from "../../helpers/cli.ts";
// @ts-expect-error plain JS module without types
import { buildBundle } from "../../../scripts/bundle.mjs";

test("every module in src/cli/commands/ is registered", () => {
  const files = readdirSync(join(ROOT, "src/cli/commands")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
  assert.deepEqual(Object.keys(COMMANDS).sort(), files.sort());
});

test("the bundled CLI is built for the current sources and answers like the tsx one", async () => {
  const entry = (await buildBundle()) as string;
  assert.ok(existsSync(entry) && entry.startsWith(join(ROOT, "dist")));
  const bundled = await runCli(["--version"]);
  const viaTsx = await runCli(["--version"], { env: { FLASKPACK_NO_BUNDLE: "1" } });
  assert.equal(bundled.stdout.trim(), VERSION);
  assert.equal(viaTsx.stdout.trim(), VERSION);
  // Data files shipped beside the code (here the Debian package map) are found from dist/ too.
  const init = await runCli(["init", join(ROOT, "examples/factory"), "--print", "--json"]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /python3-flask/);
});
