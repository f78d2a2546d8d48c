import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";

export interface ParquetFile {
  readonly rows: Record<string, unknown>[];
  readonly columns: string[];
  readonly rowGroups: number;
}

/**
 * Reads a Parquet file with hyparquet, a pure-JavaScript reader independent of the DuckDB writer, so a file that
 * only DuckDB could read would fail here.
 */
export async function readParquet(bytes: Uint8Array): Promise<ParquetFile> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const rows = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  return { rows, columns, rowGroups: metadata.row_groups.length };
}
