import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBAppender } from "@duckdb/node-api";
import type { SnapshotTable, SnapshotValue } from "../domain/classification-snapshot.js";
import { PlannerError } from "../errors.js";

export interface WrittenFile {
  readonly name: string;
  readonly path: string;
  readonly rows: number;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function append(appender: DuckDBAppender, type: SnapshotTable["columns"][number]["type"], value: SnapshotValue): void {
  if (value === null) return appender.appendNull();
  if (type === "BOOLEAN" && typeof value === "boolean") return appender.appendBoolean(value);
  if (type === "INTEGER" && typeof value === "number") return appender.appendInteger(value);
  if (type === "VARCHAR" && typeof value === "string") return appender.appendVarchar(value);
  throw new PlannerError("PARQUET_WRITE", `a ${typeof value} value in a ${type} column`);
}

/**
 * Writes each table to `{dir}/{name}.parquet` (zstd) with an in-memory DuckDB: typed columns through an appender,
 * no SQL built from values. Small tables only (the configuration), so everything stays in memory.
 */
export async function writeParquetTables(tables: readonly SnapshotTable[], dir: string): Promise<WrittenFile[]> {
  await mkdir(dir, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:", {
    threads: "1",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const connection = await instance.connect();
  try {
    const written: WrittenFile[] = [];
    for (const table of tables) {
      const names = [table.name, ...table.columns.map((c) => c.name)];
      const bad = names.find((name) => !identifier.test(name));
      if (bad !== undefined) throw new PlannerError("PARQUET_WRITE", `not a plain identifier: ${JSON.stringify(bad)}`);
      await connection.run(
        `CREATE TABLE ${table.name} (${table.columns.map((c) => `${c.name} ${c.type}`).join(", ")})`,
      );
      const appender = await connection.createAppender(table.name);
      for (const row of table.rows) {
        table.columns.forEach((column, index) => append(appender, column.type, row[index] ?? null));
        appender.endRow();
      }
      appender.closeSync();
      const path = join(dir, `${table.name}.parquet`);
      await connection.run(`COPY ${table.name} TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      written.push({ name: table.name, path, rows: table.rows.length });
    }
    return written;
  } catch (error) {
    if (error instanceof PlannerError) throw error;
    throw new PlannerError("PARQUET_WRITE", `writing the classification snapshot failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
