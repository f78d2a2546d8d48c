import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { abortError, WarehouseQueryError } from "../errors.js";
import type { ParquetColumn } from "../parquet-schema.js";
import { fromDuckDbError } from "./postgres-errors.js";
import { postgresSessionSettings, type PostgresUnloadQueries } from "./postgres-sql.js";

export interface DuckDbExportParams {
  readonly extensionPath: string;
  /** libpq URL or key=value conninfo of the warehouse. */
  readonly conninfo: string;
  readonly memoryLimit: string;
  readonly spillDir: string;
  /** Directory DuckDB creates and writes `data_<n>.parquet` into. */
  readonly outDir: string;
  readonly queries: PostgresUnloadQueries;
  readonly rowGroupSize: number;
  readonly maxFileBytes: number;
  readonly signal?: AbortSignal | undefined;
  /**
   * Cancels the statement a warehouse backend is running (pg_cancel_backend from another connection). DuckDB sees
   * an interrupt only when PostgreSQL returns rows, so without this an abort waits for a long count, a lock wait or
   * a slow query to finish in PostgreSQL.
   */
  readonly cancelBackend?: ((pid: number) => Promise<void>) | undefined;
}

export interface WrittenParquetFile {
  readonly path: string;
  /** Rows from the file's own footer (read back), not from the writer's count. */
  readonly rows: number;
}

export interface DuckDbExportResult {
  /** COUNT(*) of the classified query, in the same PostgreSQL transaction as the COPY. */
  readonly sourceRows: number;
  /** Rows DuckDB's COPY says it wrote. */
  readonly copiedRows: number;
  /** In write order. */
  readonly files: readonly WrittenParquetFile[];
  readonly schema: readonly ParquetColumn[];
}

/** DuckDB string literal (no backslash escapes in standard strings: doubling quotes is the whole escaping). */
export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

type Row = Record<string, unknown>;

async function rows(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

const PROBE =
  "SELECT pg_backend_pid() AS pid, CAST(now() AS text) AS started, current_setting('transaction_isolation') AS isolation";

/**
 * Runs the count and the COPY to Parquet inside one DuckDB transaction. The postgres extension then keeps one
 * PostgreSQL connection in one REPEATABLE READ transaction for every `postgres_query` of it (measured, see
 * docs/parquet-path.md), so the count and the exported rows come from the same snapshot. That is checked on every
 * run: the backend pid and the transaction start time must be the same before and after the COPY.
 */
export async function exportWithDuckDb(params: DuckDbExportParams): Promise<DuckDbExportResult> {
  const { queries, signal } = params;
  if (signal?.aborted) throw abortError(signal);
  const instance = await DuckDBInstance.create(":memory:", {
    threads: "1",
    memory_limit: params.memoryLimit,
    temp_directory: params.spillDir,
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  let step = "opening DuckDB";
  let connection: DuckDBConnection | undefined;
  let backendPid: number | undefined;
  const onAbort = (): void => {
    connection?.interrupt();
    if (backendPid !== undefined) void params.cancelBackend?.(backendPid).catch(() => undefined);
  };
  // An interrupt stops only a running statement: an abort between two must be checked before the next.
  const checkAbort = (): void => {
    if (signal?.aborted) throw abortError(signal);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    connection = await instance.connect();
    step = "loading the DuckDB postgres extension";
    await connection.run(`LOAD ${duckString(params.extensionPath)}`);
    step = "connecting to the warehouse";
    await connection.run(`ATTACH ${duckString(params.conninfo)} AS pg (TYPE postgres, READ_ONLY)`);
    await connection.run("BEGIN TRANSACTION");
    for (const setting of postgresSessionSettings)
      await connection.run(`CALL postgres_execute('pg', ${duckString(setting)})`);
    step = "probing the snapshot";
    const before = await rows(connection, `SELECT * FROM postgres_query('pg', ${duckString(PROBE)})`);
    const pid = Number(before[0]?.["pid"]);
    if (Number.isInteger(pid)) backendPid = pid;
    checkAbort();
    step = "counting the source rows";
    const [countRow] = await rows(
      connection,
      `SELECT row_count FROM postgres_query('pg', ${duckString(queries.count)})`,
    );
    const sourceRows = Number(countRow?.["row_count"]);
    checkAbort();
    step = "exporting to Parquet";
    const stats = await rows(
      connection,
      `COPY (SELECT ${queries.outer} FROM postgres_query('pg', ${duckString(queries.select)})) TO ${duckString(params.outDir)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${Math.trunc(params.rowGroupSize)}, ` +
        `FILE_SIZE_BYTES ${Math.trunc(params.maxFileBytes)}, RETURN_STATS)`,
    );
    step = "probing the snapshot";
    const after = await rows(connection, `SELECT * FROM postgres_query('pg', ${duckString(PROBE)})`);
    await connection.run("COMMIT");
    const [b, a] = [before[0], after[0]];
    if (
      b === undefined ||
      a === undefined ||
      b["pid"] !== a["pid"] ||
      b["started"] !== a["started"] ||
      b["isolation"] !== "repeatable read"
    ) {
      throw new WarehouseQueryError("the count and the export did not run in one REPEATABLE READ transaction", {
        retryable: true,
      });
    }

    step = "reading back the Parquet footers";
    const ordered = stats
      .map((s) => ({ path: String(s["filename"]), copied: Number(s["count"]) }))
      .sort((x, y) => fileIndex(x.path) - fileIndex(y.path));
    const files: WrittenParquetFile[] = [];
    for (const file of ordered) {
      const [meta] = await rows(connection, `SELECT num_rows FROM parquet_file_metadata(${duckString(file.path)})`);
      files.push({ path: file.path, rows: Number(meta?.["num_rows"]) });
    }
    const first = files[0];
    const schema = first === undefined ? [] : await readSchema(connection, first.path);
    return { sourceRows, copiedRows: ordered.reduce((sum, f) => sum + f.copied, 0), files, schema };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw fromDuckDbError(error, step, [...queries.secrets, params.conninfo]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    connection?.closeSync();
    instance.closeSync();
  }
}

function fileIndex(path: string): number {
  const match = /_(\d+)\.parquet$/.exec(path);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

async function readSchema(connection: DuckDBConnection, path: string): Promise<ParquetColumn[]> {
  const schema = await rows(
    connection,
    `SELECT name, type, logical_type, converted_type, precision, scale, repetition_type, duckdb_type
       FROM parquet_schema(${duckString(path)}) WHERE num_children IS NULL ORDER BY column_id`,
  );
  const text = (v: unknown): string | null =>
    v === null || v === undefined
      ? null
      : typeof v === "string" || typeof v === "number" || typeof v === "bigint"
        ? String(v)
        : JSON.stringify(v);
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return schema.map((c) => ({
    name: String(c["name"]),
    physicalType: String(c["type"]),
    logicalType: text(c["logical_type"]),
    convertedType: text(c["converted_type"]),
    precision: num(c["precision"]),
    scale: num(c["scale"]),
    nullable: c["repetition_type"] !== "REQUIRED",
    readerType: text(c["duckdb_type"]),
  }));
}
