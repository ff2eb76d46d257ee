// Every command of the CLI, one module each (src/cli/commands/<name>.ts exports register). A static list, so the
// CLI can be bundled; test/unit/cli-commands.test.ts checks that no file in commands/ is missing here.
import type { Command } from "commander";
import { register as analyze } from "./commands/analyze.ts";
import { register as base } from "./commands/base.ts";
import { register as build } from "./commands/build.ts";
import { register as db } from "./commands/db.ts";
import { register as doctor } from "./commands/doctor.ts";
import { register as down } from "./commands/down.ts";
import { register as init } from "./commands/init.ts";
import { register as k8s } from "./commands/k8s.ts";
import { register as lint } from "./commands/lint.ts";
import { register as logs } from "./commands/logs.ts";
import { register as push } from "./commands/push.ts";
import { register as run } from "./commands/run.ts";
import { register as sbom } from "./commands/sbom.ts";
import { register as scan } from "./commands/scan.ts";
import { register as ship } from "./commands/ship.ts";
import { register as slim } from "./commands/slim.ts";
import { register as up } from "./commands/up.ts";
import { register as xray } from "./commands/xray.ts";

export const COMMANDS: Record<string, (program: Command) => void> = {
  analyze,
  base,
  build,
  db,
  doctor,
  down,
  init,
  k8s,
  lint,
  logs,
  push,
  run,
  sbom,
  scan,
  ship,
  slim,
  up,
  xray,
};
