import { isSchemaName, type PgQueryable } from "@data-exporter/postgres";
import type { ModelRow, ReadModelRows } from "../domain/read-model-diff.js";
import { StatusTrackerError } from "../errors.js";

/** What the rebuild asks of a schema: whether it is free, what its read model holds, and all of its rows. */
export class ReadModelQueries {
  constructor(private readonly pool: PgQueryable) {}

  /** How many relations (tables, views, sequences) a schema holds; null when there is no such schema. */
  async relationsIn(schema: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ relations: number | null }>(
      `SELECT (SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = n.oid) AS relations
       FROM pg_namespace n WHERE n.nspname = $1`,
      [schema],
    );
    return rows[0]?.relations ?? null;
  }

  /** Every row of both read-model tables, as to_jsonb renders them (timestamps in this session's time zone). */
  async rows(schema: string): Promise<ReadModelRows> {
    const [requests, jobs] = [
      await this.table(schema, "request_table"),
      await this.table(schema, "table_export_job_statuses"),
    ];
    return { requests, jobs };
  }

  /** Requests per status, and table jobs. */
  async counts(schema: string): Promise<{ requests: Record<string, number>; jobs: number }> {
    const requests = `"${checked(schema)}".request_table`;
    const { rows } = await this.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM ${requests} GROUP BY status ORDER BY status`,
    );
    const { rows: jobs } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".table_export_job_statuses`,
    );
    return { requests: Object.fromEntries(rows.map((row) => [row.status, row.n])), jobs: jobs[0]?.n ?? 0 };
  }

  private async table(schema: string, table: string): Promise<ModelRow[]> {
    const name = `"${checked(schema)}".${table}`;
    const { rows: found } = await this.pool.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
      name,
    ]);
    if (found[0]?.exists !== true)
      throw new StatusTrackerError("REBUILD_REFUSED", `schema ${schema} has no ${table}: it holds no read model`);
    const { rows } = await this.pool.query<{ row: ModelRow }>(`SELECT to_jsonb(t) AS row FROM ${name} t`);
    return rows.map((r) => r.row);
  }
}

function checked(schema: string): string {
  if (!isSchemaName(schema))
    throw new StatusTrackerError("REBUILD_ARGS", `invalid schema name: ${JSON.stringify(schema)}`);
  return schema;
}
