/**
 * push: tag an image as registry/repo:tag and push it through the Engine API, reporting per-layer progress,
 * the pushed manifest digest and the bytes actually sent (compressed sizes of the layers the registry did not
 * already have).
 */
import { connectEngine, engineCall } from "../engine/connect.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";

export interface PushOptions {
  username?: string;
  password?: string;
  progress?: Progress;
}

export interface PushedLayer {
  /** Short layer id as the engine reports it (diff id prefix). */
  id: string;
  /** pushed: sent now; exists: the registry had it; mounted: cross-repo mount, nothing sent. */
  status: "pushed" | "exists" | "mounted";
  /** Compressed size in the registry (bytes). */
  bytes: number;
}

export interface PushResult {
  image: string;
  target: string;
  registry: string;
  /** Manifest digest: pull back with <repo>@<digest>. */
  digest: string;
  /** <repo>@<digest> */
  reference: string;
  /** Sum of the compressed sizes of the layers sent in this push. */
  bytesSent: number;
  /** Compressed size of all layers (what a cold pull downloads). */
  bytesTotal: number;
  layers: PushedLayer[];
  seconds: number;
}

export interface ImageRef {
  registry: string;
  /** Repository including the registry host: 127.0.0.1:5000/team/app. */
  repo: string;
  /** Path in the registry: team/app. */
  path: string;
  tag: string;
}

/** Splits registry/repo:tag the way docker does (the first part is a registry if it has a dot, a colon or is localhost). */
export function parseTarget(target: string): ImageRef {
  if (/@sha256:/.test(target)) throw new FlaskpackError("BAD_INPUT", `push target ${target} is a digest; push needs a tag.`, "give registry/repo:tag, e.g. 127.0.0.1:5000/myapp:1.0");
  const slash = target.lastIndexOf("/");
  const colon = target.lastIndexOf(":");
  const hasTag = colon > slash;
  const repo = hasTag ? target.slice(0, colon) : target;
  const tag = hasTag ? target.slice(colon + 1) : "latest";
  const first = repo.split("/")[0];
  const explicit = repo.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = explicit ? first : "docker.io";
  const path = explicit ? repo.slice(first.length + 1) : repo.includes("/") ? repo : `library/${repo}`;
  if (!/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(path) || !/^[\w][\w.-]{0,127}$/.test(tag)) {
    throw new FlaskpackError("BAD_INPUT", `"${target}" is not a valid image reference.`, "use lowercase registry/repo:tag, e.g. 127.0.0.1:5000/myapp:1.0");
  }
  return { registry, repo, path, tag };
}

interface PushEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export async function push(image: string, target: string, opts: PushOptions = {}): Promise<PushResult> {
  const started = Date.now();
  const progress = opts.progress ?? silentProgress;
  const ref = parseTarget(target);
  const { docker } = await connectEngine();
  const info = await engineCall(`reading ${image}`, () => docker.getImage(image).inspect());
  if (image !== `${ref.repo}:${ref.tag}`) await engineCall(`tagging ${image} as ${ref.repo}:${ref.tag}`, () => docker.getImage(info.Id).tag({ repo: ref.repo, tag: ref.tag }));

