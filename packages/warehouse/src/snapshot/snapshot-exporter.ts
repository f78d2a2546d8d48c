import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type { SnapshotColumnType, SnapshotTable, UnloadTableCommand } from "@data-exporter/contracts";
import type { ObjectStore } from "@data-exporter/object-store";
import { abortError, rowCountMismatch, WarehouseError } from "../errors.js";
import { buildManifest } from "../manifest.js";
import { copyToParquet, openDuckDb } from "../parquet/duckdb-parquet.js";
import { publishExport, type LocalDataFile } from "../publish-export.js";
import type { TableExporter, UnloadOptions, UnloadResult } from "../warehouse.js";
import { validateSnapshotCommand } from "./snapshot-validation.js";

export interface SnapshotExporterConfig {
  readonly objectStore: ObjectStore;
  /** Local scratch directory: each export gets its own subdirectory, removed afterwards. */
  readonly tempDir: string;
  /** Clock for the manifest's createdAt. */
  readonly now?: () => Date;
}

/** Snapshots are configuration tables: one file each, far below this. */
const ONE_FILE = 1024 * 1024 * 1024;

function append(appender: DuckDBAppender, type: SnapshotColumnType, value: string | boolean | number | null): void {
  if (value === null) appender.appendNull();
  else if (type === "BOOLEAN") appender.appendBoolean(value as boolean);
  else if (type === "INTEGER") appender.appendInteger(value as number);
  else appender.appendVarchar(value as string);
}

/**
 * Exports the rows a command carries (the scheduled export's classifications snapshot) as `{prefix}{table}.parquet`
 * per table plus the manifest, through the same Parquet writer and publish steps as a warehouse unload. Values enter
 * DuckDB through a typed appender: no SQL is built from them.
 */
export class SnapshotExporter implements TableExporter {
  constructor(private readonly config: SnapshotExporterConfig) {}

  async unload(command: UnloadTableCommand, options: UnloadOptions = {}): Promise<UnloadResult> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const snapshot = validateSnapshotCommand(command);
    await mkdir(this.config.tempDir, { recursive: true });
    const workDir = await mkdtemp(join(this.config.tempDir, "snapshot-"));
    try {
      const local: LocalDataFile[] = [];
      const duck = await openDuckDb();
      try {
        for (const table of snapshot.tables) {
          if (signal?.aborted) throw abortError(signal);
          const path = await writeTable(duck.connection, table, workDir);
          const key = `${command.outputPrefix}${table.name}.parquet`;
          local.push({ path, file: { key, rows: table.rows.length } });
        }
      } catch (error) {
        if (error instanceof WarehouseError) throw error;
        throw new WarehouseError(
          "PARQUET_WRITE",
          "UNKNOWN",
          `writing the snapshot failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      } finally {
        duck.close();
      }
      const now = (this.config.now ?? (() => new Date()))();
      return await publishExport(this.config.objectStore, {
        command,
        files: local,
        manifest: (files) => buildManifest(command, files, [], now),
        isOwnDataFile: (name) => name.endsWith(".parquet") && !name.includes("/"),
        signal,
        beforeCommit: options.beforeCommit,
        serialize: options.serializePublish,
      });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
}

/** Loads one table into DuckDB and writes it as one Parquet file; returns its path. */
async function writeTable(connection: DuckDBConnection, table: SnapshotTable, workDir: string): Promise<string> {
  // Names were validated as plain lower-case identifiers.
  await connection.run(`CREATE TABLE ${table.name} (${table.columns.map((c) => `${c.name} ${c.type}`).join(", ")})`);
  const appender = await connection.createAppender(table.name);
  for (const row of table.rows) {
    table.columns.forEach((column, index) => append(appender, column.type, row[index] ?? null));
    appender.endRow();
  }
  appender.closeSync();
  const written = await copyToParquet(connection, {
    select: `SELECT * FROM ${table.name}`,
    outDir: join(workDir, table.name),
    rowGroupSize: 122_880,
    maxFileBytes: ONE_FILE,
  });
  const [file] = written.files;
  const rows = written.files.reduce((sum, f) => sum + f.rows, 0);
  if (file === undefined || written.files.length !== 1 || rows !== table.rows.length)
    throw rowCountMismatch(table.rows.length, rows, `the ${table.name} snapshot file holds`);
  const path = join(workDir, `${table.name}.parquet`);
  await rename(file.path, path);
  return path;
}
