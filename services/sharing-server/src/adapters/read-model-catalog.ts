import { isSchemaName, sqlstateOf, type PgPool } from "@data-exporter/postgres";
import type { ExportCatalog, ExportedFile, ExportedPart, OnDemandEntry } from "../domain/exported-tables.js";

const UNDEFINED_TABLE = "42P01";

interface PartRow {
  request_id: string;
  table_name: string;
  export_date: string | null;
  bucket: string;
  manifest_key: string | null;
  manifest_version_id: string | null;
  files: (Omit<ExportedFile, "versionId"> & { versionId?: string | null })[];
  finished_ms: string | null;
  requested_by: string | null;
  versions?: string;
}

/**
 * The completed exports, read from the status tracker's read model (request_table and table_export_job_statuses,
 * migrated by packages/status-store): this service only reads them. Before the tracker created them, nothing is
 * exported yet.
 */
export class ReadModelCatalog implements ExportCatalog {
  private readonly completed: string;

  constructor(
    private readonly pool: PgPool,
    schema: string,
  ) {
    if (!isSchemaName(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`);
    this.completed = `"${schema}".table_export_job_statuses j JOIN "${schema}".request_table r USING (de_request_id)
      WHERE j.status = 'COMPLETED' AND r.bucket IS NOT NULL`;
  }

  async scheduledTables(): Promise<readonly string[]> {
    const rows = await this.#query<{ table_name: string }>(
      `SELECT DISTINCT j.table_name FROM ${this.completed} AND r.mode = 'SCHEDULED' AND r.export_date IS NOT NULL
       ORDER BY j.table_name`,
      [],
    );
    return rows.map((row) => row.table_name);
  }

  async scheduledTable(table: string): Promise<{ parts: readonly ExportedPart[]; version: number }> {
    // count(*) OVER () runs before DISTINCT ON: every completed export of the table, re-exports included.
    const rows = await this.#query<PartRow>(
      `SELECT DISTINCT ON (r.export_date) ${partColumns}, count(*) OVER () AS versions
       FROM ${this.completed} AND r.mode = 'SCHEDULED' AND r.export_date IS NOT NULL AND j.table_name = $1
       ORDER BY r.export_date, j.finished_at DESC NULLS LAST, r.de_request_id`,
      [table],
    );
    return { parts: rows.map(partOf), version: rows.length === 0 ? 0 : Number(rows[0]?.versions ?? 1) - 1 };
  }

  async onDemandEntries(requestedBy: "*" | readonly string[]): Promise<readonly OnDemandEntry[]> {
    const rows = await this.#query<PartRow>(
      `SELECT r.de_request_id AS request_id, j.table_name, r.requested_by
       FROM ${this.completed} AND r.mode = 'ON_DEMAND' AND ($1::boolean OR r.requested_by = ANY($2::text[]))`,
      [requestedBy === "*", requestedBy === "*" ? [] : requestedBy],
    );
    return rows.map((row) => ({
      requestId: row.request_id,
      table: row.table_name,
      requestedBy: row.requested_by,
    }));
  }

  async onDemandPart(
    requestId: string,
    table: string,
  ): Promise<{ part: ExportedPart; requestedBy: string | null } | undefined> {
    const rows = await this.#query<PartRow>(
      `SELECT ${partColumns} FROM ${this.completed} AND r.mode = 'ON_DEMAND'
         AND r.de_request_id = $1::uuid AND j.table_name = $2`,
      [requestId, table],
    );
    const row = rows[0];
    return row === undefined ? undefined : { part: partOf(row), requestedBy: row.requested_by };
  }

  async #query<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      if (sqlstateOf(error) === UNDEFINED_TABLE) return [];
      throw error;
    }
  }
}

const partColumns = `r.de_request_id AS request_id, j.table_name, r.export_date::text AS export_date, r.bucket,
  j.manifest_key, j.manifest_version_id, j.files, r.requested_by,
  (extract(epoch FROM j.finished_at) * 1000)::bigint AS finished_ms`;

const partOf = (row: PartRow): ExportedPart => ({
  requestId: row.request_id,
  table: row.table_name,
  exportDate: row.export_date,
  bucket: row.bucket,
  manifestKey: row.manifest_key,
  manifestVersionId: row.manifest_version_id,
  files: row.files.map((file) => ({ ...file, versionId: file.versionId ?? null })),
  finishedAt: Number(row.finished_ms ?? 0),
});
