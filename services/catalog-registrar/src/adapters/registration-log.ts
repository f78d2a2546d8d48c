import { isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import type { RegistrationTarget } from "../domain/catalog-layout.js";
import type { SchemaDiff } from "../domain/schema-diff.js";

/**
 * REGISTERED: the partition points at the export. SCHEMA_CHANGED: the export's columns differ from the catalog
 * table's; nothing was written. FAILED: the last attempt failed (retried; `last_error` says why). SKIPPED: nothing
 * to register (a folder without one Parquet schema, such as the classification snapshot). PENDING: being registered.
 */
export const registrationStatuses = ["PENDING", "REGISTERED", "SCHEMA_CHANGED", "FAILED", "SKIPPED"] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

export interface RegistrationRow {
  readonly requestId: string;
  readonly run: number;
  readonly table: string;
  readonly status: RegistrationStatus;
  readonly attempts: number;
  readonly target: RegistrationTarget;
}

/** One row per table of an export (request, run, table): how its catalog registration went. */
export class RegistrationLog {
  private readonly table: string;
  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
    this.table = `"${schema}".catalog_registrations`;
  }

  async migrate(): Promise<void> {
    await migrateSchema(this.pool, this.schema, "catalog-registrar", [
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         de_request_id uuid NOT NULL,
         run int NOT NULL,
         table_name text NOT NULL,
         catalog_database text NOT NULL,
         catalog_table text NOT NULL,
         partition_value text NOT NULL,
         status text NOT NULL,
         attempts int NOT NULL DEFAULT 0,
         last_error text,
         schema_diff jsonb,
         target jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (de_request_id, run, table_name))`,
      `CREATE INDEX IF NOT EXISTS catalog_registrations_open ON ${this.table} (status) WHERE status <> 'REGISTERED'`,
    ]);
  }

  async statusOf(target: RegistrationTarget): Promise<RegistrationStatus | undefined> {
    const { rows } = await this.pool.query<{ status: RegistrationStatus }>(
      `SELECT status FROM ${this.table} WHERE de_request_id = $1 AND run = $2 AND table_name = $3`,
      [target.requestId, target.run, target.table],
    );
    return rows[0]?.status;
  }

  /** Counts an attempt (creating the row on the first); returns the attempt number. */
  async begin(target: RegistrationTarget, database: string): Promise<number> {
    const { rows } = await this.pool.query<{ attempts: number }>(
      `INSERT INTO ${this.table}
         (de_request_id, run, table_name, catalog_database, catalog_table, partition_value, status, attempts, target)
       VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 1, $7)
       ON CONFLICT (de_request_id, run, table_name) DO UPDATE
         SET attempts = ${this.table}.attempts + 1, catalog_database = EXCLUDED.catalog_database, updated_at = now()
       RETURNING attempts`,
      [
        target.requestId,
        target.run,
        target.table,
        database,
        target.catalogTable,
        target.partitionValue,
        JSON.stringify(target),
      ],
    );
    return rows[0]?.attempts ?? 1;
  }

  async finish(
    target: RegistrationTarget,
    status: Exclude<RegistrationStatus, "PENDING">,
    details: { readonly error?: string; readonly diff?: SchemaDiff } = {},
  ): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table} SET status = $4, last_error = $5, schema_diff = $6, updated_at = now()
        WHERE de_request_id = $1 AND run = $2 AND table_name = $3`,
      [
        target.requestId,
        target.run,
        target.table,
        status,
        details.error ?? null,
        details.diff === undefined ? null : JSON.stringify(details.diff),
      ],
    );
  }

  /** Registrations an operator re-runs: of one request, or every one not REGISTERED (nor SKIPPED). */
  async open(requestId?: string): Promise<RegistrationRow[]> {
    const { rows } = await this.pool.query<{
      de_request_id: string;
      run: number;
      table_name: string;
      status: RegistrationStatus;
      attempts: number;
      target: RegistrationTarget;
    }>(
      requestId === undefined
        ? `SELECT * FROM ${this.table} WHERE status NOT IN ('REGISTERED', 'SKIPPED') ORDER BY created_at`
        : `SELECT * FROM ${this.table} WHERE de_request_id = $1 ORDER BY run, table_name`,
      requestId === undefined ? [] : [requestId],
    );
    return rows.map((r) => ({
      requestId: r.de_request_id,
      run: r.run,
      table: r.table_name,
      status: r.status,
      attempts: r.attempts,
      target: r.target,
    }));
  }
}
