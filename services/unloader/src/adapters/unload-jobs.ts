import type { TableUnloadEvent } from "@data-exporter/contracts";
import { isRetryablePostgresError, isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import type { JobKey, JobStart, Renewal, UnloadJobs } from "../handlers/unload-job-store.js";

export class UnloadJobsError extends Error {
  readonly code = "UNLOAD_JOBS";
  readonly retryable: boolean;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "UnloadJobsError";
    this.retryable = isRetryablePostgresError(cause);
  }
}

type Outcome = Extract<TableUnloadEvent, { type: "TableUnloadCompleted" | "TableUnloadFailed" }>;

/**
 * The unloader's own record of each table job (`unload_jobs`): the durable attempt count, the running attempt's
 * lease, and the outcome once there is one. A redelivered command continues the count instead of trusting the
 * command's `attempt`; an attempt whose lease was taken over or lapsed is fenced (it may not publish); a command
 * whose outcome is recorded re-publishes it instead of running again. The status tracker's sweeper reads the
 * leases to fail a table whose unload stopped renewing (a frozen process).
 *
 * `export_cancellations` fences cancelled exports (cancelExport): a run at or before the cancelled one cannot start,
 * and its running attempts lose their lease at the next renewal. A retryExport's commands carry a later run: they
 * reopen a failed or cancelled job, and commands of earlier runs are refused from then on.
 */
