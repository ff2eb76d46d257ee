/**
 * The impure shell of slim: containers, exports, HTTP probes, image loading. Everything here talks to the
 * engine through dockerode; the decisions are made in the pure modules (strace, keepset, probes, profiles).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { basename, join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import tar from "tar-stream";
import type Docker from "dockerode";
import { connectEngine, engineCall } from "../engine/connect.ts";
import { demux } from "../engine/run.ts";
import { FlaskpackError } from "../errors.ts";
import { isElf, readElfDeps } from "./elf.ts";
import type { FileIndex } from "./keepset.ts";
import { bodyHash, type Answer, type Probe } from "./probes.ts";

export interface ImageFacts {
  id: string;
  sizeBytes: number;
  layers: number;
  architecture: string;
  os: string;
  config: {
    User?: string;
    Env?: string[];
    WorkingDir?: string;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    ExposedPorts?: Record<string, object>;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
    Labels?: Record<string, string> | null;
    StopSignal?: string;
    Volumes?: Record<string, object> | null;
  };
}

export async function imageFacts(image: string): Promise<ImageFacts> {
  const { docker } = await connectEngine();
  const info = await engineCall(`reading image ${image}`, () => docker.getImage(image).inspect());
  return {
    id: info.Id,
    sizeBytes: info.Size,
    layers: info.RootFS?.Layers?.length ?? 0,
    architecture: info.Architecture,
    os: info.Os,
    config: info.Config as ImageFacts["config"],
  };
}

/** A unique, recognisable container name for this area. */
export function containerName(what: string): string {
  return `fp-slim-${what}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Streams a never-started container's flattened root file system through `onEntry`. */
async function withExport(image: string, onEntry: (header: tar.Header, body: Readable) => Promise<void>): Promise<void> {
  const { docker } = await connectEngine();
  const c = await engineCall(`creating a container from ${image}`, () => docker.createContainer({ Image: image, name: containerName("export"), Entrypoint: ["/nonexistent"], Cmd: [] }));
  try {
    const stream = (await engineCall("exporting the container file system", () => c.export())) as unknown as Readable;
    const extract = tar.extract();
    const done = pipeline(stream, extract as unknown as Writable).catch((e) => {
      throw new FlaskpackError("ENGINE_ERROR", `reading the exported file system failed: ${(e as Error).message}`);
    });
    for await (const entry of extract) {
      await onEntry(entry.header, entry as unknown as Readable);
      entry.resume();
    }
    await done;
  } finally {
    await c.remove({ force: true }).catch(() => {});
  }
}

const SKIP = new Set(["/.dockerenv", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf"]);
const METADATA_TEXT = /\.(?:dist|egg)-info\/(?:top_level\.txt|RECORD)$|^\/var\/lib\/dpkg\/info\/[^/]+\.list$/;
/** Larger ELF files are not parsed (their libraries are still kept when the trace saw them loaded). */
const MAX_ELF = 64 * 1024 * 1024;

function entryPath(name: string): string {
  const p = "/" + name.replace(/^\.?\/+/, "").replace(/\/+$/, "");
  return p === "/" ? "/" : p;
}

/** Pass 1: the file index (types, sizes, links, ELF dependencies, small metadata files). */
export async function indexImage(image: string): Promise<{ index: FileIndex; files: number; bytes: number }> {
  const index: FileIndex = new Map();
  let files = 0;
  let bytes = 0;
  await withExport(image, async (h, body) => {
    const path = entryPath(h.name);
    if (SKIP.has(path)) return;
    if (h.type === "directory") {
      index.set(path, { type: "dir", size: 0 });
      return;
    }
    files++;
    if (h.type === "symlink") index.set(path, { type: "symlink", size: 0, link: h.linkname ?? "" });
    else if (h.type === "link") index.set(path, { type: "hardlink", size: 0, link: entryPath(h.linkname ?? "") });
    else if (h.type === "file" || h.type === "contiguous-file") {
      const size = h.size ?? 0;
      bytes += size;
      const entry: FileIndex extends Map<string, infer E> ? E : never = { type: "file", size };
      index.set(path, entry);
      if (size >= 64 && size <= MAX_ELF) {
        const chunks: Buffer[] = [];
        let elf: boolean | undefined;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (elf === undefined) elf = isElf(chunk) || (METADATA_TEXT.test(path) && size < 1 << 20);
          if (elf) chunks.push(chunk);
        }
        if (elf) {
          const data = Buffer.concat(chunks);
          if (isElf(data)) entry.elf = readElfDeps(data);
          else entry.text = data.toString("utf8");
        }
      } else if (METADATA_TEXT.test(path)) {
        const chunks: Buffer[] = [];
        for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
        entry.text = Buffer.concat(chunks).toString("utf8");
      }
    } else index.set(path, { type: "other", size: 0 });
  });
  return { index, files, bytes };
}

export interface LayerWriteOptions {
  keep: Set<string>;
  /** Library `.py` files replaced by their cached bytecode (path of the .py → path of the __pycache__ .pyc). */
  sourceless?: Map<string, string>;
}

/** Pass 2: the single slim layer, written from the export, only kept entries; returns its diff id. */
export async function writeLayer(image: string, file: string, opts: LayerWriteOptions): Promise<{ diffId: string; entries: number }> {
  const pack = tar.pack();
  const hash = createHash("sha256");
  const out = createWriteStream(file);
  const hashing = new PassThrough();
  hashing.on("data", (d: Buffer) => hash.update(d));
  const written = pipeline(pack as unknown as Readable, hashing, out);
  const pycToPy = new Map<string, string>();
  for (const [py, pyc] of opts.sourceless ?? []) pycToPy.set(pyc, py);
  let entries = 0;
  await withExport(image, async (h, body) => {
    const path = entryPath(h.name);
    if (!opts.keep.has(path) || path === "/") return;
    if (opts.sourceless?.has(path)) return;
    const renamed = pycToPy.get(path);
    const name = (renamed ? renamed.replace(/\.py$/, ".pyc") : path).slice(1) + (h.type === "directory" ? "/" : "");
    const header: tar.Header = {
      name,
      type: h.type,
      mode: h.mode,
      uid: h.uid,
      gid: h.gid,
      uname: h.uname,
      gname: h.gname,
      mtime: h.mtime,
      linkname: h.type === "link" ? (h.linkname ?? "").replace(/^\/+/, "") : h.linkname,
      size: h.type === "file" || h.type === "contiguous-file" ? h.size : 0,
      devmajor: h.devmajor,
      devminor: h.devminor,
      pax: h.pax,
    };
    entries++;
    if (header.size) await pipeline(body, pack.entry(header) as unknown as Writable);
    else await new Promise<void>((res, rej) => pack.entry(header, Buffer.alloc(0), (err) => (err ? rej(err) : res())));
  });
  pack.finalize();
  await written;
  return { diffId: `sha256:${hash.digest("hex")}`, entries };
}

/** Wraps the layer and a config into a docker-archive and loads it under `tag`. */
export async function loadSingleLayer(layerFile: string, diffId: string, facts: ImageFacts, tag: string, from: string): Promise<void> {
  const { docker } = await connectEngine();
  const c = facts.config;
  const created = new Date().toISOString();
  const config = {
    architecture: facts.architecture,
    os: facts.os,
    created,
    config: {
      User: c.User ?? "",
      Env: c.Env ?? [],
      WorkingDir: c.WorkingDir ?? "",
      Entrypoint: c.Entrypoint ?? null,
      Cmd: c.Cmd ?? null,
      ExposedPorts: c.ExposedPorts ?? {},
      Healthcheck: c.Healthcheck,
      Labels: { ...(c.Labels ?? {}), "org.flaskpack.slim.from": from, "org.flaskpack.slim.from-id": facts.id },
      StopSignal: c.StopSignal,
      Volumes: c.Volumes ?? null,
    },
    rootfs: { type: "layers", diff_ids: [diffId] },
    history: [{ created, created_by: `flaskpack slim ${from}`, comment: "single layer of the files the app was traced using" }],
  };
  const configText = JSON.stringify(config);
  const configName = `${createHash("sha256").update(configText).digest("hex")}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ["layer.tar"] }]);
  const archive = tar.pack();
  const layerSize = statSync(layerFile).size;
  const feeding = (async () => {
    archive.entry({ name: configName }, configText);
    archive.entry({ name: "manifest.json" }, manifest);
    await pipeline(createReadStream(layerFile), archive.entry({ name: "layer.tar", size: layerSize }) as unknown as Writable);
    archive.finalize();
  })();
  feeding.catch(() => {}); // a refused load is reported by loadImage below; the feeder only stops

  await engineCall(`loading ${tag}`, async () => {
    const res = (await docker.loadImage(archive as unknown as NodeJS.ReadableStream, { quiet: true } as never)) as unknown as Readable;
    let text = "";
    for await (const chunk of res) text += chunk.toString();
    if (/"error"/i.test(text)) throw new Error(text.trim());
  });
  await feeding;
}

