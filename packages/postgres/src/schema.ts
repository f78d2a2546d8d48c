import type { PgPool } from "./pool.js";

/** Schemas of the exporter's tables are pasted into SQL: plain lower-case PostgreSQL identifiers only. */
export function isSchemaName(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name);
}

/**
 * Runs idempotent DDL (CREATE ... IF NOT EXISTS) for one owner's tables in the exporter's schema, in one transaction
 * under a per-schema advisory lock: services start together, and concurrent CREATE SCHEMA IF NOT EXISTS from two
 * processes can otherwise fail. The caller maps errors to its own typed error.
 */
export async function migrateSchema(pool: PgPool, schema: string, statements: readonly string[]): Promise<void> {
  if (!isSchemaName(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    for (const statement of statements) await client.query(statement);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
