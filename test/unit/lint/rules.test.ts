import { test } from "node:test";
import assert from "node:assert/strict";
import { RULES } from "../../../src/lint/rules/index.ts";
import { runExample } from "./helpers.ts";

test("there are at least 40 rules, each with a unique well-formed id, rationale, fix and examples", () => {
  assert.ok(RULES.length >= 40, `only ${RULES.length} rules`);
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, "duplicate rule ids");
  for (const r of RULES) {
    assert.match(r.id, /^FP-(DF|FL|CTX|CO)-\d{3}$/, r.id);
    assert.ok(r.title.length > 5 && r.rationale.length > 20 && r.fix.length > 5, `${r.id} lacks text`);
    if (r.hadolint) assert.match(r.hadolint, /^DL\d{4}$/, r.id);
  }
});

for (const rule of RULES) {
  test(`${rule.id} ${rule.title}: the bad example fires, the good one does not`, () => {
    const bad = runExample(rule, rule.examples.bad);
    assert.ok(bad.length > 0, `${rule.id} did not fire on its bad example`);
    for (const f of bad) {
      assert.equal(f.ruleId, rule.id);
      assert.ok(f.line >= 1 && f.column >= 1, `${rule.id}: position ${f.line}:${f.column}`);
      assert.ok(f.message.length > 0);
    }
    const good = runExample(rule, rule.examples.good);
    assert.deepEqual(good.map((f) => `${f.line}: ${f.message}`), [], `${rule.id} fired on its good example`);
  });
}
