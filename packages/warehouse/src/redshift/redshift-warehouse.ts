import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ColumnMetadata } from "@aws-sdk/client-redshift-data";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import { validateUnloadCommand } from "../command-validation.js";
import { abortError, invalidCommand, rowCountMismatch, WarehouseError } from "../errors.js";
import { compressedColumnEncodings, encodingsMetadata } from "../compressed-columns.js";
import { buildManifest, dataFileKey } from "../manifest.js";
import { copyToParquet, duckString, openDuckDb } from "../parquet/duckdb-parquet.js";
import { publishExport, type LocalDataFile } from "../publish-export.js";
import { quoteIdentifier } from "../sql/dialect.js";
import type { UnloadOptions, UnloadResult, Warehouse, WarehouseColumn } from "../warehouse.js";
import { fieldText, RedshiftCatalog } from "./redshift-catalog.js";
import { DataApiRunner, type DataApiClient, type RedshiftTarget } from "./redshift-data.js";
import { renderRedshiftUnload, redshiftSessionSettings } from "./redshift-sql.js";

export interface RedshiftWarehouseConfig {
  readonly client: DataApiClient;
  readonly target: RedshiftTarget;
  /** The role Redshift assumes to write to S3 (UNLOAD's IAM_ROLE). */
  readonly iamRole: string;
  /** The export bucket; staged and final files are both in it. */
  readonly objectStore: ObjectStore;
  /**
   * Private prefix UNLOAD writes to, before the unloader computes keyed hashes and publishes (e.g. `_staging/`):
   * give it a lifecycle rule that expires objects after a day, and keep it out of every consumer's grants.
   */
  readonly stagingPrefix: string;
  /** Secret key of KEYED_HASH: used by DuckDB in the unloader, never sent to Redshift. */
  readonly hashKey: string;
  /** The native hmac extension (see PostgresWarehouseConfig.duckdbHmacExtension); without it, DuckDB SQL. */
  readonly duckdbHmacExtension?: string | undefined;
  readonly maxFileBytes: number;
  readonly rowGroupSize: number;
  /** DuckDB memory_limit for the copy from staging, e.g. "512MB". */
  readonly memoryLimit: string;
  readonly tempDir: string;
  /** UNLOAD PARALLEL ON (one file per slice at once: faster on a large cluster) or OFF (one writer). */
  readonly parallel: boolean;
  readonly poll?: { readonly initialMs: number; readonly maxMs: number } | undefined;
  readonly now?: () => Date;
}

/** Redshift's manifest (MANIFEST VERBOSE), the fields read here. */
interface RedshiftManifest {
  readonly entries: readonly { readonly url: string; readonly meta?: { readonly record_count?: number } }[];
}

/** DuckDB types for the columns of an empty result, from the Data API's column metadata. */
function duckType(column: ColumnMetadata): string {
  const type = (column.typeName ?? "varchar").toLowerCase();
  if (/^(int8|bigint)$/.test(type)) return "BIGINT";
  if (/^(int4|integer|int)$/.test(type)) return "INTEGER";
  if (/^(int2|smallint)$/.test(type)) return "SMALLINT";
  if (/^(float8|double precision)$/.test(type)) return "DOUBLE";
  if (/^(float4|real)$/.test(type)) return "FLOAT";
  if (/^(bool|boolean)$/.test(type)) return "BOOLEAN";
  if (/^(numeric|decimal)$/.test(type)) return `DECIMAL(${column.precision ?? 38},${column.scale ?? 0})`;
  if (type === "timestamptz" || type === "timestamp with time zone") return "TIMESTAMPTZ";
  if (type.startsWith("timestamp")) return "TIMESTAMP";
  if (type === "date") return "DATE";
  if (type === "bytea" || type === "varbyte") return "BLOB";
  return "VARCHAR";
}

/**
 * Warehouse on Redshift, through the Data API. One transaction (BatchExecuteStatement) counts the classified
 * rows and UNLOADs them as Parquet to a private staging prefix, so the count and the files come from one snapshot
 * (checked against the UNLOAD manifest's record counts). The unloader then reads the staged files with DuckDB,
 * computes keyed hashes there (the key never reaches Redshift: not in a statement, its history or a UDF), and
 * writes the final files with the project's one Parquet writer under the seed's names, manifest last, as the
 * PostgreSQL adapter does. See docs/architecture.md ("Redshift: why UNLOAD to staging").
 */
