import type { ExportRequested } from "@data-exporter/contracts";
import { migrateSchema, withClient, type PgPool } from "@data-exporter/postgres";
import type { ExportWindow } from "../domain/export-window.js";
import type { ReuseCandidate } from "../domain/reuse-export.js";
import { LockAdmission } from "./lock-admission.js";
import { RequestApiTable } from "./request-api-table.js";

/**
 * request-api's own table: the requests it accepted (`accepted_requests`), written right after ExportRequested was
 * acknowledged. It answers requestStatus for a request the status tracker has not recorded yet, so a caller never
 * sees "not requested" for an id it was just given, without request-api writing into the tracker's read model.
 */
export class AcceptedRequests extends RequestApiTable {
  readonly #admission: LockAdmission;

  /**
   * `maxLockHolders`: how many connections of `pool` may hold or wait for a window lock at once; keep it below the
   * pool's size, as each holder needs other connections for its own queries.
   */
  constructor(pool: PgPool, schema: string, maxLockHolders = 1) {
    super(pool, schema, "accepted_requests");
    this.#admission = new LockAdmission(maxLockHolders);
  }

  async migrate(): Promise<void> {
    await this.run("migrating accepted_requests", () =>
      migrateSchema(this.pool, this.schema, "request-api", [
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           de_request_id uuid PRIMARY KEY,
           window_start timestamptz NOT NULL,
           window_end timestamptz NOT NULL,
           requested_at timestamptz NOT NULL,
           requested_by text)`,
        `CREATE INDEX IF NOT EXISTS accepted_requests_window_idx
           ON ${this.table} (window_start, window_end, requested_at DESC)`,
        `CREATE INDEX IF NOT EXISTS accepted_requests_caller_idx ON ${this.table} (requested_by, requested_at DESC)`,
      ]),
    );
  }

  async record(event: ExportRequested): Promise<void> {
    await this.run("recording an accepted request", () =>
      this.pool.query(
        `INSERT INTO ${this.table} (de_request_id, window_start, window_end, requested_at, requested_by)
         VALUES ($1, to_timestamp($2::float8 / 1000.0), to_timestamp($3::float8 / 1000.0),
                 to_timestamp($4::float8 / 1000.0), $5)
         ON CONFLICT (de_request_id) DO NOTHING`,
        [event.requestId, event.windowStart, event.windowEnd, event.requestedAt, event.requestedBy],
      ),
    );
  }

  async get(requestId: string): Promise<ExportRequested | undefined> {
    const { rows } = await this.run("reading an accepted request", () =>
      this.pool.query<{ window_start: number; window_end: number; requested_at: number; requested_by: string | null }>(
        `SELECT (extract(epoch FROM window_start) * 1000)::float8 AS window_start,
                (extract(epoch FROM window_end) * 1000)::float8 AS window_end,
                (extract(epoch FROM requested_at) * 1000)::float8 AS requested_at, requested_by
         FROM ${this.table} WHERE de_request_id = $1`,
        [requestId],
      ),
    );
    const row = rows[0];
    return row
      ? {
          requestId,
          windowStart: row.window_start,
          windowEnd: row.window_end,
          requestedAt: row.requested_at,
          requestedBy: row.requested_by,
        }
      : undefined;
  }

  /** The caller's requests of exactly this window, newest first (a few: the newest usable one is enough). */
  async candidates(window: ExportWindow, requestedBy: string | null): Promise<ReuseCandidate[]> {
    const { rows } = await this.run("finding earlier requests of the window", () =>
      this.pool.query<{ de_request_id: string; requested_at: number }>(
        `SELECT de_request_id, (extract(epoch FROM requested_at) * 1000)::float8 AS requested_at
         FROM ${this.table}
         WHERE window_start = to_timestamp($1::float8 / 1000.0) AND window_end = to_timestamp($2::float8 / 1000.0)
           AND requested_by IS NOT DISTINCT FROM $3
         ORDER BY requested_at DESC LIMIT 5`,
        [window.windowStart, window.windowEnd, requestedBy],
      ),
    );
    return rows.map((row) => ({ requestId: row.de_request_id, requestedAt: row.requested_at }));
  }

  /** The caller's requests accepted since `since` (epoch ms), for the quotas. */
  async since(requestedBy: string, since: number): Promise<{ requestId: string; requestedAt: number }[]> {
    const { rows } = await this.run("reading the caller's recent requests", () =>
      this.pool.query<{ de_request_id: string; requested_at: number }>(
        `SELECT de_request_id, (extract(epoch FROM requested_at) * 1000)::float8 AS requested_at
         FROM ${this.table} WHERE requested_by = $1 AND requested_at >= to_timestamp($2::float8 / 1000.0)
         ORDER BY requested_at DESC LIMIT 10000`,
        [requestedBy, since],
      ),
    );
    return rows.map((row) => ({ requestId: row.de_request_id, requestedAt: row.requested_at }));
  }

  /**
   * Runs `run` holding a transaction-scoped advisory lock on `key`, which every replica's requests share. Within this
   * replica, requests wait for the lock in memory (lock-admission.ts), not each on a connection of their own.
   */
  async exclusively<T>(key: string, run: () => Promise<T>): Promise<T> {
    return this.#admission.run(key, () => this.#locked(key, run));
  }

  async #locked<T>(key: string, run: () => Promise<T>): Promise<T> {
    return withClient(this.pool, async (client) => {
      await this.run("locking the request's window", async () => {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`request-api:${key}`]);
      });
      try {
        const result = await run();
        // The transaction holds nothing but the lock: a failed COMMIT only releases it early.
        await client.query("COMMIT").catch(() => undefined);
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }
}
