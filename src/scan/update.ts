import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { open } from "node:fs/promises";
import { FlaskpackError } from "../errors.ts";
import { defaultDbDir, META_FILE, OSV_FILE, TRACKER_FILE, type DbMeta } from "./vulndb.ts";
import { zipEntries } from "./zip.ts";

export const DEFAULT_SOURCES = {
  osv: "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
  debian: "https://security-tracker.debian.org/tracker/data/json",
};

export interface UpdateOptions {
  /** Cache directory (default ~/.cache/flaskpack/db or $FLASKPACK_DB). */
  dir?: string;
  /** A mirror serving the same paths as the real hosts: <source>/PyPI/all.zip and <source>/tracker/data/json. */
  source?: string;
  osvUrl?: string;
  debianUrl?: string;
  /** Called as bytes arrive; total is undefined when the server does not say. */
  onProgress?: (file: string, received: number, total: number | undefined) => void;
  onStep?: (message: string) => void;
}

export interface UpdateResult {
  dir: string;
  files: { name: string; url: string; bytes: number; sha256: string; records: number; resumedFrom: number; verified: string[] }[];
  updatedAt: string;
}

/**
 * Downloads OSV's PyPI records and Debian's tracker data into the cache: resumable (HTTP Range into a .part file),
 * checked (size, server-published digests, parse), and replaced atomically (the old data stays until all is good).
 */
export async function updateDb(opts: UpdateOptions = {}): Promise<UpdateResult> {
  const dir = opts.dir ?? defaultDbDir();
  const urls = sourceUrls(opts);
  const plan = [
    { name: OSV_FILE, url: urls.osv, check: checkOsvZip },
    { name: TRACKER_FILE, url: urls.debian, check: checkTracker },
  ];
  const partial = join(dir, ".partial");
  mkdirSync(partial, { recursive: true });
  const result: UpdateResult = { dir, files: [], updatedAt: new Date().toISOString() };
  for (const item of plan) {
    opts.onStep?.(`downloading ${item.url}`);
    const part = join(partial, item.name);
    const got = await download(item.url, part, (r, t) => opts.onProgress?.(item.name, r, t));
    opts.onStep?.(`checking ${item.name}`);
    const records = item.check(part, item.url);
    result.files.push({ name: item.name, url: item.url, bytes: got.bytes, sha256: await sha256File(part), records, resumedFrom: got.resumedFrom, verified: got.verified });
  }
  // Only now, with every file downloaded and checked, replace the cache: each rename is atomic.
  for (const item of plan) renameSync(join(partial, item.name), join(dir, item.name));
  const meta: DbMeta = { updatedAt: result.updatedAt, files: Object.fromEntries(result.files.map((f) => [f.name, { url: f.url, bytes: f.bytes, sha256: f.sha256, records: f.records, downloadedAt: result.updatedAt }])) };
  writeFileSync(join(partial, META_FILE), JSON.stringify(meta, null, 2));
  renameSync(join(partial, META_FILE), join(dir, META_FILE));
  rmSync(partial, { recursive: true, force: true });
  return result;
}

/** The URLs an update fetches: explicit ones, else the mirror's, else the real hosts. */
export function sourceUrls(opts: Pick<UpdateOptions, "source" | "osvUrl" | "debianUrl">): { osv: string; debian: string } {
  const base = opts.source?.replace(/\/+$/, "");
  return {
    osv: opts.osvUrl ?? (base ? `${base}/PyPI/all.zip` : DEFAULT_SOURCES.osv),
    debian: opts.debianUrl ?? (base ? `${base}/tracker/data/json` : DEFAULT_SOURCES.debian),
  };
}

interface PartState {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
  headers: Record<string, string>;
}

