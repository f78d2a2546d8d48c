import { semaphoreLockClass } from "@data-exporter/concurrency";
import type pg from "pg";

/**
 * PostgreSQL backend pids holding a slot of a deployment's unload semaphore (the unloaders' advisory locks), read
 * from pg_locks independently of the unloaders' own account. `pool` connects to the deployment's DATABASE_URL.
 */
export async function unloadSlotHolders(pool: pg.Pool, topicNamespace: string): Promise<number[]> {
  const lockClass = semaphoreLockClass(`${topicNamespace}data-exporter.unload-slots`);
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::int::oid
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY pid`,
    [lockClass],
  );
  return rows.map((row) => row.pid);
}

/** Whether a PostgreSQL backend (a client's session) still exists. */
export async function backendAlive(pool: pg.Pool, pid: number): Promise<boolean> {
  const { rows } = await pool.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]);
  return rows.length > 0;
}