/** Host strace, its libraries and the host's loader, packed so they run inside any glibc or musl image. */
export async function straceBundle(): Promise<Buffer> {
  const strace = ["/usr/bin/strace", "/bin/strace"].find(existsSync);
  if (!strace) throw new FlaskpackError("NOT_FOUND", "strace is not installed on this machine; slim traces the app with it.", "install it (`apt-get install strace`) or run `npm run setup`.");
  const ldd = spawnSync("ldd", [strace], { encoding: "utf8" });
  const libs: string[] = [];
  let loader = "";
  for (const line of (ldd.stdout ?? "").split("\n")) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (!m) continue;
    if (/ld-linux|ld-musl/.test(m[1]) && !line.includes("=>")) loader = m[1];
    else libs.push(m[1]);
  }
  if (!loader) throw new FlaskpackError("NOT_FOUND", `cannot find the dynamic loader of ${strace} (ldd said: ${ldd.stdout?.trim() || ldd.stderr?.trim()}).`);
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const d of pack as AsyncIterable<Buffer>) chunks.push(d);
  })();
  const file = (name: string, from: string) => pack.entry({ name, mode: 0o755 }, readFileSync(realpathSync(from)));
  pack.entry({ name: ".fp-trace/", type: "directory", mode: 0o755 });
  pack.entry({ name: ".fp-trace/lib/", type: "directory", mode: 0o755 });
  pack.entry({ name: ".fp-trace/out/", type: "directory", mode: 0o1777 });
  file(".fp-trace/ld.so", loader);
  file(".fp-trace/strace", strace);
  for (const l of libs) file(`.fp-trace/lib/${basename(l)}`, l);
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export const TRACER = ["/.fp-trace/ld.so", "--library-path", "/.fp-trace/lib", "/.fp-trace/strace", "-f", "-qq", "-y", "-X", "raw"];

