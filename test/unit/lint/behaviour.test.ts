import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { lint, lintDockerfileText, lintComposeText, applyFixes } from "../../../src/lint/index.ts";
import { parseDockerignore, isExcluded } from "../../../src/lint/dockerignore.ts";
import { splitCommands } from "../../../src/lint/shell.ts";
import { FlaskpackError } from "../../../src/errors.ts";
import { ROOT, tempDir } from "../../helpers/cli.ts";
import { appModel } from "./helpers.ts";

const ids = (fs: { ruleId: string }[]) => new Set(fs.map((f) => f.ruleId));

test("an inline `# flaskpack ignore=ID` silences that rule on the next instruction only", () => {
  const text = [
    "FROM python:3.11-slim",
    "# flaskpack ignore=FP-DF-006,FP-DF-007",
    "RUN pip install flask \\",
    "    gunicorn",
    "RUN pip install requests",
  ].join("\n");
  const found = lintDockerfileText(text).filter((f) => f.ruleId === "FP-DF-006");
  assert.deepEqual(found.map((f) => f.line), [5]);
  assert.deepEqual(lintDockerfileText(text).filter((f) => f.ruleId === "FP-DF-007").map((f) => f.line), [5]);
});

test("an inline ignore works in compose files too", () => {
  const text = "services:\n  web:\n    image: example/web:1.0\n    # flaskpack ignore=FP-CO-002\n    privileged: true\n  db:\n    image: postgres:16\n    privileged: true\n    volumes: [\"pg:/x\"]\n";
  assert.deepEqual(lintComposeText(text).filter((f) => f.ruleId === "FP-CO-002").map((f) => f.line), [8]);
});

test(".flaskpack.yaml ignores rules, overrides severities and sets trusted registries", async (t) => {
  const dir = tempDir((fn) => t.after(fn), "fp-lint-");
  cpSync(join(ROOT, "test/fixtures/lint/seed-003"), dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), "FROM quay.example.org/python:3.11-slim\n" + readFileSync(join(dir, "Dockerfile"), "utf8").split("\n").slice(1).join("\n"));
  writeFileSync(join(dir, ".flaskpack.yaml"), "lint:\n  ignore: [FP-DF-012]\n  severity:\n    FP-FL-001: warning\n  trustedRegistries: [docker.io]\n");
  const report = await lint(dir);
  const got = ids(report.findings);
  assert.ok(!got.has("FP-DF-012"));
  assert.equal(report.findings.find((f) => f.ruleId === "FP-FL-001")?.severity, "warning");
  assert.equal(report.findings.find((f) => f.ruleId === "FP-DF-030")?.line, 1);
  assert.equal(report.rules, 68);
});

test("a malformed .flaskpack.yaml is a clear BAD_INPUT error naming the key", async (t) => {
  const dir = tempDir((fn) => t.after(fn), "fp-lint-");
  writeFileSync(join(dir, "Dockerfile"), "FROM python:3.11-slim\n");
  writeFileSync(join(dir, ".flaskpack.yaml"), "lint:\n  severity:\n    FP-DF-001: fatal\n");
  await assert.rejects(lint(dir), (e: unknown) => e instanceof FlaskpackError && e.code === "BAD_INPUT" && /lint\.severity\.FP-DF-001/.test(e.message));
});

test("missing directory, missing Dockerfile and an empty project are clear errors", async (t) => {
  await assert.rejects(lint("/nonexistent/fp-lint"), (e: unknown) => e instanceof FlaskpackError && e.code === "NOT_FOUND");
  const dir = tempDir((fn) => t.after(fn), "fp-lint-");
  await assert.rejects(lint(dir), (e: unknown) => e instanceof FlaskpackError && e.code === "NOT_FOUND" && /no Dockerfile or compose file/.test(e.message));
  await assert.rejects(lint(dir, { dockerfile: "Dockerfile.prod" }), (e: unknown) => e instanceof FlaskpackError && e.code === "NOT_FOUND" && /Dockerfile\.prod/.test(e.message));
});

test("random binary data as a Dockerfile does not crash: unparsable lines are reported, capped", () => {
  let seed = 7;
  const bytes = Buffer.alloc(20000, 0).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
  const findings = lintDockerfileText(Buffer.from(bytes).toString("latin1"));
  const unparsable = findings.filter((f) => f.ruleId === "FP-DF-000");
  assert.ok(unparsable.length > 0 && unparsable.length <= 21);
  assert.match(unparsable.at(-1)!.message, /more lines cannot be parsed|not a Dockerfile instruction/);
});

