import { isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";

/** Which exports (and runs of them) were announced, so a redelivered ExportCompleted does not publish twice. */
export class NotificationLog {
  private readonly table: string;
  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
    this.table = `"${schema}".export_notifications`;
  }

  async migrate(): Promise<void> {
    await migrateSchema(this.pool, this.schema, "notifier", [
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         de_request_id uuid PRIMARY KEY, message_id text NOT NULL, published_at timestamptz NOT NULL DEFAULT now())`,
      `ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS run int NOT NULL DEFAULT 0`,
      `ALTER TABLE ${this.table} DROP CONSTRAINT IF EXISTS export_notifications_pkey, ADD PRIMARY KEY (de_request_id, run)`,
    ]);
  }

  async has(requestId: string, run: number): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM ${this.table} WHERE de_request_id = $1 AND run = $2`, [
      requestId,
      run,
    ]);
    return rows.length > 0;
  }

  async record(requestId: string, run: number, messageId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (de_request_id, run, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [requestId, run, messageId],
    );
  }
}
