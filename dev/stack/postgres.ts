import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import { ensureSystemPackages, postgresBin, requirements } from "./apt.js";
import type { EnsureOutcome, StackContext } from "./context.js";
import { StackError } from "./errors.js";
import { isPortOpen } from "./ports.js";
import { isOurProcess, logFile, run, runningPid, spawnDetached, stopRecorded } from "./processes.js";
import { waitUntilReady } from "./readiness.js";

export const exporterDatabase = "exporter";
export const warehouseDatabase = "warehouse";
export const warehouseSchema = "pm_internal";

const dataDir = (ctx: StackContext): string => join(ctx.dirs.root, "postgres", "data");
const markers = (ctx: StackContext): string[] => ["postgres", `-D ${dataDir(ctx)}`];

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
      "the postgres OS user does not exist (it comes with the postgresql-15 package)",
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
        `postgres: ${d} is not traversable by the postgres OS user (chmod o+x ${d}, or move the checkout)`,
        {
          component: "postgres",
        },
      );
    }
    if (d === dirname(d)) return;
  }
}

async function initDataDir(ctx: StackContext, dir: string, user: OsUser | undefined): Promise<void> {
  if (existsSync(join(dir, "PG_VERSION"))) return;
  // A half-initialised folder (interrupted initdb) must be empty for initdb to retry.
  rmSync(dir, { recursive: true, force: true });
  // mkdir's mode applies to every folder it creates: the parents must stay traversable for the server user.
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  chmodSync(dirname(dir), 0o755);
  mkdirSync(dir, { mode: 0o700 });
  if (user !== undefined) {
    assertTraversable(dir, user);
    chownSync(dir, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  ctx.log(`postgres: initdb ${dir}`);
  await run(`${postgresBin}/initdb`, ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-D", dir], {
    cwd: dir,
    logFile: logFile(ctx.dirs, "postgres-initdb"),
    ...(user ?? {}),
  });
}

/** A postmaster.pid left by a killed server blocks the next start unless its pid is still our server. */
function removeStalePostmasterPid(ctx: StackContext, dir: string): void {
  const file = join(dir, "postmaster.pid");
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && isOurProcess(pid, markers(ctx))) return;
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
    stillRunning: () => runningPid(ctx.dirs, "postgres", markers(ctx)) !== undefined,
  };
  const existing = runningPid(ctx.dirs, "postgres", markers(ctx));
  if (existing !== undefined) {
    await waitUntilReady(() => postgresAnswers(adminUrl), {
      ...waitOpts,
      owner: { pid: existing, port: ctx.ports.postgres },
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
  await ensureSystemPackages([requirements.postgres], ctx.log);
  const user = serverUser();
  await initDataDir(ctx, dir, user);
  removeStalePostmasterPid(ctx, dir);
  // Durability off only where losing data is fine: the test profile.
  const testOnly =
    ctx.profile === "test" ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : [];
  ctx.log(`postgres: starting on 127.0.0.1:${ctx.ports.postgres}`);
  const pid = spawnDetached(ctx.dirs, {
    name: "postgres",
    command: `${postgresBin}/postgres`,
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

export function postgresRunning(ctx: StackContext): boolean {
  return runningPid(ctx.dirs, "postgres", markers(ctx)) !== undefined;
}

/** SIGINT is PostgreSQL's "fast" shutdown: rolls back sessions, then a clean checkpoint. */
export async function stopPostgres(ctx: StackContext): Promise<boolean> {
  return stopRecorded(ctx.dirs, "postgres", markers(ctx), { signal: "SIGINT", timeoutMs: 30_000 });
}
