/**
 * A local PEP 503 package index for pip-mode tests, since PyPI is unreachable here: wheels made from Debian's
 * own Python packages (Flask 2.2.2, Werkzeug, Jinja2, MarkupSafe, itsdangerous, click, gunicorn 20.1), served
 * over HTTP on the docker bridge address inside flaskpack's namespace, where build containers reach it.
 *
 * Each .deb is downloaded on the host network (apt-get download), unpacked with dpkg-deb, and its
 * dist-packages content plus a dist-info (METADATA from the egg-info's PKG-INFO, Requires-Dist from the
 * package's Debian Depends, entry points, WHEEL, RECORD) is zipped into a proper .whl.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { networkInterfaces, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { crc32 } from "node:zlib";
import { inHostNetwork } from "../../src/engine/netns.ts";
import { ROOT } from "./cli.ts";

export const WHEEL_DEBS = ["python3-flask", "python3-werkzeug", "python3-jinja2", "python3-markupsafe", "python3-itsdangerous", "python3-click", "python3-gunicorn"];
export const DEFAULT_WHEELHOUSE = join(ROOT, "test/.tmp/wheelhouse");

export interface Wheel {
  name: string;
  version: string;
  file: string;
  /** Debian package it was made from. */
  deb: string;
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** A stored (uncompressed) zip: enough for a wheel, no dependency needed. */
function zip(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, "utf8");
    const crc = crc32(f.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00, reproducible
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, f.data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x031e, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(0, 10);
    c.writeUInt32LE(0x00210000, 12);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(f.data.length, 20);
    c.writeUInt32LE(f.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((0o100644 << 16) >>> 0), 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + f.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === "__pycache__") continue;
    if (!existsSync(p)) continue; // Debian links some assets to other packages (werkzeug's jquery.js)
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function b64sha(data: Buffer): string {
  return createHash("sha256").update(data).digest("base64url");
}

/** Builds (or reuses) the wheelhouse in dir: dir/debs/*.deb, dir/wheels/*.whl. */
export async function buildWheelhouse(dir: string = DEFAULT_WHEELHOUSE): Promise<{ dir: string; wheels: Wheel[] }> {
  const debs = join(dir, "debs");
  const wheelsDir = join(dir, "wheels");
  const manifest = join(dir, "wheels.json");
  if (existsSync(manifest)) {
    const wheels = JSON.parse(readFileSync(manifest, "utf8")) as Wheel[];
    if (wheels.every((w) => existsSync(join(wheelsDir, w.file)))) return { dir, wheels };
  }
  mkdirSync(debs, { recursive: true });
  mkdirSync(wheelsDir, { recursive: true });
  const missing = WHEEL_DEBS.filter((p) => !readdirSync(debs).some((f) => f.startsWith(`${p}_`)));
  if (missing.length) {
    const [cmd, args] = inHostNetwork("apt-get", ["download", ...missing]);
    run(cmd, args, debs);
  }
  // Dist names first, so Debian Depends can become Requires-Dist on dists that are in the house.
  const unpacked = new Map<string, { root: string; eggInfo: string; name: string; version: string; depends: string[]; file: string }>();
  const work = mkdtempSync(join(tmpdir(), "fp-wheelhouse-"));
  try {
    for (const pkg of WHEEL_DEBS) {
      const file = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`))!;
      const root = join(work, pkg);
      run("dpkg-deb", ["-x", join(debs, file), root]);
      const site = join(root, "usr/lib/python3/dist-packages");
      const egg = readdirSync(site).find((f) => f.endsWith(".egg-info") || f.endsWith(".dist-info"))!;
      const info = readFileSync(join(site, egg, existsSync(join(site, egg, "PKG-INFO")) ? "PKG-INFO" : "METADATA"), "utf8");
      const name = info.match(/^Name: (.+)$/m)![1].trim();
      const version = info.match(/^Version: (.+)$/m)![1].trim();
      const depends = run("dpkg-deb", ["-f", join(debs, file), "Depends"])
        .split(",")
        .map((d) => d.trim())
        .filter((d) => !d.includes("|"))
        .map((d) => d.split(/[\s(]/)[0]);
      unpacked.set(pkg, { root: site, eggInfo: egg, name, version, depends, file });
    }
    const wheels: Wheel[] = [];
    for (const [pkg, u] of unpacked) {
      const distInfo = `${u.name.replace(/-/g, "_")}-${u.version}.dist-info`;
      const files: { name: string; data: Buffer }[] = [];
      for (const entry of readdirSync(u.root).sort()) {
        if (entry === u.eggInfo) continue;
        const p = join(u.root, entry);
        for (const f of statSync(p).isDirectory() ? walk(p) : [p]) files.push({ name: relative(u.root, f), data: readFileSync(f) });
      }
      const hasExtension = files.some((f) => f.name.endsWith(".so"));
      const tag = hasExtension ? "cp311-cp311-linux_x86_64" : "py3-none-any";
      const requires = u.depends.filter((d) => unpacked.has(d) && d !== pkg).map((d) => `Requires-Dist: ${unpacked.get(d)!.name}`);
      const pkgInfo = readFileSync(join(u.root, u.eggInfo, existsSync(join(u.root, u.eggInfo, "PKG-INFO")) ? "PKG-INFO" : "METADATA"), "utf8");
      const [head, ...body] = pkgInfo.split(/\n\n/);
      const metadata = [head.split("\n").filter((l) => !/^Requires-Dist:/.test(l)).concat(requires).join("\n"), ...body].join("\n\n");
      const meta: { name: string; data: Buffer }[] = [
        { name: `${distInfo}/METADATA`, data: Buffer.from(metadata) },
        { name: `${distInfo}/WHEEL`, data: Buffer.from(`Wheel-Version: 1.0\nGenerator: flaskpack-test-wheelhouse\nRoot-Is-Purelib: ${hasExtension ? "false" : "true"}\nTag: ${tag}\n`) },
      ];
      for (const extra of ["entry_points.txt", "top_level.txt"]) {
        const p = join(u.root, u.eggInfo, extra);
        if (existsSync(p)) meta.push({ name: `${distInfo}/${extra}`, data: readFileSync(p) });
      }
      const all = [...files, ...meta];
      const record = all.map((f) => `${f.name},sha256=${b64sha(f.data)},${f.data.length}`).concat(`${distInfo}/RECORD,,`).join("\n") + "\n";
      all.push({ name: `${distInfo}/RECORD`, data: Buffer.from(record) });
      const whl = `${u.name.replace(/-/g, "_")}-${u.version}-${tag}.whl`;
      writeFileSync(join(wheelsDir, whl), zip(all));
      wheels.push({ name: u.name, version: u.version, file: whl, deb: u.file });
    }
    writeFileSync(manifest, JSON.stringify(wheels, null, 2));
    return { dir, wheels };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The engine's bridge address in this namespace (docker0), where build containers reach the host side. */
export function bridgeAddress(): string {
  const docker0 = networkInterfaces().docker0?.find((a) => a.family === "IPv4");
  return docker0?.address ?? "10.212.0.1";
}

export interface ServedIndex {
  /** PEP 503 simple index URL, e.g. http://10.212.0.1:41234/simple/ */
  url: string;
  host: string;
  close(): Promise<void>;
}

/** Serves dir/wheels as a PEP 503 simple index on the bridge address (random port). */
export async function serveIndex(dir: string = DEFAULT_WHEELHOUSE, host = bridgeAddress()): Promise<ServedIndex> {
  const wheels = JSON.parse(readFileSync(join(dir, "wheels.json"), "utf8")) as Wheel[];
  const byProject = new Map<string, Wheel[]>();
  for (const w of wheels) byProject.set(normalize(w.name), [...(byProject.get(normalize(w.name)) ?? []), w]);
  const html = (body: string) => `<!DOCTYPE html>\n<html><body>\n${body}\n</body></html>\n`;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    if (path === "/simple/" || path === "/simple") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(html([...byProject.keys()].map((p) => `<a href="/simple/${p}/">${p}</a><br>`).join("\n")));
    }
    const project = path.match(/^\/simple\/([^/]+)\/?$/)?.[1];
    if (project) {
      const list = byProject.get(normalize(project));
      if (!list) return res.writeHead(404).end("not found");
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(html(list.map((w) => {
        const sha = createHash("sha256").update(readFileSync(join(dir, "wheels", w.file))).digest("hex");
        return `<a href="/files/${w.file}#sha256=${sha}">${w.file}</a><br>`;
      }).join("\n")));
    }
    const file = path.match(/^\/files\/([^/]+\.whl)$/)?.[1];
    if (file && wheels.some((w) => w.file === file)) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(readFileSync(join(dir, "wheels", file)));
    }
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(0, host, () => res());
  });
  const port = (server.address() as { port: number }).port;
  return { url: `http://${host}:${port}/simple/`, host, close: () => new Promise((res) => server.close(() => res())) };
}
