import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { compareDebianVersions } from "../../../src/scan/dpkg-version.ts";

/** What dpkg itself says, for a batch of pairs (one dpkg call per relation is too slow; a shell loop does them all). */
function dpkgSays(pairs: [string, string][]): number[] {
  const script = pairs.map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`).join("\n");
  const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n").map(Number);
}

const known: [string, string, number][] = [
  ["1.0", "1.0", 0],
  ["1.0~rc1", "1.0", -1],
  ["1.0", "1.0+b1", -1],
  ["1:1.0", "2.0", 1],
  ["2.2.2-3", "2.2.2-3+deb12u1", -1],
  ["3.0.11-1~deb12u2", "3.0.11-1", -1],
  ["1.2a", "1.2", 1],
  ["1.0-1", "1.0-1~bpo1", 1],
];

test("known Debian version pairs order as dpkg documents", () => {
  for (const [a, b, want] of known) assert.equal(compareDebianVersions(a, b), want, `${a} vs ${b}`);
});

test("dpkg version order matches `dpkg --compare-versions` on 400 generated pairs", () => {
  const part = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,6}$/);
  const version = fc.record({
    epoch: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    upstream: part,
    revision: fc.option(fc.stringMatching(/^[0-9a-z+.~]{1,6}$/), { nil: undefined }),
  }).map((v) => `${v.epoch !== undefined ? `${v.epoch}:` : ""}${v.upstream}${v.revision !== undefined ? `-${v.revision}` : ""}`);
  // Pairs that share prefixes are where ordering bugs hide, so half of them are near-misses.
  const near = version.chain((v) => fc.tuple(fc.constant(v), fc.constantFrom(`${v}~1`, `${v}+b1`, `${v}a`, `${v}.0`, `${v}0`, v.replace(/\d/, "1"))));
  const pairs = [...fc.sample(fc.tuple(version, version), { numRuns: 200, seed: 42 }), ...fc.sample(near, { numRuns: 200, seed: 7 })] as [string, string][];
  const expected = dpkgSays(pairs);
  const mismatches = pairs.map((p, i) => ({ p, want: expected[i], got: compareDebianVersions(p[0], p[1]) })).filter((m) => m.want !== m.got);
  assert.deepEqual(mismatches, []);
  assert.equal(pairs.length, 400);
});
