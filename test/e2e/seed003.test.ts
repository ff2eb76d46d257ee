import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { chromium } from "playwright-core";
import { runCli, tempDir, ROOT } from "../helpers/cli.ts";
import { docker, cleanup } from "../helpers/engine.ts";
import { initProject } from "../../src/compose/project.ts";
import { lintComposeText } from "../../src/lint/index.ts";
import { removeProject } from "../fixtures/compose/models.ts";

const PROJECT = `fp-compose-seed003-${process.pid}`;

test("seed-003 layout: one compose file for backend + frontend; the production frontend shows the backend's activities in Chromium", async (t) => {
  const dir = join(tempDir((fn) => t.after(fn)), "seed003");
  cpSync(join(ROOT, "test/fixtures/seed003"), dir, { recursive: true, filter: (src) => !/node_modules|\/dist$/.test(src) });
  t.after(async () => {
    await removeProject(PROJECT);
    await cleanup([], [`${PROJECT}-backend-flask:latest`, `${PROJECT}-frontend-react-js:latest`]);
  });

  const init = await initProject(dir, { project: PROJECT, backendHostPort: 0, frontendHostPort: 0 });
  assert.deepEqual(init.layout, { backends: ["backend-flask"], frontends: ["frontend-react-js"] });
  const compose = parse(readFileSync(join(dir, "compose.yaml"), "utf8")) as { services: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(compose.services).sort(), ["backend-flask", "frontend-react-js"]);
  const backendEnv = compose.services["backend-flask"].environment as Record<string, string>;
  assert.ok("FRONTEND_URL" in backendEnv && "BACKEND_URL" in backendEnv, "CORS env not filled");
  assert.deepEqual(lintComposeText(readFileSync(join(dir, "compose.yaml"), "utf8")), []);

  const up = await runCli(["up", dir, "-p", PROJECT, "--json"], { timeoutMs: 900_000 });
  assert.equal(up.code, 0, up.stderr + up.stdout);
  const r = JSON.parse(up.stdout) as { urls: Record<string, string[]>; services: { service: string; container: string; health: string }[] };
  assert.deepEqual(r.services.map((s) => [s.service, s.health]), [["backend-flask", "healthy"], ["frontend-react-js", "healthy"]]);

  const fe = await (await docker()).getContainer(r.services.find((s) => s.service === "frontend-react-js")!.container).inspect();
  assert.equal(fe.Config.User, "33:33");
  assert.equal(fe.HostConfig.ReadonlyRootfs, true);
  assert.equal(fe.Config.Cmd?.[0], "nginx", "the frontend is served by a static server, not npm start");

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const apiCalls: string[] = [];
  page.on("response", (res) => {
    if (res.url().includes("/api/activities/home")) apiCalls.push(`${res.status()} ${res.url()}`);
  });
  await page.goto(r.urls["frontend-react-js"][0]);
  await page.locator("li.activity").first().waitFor({ timeout: 20_000 });
  const items = await page.locator("li.activity").allTextContents();
  assert.equal(items.length, 2);
  assert.match(items[0], /@andrew\s*Cloud is fun!/);
  assert.match(items[1], /@worf\s*Qapla'/);
  assert.equal(apiCalls.length, 1);
  assert.match(apiCalls[0], /^200 /);

  // A second up reuses the cached production build instead of running npm again.
  const again = await runCli(["up", dir, "-p", PROJECT, "--json"], { timeoutMs: 300_000 });
  assert.equal(again.code, 0, again.stderr);
  const fronts = (JSON.parse(again.stdout) as { frontends: { service: string; cached: boolean }[] }).frontends;
  assert.deepEqual(fronts.map((f) => [f.service, f.cached]), [["frontend-react-js", true]]);
});