async function download(url: string, part: string, onProgress: (received: number, total?: number) => void): Promise<{ bytes: number; resumedFrom: number; verified: string[] }> {
  const stateFile = `${part}.state.json`;
  let state: PartState | undefined;
  try {
    state = JSON.parse(readFileSync(stateFile, "utf8")) as PartState;
  } catch {
    state = undefined;
  }
  let have = state?.url === url && existsSync(part) ? statSync(part).size : 0;
  if (state?.total !== undefined && have === state.total) {
    return { bytes: have, resumedFrom: have, verified: verifyDigests(part, state.headers, have, state.total) };
  }
  // Identity encoding: byte ranges and Content-Length then describe the file itself, not a gzip stream of it.
  const headers: Record<string, string> = { "user-agent": "flaskpack-db-update", "accept-encoding": "identity" };
  if (have > 0 && state) {
    headers.range = `bytes=${have}-`;
    const validator = state.etag ?? state.lastModified;
    if (validator) headers["if-range"] = validator;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: "follow" });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new FlaskpackError("NOT_FOUND", `cannot download ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}.`, "check the network (or --source mirror URL); a partial download resumes where it stopped next time");
  }
  if (res.status === 416 && state?.total === have) {
    return { bytes: have, resumedFrom: have, verified: verifyDigests(part, state.headers, have, state.total) };
  }
  if (!res.ok || !res.body) throw new FlaskpackError("NOT_FOUND", `downloading ${url} failed: HTTP ${res.status} ${res.statusText}.`, "check the URL, or try again later");
  const resumed = res.status === 206;
  if (!resumed) have = 0;
  const encoded = !/^(identity)?$/i.test(res.headers.get("content-encoding") ?? "");
  const length = encoded ? NaN : Number(res.headers.get("content-length") ?? NaN);
  let total: number | undefined;
  if (resumed) {
    const m = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
    total = m ? Number(m[1]) : Number.isFinite(length) ? have + length : undefined;
  } else total = Number.isFinite(length) ? length : undefined;
  const kept: Record<string, string> = {};
  for (const h of ["x-goog-hash", "digest", "repr-digest", "etag", "last-modified"]) {
    const v = res.headers.get(h);
    if (v) kept[h] = v;
  }
  // A resumed download keeps the digests of the first response: they describe the whole file.
  const newState: PartState = { url, etag: res.headers.get("etag") ?? undefined, lastModified: res.headers.get("last-modified") ?? undefined, total, headers: resumed && state ? { ...kept, ...state.headers } : kept };
  writeFileSync(stateFile, JSON.stringify(newState));
  let received = have;
  onProgress(received, total);
  // Each chunk is on disk before the next is read, so a dropped connection leaves everything received so far
  // in the part file for the next run to resume from (a piped stream would discard its queued writes on error).
  const file = await open(part, resumed ? "a" : "w");
  try {
    for await (const chunk of Readable.fromWeb(res.body as never) as AsyncIterable<Buffer>) {
      await file.write(chunk);
      received += chunk.length;
      onProgress(received, total);
    }
  } finally {
    await file.close();
  }
  const bytes = statSync(part).size;
  const verified = verifyDigests(part, newState.headers, bytes, total);
  return { bytes, resumedFrom: resumed ? have : 0, verified };
}

/** Size against Content-Length, and every digest the server published (GCS x-goog-hash md5, RFC 3230/9530 sha-256). */
function verifyDigests(part: string, headers: Record<string, string>, bytes: number, total: number | undefined): string[] {
  const verified: string[] = [];
  const fail = (why: string) => {
    rmSync(part, { force: true });
    rmSync(`${part}.state.json`, { force: true });
    return new FlaskpackError("CORRUPT_ARCHIVE", `the download of ${part.split("/").pop()} is damaged: ${why}.`, "run `flaskpack db update` again; the damaged file was removed");
  };
  if (total !== undefined) {
    if (bytes !== total) throw fail(`got ${bytes} bytes, the server announced ${total}`);
    verified.push("size");
  }
  const wanted: [string, string][] = [];
  for (const part of (headers["x-goog-hash"] ?? "").split(",")) {
    const m = /^\s*md5=(.+)$/.exec(part);
    if (m) wanted.push(["md5", m[1].trim()]);
  }
  for (const h of [headers["digest"], headers["repr-digest"]]) {
    const m = /sha-256=:?([A-Za-z0-9+/=]+):?/.exec(h ?? "");
    if (m) wanted.push(["sha256", m[1]]);
  }
  for (const [algo, expected] of wanted) {
    const actual = createHash(algo).update(readFileSync(part)).digest("base64");
    if (actual !== expected) throw fail(`${algo} is ${actual}, the server published ${expected}`);
    verified.push(algo);
  }
  return verified;
}

function checkOsvZip(path: string, url: string): number {
  let records = 0;
  try {
    for (const e of zipEntries(readFileSync(path), url)) {
      if (!e.name.endsWith(".json")) continue;
      const r = JSON.parse(e.data().toString("utf8")) as { id?: string };
      if (!r.id) throw new Error(`${e.name} has no id`);
      records++;
    }
  } catch (e) {
    rmSync(path, { force: true });
    rmSync(`${path}.state.json`, { force: true });
    if (e instanceof FlaskpackError) throw e;
    throw new FlaskpackError("CORRUPT_ARCHIVE", `${url} did not hold OSV records: ${(e as Error).message}.`, "check the --source URL; the file was removed");
  }
  return records;
}

function checkTracker(path: string, url: string): number {
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("not an object of source packages");
    const first = Object.values(data)[0] as Record<string, { releases?: unknown }> | undefined;
    if (first && !Object.values(first).every((i) => typeof i === "object" && i !== null && "releases" in i)) throw new Error("entries have no releases");
    return Object.keys(data).length;
  } catch (e) {
    rmSync(path, { force: true });
    rmSync(`${path}.state.json`, { force: true });
    throw new FlaskpackError("CORRUPT_ARCHIVE", `${url} is not Debian security tracker JSON: ${(e as Error).message}.`, "check the --source URL; the file was removed");
  }
}

function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash("sha256");
    createReadStream(path).on("data", (d) => h.update(d)).on("end", () => res(h.digest("hex"))).on("error", rej);
  });
}
