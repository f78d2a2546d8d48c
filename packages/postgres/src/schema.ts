import { withClient, type PgPool, type PgQueryable } from "./pool.js";
import { grantsOf, grantStatement, type Grant } from "./service-roles.js";

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
 *
 * The owner's grants (service-roles.ts) are part of its migration: the service roles that do not exist yet are
 * created (NOLOGIN, when the migrating user may create roles; whoever hands out credentials gives them LOGIN and a
 * password), and each missing privilege on the owner's tables is granted. Checked on every start, so a database
 * migrated before the roles existed (one shared user) gets them on its next start; nothing is run when all is there.
 * Grants the connected user cannot give (a service's own runtime role) are not its business and are skipped.
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
  const pending = await pendingGrants(pool, schema, owner).catch(() => ({ roles: [], grants: [] }));
  if (applied >= statements.length && pending.roles.length === 0 && pending.grants.length === 0) return;
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
      const { roles } = await pendingGrants(client, schema, owner);
      for (const role of roles) {
        // Roles are per cluster: another schema's migration may create the same one at the same time.
        await client.query(
          `DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
        );
      }
      for (const grant of (await pendingGrants(client, schema, owner)).grants)
        await client.query(grantStatement(schema, grant));
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

/**
 * The roles of `owner`'s grants that are missing and that the connected user may create, and the grants that are
 * missing on objects it owns (or is a member of the owner of), for roles that exist. One query, no locks.
 */
async function pendingGrants(
  db: PgQueryable,
  schema: string,
  owner: string,
): Promise<{ roles: string[]; grants: Grant[] }> {
  const grants = grantsOf(owner);
  if (grants.length === 0) return { roles: [], grants: [] };
  const { rows } = await db.query<{ i: string; missing_role: boolean }>(
    `WITH g AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS g(role, kind, object, privilege, i)
     ), me AS (
       SELECT rolsuper OR rolcreaterole AS can_create_roles FROM pg_roles WHERE rolname = current_user
     )
     SELECT g.i::text AS i, NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = g.role) AS missing_role
     FROM g, me
     WHERE CASE
       WHEN NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = g.role) THEN me.can_create_roles
       WHEN g.kind = 'schema' THEN
         CASE WHEN EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = $5 AND pg_has_role(current_user, n.nspowner, 'USAGE'))
              THEN NOT has_schema_privilege(g.role, $5, 'USAGE') ELSE false END
       ELSE
         CASE WHEN EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = $5 AND c.relname = g.object AND pg_has_role(current_user, c.relowner, 'USAGE'))
              THEN NOT (CASE WHEN g.kind = 'sequence' THEN has_sequence_privilege(g.role, format('%I.%I', $5, g.object), g.privilege)
                             ELSE has_table_privilege(g.role, format('%I.%I', $5, g.object), g.privilege) END)
              ELSE false END
     END`,
    [
      grants.map((g) => g.role),
      grants.map((g) => g.kind),
      grants.map((g) => g.object),
      grants.map((g) => g.privilege),
      schema,
    ],
  );
  const pick = (row: { i: string }): Grant => grants[Number(row.i) - 1] as Grant;
  return {
    roles: [...new Set(rows.filter((r) => r.missing_role).map((r) => pick(r).role))],
    grants: rows.filter((r) => !r.missing_role).map(pick),
  };
}
