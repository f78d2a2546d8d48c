import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { TextRow } from "./warehouse-harness.js";

/**
 * Reads Parquet bytes with DuckDB's reader (another path than any adapter's writer), every value as text, and the
 * type DuckDB reads each column as.
 */
export async function readParquet(bytes: Uint8Array): Promise<{ rows: TextRow[]; types: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), "wh-read-"));
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const connection = await instance.connect();
  try {
    const file = join(dir, "f.parquet");
    await writeFile(file, bytes);
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const types = Object.fromEntries(
      described.getRowObjectsJson().map((r) => [r["column_name"] as string, r["column_type"] as string]),
    );
    const names = Object.keys(types);
    const select = names.map((n) => `CAST("${n}" AS VARCHAR) AS "${n}"`).join(", ");
    const result = await connection.runAndReadAll(`SELECT ${select} FROM read_parquet('${file}')`);
    return { rows: result.getRowObjectsJson() as TextRow[], types };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rows in a stable order, to compare result sets whose order is not part of the contract. */
export const sortRows = (rows: readonly TextRow[]): TextRow[] =>
  [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
