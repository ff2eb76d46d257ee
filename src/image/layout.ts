/**
 * The image's metadata: which layer blobs, in what order, and the config (facts, history). Understands
 * docker-archive (manifest.json) and OCI image layouts (index.json → manifest → config + layers), nested
 * indexes included. Hostile JSON is expected: everything is checked before use.
 */
import { createHash } from "node:crypto";
import type { ImageSource } from "./archive.ts";
import { corrupt } from "./archive.ts";
import type { HistoryEntry, ImageConfig, ImageIdentity } from "./model.ts";

export interface LayoutLayer {
  /** Member name of the blob in the source. */
  blob: string;
  digest?: string;
}

export interface ImageLayout extends ImageIdentity {
  kind: "docker-archive" | "oci";
  config: ImageConfig;
  history: HistoryEntry[];
  diffIds: string[];
  blobs: LayoutLayer[];
}

type Json = Record<string, unknown>;

async function readJson(src: ImageSource, name: string): Promise<unknown> {
  const data = await src.readSmall(name);
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    throw corrupt(src.label, `${name} is not valid JSON`);
  }
}

const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const strsOrNull = (v: unknown): string[] | null => (Array.isArray(v) ? strs(v) : null);

function blobName(digest: string, label: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]{32,128})$/.exec(digest);
  if (!m) throw corrupt(label, `bad digest ${JSON.stringify(digest.slice(0, 80))}`);
  return `blobs/${m[1]}/${m[2]}`;
}

export async function readLayout(src: ImageSource): Promise<ImageLayout> {
  if (src.has("manifest.json")) return dockerArchive(src);
  if (src.has("index.json")) return ociLayout(src);
  throw corrupt(src.label, "no manifest.json (docker save) or index.json (OCI layout) in it");
}

async function dockerArchive(src: ImageSource): Promise<ImageLayout> {
  const manifest = await readJson(src, "manifest.json");
  if (!Array.isArray(manifest) || manifest.length === 0) throw corrupt(src.label, "manifest.json lists no image");
  const m = obj(manifest[0]);
  const configName = str(m.Config);
  if (!configName) throw corrupt(src.label, "manifest.json names no config");
  const layers = strs(m.Layers);
  for (const l of layers) if (!src.has(normalizeMember(l))) throw corrupt(src.label, `manifest.json names layer ${l}, which is not in the archive`);
  return fromConfig(src, "docker-archive", normalizeMember(configName), strs(m.RepoTags), layers.map((l) => ({ blob: normalizeMember(l), digest: digestOfMember(l) })));
}

function normalizeMember(name: string): string {
  return name.replace(/^\.?\/+/, "");
}

function digestOfMember(name: string): string | undefined {
  const m = /blobs\/(sha256)\/([a-f0-9]{64})$/.exec(name);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

async function ociLayout(src: ImageSource): Promise<ImageLayout> {
  let node = obj(await readJson(src, "index.json"));
  const tags: string[] = [];
  for (let depth = 0; depth < 4; depth++) {
    const manifests = Array.isArray(node.manifests) ? node.manifests.map(obj) : [];
    if (manifests.length === 0) throw corrupt(src.label, "the OCI index lists no manifest");
    const pick = manifests.find((d) => str(obj(d.platform).os) === "linux" && str(obj(d.platform).architecture) === "amd64") ?? manifests[0];
    const ref = str(obj(pick.annotations)["org.opencontainers.image.ref.name"]);
    if (ref) tags.push(ref);
    const next = obj(await readJson(src, blobName(str(pick.digest), src.label)));
    if (Array.isArray(next.manifests)) {
      node = next;
      continue;
    }
    const config = obj(next.config);
    const layers = Array.isArray(next.layers) ? next.layers.map(obj) : [];
    const blobs = layers.map((l) => ({ blob: blobName(str(l.digest), src.label), digest: str(l.digest) }));
    for (const b of blobs) if (!src.has(b.blob)) throw corrupt(src.label, `the manifest names layer ${b.digest}, which is not in the layout`);
    return fromConfig(src, "oci", blobName(str(config.digest), src.label), tags, blobs);
  }
  throw corrupt(src.label, "OCI indexes nested too deep");
}

async function fromConfig(src: ImageSource, kind: ImageLayout["kind"], configName: string, repoTags: string[], blobs: LayoutLayer[]): Promise<ImageLayout> {
  const raw = await src.readSmall(configName);
  let parsed: Json;
  try {
    parsed = obj(JSON.parse(raw.toString("utf8")));
  } catch {
    throw corrupt(src.label, `config ${configName} is not valid JSON`);
  }
  const c = obj(parsed.config);
  const hc = obj(c.Healthcheck);
  const ns = (v: unknown) => (typeof v === "number" ? v / 1e9 : undefined);
  const config: ImageConfig = {
    user: str(c.User),
    env: strs(c.Env),
    entrypoint: strsOrNull(c.Entrypoint),
    cmd: strsOrNull(c.Cmd),
    exposedPorts: Object.keys(obj(c.ExposedPorts)).sort(),
    labels: Object.fromEntries(Object.entries(obj(c.Labels)).filter(([, v]) => typeof v === "string")) as Record<string, string>,
    healthcheck: Array.isArray(hc.Test)
      ? { test: strs(hc.Test), interval: ns(hc.Interval), timeout: ns(hc.Timeout), startPeriod: ns(hc.StartPeriod), retries: typeof hc.Retries === "number" ? hc.Retries : undefined }
      : null,
    workingDir: str(c.WorkingDir),
    volumes: Object.keys(obj(c.Volumes)).sort(),
  };
  const history: HistoryEntry[] = (Array.isArray(parsed.history) ? parsed.history : []).map((h) => {
    const o = obj(h);
    return { created: str(o.created) || undefined, createdBy: str(o.created_by) || undefined, comment: str(o.comment) || undefined, emptyLayer: o.empty_layer === true };
  });
  const diffIds = strs(obj(parsed.rootfs).diff_ids);
  if (diffIds.length && diffIds.length !== blobs.length) throw corrupt(src.label, `the config lists ${diffIds.length} layers but the manifest ${blobs.length}`);
  const source = `${src.fromEngine ? "engine" : kind}:${src.label}`;
  return {
    kind,
    source,
    id: `sha256:${createHash("sha256").update(raw).digest("hex")}`,
    repoTags,
    created: str(parsed.created),
    architecture: str(parsed.architecture),
    os: str(parsed.os),
    config,
    history,
    diffIds,
    blobs,
  };
}
