import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRequirements, parsePep508, poetrySpecifier } from "../../../src/analyze/requirements.ts";
import { parseServerCommand, splitWords, parseDockerfile, parseDotenv } from "../../../src/analyze/projectfiles.ts";
import { converters, joinRule } from "../../../src/analyze/resolve.ts";
import { pythonFacts } from "../../../src/analyze/python.ts";

test("PEP 508 strings: extras, specifier, marker, direct URL", () => {
  assert.deepEqual(parsePep508("Flask[async, dotenv] >= 2.2 , <4 ; python_version >= '3.8'", "x"), {
    name: "Flask", normalized: "flask", specifier: ">=2.2,<4", extras: ["async", "dotenv"], from: "x", marker: "python_version >= '3.8'",
  });
  assert.equal(parsePep508("pkg @ https://example.com/pkg-1.0.tar.gz", "x")?.local, "https://example.com/pkg-1.0.tar.gz");
  assert.equal(parsePep508("Zope.Interface_X==5", "x")?.normalized, "zope-interface-x");
});

test("requirements.txt: comments, options, -r/-c, unreadable lines reported with their line", () => {
  const r = parseRequirements("# c\n--index-url https://x\nflask  # web\n-c constraints.txt\n-r base.txt\n!!bad\n", "req.txt");
  assert.deepEqual(r.dependencies.map((d) => [d.normalized, d.from]), [["flask", "req.txt:3"]]);
  assert.deepEqual([r.includes, r.constraints], [["base.txt"], ["constraints.txt"]]);
  assert.deepEqual(r.problems, [{ line: 6, message: 'cannot read requirement "!!bad"' }]);
});

test("Poetry specifiers become PEP 440", () => {
  assert.equal(poetrySpecifier("^1.2.3"), ">=1.2.3,<2.0");
  assert.equal(poetrySpecifier("^0.4"), ">=0.4,<0.5");
  assert.equal(poetrySpecifier("~1.2"), ">=1.2,<1.3");
  assert.equal(poetrySpecifier("*"), "");
  assert.equal(poetrySpecifier("2.0.1"), "==2.0.1");
  assert.equal(poetrySpecifier(">=1.0, <2.0"), ">=1.0,<2.0");
});

test("start commands: gunicorn, waitress, flask run, python, sh -c", () => {
  assert.deepEqual(parseServerCommand(splitWords("gunicorn -w 4 --bind=0.0.0.0:${PORT:-8080} 'app:create_app(\"x\")'")), {
    program: "gunicorn", devServer: false, port: { envVar: "PORT", value: 8080 }, target: 'app:create_app("x")',
  });
  assert.equal(parseServerCommand(splitWords("waitress-serve --port=8080 --call app:make"))?.target, "app:make()");
  assert.equal(parseServerCommand(splitWords("flask run --port 5001"))?.devServer, true);
  assert.deepEqual(parseServerCommand(["python3", "app.py"]), { program: "python", target: "app.py", devServer: true });
  assert.equal(parseServerCommand(["sh", "-c", "exec gunicorn srv:app"])?.target, "srv:app");
  assert.equal(parseServerCommand(["nginx", "-g", "daemon off;"]), undefined);
});

test("Dockerfile: only the last stage's CMD counts; EXPOSE with protocol; dotenv quoting", () => {
  const d = parseDockerfile('FROM a AS b\nCMD ["x"]\nFROM c\nEXPOSE 8080/tcp 9090\nCMD gunicorn \\\n  app:app\n');
  assert.deepEqual(d.cmd, { words: ["gunicorn", "app:app"], line: 5 });
  assert.deepEqual(d.expose.map((e) => e.port), [8080, 9090]);
  assert.deepEqual(parseDotenv('export A="x y"\nB=1 # c\n#C=2\n'), [{ name: "A", value: "x y", line: 1 }, { name: "B", value: "1", line: 2 }]);
});

test("rules: Flask's prefix joining and converter parsing", () => {
  assert.equal(joinRule("/api/", "/x"), "/api/x");
  assert.equal(joinRule("/api", ""), "/api");
  assert.equal(joinRule(undefined, "/x"), "/x");
  assert.deepEqual(converters("/a/<int:id>/<name>/<any(x, y):kind>"), [
    { name: "id", type: "int" }, { name: "name", type: "string" }, { name: "kind", type: "any", args: "x, y" },
  ]);
});

test("python facts: relative imports resolve against the package, env writes are not reads", async () => {
  const f = await pythonFacts("from ..data import POSTS\nfrom . import views\nimport os\nos.environ['X'] = '1'\nv = os.environ['Y']\n", "blog/views/pages.py", "blog.views.pages", false);
  assert.deepEqual(f.imports.map((i) => `${i.module}:${i.name}`), ["blog.data:POSTS", "blog.views:views", "os:undefined"]);
  assert.deepEqual(f.env.map((e) => e.name), ["Y"]);
  const g = await pythonFacts("from . import views\n", "blog/__init__.py", "blog", true);
  assert.equal(g.imports[0].module, "blog");
});
