import { createHmac, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import { S3ObjectStore, createS3Client } from "@data-exporter/object-store";
import pg from "pg";
import {
  PostgresCatalog,
  PostgresWarehouse,
  postgresSessionSettings,
  quoteIdentifier,
  renderUnloadQueries,
  type Warehouse,
} from "../../src/index.js";
import {
  requireEnv,
  type FixtureRow,
  type FixtureTable,
  type FixtureValue,
  type LogicalType,
  type TextRow,
  type WarehouseHarness,
  type WarehouseHarnessFactory,
  type WarehouseOverrides,
} from "../warehouse-harness.js";

/** The PostgreSQL harness, with what only the PostgreSQL tests (test/postgres/*.int.test.ts) use. */
export interface PostgresHarness extends WarehouseHarness {
  /** Runs SQL on the warehouse directly (pg_stat_activity, checks beside the adapter). */
  readonly sql: pg.Pool;
  /** The warehouse's connection URL (WAREHOUSE_URL or DATABASE_URL). */
  readonly url: string;
  warehouse(overrides?: WarehouseOverrides & { readonly warehouseUrl?: string }): Warehouse;
}

const TEXT = { getTypeParser: () => (value: string) => value };
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// Insert in chunks well below PostgreSQL's 65535 bind parameters.
const MAX_PARAMS = 10_000;

function ddlType(type: LogicalType): string {
  switch (type) {
    case "timestamptz":
      return "timestamptz";
    case "timestamp":
      return "timestamp";
    case "int":
      return "integer";
    case "double":
      return "double precision";
    default:
      return type;
  }
}

/** `format_type` spelling, which `describeTable` reports. */
function typeName(type: LogicalType): string {
  switch (type) {
    case "timestamptz":
      return "timestamp with time zone";
    case "timestamp":
      return "timestamp without time zone";
    case "int":
      return "integer";
    case "double":
      return "double precision";
    default:
      return type;
  }
}

/** Text form of a fixture value for a bind parameter; refuses a value that does not fit the column type. */
function toParam(column: string, type: LogicalType, value: FixtureValue): string | null {
  const wrong = (): never => {
    throw new TypeError(`fixture value ${String(value)} does not fit ${column} ${type}`);
  };
  if (value === null) return null;
  switch (type) {
    case "timestamptz":
      return value instanceof Date ? value.toISOString() : typeof value === "string" ? value : wrong();
    case "timestamp":
      return value instanceof Date
        ? value.toISOString().replace("T", " ").replace("Z", "")
        : typeof value === "string"
          ? value
          : wrong();
    case "bigint":
      return typeof value === "bigint" ? value.toString() : wrong();
    case "int":
      return typeof value === "number" && Number.isInteger(value) ? String(value) : wrong();
    case "double":
      if (typeof value !== "number") return wrong();
      // String(-0) is "0"; NaN and the infinities have PostgreSQL spellings of their own.
      if (Object.is(value, -0)) return "-0";
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
      return String(value);
    case "boolean":
      return typeof value === "boolean" ? String(value) : wrong();
    default:
      // text, date, numeric(p,s)
      return typeof value === "string" ? value : wrong();
  }
}

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new RangeError(`fixture identifier ${name} is not a plain lower-case name`);
  return quoteIdentifier(name);
}

/**
 * PostgreSQL: a unique schema in WAREHOUSE_URL (or DATABASE_URL), a random moto bucket, the DuckDB postgres
 * extension from DUCKDB_POSTGRES_EXTENSION (and the hmac one from DUCKDB_HMAC_EXTENSION).
 */
