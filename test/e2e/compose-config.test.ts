import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/cli.ts";
import { renderCompose } from "../../src/generate/compose.ts";
import { composeProgram } from "../../src/compose/index.ts";
import { pgApiModel, model, planFor } from "../fixtures/compose/models.ts";

const dep = (name: string) => ({ name, normalized: name, specifier: "", extras: [], from: "requirements.txt" });

const VARIANTS = {
  postgres: () => pgApiModel("/src/pg"),
  "postgres+migrate": () => {
    const app = pgApiModel("/src/pg");
    app.dependencies.push(dep("flask-migrate"));
    return app;
  },
  "redis+mysql": () => model("/src/both", { services: [{ kind: "redis", evidence: "redis" }, { kind: "mysql", evidence: "pymysql" }] }),
};

for (const [name, make] of Object.entries(VARIANTS)) {
  test(`the real compose program accepts the generated file (${name})`, (t) => {
    const dir = tempDir((fn) => t.after(fn));
    const app = make();
    const out = renderCompose(app, planFor(app))!;
    writeFileSync(join(dir, "compose.yaml"), out.compose);
    writeFileSync(join(dir, ".env"), out.env!);
    const prog = composeProgram();
    const r = spawnSync(prog.command, [...prog.prefix, "-f", join(dir, "compose.yaml"), "config", "-q"], { encoding: "utf8", cwd: dir });
    assert.equal(r.status, 0, r.stderr);
  });
}
