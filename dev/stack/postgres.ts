import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import { postgresInstallation } from "./apt.js";
import type { EnsureOutcome, StackContext } from "./context.js";
import { StackError } from "./errors.js";
import { repoRoot } from "./paths.js";
import { isPortOpen } from "./ports.js";
import { isOurProcess, logFile, run, runningPid, spawnDetached, stopRecorded } from "./processes.js";
import { waitUntilReady } from "./readiness.js";

export const exporterDatabase = "exporter";
export const warehouseDatabase = "warehouse";
export const warehouseSchema = "pm_internal";

const dataDir = (ctx: StackContext): string => ctx.postgresData;
/** Where the data lived before it moved out of the checkout: a server still running there is ours too. */
const legacyDataDir = (ctx: StackContext): string => join(ctx.dirs.root, "postgres", "data");
// The absolute data directory is unique per checkout and profile: it tells our server from any other postgres.
const markersOf = (dir: string): string[] => ["postgres", `-D ${dir}`];

/** The server recorded in pids/postgres.pid if it still runs, and its data directory. */
function runningServer(ctx: StackContext): { pid: number; dir: string } | undefined {
  for (const dir of [dataDir(ctx), legacyDataDir(ctx)]) {
    const pid = runningPid(ctx.dirs, "postgres", markersOf(dir));
    if (pid !== undefined) return { pid, dir };
  }
  return undefined;
}

export const postgresUrl = (port: number, database: string): string =>
  `postgres://postgres@127.0.0.1:${port}/${database}`;

interface OsUser {
  uid: number;
  gid: number;
}

/** initdb and postgres refuse to run as root: as root we run them as the `postgres` OS user. */
function serverUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new StackError(
      "MISSING_SYSTEM_PACKAGE",
      "the postgres OS user does not exist (it comes with the PostgreSQL server package)",
    );
  }
  return { uid, gid };
}

/** Every ancestor of dir must be searchable by the server user, or initdb fails with a confusing message. */
function assertTraversable(dir: string, user: OsUser): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const st = statSync(d);
    const ok = (st.uid === user.uid && st.mode & 0o100) || (st.gid === user.gid && st.mode & 0o010) || st.mode & 0o001;
    if (!ok) {
      throw new StackError(
        "NOT_TRAVERSABLE",
        `postgres: ${d} is not traversable by the postgres OS user (chmod o+x ${d}, or set STACK_POSTGRES_BASE_DIR)`,
        { component: "postgres" },
      );
    }
    if (d === dirname(d)) return;
  }
}

