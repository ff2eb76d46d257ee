import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlaskpackError } from "../errors.ts";
import { connectEngine, engineCall } from "../engine/connect.ts";
import { inHostNetwork } from "../engine/netns.ts";
import { silentProgress, type Progress } from "../util/progress.ts";

export { mapRequirements, debianPackageFor, normalizeName } from "./mapping.ts";

/** Bumped when the way a base is made changes, so old tags are not reused for new recipes. */
const RECIPE = "5";
export const BASE_REPO = "flaskpack/base";
const STATE = process.env.FLASKPACK_STATE ?? "/var/lib/flaskpack";

export interface BaseOptions {
  /** Debian packages on top of the essential set; python3-minimal is always there. */
  packages?: string[];
  suite?: string;
  mirror?: string;
  /** Image repository; flaskpack/base unless a caller (the benchmark) wants a separate one. */
  repo?: string;
  progress?: Progress;
}

export interface InstalledPackage {
  name: string;
  version: string;
  source: string;
  arch: string;
}

export interface BaseImage {
  /** flaskpack/base:<hash>, the same for the same package set. */
  tag: string;
  imageId: string;
  suite: string;
  /** What was asked for. */
  requested: string[];
  /** Every package installed in the image, name and version. */
  installed: InstalledPackage[];
  sizeBytes: number;
  reused: boolean;
  seconds: number;
}

export function baseTag(packages: string[], suite = "bookworm", repo = BASE_REPO): { tag: string; requested: string[] } {
  const requested = [...new Set(["python3-minimal", ...packages.map((p) => p.trim()).filter(Boolean)])].sort();
  for (const p of requested) {
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(p)) throw new FlaskpackError("BAD_INPUT", `"${p}" is not a Debian package name.`, "give names like python3-flask,gunicorn");
  }
  const hash = createHash("sha256").update([RECIPE, suite, ...requested].join("\n")).digest("hex").slice(0, 12);
  return { tag: `${repo}:${hash}`, requested };
}

/**
 * A Python runtime image made from Debian packages with mmdebstrap and imported into the engine, so no
 * registry is needed. The tag is derived from the package set, and an existing image with it is reused.
 */
export async function buildBase(opts: BaseOptions = {}): Promise<BaseImage> {
  const started = Date.now();
  const suite = opts.suite ?? "bookworm";
  const progress = opts.progress ?? silentProgress;
  const repo = opts.repo ?? BASE_REPO;
  const { tag, requested } = baseTag(opts.packages ?? [], suite, repo);
  const { docker } = await connectEngine();
  const sidecar = join(STATE, "bases", `${tag.split(":")[1]}.json`);

  const existing = await findImage(tag);
  if (existing) {
    return { tag, imageId: existing.Id, suite, requested, installed: readInstalled(sidecar, existing), sizeBytes: existing.Size, reused: true, seconds: (Date.now() - started) / 1000 };
  }
  mkdirSync(join(STATE, "bases"), { recursive: true });
  const unlock = await lock(join(STATE, "bases", `${tag.split(":")[1]}.lock`));
  try {
    const again = await findImage(tag); // another process may have built it while we waited
    if (again) return { tag, imageId: again.Id, suite, requested, installed: readInstalled(sidecar, again), sizeBytes: again.Size, reused: true, seconds: (Date.now() - started) / 1000 };

    progress.step(`building base image ${tag} from Debian ${suite}: ${requested.join(", ")}`);
    const work = mkdtempSync(join(tmpdir(), "flaskpack-base-"));
    const tar = join(work, "rootfs.tar");
    const list = join(work, "packages.tsv");
    try {
      await runMmdebstrap(suite, requested, tar, list, opts.mirror, progress);
      const installed = parseInstalled(readFileSync(list, "utf8"));
      progress.step(`importing ${tag}`);
      const labels = {
        "org.flaskpack.base": "1",
        "org.flaskpack.base.suite": suite,
        "org.flaskpack.base.requested": requested.join(","),
        "org.opencontainers.image.description": `Python runtime from Debian ${suite} packages, made by flaskpack`,
      };
      await engineCall("importing the base image", async () => {
        const stream: NodeJS.ReadableStream = await (docker.importImage as unknown as (f: unknown, o: unknown) => Promise<NodeJS.ReadableStream>)(createReadStream(tar) as never, {
          repo,
          tag: tag.split(":")[1],
          changes: [
            'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8',
            `LABEL ${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}`,
            'CMD ["python3"]',
          ],
        } as never);
        await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve(null))));
      });
      writeFileSync(sidecar, JSON.stringify({ tag, suite, requested, installed }, null, 2));
      const image = await findImage(tag);
      if (!image) throw new FlaskpackError("BASE_FAILED", `the engine did not keep ${tag} after importing it.`);
      return { tag, imageId: image.Id, suite, requested, installed, sizeBytes: image.Size, reused: false, seconds: (Date.now() - started) / 1000 };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    unlock();
  }
}