export interface RunOptions {
  image: string;
  name: string;
  port: number;
  env?: Record<string, string>;
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  readOnly?: boolean;
  /** seccomp profile JSON text, or "unconfined". */
  seccomp?: string;
  capAdd?: string[];
  /** A user-defined network to join (where the app's database runs), instead of the default bridge. */
  network?: string;
  /** Put this tar into the container before it starts. */
  inject?: Buffer;
  /** Run the engine's init (tini) as PID 1, as hardened runs do. */
  init?: boolean;
}

export interface Running {
  id: string;
  url: string;
  hostPort: number;
  container: Docker.Container;
}

/** Starts a container with the port published on a random loopback port, and waits until it answers HTTP. */
export async function startContainer(o: RunOptions): Promise<Running> {
  const { docker } = await connectEngine();
  const portKey = `${o.port}/tcp`;
  const security = ["no-new-privileges"];
  if (o.seccomp) security.push(`seccomp=${o.seccomp}`);
  const c = await engineCall(`creating a container from ${o.image}`, () =>
    docker.createContainer({
      Image: o.image,
      name: o.name,
      Env: Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`),
      User: o.user,
      Entrypoint: o.entrypoint,
      Cmd: o.cmd,
      ExposedPorts: { [portKey]: {} },
      Labels: { "org.flaskpack.slim.run": "1" },
      HostConfig: {
        PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: "" }] },
        ReadonlyRootfs: o.readOnly ?? false,
        Tmpfs: o.readOnly ? { "/tmp": "rw,nosuid,nodev,size=64m" } : undefined,
        CapDrop: o.capAdd ? undefined : ["ALL"],
        CapAdd: o.capAdd,
        SecurityOpt: security,
        Memory: 512 * 1024 * 1024,
        Init: o.init,
        NetworkMode: o.network,
      },
    }),
  );
  try {
    if (o.inject) await engineCall("copying the tracer into the container", () => c.putArchive(o.inject!, { path: "/" }));
    await engineCall(`starting ${o.name}`, () => c.start());
    const info = await c.inspect();
    const hostPort = Number(info.NetworkSettings.Ports?.[portKey]?.[0]?.HostPort);
    const url = `http://127.0.0.1:${hostPort}`;
    await waitReady(c, hostPort, o.image);
    return { id: c.id, url, hostPort, container: c };
  } catch (e) {
    await c.remove({ force: true }).catch(() => {});
    throw e;
  }
}

async function waitReady(c: Docker.Container, port: number, image: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const state = (await c.inspect()).State;
    if (!state.Running) {
      const logs = await containerLogs(c);
      throw new FlaskpackError("RUN_FAILED", `${image} exited (code ${state.ExitCode}) before answering HTTP on port ${port}: ${lastLines(logs, 6)}`, "run the image by hand to see why, or pass --port if the app listens elsewhere", { logs });
    }
    try {
      await httpProbe(port, { method: "GET", path: "/" }, [], 2000);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new FlaskpackError("RUN_FAILED", `${image} did not answer HTTP on its port within ${timeoutMs / 1000} s.`, "check the port the app listens on (--port) and that it binds 0.0.0.0");
}

export async function containerLogs(c: Docker.Container): Promise<string> {
  const raw = (await c.logs({ stdout: true, stderr: true, tail: 200 }).catch(() => Buffer.alloc(0))) as Buffer;
  return demux(raw);
}

function lastLines(s: string, n: number): string {
  return s.trim().split("\n").slice(-n).join(" | ");
}

/** One request, redirects not followed; the answer's status, content type and body hash. */
export function httpProbe(port: number, p: Probe, normalize: RegExp[] = [], timeoutMs = 30_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = p.body !== undefined ? Buffer.from(p.body) : undefined;
    const headers: Record<string, string> = { Host: "localhost", Connection: "close" };
    if (body) {
      headers["Content-Length"] = String(body.length);
      headers["Content-Type"] = /^\s*[[{]/.test(p.body!) ? "application/json" : "application/x-www-form-urlencoded";
    }
    const req = request({ host: "127.0.0.1", port, method: p.method, path: p.path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), bodySha256: bodyHash(data, normalize), bytes: data.length });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to ${p.method} ${p.path} in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs a command in a running container; returns its exit code and output. */
export async function execIn(c: Docker.Container, cmd: string[], user?: string): Promise<{ code: number; output: string }> {
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, User: user });
  const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, output: demux(Buffer.concat(chunks)) };
}

/** Streams every file under a directory of a (stopped or running) container, line by line. */
export async function linesOfFilesIn(c: Docker.Container, dir: string, onLine: (file: string, line: string) => void): Promise<void> {
  const stream = (await c.getArchive({ path: dir })) as unknown as Readable;
  const extract = tar.extract();
  const done = pipeline(stream, extract as unknown as Writable);
  for await (const entry of extract) {
    if (entry.header.type !== "file") {
      entry.resume();
      continue;
    }
    let rest = "";
    const text = new StringDecoder("utf8");
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      const lines = (rest + text.write(chunk)).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) onLine(entry.header.name, l);
    }
    rest += text.end();
    if (rest) onLine(entry.header.name, rest);
  }
  await done;
}