test("--fix makes exec-form CMD, --no-cache-dir, --no-install-recommends, COPY and .dockerignore entries, and nothing else", async (t) => {
  const dir = tempDir((fn) => t.after(fn), "fp-lint-");
  const before = [
    "FROM python:3.11-slim",
    "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
    "WORKDIR /app",
    "ADD requirements.txt /app/",
    "RUN pip install -r requirements.txt && pip3 install --no-cache-dir gunicorn==22.0.0",
    "COPY . .",
    "CMD gunicorn --bind 0.0.0.0:8000 app:app",
    "",
  ].join("\n");
  writeFileSync(join(dir, "Dockerfile"), before);
  writeFileSync(join(dir, "requirements.txt"), "flask==3.0.3\n");
  writeFileSync(join(dir, ".env"), "SECRET_KEY=x\n");
  const report = await lint(dir, { app: appModel() });
  const result = await applyFixes(dir, report, { app: appModel() });
  const after = readFileSync(join(dir, "Dockerfile"), "utf8");
  assert.equal(
    after,
    [
      "FROM python:3.11-slim",
      "RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*",
      "WORKDIR /app",
      "COPY requirements.txt /app/",
      "RUN pip install --no-cache-dir -r requirements.txt && pip3 install --no-cache-dir gunicorn==22.0.0",
      "COPY . .",
      'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]',
      "",
    ].join("\n"),
  );
  assert.ok(existsSync(join(dir, ".dockerignore")));
  assert.match(readFileSync(join(dir, ".dockerignore"), "utf8"), /^\.env$/m);
  const left = ids(result.after.findings);
  for (const fixed of ["FP-DF-003", "FP-DF-006", "FP-DF-008", "FP-DF-009", "FP-CTX-001", "FP-CTX-003"]) assert.ok(!left.has(fixed), `${fixed} still reported`);
  assert.ok(left.has("FP-DF-011"), "non-mechanical findings stay");
  assert.ok(result.changed.some((c) => c.file === "Dockerfile" && c.diff.includes('+CMD ["gunicorn"')));
  // A second run has nothing left to fix.
  const again = await applyFixes(dir, result.after, { app: appModel() });
  assert.equal(again.changed.length, 0);
});

test("a shell-form CMD that needs a shell is reported but never rewritten", () => {
  const f = lintDockerfileText('FROM python:3.11-slim\nCMD gunicorn --bind 0.0.0.0:$PORT app:app\n').find((x) => x.ruleId === "FP-DF-009");
  assert.ok(f);
});

test(".dockerignore matching follows Docker: last match wins, ** spans directories, a dir pattern covers its files", () => {
  const p = parseDockerignore("# comment\n*.md\n!README.md\n**/__pycache__\ndata/\n/secret.txt\n");
  assert.equal(isExcluded(p, "NOTES.md"), true);
  assert.equal(isExcluded(p, "README.md"), false);
  assert.equal(isExcluded(p, "docs/x.md"), false);
  assert.equal(isExcluded(p, "pkg/sub/__pycache__/m.pyc"), true);
  assert.equal(isExcluded(p, "data/big.csv"), true);
  assert.equal(isExcluded(p, "secret.txt"), true);
  assert.equal(isExcluded(p, "app.py"), false);
});

test("RUN lines are split into commands with quotes and continuations handled", () => {
  const cmds = splitCommands(`set -e; echo "a && b" | tee /x && DEBIAN_FRONTEND=noninteractive apt-get install -y 'curl' \\\n  || true`);
  assert.deepEqual(cmds.map((c) => c.argv), [["set", "-e"], ["echo", "a && b"], ["tee", "/x"], ["apt-get", "install", "-y", "curl"], ["true"]]);
  assert.deepEqual(cmds.map((c) => c.next), [";", "|", "&&", "||", ""]);
});

test("Flask rules use the real app model: gunicorn target and port come from analyze", async () => {
  const report = await lint(join(ROOT, "examples/api-port"), {
    dockerfile: join(ROOT, "test/fixtures/lint/seed-004/Dockerfile"),
  });
  const wrong = report.findings.find((f) => f.ruleId === "FP-FL-005");
  assert.ok(wrong, "app:app is not the api-port app");
  assert.match(wrong.message, /server:application/);
});

test("any text at all — random unicode, NUL bytes, half instructions — lints without throwing", async () => {
  const fc = (await import("fast-check")).default;
  const pieces = fc.constantFrom("FROM ", "RUN ", "CMD ", "COPY ", "ENV ", "ARG ", "EXPOSE ", "USER ", "\\\n", "\n", "[\"", "\"]", "&&", "|", "#", "<<EOF\n", "python:3.11", "\u0000", "$", "=", " ", "pip install", "apt-get install");
  fc.assert(
    fc.property(fc.array(fc.oneof(pieces, fc.string(), fc.string({ unit: "binary" })), { maxLength: 40 }), (parts) => {
      const findings = lintDockerfileText(parts.join(""), { app: appModel(), sources: {} });
      for (const f of findings) assert.ok(f.line >= 1 && f.column >= 1 && typeof f.message === "string");
    }),
    { numRuns: 300 },
  );
});

test("the dev-server finding's fix names the analyzed app and port", () => {
  const f = lintDockerfileText('FROM python:3.11-slim\nCMD ["flask", "run", "--host=0.0.0.0", "--port=4567"]\n', {
    app: appModel({ entry: { target: "server:application", module: "server", object: "application", kind: "object", reason: "Flask() assignment", score: 10 } }),
  }).find((x) => x.ruleId === "FP-FL-001");
  assert.equal(f?.fix, 'CMD ["gunicorn", "--bind", "0.0.0.0:4567", "server:application"]');
});
