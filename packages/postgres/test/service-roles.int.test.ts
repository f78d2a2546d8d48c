import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { migrateSchema } from "../src/schema.js";
import { serviceRoleNames } from "../src/service-roles.js";

/**
 * The grants as part of the migrations, on a database as the former single user left it: its tables exist and are
 * fully migrated, but no service role has a privilege on them.
 */
let admin: pg.Pool;
const schema = `roles_test_${randomBytes(4).toString("hex")}`;
const notifier = serviceRoleNames.notifier;
// The notifier's table, as its migration creates it (services/notifier/src/adapters/notification-log.ts).
const statements = [
  `CREATE TABLE IF NOT EXISTS "${schema}".export_notifications (de_request_id uuid PRIMARY KEY, message_id text NOT NULL)`,
];

const privileges = async (role: string, table: string): Promise<string[]> =>
  (
    await admin.query<{ p: string }>(
      `SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p
       WHERE has_table_privilege($1, format('%I.%I', $2::text, $3::text), p) ORDER BY 1`,
      [role, schema, table],
    )
  ).rows.map((r) => r.p);

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 2 });
  // The stack's databases step creates the roles; a cluster without them gets them from the migration (NOLOGIN).
  await migrateSchema(admin, schema, "notifier", statements);
  // The state before this change: the tables, no grants.
  await admin.query(`REVOKE ALL ON ALL TABLES IN SCHEMA "${schema}" FROM ${notifier}`);
  await admin.query(`REVOKE ALL ON SCHEMA "${schema}" FROM ${notifier}`);
});
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe("migrateSchema grants", () => {
  it("grants exactly the owner's privileges on the next start of an already migrated database", async () => {
    expect(await privileges(notifier, "export_notifications")).toEqual([]);
    await migrateSchema(admin, schema, "notifier", statements);
    expect(await privileges(notifier, "export_notifications")).toEqual(["INSERT", "SELECT"]);
    expect(await privileges(notifier, "schema_migrations")).toEqual(["SELECT"]);
    const usage = await admin.query<{ ok: boolean }>("SELECT has_schema_privilege($1, $2, 'USAGE') AS ok", [
      notifier,
      schema,
    ]);
    expect(usage.rows[0]?.ok).toBe(true);
    // No other role got anything on it.
    expect(await privileges(serviceRoleNames.planner, "export_notifications")).toEqual([]);
  });

  it("is idempotent: re-running changes nothing, also concurrently", async () => {
    const acl = async (): Promise<unknown> =>
      (
        await admin.query(`SELECT relacl::text FROM pg_class WHERE oid = $1::regclass`, [
          `"${schema}".export_notifications`,
        ])
      ).rows[0];
    const before = await acl();
    await Promise.all([1, 2, 3].map(() => migrateSchema(admin, schema, "notifier", statements)));
    expect(await acl()).toEqual(before);
  });

  it("lets the service's own role start on the migrated schema without DDL or grant privileges", async () => {
    const url = process.env["NOTIFIER_DATABASE_URL"];
    if (url === undefined || url === "") return; // PostgreSQL is external: no per-service logins here.
    const own = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migrateSchema(own, schema, "notifier", statements);
      await own.query(`INSERT INTO "${schema}".export_notifications VALUES (gen_random_uuid(), 'm')`);
      await expect(own.query(`DELETE FROM "${schema}".export_notifications`)).rejects.toMatchObject({ code: "42501" });
    } finally {
      await own.end();
    }
  });
});
