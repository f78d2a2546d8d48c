import { withClient, type PgPool } from "./pool.js";

/** Schemas of the exporter's tables are pasted into SQL: plain lower-case PostgreSQL identifiers only. */
export function isSchemaName(name: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(name);
}

/**
 * Applies one owner's migrations to the exporter's schema: `statements` is that owner's append-only list, and the
 * number already applied is kept in `schema_migrations`, so a restart applies nothing. (Re-running DDL on every
 * start took strong locks — ALTER TABLE, CREATE INDEX — that deadlocked with a live replica's transactions.) One
 * transaction under a per-schema advisory lock: services start together, and concurrent CREATE SCHEMA IF NOT
 * EXISTS from two processes can otherwise fail. The caller maps errors to its own typed error.
 */
export async function migrateSchema(
  pool: PgPool,
  schema: string,
  owner: string,
  statements: readonly string[],
): Promise<void> {
  if (!isSchemaName(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  const migrations = `"${schema}".schema_migrations`;
  // Only reads when everything is applied: nothing to wait for behind another replica's transactions.
  const applied = await pool
    .query<{ applied: number }>(`SELECT applied FROM ${migrations} WHERE owner = $1`, [owner])
    .then(({ rows }) => rows[0]?.applied ?? 0)
    .catch(() => 0);
  if (applied >= statements.length) return;
  await withClient(pool, async (client) => {
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`migrate:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${migrations} (owner text PRIMARY KEY, applied int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ applied: number }>(`SELECT applied FROM ${migrations} WHERE owner = $1`, [
        owner,
      ]);
      const done = rows[0]?.applied ?? 0;
      for (const statement of statements.slice(done)) await client.query(statement);
      await client.query(
        `INSERT INTO ${migrations} (owner, applied) VALUES ($1, $2)
         ON CONFLICT (owner) DO UPDATE SET applied = EXCLUDED.applied, updated_at = now()`,
        [owner, statements.length],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  });
}
