/**
 * A Postgres image built from Debian packages, for engines that cannot pull `postgres:16` (no registry). It
 * honours the official image's contract (see postgres-entrypoint.sh), so a compose file written for the official
 * image runs unchanged with this one swapped in.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { pack } from "tar-stream";
import { buildBase } from "../base/index.ts";
import { connectEngine, engineCall } from "../engine/connect.ts";
import { FlaskpackError } from "../errors.ts";
import { silentProgress, type Progress } from "../util/progress.ts";
import { ownFile } from "../paths.ts";

export const POSTGRES_REPO = "flaskpack/postgres";
const RECIPE = "1";

export interface DbImage {
  tag: string;
  base: string;
  reused: boolean;
  seconds: number;
}

function dockerfile(base: string): string {
  return [
    `FROM ${base}`,
    "RUN mkdir -p /var/lib/postgresql/data /var/run/postgresql /docker-entrypoint-initdb.d \\",
    " && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql && chmod 700 /var/lib/postgresql/data",
    "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    "ENV PGDATA=/var/lib/postgresql/data",
    'LABEL org.opencontainers.image.description="PostgreSQL from Debian packages with the official image\'s entrypoint contract, made by flaskpack"',
    "VOLUME /var/lib/postgresql/data",
    "EXPOSE 5432",
    "STOPSIGNAL SIGINT",
    'HEALTHCHECK --interval=5s --timeout=5s --retries=20 CMD pg_isready -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" || exit 1',
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
    'CMD ["postgres"]',
    "",
  ].join("\n");
}

/** Builds (or reuses) flaskpack/postgres:<hash> on the connected engine. */
export async function ensurePostgresImage(opts: { progress?: Progress } = {}): Promise<DbImage> {
  const started = Date.now();
  const progress = opts.progress ?? silentProgress;
  const { docker } = await connectEngine();
  const base = await buildBase({ packages: ["postgresql"], progress });
  const entrypoint = readFileSync(ownFile("src/db-image/postgres-entrypoint.sh"), "utf8");
  const file = dockerfile(base.tag);
  const hash = createHash("sha256").update([RECIPE, base.imageId, file, entrypoint].join("\n")).digest("hex").slice(0, 12);
  const tag = `${POSTGRES_REPO}:${hash}`;
  const found = await docker.getImage(tag).inspect().then(() => true, () => false);
  if (found) return { tag, base: base.tag, reused: true, seconds: (Date.now() - started) / 1000 };

  progress.step(`building ${tag} (PostgreSQL from Debian packages)`);
  const tar = pack();
  tar.entry({ name: "Dockerfile", mtime: new Date(0) }, file);
  tar.entry({ name: "docker-entrypoint.sh", mode: 0o755, mtime: new Date(0) }, entrypoint);
  tar.finalize();
  await engineCall("building the Postgres image", async () => {
    const stream = await docker.buildImage(tar as never, { t: tag, rm: true, forcerm: true });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err: Error | null, out: { error?: string }[]) => {
          const failed = err?.message ?? out?.find((o) => o.error)?.error;
          if (failed) reject(new FlaskpackError("BUILD_FAILED", `building ${tag} failed: ${failed}`));
          else resolve();
        },
        (ev: { stream?: string }) => ev.stream?.trim() && progress.detail(ev.stream.trim()),
      ),
    );
  });
  return { tag, base: base.tag, reused: false, seconds: (Date.now() - started) / 1000 };
}
