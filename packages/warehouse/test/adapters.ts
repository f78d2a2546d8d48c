import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3ObjectStore, createS3Client, type ObjectStore } from "@data-exporter/object-store";
import pg from "pg";
import { PostgresWarehouse, type Warehouse } from "../src/index.js";

/** What the contract suite needs from each adapter's test harness. */
export interface AdapterHarness {
  readonly schema: string;
  readonly store: ObjectStore;
  readonly hashKey: string;
  /** Runs SQL on the warehouse directly (fixtures and the reference query). */
  readonly sql: pg.Pool;
  readonly tempDir: string;
  warehouse(overrides?: {
    maxFileBytes?: number;
    rowGroupSize?: number;
    objectStore?: ObjectStore;
    warehouseUrl?: string;
  }): Warehouse;
  teardown(): Promise<void>;
}

export interface AdapterFactory {
  readonly name: string;
  setup(): Promise<AdapterHarness>;
}

function requireEnv(...names: string[]): string {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== "") return value;
  }
  throw new Error(`${names.join(" or ")} is not set: run through the jest global setup`);
}

export const postgresAdapter: AdapterFactory = {
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
    return {
      schema,
      store,
      hashKey,
      sql,
      tempDir,
      warehouse(overrides = {}) {
        const warehouse = new PostgresWarehouse({
          warehouseUrl: overrides.warehouseUrl ?? url,
          objectStore: overrides.objectStore ?? store,
          hashKey,
          duckdbPostgresExtension: extension,
          maxFileBytes: overrides.maxFileBytes ?? 64 * 1024 * 1024,
          rowGroupSize: overrides.rowGroupSize ?? 122_880,
          memoryLimit: "256MB",
          tempDir,
        });
        opened.push(warehouse);
        return warehouse;
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

/** Every adapter the contract suite runs against (Redshift joins later). */
export const ADAPTERS: readonly AdapterFactory[] = [postgresAdapter];
