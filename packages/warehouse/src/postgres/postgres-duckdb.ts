import { rmSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { abortError, warehouseQueryError } from "../errors.js";
import type { ParquetColumn } from "../parquet-schema.js";
import {
  copyToParquet,
  createDuckDbInstance,
  duckString,
  readRows,
  type WrittenParquetFile,
} from "../parquet/duckdb-parquet.js";
import type { ReusePool } from "./loaded-duckdb-pool.js";
import { fromDuckDbError } from "./postgres-errors.js";
import { postgresSessionSettings, type PostgresUnloadQueries } from "./postgres-sql.js";

/** An in-memory DuckDB with the postgres extension loaded, serving one unload at a time. */
export interface LoadedDuckDb {
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/**
 * Opens a DuckDB and loads the postgres extension into it. Loading the 40 MB extension (its signature check and
 * dlopen) took 0.3 to 0.5 s, paid by every unload when each opened its own DuckDB (docs/parquet-path.md): the
 * unloader keeps loaded instances in a ReusePool instead. Each has its own spill directory, removed on close.
 */
export async function openLoadedDuckDb(settings: {
  extensionPath: string;
  /** The native hmac extension, loaded too when given (KEYED_HASH then uses its function). */
  hmacExtensionPath?: string | undefined;
  memoryLimit: string;
  spillDir: string;
}): Promise<LoadedDuckDb> {
  const instance = await createDuckDbInstance({
    memoryLimit: settings.memoryLimit,
    spillDir: settings.spillDir,
    allowUnsignedExtensions: settings.hmacExtensionPath !== undefined,
  });
  const close = (): void => {
    instance.closeSync();
    rmSync(settings.spillDir, { recursive: true, force: true });
  };
  try {
    const connection = await instance.connect();
    try {
      await connection.run(`LOAD ${duckString(settings.extensionPath)}`);
      if (settings.hmacExtensionPath !== undefined)
        await connection.run(`LOAD ${duckString(settings.hmacExtensionPath)}`);
    } finally {
      connection.closeSync();
    }
  } catch (error) {
    close();
    throw error;
  }
  return { connect: () => instance.connect(), close };
}

export interface DuckDbExportParams {
  /** Loaded DuckDBs: this export takes one, and gives it back only when it ended cleanly. */
  readonly duckdb: ReusePool<LoadedDuckDb>;
  /** libpq URL or key=value conninfo of the warehouse. */
  readonly conninfo: string;
  /** Directory DuckDB creates and writes `data_<n>.parquet` into. */
  readonly outDir: string;
  readonly queries: PostgresUnloadQueries;
  readonly rowGroupSize: number;
  readonly maxFileBytes: number;
  /** Key-value metadata of every file (the compressed columns' encodings). */
  readonly kvMetadata?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Cancels the statement a warehouse backend is running (pg_cancel_backend from another connection). DuckDB sees
   * an interrupt only when PostgreSQL returns rows, so without this an abort waits for a long count, a lock wait or
   * a slow query to finish in PostgreSQL.
   */
  readonly cancelBackend?: ((pid: number) => Promise<void>) | undefined;
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
  const secrets = [...queries.secrets, params.conninfo];
  let duck: LoadedDuckDb;
  let connection: DuckDBConnection;
  try {
    duck = await params.duckdb.acquire();
  } catch (error) {
    throw fromDuckDbError(error, "loading the DuckDB postgres extension", secrets);
  }
  try {
    connection = await duck.connect();
  } catch (error) {
    params.duckdb.release(duck, false);
    throw fromDuckDbError(error, "opening DuckDB", secrets);
  }
  let step = "connecting to the warehouse";
  let attached = false;
  let clean = false;
  let backendPid: number | undefined;
  let open = false;
  const onAbort = (): void => {
    connection.interrupt();
    if (backendPid !== undefined) void params.cancelBackend?.(backendPid).catch(() => undefined);
  };
  // An interrupt stops only a running statement: an abort between two must be checked before the next.
  const checkAbort = (): void => {
    if (signal?.aborted) throw abortError(signal);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await connection.run(`ATTACH ${duckString(params.conninfo)} AS pg (TYPE postgres, READ_ONLY)`);
    attached = true;
    await connection.run("BEGIN TRANSACTION");
    open = true;
    for (const setting of postgresSessionSettings)
      await connection.run(`CALL postgres_execute('pg', ${duckString(setting)})`);
    step = "probing the snapshot";
    const before = await probe(connection);
    const pid = Number(before?.["pid"]);
    if (Number.isInteger(pid)) backendPid = pid;
    checkAbort();
    step = "counting the source rows";
    const [countRow] = await readRows(
      connection,
      `SELECT row_count FROM postgres_query('pg', ${duckString(queries.count)})`,
    );
    const sourceRows = Number(countRow?.["row_count"]);
    checkAbort();
    step = "exporting to Parquet";
    const written = await copyToParquet(connection, {
      select: `SELECT ${queries.outer} FROM postgres_query('pg', ${duckString(queries.select)})`,
      outDir: params.outDir,
      rowGroupSize: params.rowGroupSize,
      maxFileBytes: params.maxFileBytes,
      kvMetadata: params.kvMetadata,
    });
    step = "probing the snapshot";
    const after = await probe(connection);
    await connection.run("COMMIT");
    open = false;
    if (
      before === undefined ||
      after === undefined ||
      before["pid"] !== after["pid"] ||
      before["started"] !== after["started"] ||
      before["isolation"] !== "repeatable read"
    ) {
      throw warehouseQueryError("the count and the export did not run in one REPEATABLE READ transaction", {
        retryable: true,
      });
    }
    clean = true;
    return { sourceRows, ...written };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw fromDuckDbError(error, step, secrets);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Closing with the transaction open makes DuckDB roll it back in a destructor; when the warehouse connection is
    // gone (killed backend, restart) that ROLLBACK throws there and aborts the whole process. Rolling back here
    // first turns it into an ordinary error, ignored: the connection is being discarded anyway.
    if (open) await connection.run("ROLLBACK").catch(() => undefined);
    // The warehouse connection goes with the DETACH; an instance is reused only after an export that went through.
    if (attached) await connection.run("DETACH pg").catch(() => void (clean = false));
    connection.closeSync();
    params.duckdb.release(duck, clean);
  }
}

async function probe(connection: DuckDBConnection): Promise<Record<string, unknown> | undefined> {
  const [row] = await readRows(connection, `SELECT * FROM postgres_query('pg', ${duckString(PROBE)})`);
  return row;
}
