import type { ExportRequested } from "@data-exporter/contracts";
import { isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import { RequestApiError } from "../domain/errors.js";

/**
 * request-api's own table: the requests it accepted (`accepted_requests`), written right after ExportRequested was
 * acknowledged. It answers requestStatus for a request the status tracker has not recorded yet, so a caller never
 * sees "not requested" for an id it was just given, without request-api writing into the tracker's read model.
 */
export class AcceptedRequests {
  private readonly table: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema))
      throw new RequestApiError("STORE_FAILED", `invalid schema name ${JSON.stringify(schema)}`);
    this.table = `"${schema}".accepted_requests`;
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

  private async run<T>(what: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new RequestApiError("STORE_FAILED", `${what} failed`, { cause: error });
    }
  }
}