const mkdirOnce = (dir: string, mode: number): boolean => {
  try {
    mkdirSync(dir, { mode });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
};

/**
 * Makes <base>/<checkout>/<profile> for the data directory (see paths.ts postgresDataDir). The base is shared by
 * every user of the machine, so it is created like /tmp (world-writable, sticky); the checkout's folder must be ours
 * and writable by nobody else, or someone else could swap the data under us.
 */
export function prepareDataParents(dir: string): void {
  const profileDir = dirname(dir);
  const checkoutDir = dirname(profileDir);
  const base = dirname(checkoutDir);
  mkdirSync(dirname(base), { recursive: true, mode: 0o755 });
  if (mkdirOnce(base, 0o755)) chmodSync(base, 0o1777);
  mkdirOnce(checkoutDir, 0o755);
  const st = statSync(checkoutDir);
  if (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
    throw new StackError(
      "FOREIGN_DATA_DIR",
      `postgres: ${checkoutDir} is not this user's own folder (owner uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}): remove it, or set STACK_POSTGRES_BASE_DIR`,
      { component: "postgres" },
    );
  }
  chmodSync(checkoutDir, 0o755);
  // Says which checkout a folder belongs to, for whoever cleans up the base.
  writeFileSync(join(checkoutDir, "checkout"), `${repoRoot}\n`);
  mkdirOnce(profileDir, 0o755);
  chmodSync(profileDir, 0o755);
}

async function initDataDir(ctx: StackContext, bindir: string, dir: string, user: OsUser | undefined): Promise<void> {
  if (existsSync(join(dir, "PG_VERSION"))) return;
  if (existsSync(join(legacyDataDir(ctx), "PG_VERSION")))
    ctx.log(`postgres: data now lives in ${dir}; ${legacyDataDir(ctx)} is no longer used and can be removed`);
  prepareDataParents(dir);
  // A half-initialised folder (interrupted initdb) must be empty for initdb to retry.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  if (user !== undefined) {
    assertTraversable(dir, user);
    chownSync(dir, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  ctx.log(`postgres: initdb ${dir}`);
  await run(join(bindir, "initdb"), ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-D", dir], {
    cwd: dir,
    logFile: logFile(ctx.dirs, "postgres-initdb"),
    ...(user ?? {}),
  });
}

/** A postmaster.pid left by a killed server blocks the next start unless its pid is still our server. */
function removeStalePostmasterPid(dir: string): void {
  const file = join(dir, "postmaster.pid");
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && isOurProcess(pid, markersOf(dir))) return;
  rmSync(file, { force: true });
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensurePostgres(ctx: StackContext): Promise<EnsureOutcome> {
  const adminUrl = postgresUrl(ctx.ports.postgres, "postgres");
  const dir = dataDir(ctx);
  const waitOpts = {
    component: "postgres",
    logFile: logFile(ctx.dirs, "postgres"),
    signal: ctx.signal,
    stillRunning: () => runningServer(ctx) !== undefined,
  };
  const existing = runningServer(ctx);
  if (existing !== undefined) {
    await waitUntilReady(() => postgresAnswers(adminUrl), {
      ...waitOpts,
      owner: { pid: existing.pid, port: ctx.ports.postgres },
      timeoutMs: 30_000,
    });
    return "reused";
  }
  if (await isPortOpen(ctx.ports.postgres)) {
    throw new StackError(
      "PORT_IN_USE",
      `postgres: port ${ctx.ports.postgres} is used by a process this stack did not start (set DATABASE_URL or STACK_POSTGRES_PORT)`,
      { component: "postgres" },
    );
  }
  const dataMajor = existsSync(join(dir, "PG_VERSION"))
    ? Number(readFileSync(join(dir, "PG_VERSION"), "utf8"))
    : undefined;
  const server = await postgresInstallation(dataMajor);
  if (dataMajor !== undefined && server.major !== dataMajor) {
    throw new StackError(
      "MISSING_SYSTEM_PACKAGE",
      `postgres: ${dir} was created by PostgreSQL ${dataMajor}, which this machine no longer has (found ${server.version} in ${server.bindir}): install ${dataMajor} again, point STACK_PG_BINDIR at it, or remove ${dir} (local data only) to start afresh on ${server.major}`,
      { component: "postgres" },
    );
  }
  const user = serverUser();
  await initDataDir(ctx, server.bindir, dir, user);
  removeStalePostmasterPid(dir);
  // Durability off only where losing data is fine: the test profile.
  const testOnly =
    ctx.profile === "test" ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : [];
  ctx.log(`postgres: starting ${server.version} (${server.bindir}) on 127.0.0.1:${ctx.ports.postgres}`);
  const pid = spawnDetached(ctx.dirs, {
    name: "postgres",
    command: join(server.bindir, "postgres"),
    args: [
      "-D",
      dir,
      "-p",
      String(ctx.ports.postgres),
      "-c",
      "listen_addresses=127.0.0.1",
      // TCP only: no socket file whose path length or folder permissions could get in the way.
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      ...testOnly,
    ],
    cwd: dir,
    env: { ...process.env, LC_ALL: "C.UTF-8" },
    ...(user ?? {}),
  });
  await waitUntilReady(() => postgresAnswers(adminUrl), {
    ...waitOpts,
    owner: { pid, port: ctx.ports.postgres },
    timeoutMs: 30_000,
  });
  return "started";
}

/** Creates the exporter and warehouse databases and the warehouse's pm_internal schema when missing. */
export async function ensureDatabases(adminUrl: string, warehouseUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of [exporterDatabase, warehouseDatabase]) {
      const found = await admin.query("select 1 from pg_database where datname = $1", [name]);
      if (found.rowCount !== 0) continue;
      try {
        await admin.query(`create database ${name}`);
      } catch (err) {
        // Another process may have created it between our check and create.
        if ((err as { code?: string }).code !== "42P04") throw err;
      }
    }
  } finally {
    await admin.end();
  }
  const warehouse = new pg.Client({ connectionString: warehouseUrl });
  await warehouse.connect();
  try {
    await warehouse.query(`create schema if not exists ${warehouseSchema}`);
  } catch (err) {
    // Concurrent "create schema if not exists" can still race on the catalog's unique index.
    if ((err as { code?: string }).code !== "23505") throw err;
  } finally {
    await warehouse.end();
  }
}

/** The data directory of the running server (the old one inside .local/ for a server started before the move). */
export function postgresDataInUse(ctx: StackContext): string {
  return runningServer(ctx)?.dir ?? dataDir(ctx);
}

export function postgresRunning(ctx: StackContext): boolean {
  return runningServer(ctx) !== undefined;
}

/** SIGINT is PostgreSQL's "fast" shutdown: rolls back sessions, then a clean checkpoint. */
export async function stopPostgres(ctx: StackContext): Promise<boolean> {
  return stopRecorded(ctx.dirs, "postgres", markersOf(postgresDataInUse(ctx)), { signal: "SIGINT", timeoutMs: 30_000 });
}
