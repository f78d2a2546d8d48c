import { isSchemaName, migrateSchema, type PgPool } from "@data-exporter/postgres";
import type { ServedFile } from "../sharing-service.js";

/**
 * `sharing_audit` (status schema): one row per file link given to a recipient, written before the links are
 * returned. Never updated or deleted here.
 */
export class SharingAudit {
  private readonly table: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
  ) {
    if (!isSchemaName(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`);
    this.table = `"${schema}".sharing_audit`;
  }

  async migrate(): Promise<void> {
    await migrateSchema(this.pool, this.schema, "sharing-server", [
      `CREATE TABLE IF NOT EXISTS ${this.table} (
        served_at timestamptz NOT NULL,
        recipient text NOT NULL,
        share text NOT NULL,
        share_schema text NOT NULL,
        share_table text NOT NULL,
        de_request_id uuid NOT NULL,
        bucket text NOT NULL,
        object_key text NOT NULL,
        version_id text,
        link_expires_at timestamptz NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS sharing_audit_recipient_idx ON ${this.table} (recipient, served_at)`,
    ]);
  }

  async record(files: readonly ServedFile[]): Promise<void> {
    if (files.length === 0) return;
    const column = <T>(pick: (f: ServedFile) => T): T[] => files.map(pick);
    await this.pool.query(
      `INSERT INTO ${this.table} (served_at, recipient, share, share_schema, share_table, de_request_id, bucket,
         object_key, version_id, link_expires_at)
       SELECT to_timestamp(served_ms / 1000.0), recipient, share, share_schema, share_table, de_request_id, bucket,
         object_key, version_id, to_timestamp(expires_ms / 1000.0)
       FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[],
         $9::text[], $10::float8[])
         AS f(served_ms, recipient, share, share_schema, share_table, de_request_id, bucket, object_key, version_id,
           expires_ms)`,
      [
        column((f) => f.servedAt),
        column((f) => f.recipient),
        column((f) => f.share),
        column((f) => f.schema),
        column((f) => f.table),
        column((f) => f.requestId),
        column((f) => f.bucket),
        column((f) => f.key),
        column((f) => f.versionId),
        column((f) => f.linkExpiresAt),
      ],
    );
  }
}