export class PostgresUnloadJobs implements UnloadJobs {
  private readonly table: string;
  private readonly cancellations: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema)) throw new UnloadJobsError(`invalid schema name ${JSON.stringify(schema)}`, null);
    this.table = `"${schema}".unload_jobs`;
    this.cancellations = `"${schema}".export_cancellations`;
  }

  async migrate(): Promise<void> {
    await this.run("migrating unload_jobs", () =>
      migrateSchema(this.pool, this.schema, "unloader", [
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           de_request_id uuid NOT NULL,
           table_name text NOT NULL,
           attempts int NOT NULL,
           interrupted int NOT NULL DEFAULT 0,
           state text NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED')),
           worker text NOT NULL,
           lease_until timestamptz,
           outcome jsonb,
           updated_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (de_request_id, table_name))`,
        `ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS run int NOT NULL DEFAULT 0`,
        `ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS base_attempts int NOT NULL DEFAULT 0`,
        `ALTER TABLE ${this.table} DROP CONSTRAINT IF EXISTS unload_jobs_state_check,
           ADD CONSTRAINT unload_jobs_state_check CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'))`,
        `CREATE TABLE IF NOT EXISTS ${this.cancellations} (
           de_request_id uuid PRIMARY KEY,
           run int NOT NULL,
           cancelled_by text,
           cancelled_at timestamptz NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT now())`,
      ]),
    );
  }

  /** Fences `run` (and earlier runs) of an export; a later cancellation of a later run moves the fence forward. */
  async cancel(requestId: string, run: number, cancelledBy: string | null, cancelledAt: number): Promise<void> {
    await this.run("recording a cancellation", () =>
      this.pool.query(
        `INSERT INTO ${this.cancellations} AS c (de_request_id, run, cancelled_by, cancelled_at)
         VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000.0))
         ON CONFLICT (de_request_id) DO UPDATE SET run = EXCLUDED.run, cancelled_by = EXCLUDED.cancelled_by,
           cancelled_at = EXCLUDED.cancelled_at, updated_at = now()
         WHERE EXCLUDED.run > c.run`,
        [requestId, run, cancelledBy, cancelledAt],
      ),
    );
  }

  async begin(key: JobKey, worker: string, leaseMs: number, run: number): Promise<JobStart> {
    // One round trip before starting: the job's run (a later one makes this command stale) and this run's fence.
    const { rows: checks } = await this.run("reading a job and its cancellation", () =>
      this.pool.query<{ run: number | null; attempts: number | null; fenced: boolean; cancelled_by: string | null }>(
        `SELECT j.run, j.attempts, c.de_request_id IS NOT NULL AS fenced, c.cancelled_by
         FROM (SELECT $1::uuid AS de_request_id) k
         LEFT JOIN ${this.table} j ON j.de_request_id = k.de_request_id AND j.table_name = $2
         LEFT JOIN ${this.cancellations} c ON c.de_request_id = k.de_request_id AND c.run >= $3`,
        [key.requestId, key.table, run],
      ),
    );
    const current = checks[0];
    if (current?.run != null && current.run > run) return { kind: "stale", run: current.run };
    if (current?.fenced === true)
      return { kind: "cancelled", attempts: current.attempts ?? 0, cancelledBy: current.cancelled_by };
    // Same run: a new attempt, unless the job has its outcome or its lease lapsed. A later run (a retry) reopens a
    // job that failed or was cancelled; its earlier attempts stop counting against the budget.
    const { rows } = await this.run("starting an attempt", () =>
      this.pool.query<{ attempts: number; interrupted: number; base_attempts: number }>(
        `INSERT INTO ${this.table} AS j (de_request_id, table_name, attempts, state, worker, lease_until, run)
         VALUES ($1, $2, 1, 'RUNNING', $3, now() + $4 * interval '1 millisecond', $5)
         ON CONFLICT (de_request_id, table_name) DO UPDATE
           SET attempts = j.attempts + 1, worker = EXCLUDED.worker, lease_until = EXCLUDED.lease_until, updated_at = now(),
             state = 'RUNNING', run = EXCLUDED.run,
             outcome = CASE WHEN EXCLUDED.run > j.run THEN NULL ELSE j.outcome END,
             interrupted = CASE WHEN EXCLUDED.run > j.run THEN 0 ELSE j.interrupted END,
             base_attempts = CASE WHEN EXCLUDED.run > j.run THEN j.attempts ELSE j.base_attempts END
           WHERE (j.run = EXCLUDED.run AND j.state = 'RUNNING' AND (j.lease_until IS NULL OR j.lease_until > now()))
              OR (EXCLUDED.run > j.run AND j.state <> 'COMPLETED')
         RETURNING attempts, interrupted, base_attempts`,
        [key.requestId, key.table, worker, leaseMs, run],
      ),
    );
    if (rows[0])
      return {
        kind: "started",
        attempt: rows[0].attempts,
        interrupted: rows[0].interrupted,
        runStartedAfter: rows[0].base_attempts,
      };
    const { rows: existing } = await this.run("reading a job", () =>
      this.pool.query<{ attempts: number; outcome: Outcome | null; worker: string; lease_until: number; run: number }>(
        `SELECT attempts, outcome, worker, run, (extract(epoch FROM lease_until) * 1000)::float8 AS lease_until
         FROM ${this.table} WHERE de_request_id = $1 AND table_name = $2`,
        [key.requestId, key.table],
      ),
    );
    const row = existing[0];
    if (!row) throw new UnloadJobsError("unload_jobs: a job vanished while starting it", null);
    if (row.run > run) return { kind: "stale", run: row.run };
    if (row.outcome === null)
      return { kind: "lapsed", attempts: row.attempts, worker: row.worker, leaseUntil: row.lease_until };
    return { kind: "finished", attempts: row.attempts, outcome: row.outcome };
  }

  async renew(key: JobKey, attempt: number, leaseMs: number): Promise<Renewal> {
    const { rows } = await this.run("renewing a lease", () =>
      this.pool.query<{ run: number }>(
        `UPDATE ${this.table} AS j SET lease_until = now() + $4 * interval '1 millisecond', updated_at = now()
         WHERE de_request_id = $1 AND table_name = $2 AND attempts = $3 AND state = 'RUNNING' AND lease_until > now()
           AND NOT EXISTS (SELECT 1 FROM ${this.cancellations} c WHERE c.de_request_id = j.de_request_id AND c.run >= j.run)
         RETURNING run`,
        [key.requestId, key.table, attempt, leaseMs],
      ),
    );
    if (rows.length > 0) return { kind: "held" };
    const { rows: cancelled } = await this.run("reading a cancellation", () =>
      this.pool.query<{ cancelled_by: string | null }>(
        `SELECT c.cancelled_by FROM ${this.table} j JOIN ${this.cancellations} c USING (de_request_id)
         WHERE j.de_request_id = $1 AND j.table_name = $2 AND j.attempts = $3 AND j.state = 'RUNNING' AND c.run >= j.run`,
        [key.requestId, key.table, attempt],
      ),
    );
    return cancelled[0] ? { kind: "cancelled", cancelledBy: cancelled[0].cancelled_by } : { kind: "lost" };
  }

  async finishCancelled(key: JobKey, attempt: number, outcome: Outcome): Promise<boolean> {
    const { rows } = await this.run("recording a cancelled job", () =>
      this.pool.query(
        `UPDATE ${this.table} SET state = 'CANCELLED', outcome = $4, lease_until = NULL, updated_at = now()
         WHERE de_request_id = $1 AND table_name = $2 AND attempts = $3 AND state = 'RUNNING'
         RETURNING 1`,
        [key.requestId, key.table, attempt, JSON.stringify(outcome)],
      ),
    );
    return rows.length > 0;
  }

  async finish(key: JobKey, attempt: number, outcome: Outcome): Promise<boolean> {
    const state = outcome.type === "TableUnloadCompleted" ? "COMPLETED" : "FAILED";
    const { rows } = await this.run("recording an outcome", () =>
      this.pool.query(
        `UPDATE ${this.table} SET state = $4, outcome = $5, updated_at = now()
         WHERE de_request_id = $1 AND table_name = $2 AND attempts = $3 AND state = 'RUNNING' AND lease_until > now()
         RETURNING 1`,
        [key.requestId, key.table, attempt, state, JSON.stringify(outcome)],
      ),
    );
    return rows.length > 0;
  }

  async finishLapsed(key: JobKey, outcome: Outcome): Promise<boolean> {
    const { rows } = await this.run("recording a lapsed job", () =>
      this.pool.query(
        `UPDATE ${this.table} SET state = 'FAILED', outcome = $3, updated_at = now()
         WHERE de_request_id = $1 AND table_name = $2 AND state = 'RUNNING' AND lease_until <= now()
         RETURNING 1`,
        [key.requestId, key.table, JSON.stringify(outcome)],
      ),
    );
    return rows.length > 0;
  }

  async giveBack(key: JobKey, attempt: number): Promise<void> {
    await this.run("giving an attempt back", () =>
      this.pool.query(
        `UPDATE ${this.table} SET interrupted = interrupted + 1, lease_until = NULL, updated_at = now()
         WHERE de_request_id = $1 AND table_name = $2 AND attempts = $3 AND state = 'RUNNING' AND lease_until > now()`,
        [key.requestId, key.table, attempt],
      ),
    );
  }

  private async run<T>(what: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new UnloadJobsError(`unload_jobs: ${what} failed`, error);
    }
  }
}
