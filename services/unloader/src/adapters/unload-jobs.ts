import type { TableUnloadEvent } from "@data-exporter/contracts";
import { isRetryablePostgresError, isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import type { JobKey, JobStart, UnloadJobs } from "../handlers/unload-job-store.js";

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
 */
export class PostgresUnloadJobs implements UnloadJobs {
  private readonly table: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema)) throw new UnloadJobsError(`invalid schema name ${JSON.stringify(schema)}`, null);
    this.table = `"${schema}".unload_jobs`;
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
      ]),
    );
  }

  async begin(key: JobKey, worker: string, leaseMs: number): Promise<JobStart> {
    const { rows } = await this.run("starting an attempt", () =>
      this.pool.query<{ attempts: number; interrupted: number }>(
        `INSERT INTO ${this.table} AS j (de_request_id, table_name, attempts, state, worker, lease_until)
         VALUES ($1, $2, 1, 'RUNNING', $3, now() + $4 * interval '1 millisecond')
         ON CONFLICT (de_request_id, table_name) DO UPDATE
           SET attempts = j.attempts + 1, worker = EXCLUDED.worker, lease_until = EXCLUDED.lease_until, updated_at = now()
           WHERE j.state = 'RUNNING' AND (j.lease_until IS NULL OR j.lease_until > now())
         RETURNING attempts, interrupted`,
        [key.requestId, key.table, worker, leaseMs],
      ),
    );
    if (rows[0]) return { kind: "started", attempt: rows[0].attempts, interrupted: rows[0].interrupted };
    const { rows: existing } = await this.run("reading a job", () =>
      this.pool.query<{ attempts: number; outcome: Outcome | null; worker: string; lease_until: number }>(
        `SELECT attempts, outcome, worker, (extract(epoch FROM lease_until) * 1000)::float8 AS lease_until
         FROM ${this.table} WHERE de_request_id = $1 AND table_name = $2`,
        [key.requestId, key.table],
      ),
    );
    const row = existing[0];
    if (!row) throw new UnloadJobsError("unload_jobs: a job vanished while starting it", null);
    if (row.outcome === null)
      return { kind: "lapsed", attempts: row.attempts, worker: row.worker, leaseUntil: row.lease_until };
    return { kind: "finished", attempts: row.attempts, outcome: row.outcome };
  }

  async renew(key: JobKey, attempt: number, leaseMs: number): Promise<boolean> {
    const { rows } = await this.run("renewing a lease", () =>
      this.pool.query(
        `UPDATE ${this.table} SET lease_until = now() + $4 * interval '1 millisecond', updated_at = now()
         WHERE de_request_id = $1 AND table_name = $2 AND attempts = $3 AND state = 'RUNNING' AND lease_until > now()
         RETURNING 1`,
        [key.requestId, key.table, attempt, leaseMs],
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
