/**
 * The app's database while ship runs it. When analyze finds Postgres and the app takes its connection string
 * from a variable the environment does not set, ship starts flaskpack's Postgres image (Debian packages) on a
 * private network, points the variable at it, runs the app's containers there (run, slim's route listing and
 * trace, verify) and removes both at the end — as `flaskpack up` would with the generated compose file.
 */
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import type { AppModel } from "../analyze/model.ts";
import { connectEngine, engineCall } from "../engine/connect.ts";
import { FlaskpackError } from "../errors.ts";
import { DB_URL_NAMES, migrateCommand } from "../generate/compose.ts";
import type { Progress } from "../util/progress.ts";

export interface ServicesPlan {
  kind: "postgres";
  /** The variable the app reads its connection string from. */
  urlVar: string;
}

export interface ShipServices {
  network: string;
  /** What the app needs to reach them ({ DATABASE_URL: "postgresql://app:…@db:5432/app" }). */
  env: Record<string, string>;
  /** e.g. "postgres (flaskpack/postgres:…)" */
  description: string;
  stop(): Promise<void>;
}

/** Whether ship should start a database for the app: Postgres used, its URL variable read and not given. */
export function servicesFor(app: AppModel | undefined, env: Record<string, string>): ServicesPlan | undefined {
  if (!app?.services.some((s) => s.kind === "postgres")) return undefined;
  const urlVar = app.env.find((v) => DB_URL_NAMES.includes(v.name))?.name;
  // A hard-coded URL cannot be pointed at another database; a given one is the user's choice.
  if (!urlVar || env[urlVar]) return undefined;
  return { kind: "postgres", urlVar };
}

export async function startServices(plan: ServicesPlan, progress: Progress, timeoutMs = 120_000): Promise<ShipServices> {
  const { docker } = await connectEngine();
  const { ensurePostgresImage } = await import("../db-image/index.ts");
  const image = await ensurePostgresImage({ progress });
  const id = randomBytes(4).toString("hex");
  const network = `fp-ship-${id}`;
  const password = randomBytes(18).toString("base64url");
  progress.step(`starting Postgres (${image.tag}) for the app on network ${network}`);
  await engineCall("creating a network for the app and its database", () => docker.createNetwork({ Name: network, Driver: "bridge", Labels: { "org.flaskpack.ship": "1" } }));
  let container: Docker.Container | undefined;
  const stop = async () => {
    if (container) await container.remove({ force: true, v: true }).catch(() => {});
    await docker.getNetwork(network).remove().catch(() => {});
  };
  try {
    container = await engineCall("creating the database container", () =>
      docker.createContainer({
        Image: image.tag,
        name: `fp-ship-db-${id}`,
        Env: ["POSTGRES_USER=app", "POSTGRES_DB=app", `POSTGRES_PASSWORD=${password}`],
        Labels: { "org.flaskpack.ship": "1" },
        HostConfig: { NetworkMode: network },
        NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ["db"] } } },
      }),
    );
    await engineCall("starting the database", () => container!.start());
    await waitHealthy(container, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    network,
    env: { [plan.urlVar]: `postgresql://app:${password}@db:5432/app` },
    description: `Postgres (${image.tag}) as "db" on ${network}, ${plan.urlVar} set`,
    stop,
  };
}

async function waitHealthy(c: Docker.Container, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const st = (await c.inspect()).State;
    if (st.Health?.Status === "healthy") return;
    if (!st.Running || st.Health?.Status === "unhealthy" || Date.now() > until) {
      const raw = (await c.logs({ stdout: true, stderr: true, tail: 20 }).catch(() => Buffer.alloc(0))) as unknown as Buffer;
      const { demux } = await import("../engine/run.ts");
      const tail = demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))).trim().split("\n").slice(-8).join("\n  ");
      throw new FlaskpackError(
        "RUN_FAILED",
        `the database ship starts for the app ${!st.Running ? `stopped (exit ${st.ExitCode})` : st.Health?.Status === "unhealthy" ? "is unhealthy" : "did not become ready in time"}${tail ? `:\n  ${tail}` : ""}`,
        "give the app a database yourself: -e DATABASE_URL=postgresql://… (a server ship's containers can reach), or --skip run,slim,verify",
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Brings the fresh database to the app's schema before anything runs against it, as the generated compose file's
 * one-shot `migrate` service does: Flask-Migrate's `flask db upgrade`, or `alembic upgrade head`.
 * Undefined when the app has no migrations in the project.
 */
export function migrationFor(app: AppModel | undefined, projectDir: string | undefined, exists: (path: string) => boolean): { cmd: string[]; workingDir?: string; env: Record<string, string> } | undefined {
  if (!app?.entry || !projectDir) return undefined;
  const cmd = migrateCommand(app);
  if (!cmd) return undefined;
  const sub = app.entry.chdir ? `${app.entry.chdir.replace(/\/+$/, "")}/` : "";
  const marker = cmd[0] === "flask" ? `${sub}migrations/env.py` : `${sub}alembic.ini`;
  if (!exists(`${projectDir}/${marker}`)) return undefined;
  return { cmd, ...(sub ? { workingDir: `/app/${sub.slice(0, -1)}` } : {}), env: cmd[0] === "flask" ? { FLASK_APP: app.entry.target } : {} };
}

export async function runMigration(image: string, m: NonNullable<ReturnType<typeof migrationFor>>, env: Record<string, string>, network: string, progress: Progress): Promise<void> {
  progress.step(`migrating the database: ${m.cmd.join(" ")}`);
  const { runOnce } = await import("../slim/engine.ts");
  try {
    await runOnce(image, m.cmd, [], { env: { ...env, ...m.env }, network, workingDir: m.workingDir, what: `${m.cmd.join(" ")} (the app's migrations)` });
  } catch (e) {
    throw new FlaskpackError(
      "RUN_FAILED",
      `the app's migrations failed on the database ship started (${m.cmd.join(" ")}): ${(e as Error).message}`,
      "run them against your own database to see why, or give ship a migrated database with -e DATABASE_URL=...",
    );
  }
}
