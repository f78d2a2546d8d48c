import type pg from "pg";
import { tableNotFound } from "../errors.js";
import type { WarehouseCatalog, WarehouseColumn } from "../warehouse.js";
import { fromPgError } from "./postgres-errors.js";

/** The part of pg's Pool the PostgreSQL adapters need (metadata queries only; the data goes through DuckDB). */
export interface PostgresQueryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

const DESCRIBE_SQL = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY a.attnum`;

/** Reads table definitions from PostgreSQL's catalog; the planner needs only this, not the unload machinery. */
export class PostgresCatalog implements WarehouseCatalog {
  constructor(private readonly pool: Pick<PostgresQueryable, "query">) {}

  async describeTable(schema: string, table: string): Promise<WarehouseColumn[]> {
    let result: { rows: WarehouseColumn[] };
    try {
      result = await this.pool.query<WarehouseColumn>(DESCRIBE_SQL, [schema, table]);
    } catch (error) {
      throw fromPgError(error, `describing ${schema}.${table}`);
    }
    if (result.rows.length === 0) throw tableNotFound(schema, table);
    return result.rows.map((r) => ({ name: r.name, type: r.type }));
  }
}
