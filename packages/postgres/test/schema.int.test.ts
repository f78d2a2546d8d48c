import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { migrateSchema } from "../src/schema.js";

let pool: pg.Pool;
const schema = `mig_test_${randomBytes(4).toString("hex")}`;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env["DATABASE_URL"], max: 4 });
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

const applied = async (owner: string): Promise<number | undefined> =>
  (await pool.query<{ applied: number }>(`SELECT applied FROM "${schema}".schema_migrations WHERE owner = $1`, [owner]))
    .rows[0]?.applied;

describe("migrateSchema", () => {
  const v1 = [`CREATE TABLE "${schema}".t (id int PRIMARY KEY)`];
  // Not idempotent on purpose: running it twice fails, so a second run proves nothing re-ran.
  const v2 = [...v1, `ALTER TABLE "${schema}".t ADD COLUMN note text`];

  it("applies an owner's statements once, then only the ones appended later", async () => {
    await migrateSchema(pool, schema, "a", v1);
    await migrateSchema(pool, schema, "a", v1);
    expect(await applied("a")).toBe(1);
    await migrateSchema(pool, schema, "a", v2);
    await migrateSchema(pool, schema, "a", v2);
    expect(await applied("a")).toBe(2);
    const { rows } = await pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 't' ORDER BY 1`,
      [schema],
    );
    expect(rows.map((row) => row.column_name)).toEqual(["id", "note"]);
  });

  it("keeps owners apart and lets concurrent starts apply each statement once", async () => {
    const list = [`CREATE TABLE "${schema}".u (id int)`, `CREATE INDEX u_id ON "${schema}".u (id)`];
    await Promise.all([1, 2, 3, 4].map(() => migrateSchema(pool, schema, "b", list)));
    expect(await applied("b")).toBe(2);
    expect(await applied("a")).toBe(2);
  });

  it("rolls back a failing statement and records nothing for it", async () => {
    await expect(
      migrateSchema(pool, schema, "c", [`CREATE TABLE "${schema}".c (id int)`, "SELECT * FROM no_such_table"]),
    ).rejects.toThrow(/no_such_table/);
    expect(await applied("c")).toBeUndefined();
    const { rows } = await pool.query(`SELECT to_regclass($1) AS t`, [`"${schema}".c`]);
    expect(rows[0]).toEqual({ t: null });
  });

  it("refuses a schema name it cannot quote safely", async () => {
    await expect(migrateSchema(pool, 'x"; DROP SCHEMA public; --', "a", [])).rejects.toThrow(/invalid schema name/);
  });
});
