import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { ParquetColumn } from "../parquet-schema.js";

export interface DuckDbSettings {
  readonly memoryLimit?: string | undefined;
  /** Where DuckDB spills when a query outgrows memoryLimit. */
  readonly spillDir?: string | undefined;
  /**
   * Lets the instance LOAD extensions without DuckDB's signature: only for the hmac extension built from this
   * repository's sources (dev/stack/duckdb-hmac-extension.ts says why that is acceptable); set at creation only.
   */
  readonly allowUnsignedExtensions?: boolean | undefined;
}

/** One Parquet file DuckDB wrote; rows come from the file's own footer (read back), not from the writer's count. */
export interface WrittenParquetFile {
  readonly path: string;
  readonly rows: number;
}

export interface ParquetCopyResult {
  /** Rows DuckDB's COPY says it wrote. */
  readonly copiedRows: number;
  /** In write order. */
  readonly files: readonly WrittenParquetFile[];
  /** The first file's leaf columns (every file of one COPY has the same schema). */
  readonly schema: readonly ParquetColumn[];
}

/** DuckDB string literal (no backslash escapes in standard strings: doubling quotes is the whole escaping). */
export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export type DuckRow = Record<string, unknown>;

export async function readRows(connection: DuckDBConnection, sql: string): Promise<DuckRow[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

/**
 * An in-memory DuckDB with one thread (two fight a co-located PostgreSQL backend for two cores, see
 * docs/parquet-path.md) and extension autoloading off: nothing may be downloaded at run time.
 */
export async function openDuckDb(
  settings: DuckDbSettings = {},
): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await createDuckDbInstance(settings);
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (error) {
    instance.closeSync();
    throw error;
  }
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The instance openDuckDb opens, for callers that keep one and open connections on it. */
export function createDuckDbInstance(settings: DuckDbSettings = {}): Promise<DuckDBInstance> {
  return DuckDBInstance.create(":memory:", {
    threads: "1",
    ...(settings.memoryLimit === undefined ? {} : { memory_limit: settings.memoryLimit }),
    ...(settings.spillDir === undefined ? {} : { temp_directory: settings.spillDir }),
    ...(settings.allowUnsignedExtensions === true ? { allow_unsigned_extensions: "true" } : {}),
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
}

/** Page compression codecs the writer offers: zstd for the exporter's files, snappy where Redshift's are mimicked. */
export type ParquetCompression = "zstd" | "snappy";

export interface ParquetCopyParams {
  readonly select: string;
  /** Directory DuckDB creates and writes `data_<n>.parquet` into. */
  readonly outDir: string;
  readonly rowGroupSize: number;
  readonly maxFileBytes: number;
  /** Default zstd. */
  readonly compression?: ParquetCompression | undefined;
  /** File-level key-value metadata written into every file's footer. */
  readonly kvMetadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * The one Parquet writer of the project: `COPY (<select>) TO <outDir>` as Parquet (zstd unless told otherwise) split
 * at `maxFileBytes`, then each file's row count and the schema read back from the footers, so what is reported is
 * what a reader sees.
 */
export async function copyToParquet(
  connection: DuckDBConnection,
  params: ParquetCopyParams,
): Promise<ParquetCopyResult> {
  const compression = params.compression ?? "zstd";
  const kv = Object.entries(params.kvMetadata ?? {});
  const kvOption =
    kv.length === 0 ? "" : `, KV_METADATA {${kv.map(([k, v]) => `${duckString(k)}: ${duckString(v)}`).join(", ")}}`;
  const stats = await readRows(
    connection,
    `COPY (${params.select}) TO ${duckString(params.outDir)} ` +
      `(FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${Math.trunc(params.rowGroupSize)}, ` +
      `FILE_SIZE_BYTES ${Math.trunc(params.maxFileBytes)}${kvOption}, RETURN_STATS)`,
  );
  const ordered = stats
    .map((s) => ({ path: String(s["filename"]), copied: Number(s["count"]) }))
    .sort((x, y) => fileIndex(x.path) - fileIndex(y.path));
  const files: WrittenParquetFile[] = [];
  for (const file of ordered) {
    const [meta] = await readRows(connection, `SELECT num_rows FROM parquet_file_metadata(${duckString(file.path)})`);
    files.push({ path: file.path, rows: Number(meta?.["num_rows"]) });
  }
  const first = files[0];
  return {
    copiedRows: ordered.reduce((sum, f) => sum + f.copied, 0),
    files,
    schema: first === undefined ? [] : await readSchema(connection, first.path),
  };
}

function fileIndex(path: string): number {
  const match = /_(\d+)\.parquet$/.exec(path);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

async function readSchema(connection: DuckDBConnection, path: string): Promise<ParquetColumn[]> {
  const schema = await readRows(
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