export class RedshiftWarehouse implements Warehouse {
  readonly #config: RedshiftWarehouseConfig;
  readonly #runner: DataApiRunner;
  readonly #catalog: RedshiftCatalog;

  constructor(config: RedshiftWarehouseConfig) {
    if (config.hashKey.length < 16) throw invalidCommand("hashKey must be at least 16 characters");
    if (!/^[A-Za-z0-9_.-]+\/$/.test(config.stagingPrefix) || config.stagingPrefix.startsWith("."))
      throw invalidCommand(`invalid stagingPrefix ${JSON.stringify(config.stagingPrefix)} (e.g. _staging/)`);
    this.#config = config;
    this.#runner = new DataApiRunner(config.client, config.target, config.poll);
    this.#catalog = new RedshiftCatalog(this.#runner);
  }

  describeTable(schema: string, table: string): Promise<WarehouseColumn[]> {
    return this.#catalog.describeTable(schema, table);
  }

  async unload(command: UnloadTableCommand, options: UnloadOptions = {}): Promise<UnloadResult> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    validateUnloadCommand(command);
    const store = this.#config.objectStore;
    const columns = await this.describeTable(command.schema, command.table);
    const encodings = compressedColumnEncodings(command, columns);
    // A staging folder of its own per attempt: nothing to overwrite or clean before UNLOAD (neither ALLOWOVERWRITE
    // nor CLEANPATH), and a late attempt can never write into another's files.
    const staging = `${this.#config.stagingPrefix}${command.requestId}/${command.table}/${command.attempt}-${randomUUID().slice(0, 8)}/`;
    const statements = renderRedshiftUnload(command, {
      columns,
      hashKey: this.#config.hashKey,
      nativeHmac: this.#config.duckdbHmacExtension !== undefined,
      target: {
        s3Prefix: `s3://${store.bucket}/${staging}${command.fileBaseName}_`,
        iamRole: this.#config.iamRole,
        maxFileBytes: this.#config.maxFileBytes,
        parallel: this.#config.parallel,
      },
    });
    await mkdir(this.#config.tempDir, { recursive: true });
    const workDir = await mkdtemp(join(this.#config.tempDir, "redshift-"));
    try {
      // Session settings, the count, the column types of the result (for an empty one) and the UNLOAD: one
      // transaction, one snapshot.
      const ids = await this.#runner.batch(
        [
          ...redshiftSessionSettings,
          statements.count,
          `SELECT * FROM (${statements.select}) AS classified LIMIT 0`,
          statements.unload,
        ],
        { signal, secrets: statements.secrets, name: `data-exporter.unload.${command.table}` },
      );
      const [countId, shapeId] = ids.slice(redshiftSessionSettings.length);
      const sourceRows = Number(fieldText((await this.#runner.result(countId!, { signal })).records[0]?.[0]));
      const staged = await this.#stagedFiles(`${staging}${command.fileBaseName}_manifest`, sourceRows, signal);
      const local = await this.#copy(
        command,
        staged,
        workDir,
        statements.outer,
        encodingsMetadata(encodings),
        sourceRows,
        shapeId!,
        signal,
      );
      const now = (this.#config.now ?? (() => new Date()))();
      const ownPrefix = `${command.fileBaseName}_`;
      return await publishExport(store, {
        command,
        files: local,
        manifest: (files) => buildManifest(command, files, local.schema, now, encodings),
        isOwnDataFile: (name) => name.startsWith(ownPrefix) && /_(\d{3,})\.parquet$/.test(name) && !name.includes("/"),
        signal,
        beforeCommit: options.beforeCommit,
        serialize: options.serializePublish,
      });
    } finally {
      await rm(workDir, { recursive: true, force: true });
      // Best effort: the bucket's lifecycle rule on the staging prefix removes what a crash leaves.
      await store
        .list(staging)
        .then((objects) => store.deleteObjects(objects.map((o) => o.key)))
        .catch(() => undefined);
    }
  }

  /** The staged files the UNLOAD wrote, from its manifest, checked against the count of the same snapshot. */
  async #stagedFiles(manifestKeyOfUnload: string, sourceRows: number, signal?: AbortSignal): Promise<string[]> {
    const store = this.#config.objectStore;
    const manifest = JSON.parse(
      new TextDecoder().decode(await store.getObject(manifestKeyOfUnload, { signal })),
    ) as RedshiftManifest;
    const prefix = `s3://${store.bucket}/`;
    const keys = manifest.entries.map((entry) => {
      if (!entry.url.startsWith(prefix)) throw invalidCommand(`UNLOAD wrote outside the bucket: ${entry.url}`);
      return entry.url.slice(prefix.length);
    });
    const recorded = manifest.entries.reduce((sum, entry) => sum + (entry.meta?.record_count ?? 0), 0);
    if (recorded !== sourceRows) throw rowCountMismatch(sourceRows, recorded, "the UNLOAD manifest records");
    return keys;
  }

  /**
   * Downloads the staged files and writes the final ones with DuckDB: keyed hashes computed, split at
   * maxFileBytes, named {fileBaseName}_000.parquet, ... Every count is checked: source, copied, footers.
   */
  async #copy(
    command: UnloadTableCommand,
    stagedKeys: readonly string[],
    workDir: string,
    outer: string,
    kvMetadata: Readonly<Record<string, string>>,
    sourceRows: number,
    shapeId: string,
    signal?: AbortSignal,
  ): Promise<LocalDataFile[] & { schema: Awaited<ReturnType<typeof copyToParquet>>["schema"] }> {
    const store = this.#config.objectStore;
    const stagedDir = join(workDir, "staged");
    await mkdir(stagedDir, { recursive: true });
    const paths: string[] = [];
    for (const [index, key] of stagedKeys.entries()) {
      const path = join(stagedDir, `${index}.parquet`);
      await store.getFile(key, path, { signal });
      paths.push(path);
    }
    const hmacExtension = this.#config.duckdbHmacExtension;
    const duck = await openDuckDb({
      memoryLimit: this.#config.memoryLimit,
      spillDir: join(workDir, "spill"),
      allowUnsignedExtensions: hmacExtension !== undefined,
    });
    const onAbort = (): void => duck.connection.interrupt();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (hmacExtension !== undefined) await duck.connection.run(`LOAD ${duckString(hmacExtension)}`);
      let from: string;
      if (paths.length > 0) from = `read_parquet([${paths.map(duckString).join(", ")}])`;
      else {
        // Nothing was unloaded (no row): an empty table with the result's columns, so the export still has one
        // valid file with the schema, as with PostgreSQL.
        const { columns } = await this.#runner.result(shapeId, { signal });
        await duck.connection.run(
          `CREATE TABLE empty_result (${columns.map((c) => `${quoteIdentifier(c.name ?? "")} ${duckType(c)}`).join(", ")})`,
        );
        from = "empty_result";
      }
      const written = await copyToParquet(duck.connection, {
        select: `SELECT ${outer} FROM ${from}`,
        outDir: join(workDir, "out"),
        rowGroupSize: this.#config.rowGroupSize,
        maxFileBytes: this.#config.maxFileBytes,
        kvMetadata,
      });
      const footerRows = written.files.reduce((sum, f) => sum + f.rows, 0);
      if (written.files.length === 0) throw rowCountMismatch(sourceRows, 0, "no file was written, files hold");
      if (written.copiedRows !== sourceRows) throw rowCountMismatch(sourceRows, written.copiedRows, "the copy wrote");
      if (footerRows !== sourceRows) throw rowCountMismatch(sourceRows, footerRows, "the Parquet footers hold");
      const local: LocalDataFile[] = [];
      for (const [index, file] of written.files.entries()) {
        const key = dataFileKey(command, index);
        const path = join(workDir, "out", key.slice(command.outputPrefix.length));
        await rename(file.path, path);
        local.push({ path, file: { key, rows: file.rows } });
      }
      return Object.assign(local, { schema: written.schema });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (error instanceof WarehouseError) throw error;
      throw new WarehouseError(
        "PARQUET_WRITE",
        "UNKNOWN",
        `copying the staged files failed: ${(error as Error).message}`,
        {
          cause: error,
          retryable: true,
        },
      );
    } finally {
      signal?.removeEventListener("abort", onAbort);
      duck.close();
    }
  }

  close(): Promise<void> {
    this.#config.client.destroy?.();
    return Promise.resolve();
  }
}
