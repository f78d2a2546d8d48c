/** One leaf column of a Parquet file as its footer describes it; written to the manifest. */
export interface ParquetColumn {
  readonly name: string;
  /** Physical type: INT64, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, DOUBLE, ... */
  readonly physicalType: string;
  /** Parquet logical type as the footer states it (e.g. `TimestampType(isAdjustedToUTC=1, ...)`), null if none. */
  readonly logicalType: string | null;
  /** Legacy converted type (UTF8, DECIMAL, TIMESTAMP_MICROS, ...), null if none. */
  readonly convertedType: string | null;
  readonly precision: number | null;
  readonly scale: number | null;
  readonly nullable: boolean;
  /** The type DuckDB reads it back as (e.g. `TIMESTAMP WITH TIME ZONE`, `DECIMAL(10,2)`). */
  readonly readerType: string | null;
}
