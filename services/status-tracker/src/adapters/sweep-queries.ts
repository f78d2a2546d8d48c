import { isSchemaName, type PgPool } from "@data-exporter/postgres";
import { StatusStoreError } from "@data-exporter/status-store";
import type { OverdueRequest, StuckJob } from "../handlers/sweep.js";

const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;
/** A retried export's deadline runs from its retry's plan (planned_at is the latest plan's time). */
const deadlineFrom = "CASE WHEN r.run > 0 THEN r.planned_at ELSE r.requested_at END";

/**
 * What the sweeper looks for. Stuck tables are judged by the unloader's own lease (`unload_jobs`, which it owns;
 * read here): a lease that lapsed can never be renewed, so the attempt holding it is fenced and will publish
 * nothing. A table started before the unloader kept leases is judged by its last heartbeat instead.
 */
export class SweepQueries {
  private readonly requests: string;
  private readonly jobs: string;
  private readonly leases: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema))
      throw new StatusStoreError("INVALID_SCHEMA_NAME", `invalid schema name: ${JSON.stringify(schema)}`);
    this.requests = `"${schema}".request_table`;
    this.jobs = `"${schema}".table_export_job_statuses`;
    this.leases = `"${schema}".unload_jobs`;
  }

  async stuckJobs(stuckAfterMs: number): Promise<StuckJob[]> {
    const { rows } = await this.pool.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
      this.leases,
    ]);
    const leases = rows[0]?.exists === true;
    const { rows: stuck } = await this.pool.query<StuckJob>(
      `SELECT j.de_request_id AS "requestId", j.table_name AS "table", j.attempts, j.run,
              ${leases ? "u.worker" : "NULL::text"} AS worker,
              ${ms("coalesce(j.last_progress_at, j.started_at)")} AS "lastProgressAt",
              ${leases ? ms("u.lease_until") : "NULL::float8"} AS "leaseUntil"
       FROM ${this.jobs} j JOIN ${this.requests} r USING (de_request_id)
       ${leases ? `LEFT JOIN ${this.leases} u USING (de_request_id, table_name)` : ""}
       WHERE j.status = 'IN-PROGRESS' AND r.status IN ('REQUESTED', 'IN-PROGRESS') AND ${
         leases
           ? `(u.state = 'RUNNING' AND u.lease_until < now()
               OR u.de_request_id IS NULL AND coalesce(j.last_progress_at, j.started_at) < now() - $1 * interval '1 millisecond')`
           : `coalesce(j.last_progress_at, j.started_at) < now() - $1 * interval '1 millisecond'`
       }
       ORDER BY j.de_request_id, j.table_name`,
      [stuckAfterMs],
    );
    return stuck;
  }

  async overdueRequests(deadlineMs: number): Promise<OverdueRequest[]> {
    const { rows } = await this.pool.query<OverdueRequest & { unfinished: string[] | null }>(
      `SELECT r.de_request_id AS "requestId", r.mode, to_char(r.export_date, 'YYYY-MM-DD') AS "exportDate",
              ${ms("r.window_start")} AS "windowStart", ${ms("r.window_end")} AS "windowEnd",
              ${ms("r.requested_at")} AS "requestedAt", r.run, ${ms(deadlineFrom)} AS "deadlineFrom",
              r.planned_tables IS NOT NULL AS planned,
              array_agg(j.table_name ORDER BY j.table_name) FILTER (WHERE j.status IN ('PENDING', 'IN-PROGRESS'))
                AS unfinished
       FROM ${this.requests} r LEFT JOIN ${this.jobs} j USING (de_request_id)
       WHERE r.status IN ('REQUESTED', 'IN-PROGRESS') AND ${deadlineFrom} < now() - $1 * interval '1 millisecond'
       GROUP BY r.de_request_id ORDER BY r.requested_at`,
      [deadlineMs],
    );
    return rows.map((row) => ({ ...row, unfinished: row.unfinished ?? [] }));
  }
}
