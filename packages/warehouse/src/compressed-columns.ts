import type { UnloadTableCommand } from "@data-exporter/contracts";
import type { WarehouseColumn } from "./warehouse.js";

/**
 * Redshift cannot hold a string over 65,535 bytes, so upstream rounds long values (GeoJSON features, paths) and
 * gzips them into binary `<name>_compressed` columns. They are exported as they are (Parquet BYTE_ARRAY, never text,
 * never truncated), and each file says how to decode them in its key-value metadata under this key.
 */
export const columnEncodingsKey = "data_exporter.column_encodings";
export const compressedSuffix = "_compressed";

export interface ColumnEncoding {
  /** How the bytes were produced: gunzip them to get the original value. */
  readonly encoding: "gzip";
  /** What gunzip gives back. */
  readonly decodesTo: "utf-8 text";
}

export type ColumnEncodings = Readonly<Record<string, ColumnEncoding>>;

const binaryTypes = /^(bytea|varbyte|varbinary|binary varying|binary)\b/i;

/**
 * The exported columns that hold compressed values: binary, named `*_compressed`, and exported as bytes (a keyed hash
 * turns them into text that is no longer gzip).
 */
export function compressedColumnEncodings(
  command: Pick<UnloadTableCommand, "columns">,
  tableColumns: readonly WarehouseColumn[],
): ColumnEncodings {
  const types = new Map(tableColumns.map((c) => [c.name, c.type]));
  const encodings: Record<string, ColumnEncoding> = {};
  for (const column of command.columns) {
    const type = types.get(column.name) ?? "";
    if (column.name.endsWith(compressedSuffix) && binaryTypes.test(type) && column.treatment !== "KEYED_HASH")
      encodings[column.name] = { encoding: "gzip", decodesTo: "utf-8 text" };
  }
  return encodings;
}

/** The Parquet key-value metadata that states the encodings (none when no column is compressed). */
export function encodingsMetadata(encodings: ColumnEncodings): Record<string, string> {
  return Object.keys(encodings).length === 0 ? {} : { [columnEncodingsKey]: JSON.stringify(encodings) };
}
