import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";

export interface ParquetFile {
  readonly rows: Record<string, unknown>[];
  readonly columns: string[];
  readonly rowGroups: number;
  /** The footer's key-value metadata. */
  readonly kvMetadata: Readonly<Record<string, string>>;
}

/**
 * Reads a Parquet file with hyparquet, a pure-JavaScript reader independent of the DuckDB writer, so a file that
 * only DuckDB could read would fail here. Binary columns (no UTF8 annotation) come back as bytes, not as text.
 */
export async function readParquet(bytes: Uint8Array): Promise<ParquetFile> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const rows = (await parquetReadObjects({ file, compressors, utf8: false })) as Record<string, unknown>[];
  const kvMetadata = Object.fromEntries((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? ""]));
  return { rows, columns, rowGroups: metadata.row_groups.length, kvMetadata };
}
