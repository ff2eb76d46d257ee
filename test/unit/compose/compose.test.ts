import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { renderCompose } from "../../../src/generate/compose.ts";
import { lintComposeText } from "../../../src/lint/index.ts";
import { pgApiModel, model, planFor } from "../../fixtures/compose/models.ts";

type Doc = { services: Record<string, Record<string, any>>; volumes?: Record<string, unknown> };
const dep = (name: string) => ({ name, normalized: name, specifier: "", extras: [], from: "requirements.txt" });

test("pg-api: app + Postgres with a named volume, healthcheck and depends_on service_healthy; secrets only in .env", () => {
  const app = pgApiModel("/src/pg-api");
  const out = renderCompose(app, planFor(app), { secrets: { POSTGRES_PASSWORD: "pw-123456" } })!;
  const doc = parse(out.compose) as Doc;
  assert.deepEqual(Object.keys(doc.services), ["app", "db"]);
  const { app: a, db } = doc.services;
  assert.equal(db.image, "postgres:16");
  assert.deepEqual(db.volumes, ["db-data:/var/lib/postgresql/data"]);
  assert.ok(doc.volumes && "db-data" in doc.volumes);
  assert.match(db.healthcheck.test.join(" "), /pg_isready/);
  assert.deepEqual(a.depends_on, { db: { condition: "service_healthy" } });
  assert.deepEqual(a.ports, ["127.0.0.1:8080:8080"]);
  assert.equal(a.user, "10001:10001");
  assert.equal(a.read_only, true);
  assert.deepEqual(a.tmpfs, ["/tmp"]);
  assert.deepEqual(a.cap_drop, ["ALL"]);
  assert.deepEqual(a.security_opt, ["no-new-privileges:true"]);
  assert.deepEqual(a.env_file, [".env"]);
  assert.match(a.healthcheck.test.join(" "), /127\.0\.0\.1:8080\/health/);
  assert.equal(a.build, ".");
  assert.ok(!out.compose.includes("pw-123456"), "a secret is inline in compose.yaml");
  assert.match(out.env!, /^POSTGRES_PASSWORD=pw-123456$/m);
  assert.match(out.env!, /^DATABASE_URL=postgresql:\/\/app:pw-123456@db:5432\/app$/m);
  assert.ok(!out.envExample!.includes("pw-123456"));
  assert.match(out.envExample!, /^POSTGRES_PASSWORD=change-me$/m);
  assert.deepEqual(lintComposeText(out.compose), []);
});

test("random secrets differ per render unless given", () => {
  const app = pgApiModel("/src/pg-api");
  const a = renderCompose(app, planFor(app))!.env!.match(/POSTGRES_PASSWORD=(.*)/)![1];
  const b = renderCompose(app, planFor(app))!.env!.match(/POSTGRES_PASSWORD=(.*)/)![1];
  assert.notEqual(a, b);
  assert.ok(a.length >= 32);
});

test("no services → no compose file (sqlite lives in the app's own volume)", () => {
  const app = model("/src/hello", { services: [{ kind: "sqlite", evidence: "sqlite3.connect" }] });
  assert.equal(renderCompose(app, planFor(app)), null);
});

test("Flask-Migrate: a one-shot migrate service runs before the app", () => {
  const app = pgApiModel("/src/blog");
  app.dependencies.push(dep("flask-migrate"));
  const out = renderCompose(app, planFor(app))!;
  const doc = parse(out.compose) as Doc;
  assert.deepEqual(doc.services.migrate.command, ["flask", "db", "upgrade"]);
  assert.equal(doc.services.migrate.environment.FLASK_APP, "app:app");
  assert.deepEqual(doc.services.migrate.depends_on, { db: { condition: "service_healthy" } });
  assert.deepEqual(doc.services.app.depends_on.migrate, { condition: "service_completed_successfully" });
  assert.equal(doc.services.migrate.restart, "no");
  // A one-shot waited on with service_completed_successfully needs no healthcheck: the file lints clean.
  assert.deepEqual(lintComposeText(out.compose).map((f) => `${f.ruleId} ${f.message}`), []);
});

test("Redis: a service with its own volume and REDIS_URL for the app", () => {
  const app = model("/src/cache", { services: [{ kind: "redis", evidence: "import redis" }], env: [{ name: "REDIS_URL", required: false, how: "os.getenv", secret: false }] });
  const out = renderCompose(app, planFor(app))!;
  const doc = parse(out.compose) as Doc;
  assert.equal(doc.services.app.environment.REDIS_URL, "redis://redis:6379/0");
  assert.deepEqual(doc.services.redis.volumes, ["redis-data:/data"]);
  assert.deepEqual(doc.services.app.depends_on, { redis: { condition: "service_healthy" } });
  assert.deepEqual(lintComposeText(out.compose), []);
});

test("values YAML 1.1 would misread stay strings (compose v1 reads YAML 1.1: 33:33 is a number there)", () => {
  const app = pgApiModel("/src/pg-api");
  const plan = { ...planFor(app), user: { uid: 33, gid: 33 } };
  const out = renderCompose(app, plan)!;
  assert.match(out.compose, /user: "33:33"/);
});

test("writable paths get named volumes; hostPort 0 lets the engine pick; required env goes to .env", () => {
  const app = pgApiModel("/src/pg-api");
  app.env.push({ name: "UPLOAD_TOKEN", required: true, how: "os.environ[]", secret: false, source: { file: "app.py", line: 9 } });
  const plan = { ...planFor(app), writablePaths: ["/app/instance"] };
  plan.runtimeEnv.push("UPLOAD_TOKEN");
  const out = renderCompose(app, plan, { hostPort: 0, image: "pg-api:1", build: false })!;
  const doc = parse(out.compose) as Doc;
  assert.deepEqual(doc.services.app.volumes, ["app-data:/app/instance"]);
  assert.deepEqual(doc.services.app.ports, ["127.0.0.1::8080"]);
  assert.equal(doc.services.app.build, undefined);
  assert.equal(doc.services.app.image, "pg-api:1");
  assert.match(out.env!, /# required by app\.py:9\nUPLOAD_TOKEN=\n/);
});