  const auth = opts.username !== undefined ? { username: opts.username, password: opts.password ?? "", serveraddress: ref.registry } : {};
  progress.step(`pushing ${image} to ${ref.repo}:${ref.tag}`);
  const events: PushEvent[] = [];
  const sent = new Map<string, number>();
  try {
    const stream = (await docker.getImage(`${ref.repo}:${ref.tag}`).push({ tag: ref.tag, authconfig: auth } as never)) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (ev: PushEvent) => {
          events.push(ev);
          if (ev.id && ev.progressDetail?.current) sent.set(ev.id, Math.max(sent.get(ev.id) ?? 0, ev.progressDetail.current));
          if (ev.status && ev.id && /Pushed|already exists|Mounted/.test(ev.status)) progress.step(`layer ${ev.id}: ${ev.status.toLowerCase()}`);
        },
      ),
    );
  } catch (e) {
    throw pushError(ref, opts, String((e as { json?: { message?: string } }).json?.message ?? (e as Error).message));
  }
  const failed = events.find((e) => e.error || e.errorDetail);
  if (failed) throw pushError(ref, opts, failed.errorDetail?.message ?? failed.error ?? "unknown error");
  const aux = events.find((e) => e.aux?.Digest)?.aux;
  const digest = aux?.Digest ?? events.map((e) => e.status?.match(/digest: (sha256:[0-9a-f]{64})/)?.[1]).find(Boolean);
  if (!digest) throw new FlaskpackError("ENGINE_ERROR", `the engine pushed ${target} but reported no digest.`, "check the registry with `docker pull` by tag");

  const status = new Map<string, PushedLayer["status"]>();
  for (const e of events) {
    if (!e.id || !e.status) continue;
    if (e.status === "Pushed") status.set(e.id, "pushed");
    else if (/already exists/.test(e.status)) status.set(e.id, "exists");
    else if (/^Mounted from/.test(e.status)) status.set(e.id, "mounted");
  }
  const sizes = await manifestLayerSizes(ref, digest, auth as { username?: string; password?: string });
  const diffIds = info.RootFS?.Layers ?? [];
  const layers: PushedLayer[] = [];
  diffIds.forEach((diffId, i) => {
    const id = diffId.replace(/^sha256:/, "").slice(0, 12);
    const st = status.get(id) ?? "exists";
    layers.push({ id, status: st, bytes: sizes?.[i] ?? sent.get(id) ?? 0 });
  });
  return {
    image,
    target: `${ref.repo}:${ref.tag}`,
    registry: ref.registry,
    digest,
    reference: `${ref.repo}@${digest}`,
    bytesSent: layers.filter((l) => l.status === "pushed").reduce((a, l) => a + l.bytes, 0),
    bytesTotal: layers.reduce((a, l) => a + l.bytes, 0),
    layers,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Compressed layer sizes in manifest order (= the image's diff id order), read back from the registry. */
async function manifestLayerSizes(ref: ImageRef, digest: string, auth: { username?: string; password?: string }): Promise<number[] | undefined> {
  const local = /^(localhost|127\.|\[::1\])/.test(ref.registry);
  const host = ref.registry === "docker.io" ? "registry-1.docker.io" : ref.registry;
  const headers: Record<string, string> = {
    accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
  };
  if (auth.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ""}`).toString("base64")}`;
  try {
    const r = await fetch(`${local ? "http" : "https"}://${host}/v2/${ref.path}/manifests/${digest}`, { headers, signal: AbortSignal.timeout(10_000) });
    if (!r.ok) return undefined;
    const m = (await r.json()) as { layers?: { size: number }[] };
    return m.layers?.map((l) => l.size);
  } catch {
    return undefined; // token-auth registries: sizes fall back to the engine's progress counts
  }
}

function pushError(ref: ImageRef, opts: PushOptions, message: string): FlaskpackError {
  const m = message.toLowerCase();
  if (/unauthorized|authentication required|no basic auth credentials|denied|401/.test(m)) {
    return opts.username !== undefined
      ? new FlaskpackError("BAD_INPUT", `the registry ${ref.registry} refused the credentials of user "${opts.username}" (${message.trim()}).`, "check the user name and password (--username, --password-stdin or FLASKPACK_REGISTRY_PASSWORD)")
      : new FlaskpackError("BAD_INPUT", `the registry ${ref.registry} requires a login (${message.trim()}).`, "pass --username and the password on stdin (--password-stdin) or in FLASKPACK_REGISTRY_PASSWORD");
  }
  if (/connection refused|no such host|i\/o timeout|dial tcp|connect: |server gave http response|eof/.test(m)) {
    return new FlaskpackError("ENGINE_ERROR", `cannot reach the registry at ${ref.registry}: ${message.trim()}`, `start the registry, or check the address in ${ref.repo}:${ref.tag}`);
  }
  return new FlaskpackError("ENGINE_ERROR", `pushing to ${ref.repo}:${ref.tag} failed: ${message.trim()}`);
}
