import { migrateSchema, type PgPool } from "@data-exporter/postgres";
import { RequestApiTable } from "./request-api-table.js";

/**
 * The audit of refreshLinks (`link_grants`): who granted an export's links a new day, and when. The latest grant is
 * when the links are signed; without one, a table's links are signed when it finished.
 */
export class LinkGrants extends RequestApiTable {
  constructor(pool: PgPool, schema: string) {
    super(pool, schema, "link_grants");
  }

  async migrate(): Promise<void> {
    await this.run("migrating link_grants", () =>
      migrateSchema(this.pool, this.schema, "request-api.link-grants", [
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           de_request_id uuid NOT NULL,
           granted_at timestamptz NOT NULL,
           granted_by text NOT NULL,
           PRIMARY KEY (de_request_id, granted_at))`,
      ]),
    );
  }

  /** Records a grant now; returns its time (epoch ms). */
  async grant(requestId: string, grantedBy: string, now: number): Promise<number> {
    await this.run("recording a link grant", () =>
      this.pool.query(
        `INSERT INTO ${this.table} (de_request_id, granted_at, granted_by)
         VALUES ($1, to_timestamp($2::float8 / 1000.0), $3) ON CONFLICT DO NOTHING`,
        [requestId, now, grantedBy],
      ),
    );
    return now;
  }

  async latest(requestId: string): Promise<number | null> {
    const { rows } = await this.run("reading link grants", () =>
      this.pool.query<{ at: number | null }>(
        `SELECT (extract(epoch FROM max(granted_at)) * 1000)::float8 AS at FROM ${this.table} WHERE de_request_id = $1`,
        [requestId],
      ),
    );
    return rows[0]?.at ?? null;
  }
}