async function findImage(tag: string) {
  const { docker } = await connectEngine();
  try {
    return await docker.getImage(tag).inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

function readInstalled(sidecar: string, _image: unknown): InstalledPackage[] {
  try {
    return (JSON.parse(readFileSync(sidecar, "utf8")) as { installed: InstalledPackage[] }).installed;
  } catch {
    return []; // imported by another machine's state dir; the SBOM reads dpkg status from the image itself
  }
}

export function parseInstalled(tsv: string): InstalledPackage[] {
  return tsv
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [name, version, source, arch] = l.split("\t");
      return { name, version, source: (source || name).split(" ")[0], arch };
    });
}

function runMmdebstrap(suite: string, packages: string[], tar: string, list: string, mirror: string | undefined, progress: Progress): Promise<void> {
  if (!existsSync("/usr/bin/mmdebstrap")) {
    return Promise.reject(new FlaskpackError("BASE_FAILED", "mmdebstrap is not installed.", "run `npm run setup` as root, or `apt-get install mmdebstrap`."));
  }
  const args = [
    "--variant=essential",
    // merged /usr through symlinks, as debootstrap does, instead of the usrmerge package (which drags in perl).
    "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
    `--include=${packages.join(",")}`,
    // Documentation is dead weight in a runtime image; copyright files stay for the SBOM's licenses.
    "--dpkgopt=path-exclude=/usr/share/doc/*",
    "--dpkgopt=path-include=/usr/share/doc/*/copyright",
    "--dpkgopt=path-exclude=/usr/share/man/*",
    "--dpkgopt=path-exclude=/usr/share/info/*",
    "--dpkgopt=path-exclude=/usr/share/locale/*",
    "--dpkgopt=path-exclude=/usr/share/lintian/*",
    "--aptopt=APT::Install-Recommends \"false\"",
    `--customize-hook=chroot "$1" dpkg-query -W -f='\${Package}\\t\${Version}\\t\${Source}\\t\${Architecture}\\n' > ${list}`,
    '--customize-hook=rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/* "$1"/var/cache/ldconfig/aux-cache',
    "--format=tar",
    suite,
    tar,
    ...(mirror ? [mirror] : []),
  ];
  const [cmd, argv] = inHostNetwork("mmdebstrap", args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, SOURCE_DATE_EPOCH: "0" } });
    const tail: string[] = [];
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        progress.detail(line);
      }
    });
    child.on("error", (e) => reject(new FlaskpackError("BASE_FAILED", `cannot run mmdebstrap: ${e.message}`, "install mmdebstrap")));
    child.on("close", (code) => {
      if (code === 0) return resolve();
      const unknown = tail.find((l) => /Unable to locate package|has no installation candidate/.test(l));
      reject(
        new FlaskpackError(
          "BASE_FAILED",
          unknown ? `mmdebstrap failed: ${unknown.replace(/^E:\s*/, "")}` : `mmdebstrap exited with ${code}:\n${tail.slice(-8).join("\n")}`,
          unknown ? "check the package name with `apt-cache policy NAME`" : "check that the Debian mirror is reachable from this machine",
        ),
      );
    });
  });
}

/** A cross-process lock (mkdir is atomic); stale locks from dead processes are taken over. */
async function lock(path: string): Promise<() => void> {
  for (let i = 0; ; i++) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch {
      let pid = 0;
      try {
        pid = Number(readFileSync(join(path, "pid"), "utf8"));
      } catch {}
      let alive = false;
      try {
        if (pid) { process.kill(pid, 0); alive = true; }
      } catch {}
      if (pid && !alive) rmSync(path, { recursive: true, force: true });
      if (i > 1200) throw new FlaskpackError("BASE_FAILED", `waited 10 minutes for another base build (${path}).`, `remove ${path} if no flaskpack process is running`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
