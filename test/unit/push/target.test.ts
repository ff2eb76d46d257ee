import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTarget } from "../../../src/push/index.ts";

test("push targets split like docker's references", () => {
  assert.deepEqual(parseTarget("127.0.0.1:5000/team/app:1.0"), { registry: "127.0.0.1:5000", repo: "127.0.0.1:5000/team/app", path: "team/app", tag: "1.0" });
  assert.deepEqual(parseTarget("localhost/app"), { registry: "localhost", repo: "localhost/app", path: "app", tag: "latest" });
  assert.deepEqual(parseTarget("ghcr.io/me/app:v2"), { registry: "ghcr.io", repo: "ghcr.io/me/app", path: "me/app", tag: "v2" });
  assert.deepEqual(parseTarget("me/app"), { registry: "docker.io", repo: "me/app", path: "me/app", tag: "latest" });
  assert.deepEqual(parseTarget("app:1"), { registry: "docker.io", repo: "app", path: "library/app", tag: "1" });
});

test("bad targets are clear errors", () => {
  assert.throws(() => parseTarget("127.0.0.1:5000/App:1"), /not a valid image reference/);
  assert.throws(() => parseTarget("127.0.0.1:5000/app@sha256:" + "a".repeat(64)), /push needs a tag/);
  assert.throws(() => parseTarget("127.0.0.1:5000/app:bad tag"), /not a valid image reference/);
});
