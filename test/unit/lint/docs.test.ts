import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderRuleDocs } from "../../../scripts/gen-rule-docs.ts";
import { RULES } from "../../../src/lint/rules/index.ts";
import { ROOT } from "../../helpers/cli.ts";

test("docs/rules.md is generated from the rule objects and up to date", () => {
  const committed = readFileSync(join(ROOT, "docs/rules.md"), "utf8");
  assert.equal(committed, renderRuleDocs(), "run: node --import tsx scripts/gen-rule-docs.ts");
  for (const r of RULES) {
    assert.ok(committed.includes(`<a id="${r.id.toLowerCase()}"></a>`), `${r.id} has no anchor`);
    if (r.hadolint) assert.ok(committed.includes(`**hadolint:** ${r.hadolint}`), `${r.id} does not cite ${r.hadolint}`);
  }
});
