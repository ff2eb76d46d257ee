import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { ROOT, runCli, tempDir, PYPA_DB } from "../../helpers/cli.ts";
import { makeZip } from "../../fixtures/scan/zip-writer.ts";
import { updateDb } from "../../../src/scan/update.ts";
import { loadVulnDb } from "../../../src/scan/vulndb.ts";

const PYPA = join(PYPA_DB, "vulns");

/** OSV's PyPI all.zip, made from real PyPA records converted to the JSON OSV serves. */
function osvZip(): Buffer {
  const files: { name: string; data: Buffer }[] = [];
  for (const pkg of ["flask", "werkzeug", "jinja2"]) {
    for (const f of readdirSync(join(PYPA, pkg))) {
      const rec = YAML.parse(readFileSync(join(PYPA, pkg, f), "utf8")) as { id: string };
      files.push({ name: `${rec.id}.json`, data: Buffer.from(JSON.stringify(rec)) });
    }
  }
  return makeZip(files);
}

interface Served { url: string; requests: { path: string; range?: string }[]; close: () => Promise<void> }

/** Serves the two files as their real hosts do (GCS sends x-goog-hash md5; both honour Range). */
async function serve(files: Record<string, Buffer>, opts: { cutFirstAt?: number; badMd5?: boolean } = {}): Promise<Served> {
  const requests: Served["requests"] = [];
  let cut = opts.cutFirstAt;
  const server: Server = createServer((req, res) => {
    const body = files[req.url ?? ""];
    requests.push({ path: req.url ?? "", range: req.headers.range });
    if (!body) return void res.writeHead(404).end();
    const md5 = createHash("md5").update(opts.badMd5 ? Buffer.from("x") : body).digest("base64");
    const headers: Record<string, string> = { "x-goog-hash": `crc32c=AAAAAA==,md5=${md5}`, etag: `"${md5}"`, "accept-ranges": "bytes" };
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (m) {
      const start = Number(m[1]);
      res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${body.length - 1}/${body.length}`, "content-length": String(body.length - start) });
      return void res.end(body.subarray(start));
    }
    res.writeHead(200, { ...headers, "content-length": String(body.length) });
    if (cut !== undefined && req.url?.endsWith("all.zip")) {
      // The connection drops part-way, as a flaky network would.
      // Closed a while after the first half is flushed to the socket: a web stream that errors discards the
      // chunks its reader has not taken yet, so the client gets time to take them (as on a real network, where
      // the drop comes long after the bytes before it).
      const half = body.subarray(0, cut);
      cut = undefined;
      res.write(half, () => setTimeout(() => res.destroy(), 1000));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const tracker = readFileSync(join(ROOT, "test/fixtures/scan/debian-tracker.json"));

test("db update downloads both sources, resumes an interrupted download with Range, and scan reads the cache", async (t) => {
  const zip = osvZip();
  const srv = await serve({ "/PyPI/all.zip": zip, "/tracker/data/json": tracker }, { cutFirstAt: Math.floor(zip.length / 2) });
  t.after(() => srv.close());
  const dir = join(tempDir((fn) => t.after(fn)), "db");
  await assert.rejects(updateDb({ dir, source: srv.url }));
  assert.ok(!existsSync(join(dir, "osv-pypi.zip")), "nothing replaced by a failed update");
  assert.ok(statSync(join(dir, ".partial", "osv-pypi.zip")).size > 0, "the interrupted download left its part");
  const r = await updateDb({ dir, source: srv.url });
  const osv = r.files.find((f) => f.name === "osv-pypi.zip")!;
  assert.ok(osv.resumedFrom > 0, "second run resumed");
  assert.equal(srv.requests.filter((q) => q.path === "/PyPI/all.zip").at(-1)?.range, `bytes=${osv.resumedFrom}-`);
  assert.equal(osv.bytes, zip.length);
  assert.deepEqual(osv.verified, ["size", "md5"]);
  assert.equal(osv.sha256, createHash("sha256").update(zip).digest("hex"));
  const db = loadVulnDb(dir);
  assert.ok(db.pypi.get("flask")?.some((x) => x.id === "PYSEC-2023-62"));
  assert.ok(db.debian?.flask?.["CVE-2023-30861"]);
  assert.ok(db.sources.every((s) => s.updatedAt === r.updatedAt));
});

test("db update refuses a download whose digest does not match, and keeps the previous data", async (t) => {
  const dir = join(tempDir((fn) => t.after(fn)), "db");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "debian-tracker.json"), tracker);
  const srv = await serve({ "/PyPI/all.zip": osvZip(), "/tracker/data/json": tracker }, { badMd5: true });
  t.after(() => srv.close());
  const r = await runCli(["db", "update", "--dir", dir, "--source", srv.url]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /damaged: md5/);
  assert.match(r.stderr, /fix:/);
  assert.deepEqual(readFileSync(join(dir, "debian-tracker.json")), tracker);
  assert.ok(!existsSync(join(dir, "osv-pypi.zip")));
});

test("db update rejects files that are not in the published formats", async (t) => {
  const srv = await serve({ "/PyPI/all.zip": Buffer.from("<html>not a zip</html>"), "/tracker/data/json": tracker });
  t.after(() => srv.close());
  const r = await runCli(["db", "update", "--dir", join(tempDir((fn) => t.after(fn)), "db"), "--source", srv.url, "--json"]);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error.code, "CORRUPT_ARCHIVE");
});
