import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, ROOT } from "../../helpers/cli.ts";
import { frontendIn, backendUrlVars, nginxConf, isMultiServiceRoot, detectProject } from "../../../src/compose/project.ts";
import { frontendKey } from "../../../src/compose/frontend.ts";

const FE = join(ROOT, "test/fixtures/seed003/frontend-react-js");

test("a Vite React frontend is found with its build, output dir and backend URL variables", () => {
  const fe = frontendIn(FE)!;
  assert.equal(fe.framework, "vite");
  assert.equal(fe.outDir, "dist");
  assert.deepEqual(fe.backendUrlVars, ["REACT_APP_BACKEND_URL", "VITE_BACKEND_URL"]);
});

test("Create React App builds into build/; a package.json without a build script is no frontend", (t) => {
  const dir = tempDir((fn) => t.after(fn));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { build: "react-scripts build" }, dependencies: { react: "18", "react-scripts": "5" } }));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/App.js"), "fetch(`${process.env.REACT_APP_API_URL}/x`)");
  assert.deepEqual([frontendIn(dir)!.framework, frontendIn(dir)!.outDir], ["create-react-app", "build"]);
  assert.deepEqual(backendUrlVars(dir), ["REACT_APP_API_URL"]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { start: "node server.js" }, dependencies: { express: "4" } }));
  assert.equal(frontendIn(dir), undefined);
});

test("the build cache key follows sources and build variables, not node_modules or the output", (t) => {
  const dir = join(tempDir((fn) => t.after(fn)), "fe");
  cpSync(FE, dir, { recursive: true });
  const opts = { command: "npm run build", out: "dist", env: { VITE_BACKEND_URL: "" } };
  const k1 = frontendKey(dir, opts);
  mkdirSync(join(dir, "node_modules/x"), { recursive: true });
  writeFileSync(join(dir, "node_modules/x/index.js"), "1");
  mkdirSync(join(dir, "dist"));
  writeFileSync(join(dir, "dist/index.html"), "<p>");
  assert.equal(frontendKey(dir, opts), k1);
  assert.notEqual(frontendKey(dir, { ...opts, env: { VITE_BACKEND_URL: "http://x" } }), k1);
  writeFileSync(join(dir, "src/App.jsx"), "export default () => null;\n");
  assert.notEqual(frontendKey(dir, opts), k1);
});

test("nginx proxies /api/ to the backend service and serves the SPA", () => {
  const conf = nginxConf("backend-flask", 4567);
  assert.match(conf, /location \/api\/ \{\s+proxy_pass http:\/\/backend-flask:4567;/);
  assert.match(conf, /try_files \$uri \/index\.html;/);
  assert.match(conf, /pid \/tmp\/nginx\.pid;/);
});

test("the seed-003 root is a multi-service project; a single app's directory is not", async () => {
  const root = join(ROOT, "test/fixtures/seed003");
  assert.equal(await isMultiServiceRoot(root), true);
  const layout = await detectProject(root);
  assert.deepEqual(layout.backends.map((b) => [b.name, b.app.entry?.target, b.app.port.value]), [["backend-flask", "app:app", 4567]]);
  assert.deepEqual(layout.frontends.map((f) => f.name), ["frontend-react-js"]);
  assert.equal(await isMultiServiceRoot(join(root, "backend-flask")), false);
  assert.equal(await isMultiServiceRoot(join(ROOT, "examples/pg-api")), false);
});