/** Runs a one-off command in the image (no network) and returns stdout, or throws with stderr. */
export async function runOnce(image: string, entrypoint: string[], cmd: string[], opts: { user?: string; env?: Record<string, string>; what: string; network?: string; workingDir?: string }): Promise<string> {
  const { docker } = await connectEngine();
  const c = await engineCall(`creating a container from ${image}`, () =>
    docker.createContainer({
      Image: image,
      name: containerName("once"),
      Entrypoint: entrypoint,
      Cmd: cmd,
      User: opts.user,
      WorkingDir: opts.workingDir,
      Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      // No network, unless the app's services run on one (an app may connect to its database on import).
      NetworkDisabled: !opts.network,
      HostConfig: { NetworkMode: opts.network ?? "none", Memory: 512 * 1024 * 1024 },
    }),
  );
  try {
    await c.start();
    const res = (await c.wait()) as { StatusCode: number };
    const raw = (await c.logs({ stdout: true, stderr: true })) as Buffer;
    const stdout = demux((await c.logs({ stdout: true, stderr: false })) as Buffer);
    if (res.StatusCode !== 0) {
      throw new FlaskpackError("RUN_FAILED", `${opts.what} failed in ${image} (exit ${res.StatusCode}): ${lastLines(demux(raw), 8)}`, "check that the app imports without a database or network, or pass the env it needs with --env", { output: demux(raw) });
    }
    return stdout;
  } finally {
    await c.remove({ force: true }).catch(() => {});
  }
}

export async function removeContainer(c: Docker.Container, stopFirst = false): Promise<void> {
  if (stopFirst) await c.stop({ t: 5 }).catch(() => {});
  await c.remove({ force: true, v: true }).catch(() => {});
}

export const slimTag = (image: string): string => {
  const at = image.lastIndexOf(":");
  const slash = image.lastIndexOf("/");
  if (at > slash) return `${image.slice(0, at)}.slim:${image.slice(at + 1)}`;
  return `${image}.slim:latest`;
};

export const profileBase = (tag: string): string => join(tag.replace(/[^A-Za-z0-9_.-]+/g, "_"));
