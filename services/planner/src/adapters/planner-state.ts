import { isRetryablePostgresError, isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import { PlannerError } from "../errors.js";

export type DateClaim =
  /** This request owns the date: plan and publish (also on a redelivery of the same request). */
  | { readonly claimed: true; readonly forcedCount: number }
  /** Another request already exported the date (or is exporting it). */
  | { readonly claimed: false; readonly existingRequestId: string; readonly existingTriggeredAt: number };

export interface ClaimInput {
  readonly exportDate: string;
  readonly requestId: string;
  readonly triggeredAt: number;
  readonly triggeredBy: string;
  readonly force: boolean;
}

function storeError(error: unknown, what: string): PlannerError {
  return new PlannerError("SCHEDULE_STORE", `scheduled_export_dates: ${what} failed`, {
    cause: error,
    retryable: isRetryablePostgresError(error),
  });
}

/**
 * The planner's own state in the exporter database:
 * - `scheduled_export_dates`: one row per exported calendar date, the idempotency key of scheduled exports, claimed
 *   with INSERT ... ON CONFLICT so two triggers of one date racing each other cannot both win;
 * - `planned_requests`: requests whose plan was published, so a redelivered request is not exported twice.
 */
export class PlannerState {
  private readonly table: string;
  private readonly planned: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema))
      throw new PlannerError("SCHEDULE_STORE", `invalid schema name ${JSON.stringify(schema)}`);
    this.table = `"${schema}".scheduled_export_dates`;
    this.planned = `"${schema}".planned_requests`;
  }

  async migrate(): Promise<void> {
    try {
      await migrateSchema(this.pool, this.schema, [
        `CREATE TABLE IF NOT EXISTS ${this.table} (
        export_date date PRIMARY KEY,
        request_id uuid NOT NULL,
        triggered_at timestamptz NOT NULL,
        triggered_by text NOT NULL,
        forced_count int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now())`,
        `CREATE TABLE IF NOT EXISTS ${this.planned} (
        de_request_id uuid PRIMARY KEY,
        config_version text NOT NULL,
        commands int NOT NULL,
        planned_at timestamptz NOT NULL DEFAULT now())`,
      ]);
    } catch (error) {
      throw storeError(error, "migration");
    }
  }

  /**
   * Claims the date for a request. Without force the first request keeps it; with force the date passes to the new
   * request (and forced_count counts it once, however often that trigger is redelivered).
   */
  async claim(input: ClaimInput): Promise<DateClaim> {
    // The second round only matters when a concurrent claim committed while this statement ran: the conflict then
    // hides the row from this statement's snapshot, and the next statement sees it.
    for (let round = 1; round <= 2; round++) {
      let row;
      try {
        ({
          rows: [row],
        } = await this.pool.query<{ request_id: string; forced_count: number; triggered_at: number }>(
          `WITH claimed AS (
             INSERT INTO ${this.table} AS d (export_date, request_id, triggered_at, triggered_by)
             VALUES ($1, $2, to_timestamp($3::float8 / 1000.0), $4)
             ON CONFLICT (export_date) DO UPDATE SET request_id = EXCLUDED.request_id, triggered_at = EXCLUDED.triggered_at,
               triggered_by = EXCLUDED.triggered_by, forced_count = d.forced_count + 1, updated_at = now()
             WHERE $5::boolean AND d.request_id <> EXCLUDED.request_id
             RETURNING request_id, forced_count, triggered_at)
           SELECT request_id, forced_count, (extract(epoch FROM triggered_at) * 1000)::float8 AS triggered_at FROM claimed
           UNION ALL
           SELECT request_id, forced_count, (extract(epoch FROM triggered_at) * 1000)::float8 FROM ${this.table}
           WHERE export_date = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
          [input.exportDate, input.requestId, input.triggeredAt, input.triggeredBy, input.force],
        ));
      } catch (error) {
        throw storeError(error, `claiming ${input.exportDate}`);
      }
      if (!row) continue;
      return row.request_id === input.requestId
        ? { claimed: true, forcedCount: row.forced_count }
        : { claimed: false, existingRequestId: row.request_id, existingTriggeredAt: row.triggered_at };
    }
    throw new PlannerError("SCHEDULE_STORE", `scheduled_export_dates: claiming ${input.exportDate} returned no row`, {
      retryable: true,
    });
  }

  /** Whether this request's plan was already published (a redelivery after the offset commit was lost). */
  async wasPlanned(requestId: string): Promise<boolean> {
    try {
      const { rows } = await this.pool.query(`SELECT 1 FROM ${this.planned} WHERE de_request_id = $1`, [requestId]);
      return rows.length > 0;
    } catch (error) {
      throw storeError(error, "reading planned_requests");
    }
  }

  /** Records a published plan. Written after publishing: a crash in between re-plans once, never loses a request. */
  async recordPlanned(requestId: string, configVersion: string, commands: number): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO ${this.planned} (de_request_id, config_version, commands) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [requestId, configVersion, commands],
      );
    } catch (error) {
      throw storeError(error, "recording a planned request");
    }
  }
}
