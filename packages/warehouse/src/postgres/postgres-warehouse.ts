import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import pg from "pg";
import { abortError, rowCountMismatch } from "../errors.js";
import { compressedColumnEncodings, encodingsMetadata } from "../compressed-columns.js";
import { buildManifest, dataFileKey } from "../manifest.js";
import { publishExport, type LocalDataFile } from "../publish-export.js";
import type { UnloadOptions, UnloadResult, Warehouse, WarehouseColumn } from "../warehouse.js";
import { validateUnloadCommand } from "../command-validation.js";
import { validatePostgresWarehouseConfig, type PostgresWarehouseConfig } from "./postgres-config.js";
import { exportWithDuckDb, openLoadedDuckDb, type LoadedDuckDb } from "./postgres-duckdb.js";
import { ReusePool } from "./loaded-duckdb-pool.js";
import { renderUnloadQueries } from "./postgres-sql.js";
import { PostgresCatalog, type PostgresQueryable } from "./postgres-catalog.js";

const DATA_FILE = /_(\d{3,})\.parquet$/;

/** Warehouse on PostgreSQL: DuckDB's postgres extension streams the classified SELECT into Parquet. */
export class PostgresWarehouse implements Warehouse {
  readonly #config: PostgresWarehouseConfig;
  readonly #pool: PostgresQueryable;
  readonly #store: ObjectStore;
  readonly #duckdb: ReusePool<LoadedDuckDb>;

  constructor(config: PostgresWarehouseConfig, pool?: PostgresQueryable) {
    validatePostgresWarehouseConfig(config);
    this.#config = config;
    this.#store = config.objectStore;
    this.#duckdb = new ReusePool(() =>
      openLoadedDuckDb({
        extensionPath: config.duckdbPostgresExtension,
        hmacExtensionPath: config.duckdbHmacExtension,
        memoryLimit: config.memoryLimit,
        spillDir: join(config.tempDir, `duckdb-spill-${randomUUID()}`),
      }),
    );
    // Metadata only (the data goes through DuckDB): short deadlines, so a stuck warehouse fails the attempt fast.
    this.#pool = pool ?? metadataPool(config.warehouseUrl);
  }

  describeTable(schema: string, table: string): Promise<WarehouseColumn[]> {
    return new PostgresCatalog(this.#pool).describeTable(schema, table);
  }

  async unload(command: UnloadTableCommand, options: UnloadOptions = {}): Promise<UnloadResult> {
    const { signal } = options;
    const checkAbort = (): void => {
      if (signal?.aborted) throw abortError(signal);
    };
    checkAbort();
    validateUnloadCommand(command);
    const columns = await this.describeTable(command.schema, command.table);
    const queries = renderUnloadQueries(command, {
      columns,
      hashKey: this.#config.hashKey,
      orderByTime: this.#config.orderByTime ?? false,
      nativeHmac: this.#config.duckdbHmacExtension !== undefined,
    });
    const encodings = compressedColumnEncodings(command, columns);
    checkAbort();

    await mkdir(this.#config.tempDir, { recursive: true });
    const workDir = await mkdtemp(join(this.#config.tempDir, "unload-"));
    try {
      const exported = await exportWithDuckDb({
        duckdb: this.#duckdb,
        conninfo: this.#config.warehouseUrl,
        outDir: join(workDir, "out"),
        queries,
        rowGroupSize: this.#config.rowGroupSize,
        maxFileBytes: this.#config.maxFileBytes,
        kvMetadata: encodingsMetadata(encodings),
        signal,
        cancelBackend: async (pid) => void (await this.#pool.query("SELECT pg_cancel_backend($1)", [pid])),
      });
      const fileRows = exported.files.reduce((sum, f) => sum + f.rows, 0);
      if (exported.files.length === 0)
        throw rowCountMismatch(exported.sourceRows, 0, "no file was written, files hold");
      if (exported.copiedRows !== exported.sourceRows)
        throw rowCountMismatch(exported.sourceRows, exported.copiedRows, "the COPY wrote");
      if (fileRows !== exported.sourceRows)
        throw rowCountMismatch(exported.sourceRows, fileRows, "the Parquet footers hold");

      const local: LocalDataFile[] = [];
      for (const [index, written] of exported.files.entries()) {
        const key = dataFileKey(command, index);
        const path = join(dirname(written.path), key.slice(command.outputPrefix.length));
        await rename(written.path, path);
        local.push({ path, file: { key, rows: written.rows } });
      }
      checkAbort();

      const now = (this.#config.now ?? (() => new Date()))();
      const ownPrefix = `${command.fileBaseName}_`;
      return await publishExport(this.#store, {
        command,
        files: local,
        manifest: (files) => buildManifest(command, files, exported.schema, now, encodings),
        isOwnDataFile: (name) => name.startsWith(ownPrefix) && DATA_FILE.test(name) && !name.includes("/"),
        signal,
        beforeCommit: options.beforeCommit,
        serialize: options.serializePublish,
      });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    this.#duckdb.close();
    await this.#pool.end();
  }
}

function metadataPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 2,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 60_000,
  });
  // An idle connection the warehouse drops (a restart) would otherwise crash the process: the next query reconnects.
  pool.on("error", () => undefined);
  return pool;
}
