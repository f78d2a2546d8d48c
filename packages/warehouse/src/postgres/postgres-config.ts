import type { ObjectStore } from "@data-exporter/object-store";
import { invalidCommand } from "../errors.js";

export interface PostgresWarehouseConfig {
  /** libpq URL of the warehouse (postgresql://user:password@host:port/db?sslmode=...). */
  readonly warehouseUrl: string;
  readonly objectStore: ObjectStore;
  /** Secret key of KEYED_HASH (HMAC-SHA256). */
  readonly hashKey: string;
  /** Path of postgres_scanner.duckdb_extension; must match the DuckDB version (1.5.5). */
  readonly duckdbPostgresExtension: string;
  /**
   * Path of the native hmac extension (packages/warehouse/native/hmac); without it KEYED_HASH is computed in DuckDB
   * SQL, with the same values at about three times the export's CPU on a hashed column (docs/parquet-path.md).
   */
  readonly duckdbHmacExtension?: string | undefined;
  /** A data file is closed once it reaches this size (it can exceed it by up to one row group). */
  readonly maxFileBytes: number;
  /** Rows per Parquet row group (DuckDB rounds up to a multiple of 2048). */
  readonly rowGroupSize: number;
  /** DuckDB memory_limit, e.g. "512MB"; above it DuckDB spills to `tempDir`. */
  readonly memoryLimit: string;
  /** Local scratch directory: each unload gets its own subdirectory, removed afterwards. */
  readonly tempDir: string;
  /** ORDER BY the time column; see docs/parquet-path.md. Default false. */
  readonly orderByTime?: boolean;
  /** Clock for the manifest's createdAt. */
  readonly now?: () => Date;
}

const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** Refuses a configuration that would fail later or be pasted unsafely into DuckDB SQL. */
export function validatePostgresWarehouseConfig(config: PostgresWarehouseConfig): void {
  const problems: string[] = [];
  if (!/^postgres(ql)?:\/\//.test(config.warehouseUrl)) problems.push("warehouseUrl must be a postgresql:// URL");
  if (config.hashKey.length < 16) problems.push("hashKey must be at least 16 characters");
  if (config.duckdbPostgresExtension === "") problems.push("duckdbPostgresExtension is empty");
  if (config.duckdbHmacExtension === "") problems.push("duckdbHmacExtension is empty (leave it out instead)");
  if (!Number.isSafeInteger(config.maxFileBytes) || config.maxFileBytes < 1024)
    problems.push("maxFileBytes must be an integer >= 1024");
  if (!Number.isSafeInteger(config.rowGroupSize) || config.rowGroupSize < 1)
    problems.push("rowGroupSize must be a positive integer");
  if (!MEMORY_LIMIT.test(config.memoryLimit)) problems.push("memoryLimit must look like 512MB");
  if (config.tempDir === "") problems.push("tempDir is empty");
  // The messages never echo the values: the URL and key are secrets.
  if (problems.length > 0) throw invalidCommand(`invalid PostgreSQL warehouse config: ${problems.join("; ")}`);
}