export const postgresHarness: WarehouseHarnessFactory<PostgresHarness> = {
  name: "postgres",
  async setup() {
    const url = requireEnv("WAREHOUSE_URL", "DATABASE_URL");
    const extension = requireEnv("DUCKDB_POSTGRES_EXTENSION");
    const endpoint = requireEnv("AWS_ENDPOINT_URL");
    const schema = `wh_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const sql = new pg.Pool({ connectionString: url, max: 3 });
    await sql.query(`CREATE SCHEMA ${schema}`);
    const store = new S3ObjectStore({
      client: createS3Client({ endpoint, region: process.env["AWS_REGION"] ?? "ap-southeast-2", forcePathStyle: true }),
      bucket: `wh-test-${randomUUID()}`,
    });
    await store.ensureBucket();
    const tempDir = join(tmpdir(), `wh-test-${randomUUID()}`);
    const hashKey = "contract-test-hash-key-0123456789";
    const opened: Warehouse[] = [];
    const qualified = (name: string): string => `${quoteIdentifier(schema)}.${identifier(name)}`;

    const insertRows = async (table: FixtureTable, rows: readonly FixtureRow[]): Promise<void> => {
      const { columns } = table;
      const perChunk = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
      const names = columns.map((c) => identifier(c.name)).join(", ");
      for (let start = 0; start < rows.length; start += perChunk) {
        const chunk = rows.slice(start, start + perChunk);
        const values: (string | null)[] = [];
        const tuples = chunk.map((row) => {
          for (const key of Object.keys(row))
            if (!columns.some((c) => c.name === key)) throw new RangeError(`${table.name} has no column ${key}`);
          const placeholders = columns.map((c) => {
            values.push(toParam(c.name, c.type, row[c.name] ?? null));
            return `$${values.length}::${ddlType(c.type)}`;
          });
          return `(${placeholders.join(", ")})`;
        });
        await sql.query(`INSERT INTO ${qualified(table.name)} (${names}) VALUES ${tuples.join(", ")}`, values);
      }
    };

    const makeWarehouse = (overrides: WarehouseOverrides & { readonly warehouseUrl?: string } = {}): Warehouse => {
      const warehouse = new PostgresWarehouse({
        warehouseUrl: overrides.warehouseUrl ?? url,
        objectStore: overrides.objectStore ?? store,
        hashKey,
        duckdbPostgresExtension: extension,
        // The native HMAC when the stack built it (as the unloader runs); its SQL twin is checked equal to it in
        // test/native/hmac-extension.int.test.ts.
        duckdbHmacExtension: process.env["DUCKDB_HMAC_EXTENSION"] || undefined,
        maxFileBytes: overrides.maxFileBytes ?? 64 * 1024 * 1024,
        rowGroupSize: overrides.rowGroupSize ?? 122_880,
        memoryLimit: "256MB",
        tempDir,
      });
      opened.push(warehouse);
      return warehouse;
    };

    return {
      schema,
      store,
      hashKey,
      tempDir,
      sql,
      url,
      async createTable(table) {
        const columns = table.columns.map((c) => `${identifier(c.name)} ${ddlType(c.type)}`);
        await sql.query(`CREATE TABLE ${qualified(table.name)} (${columns.join(", ")})`);
        await insertRows(table, table.rows);
      },
      insertRows,
      async createView(view) {
        const delayMs = view.delayMs ?? 0;
        if (delayMs === 0) {
          await sql.query(`CREATE VIEW ${qualified(view.name)} AS SELECT * FROM ${qualified(view.of)}`);
          return;
        }
        // An uncorrelated sub-select runs once per query: every statement over the view sleeps once.
        const pause = qualified(`${view.name}_pause`);
        await sql.query(`
          CREATE FUNCTION ${pause}() RETURNS boolean LANGUAGE plpgsql VOLATILE
            AS $$ BEGIN PERFORM pg_sleep(${delayMs / 1000}); RETURN true; END $$;
          CREATE VIEW ${qualified(view.name)} AS SELECT * FROM ${qualified(view.of)} WHERE (SELECT ${pause}());`);
      },
      typeName,
      async referenceRows(command: UnloadTableCommand): Promise<TextRow[]> {
        const columns = await new PostgresCatalog(sql).describeTable(command.schema, command.table);
        const { select } = renderUnloadQueries(command, { columns, hashKey });
        const client = await sql.connect();
        try {
          await client.query("BEGIN");
          for (const setting of postgresSessionSettings) await client.query(setting);
          const result = await client.query({ text: select, types: TEXT });
          await client.query("COMMIT");
          // PostgreSQL returns KEYED_HASH columns as text; the adapter hashes them in DuckDB (the key never reaches
          // the warehouse): apply the same standard HMAC here.
          const hashed = command.columns.filter((c) => c.treatment === "KEYED_HASH").map((c) => c.name);
          return (result.rows as TextRow[]).map((row) => {
            const out = { ...row };
            for (const name of hashed) {
              const value = out[name];
              out[name] = value == null ? null : createHmac("sha256", hashKey).update(value).digest("hex");
            }
            return out;
          });
        } finally {
          client.release();
        }
      },
      async runningQueries(relation) {
        const { rows } = await sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()
              AND position($1 in query) > 0`,
          [relation],
        );
        return rows[0]?.n ?? 0;
      },
      warehouse: makeWarehouse,
      unreachableWarehouse() {
        // Port 9 (discard) refuses connections on the loopback interface.
        const password = "s3cr3t-pw";
        return {
          warehouse: makeWarehouse({ warehouseUrl: `postgresql://exporter:${password}@127.0.0.1:9/db` }),
          secrets: [password],
        };
      },
      async teardown() {
        for (const w of opened) await w.close();
        // Schemas are uniquely named; dropping keeps the shared database small between runs.
        await sql.query(`DROP SCHEMA ${schema} CASCADE`);
        await sql.end();
        await rm(tempDir, { recursive: true, force: true });
      },
    };
  },
};
