import type { PgPool } from "@data-exporter/postgres";
import { sleep } from "@data-exporter/retry";
import type { SerializePublish } from "@data-exporter/warehouse";

/**
 * Publishes of one output prefix, one at a time across every unloader of the deployment: a session advisory lock in
 * the state database, keyed by the prefix, held on a connection of its own for the publish's duration. It is tried
 * rather than waited for, so the unload's timeout or a shutdown stops the wait (a blocked pg_advisory_lock would
 * not see the signal).
 */
/** The folder's lock went with its connection: another unloader may be publishing there now. Retryable. */
export class PublishLockLost extends Error {
  readonly retryable = true;
  /** Typed for the unloader's report: its message names the folder, and nothing internal. */
  readonly errorKind = "UNKNOWN" as const;
  constructor(outputPrefix: string, cause: unknown) {
    super(`lost the publish lock of ${outputPrefix} (its database connection failed)`, { cause });
    this.name = "PublishLockLost";
  }
}

export function postgresPublishLock(pool: PgPool, namespace: string, pollMs = 250): SerializePublish {
  return async (outputPrefix, publish, signal) => {
    const key = `${namespace}data-exporter.publish:${outputPrefix}`;
    const client = await pool.connect();
    let broken = false;
    // A connection that dies while checked out emits `error` on the client: without a listener that crashes the
    // process. It means the lock is gone; stillHeld reports it to the publish.
    const onError = (): void => void (broken = true);
    client.on?.("error", onError);
    const query = async <T extends object>(sql: string): Promise<T | undefined> => {
      try {
        return (await client.query<T>(sql, [key])).rows[0];
      } catch (error) {
        // A connection that failed a query may still hold the lock: dropping it releases the lock.
        broken = true;
        throw error;
      }
    };
    try {
      for (;;) {
        signal?.throwIfAborted();
        const row = await query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked");
        if (row?.locked === true) break;
        await sleep(pollMs, signal);
      }
      // The lock lives as long as its session: a query that still answers on it means it is still held.
      const stillHeld = async (): Promise<void> => {
        try {
          await query("SELECT pg_backend_pid() AS pid WHERE $1::text IS NOT NULL");
        } catch (error) {
          throw new PublishLockLost(outputPrefix, error);
        }
      };
      try {
        return await publish(stillHeld);
      } finally {
        await query("SELECT pg_advisory_unlock(hashtextextended($1, 0))").catch(() => undefined);
      }
    } finally {
      client.off?.("error", onError);
      client.release(broken);
    }
  };
}
