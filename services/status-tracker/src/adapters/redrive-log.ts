import { isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import { StatusStoreError } from "@data-exporter/status-store";

/** When each dead letter was re-driven (`dead_letter_redrives`, owned by the status tracker's dlq command). */
export class RedriveLog {
  private readonly table: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema))
      throw new StatusStoreError("INVALID_SCHEMA_NAME", `invalid schema name: ${JSON.stringify(schema)}`);
    this.table = `"${schema}".dead_letter_redrives`;
  }

  async migrate(): Promise<void> {
    await migrateSchema(this.pool, this.schema, "status-tracker-redrives", [
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         topic text NOT NULL,
         dead_letter text NOT NULL,
         target_topic text NOT NULL,
         redriven_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (topic, dead_letter))`,
    ]);
  }

  /** Re-driven dead letters of the dead-letter topic: id → when. */
  async redriven(topic: string): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ dead_letter: string; redriven_at: string }>(
      `SELECT dead_letter, to_char(redriven_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS redriven_at
       FROM ${this.table} WHERE topic = $1`,
      [topic],
    );
    return new Map(rows.map((row) => [row.dead_letter, row.redriven_at]));
  }

  async record(topic: string, deadLetter: string, targetTopic: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (topic, dead_letter, target_topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [topic, deadLetter, targetTopic],
    );
  }
}
