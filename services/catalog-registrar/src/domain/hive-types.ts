import type { ParquetColumn } from "@data-exporter/warehouse";
import { UnmappableColumnError } from "../errors.js";

/** A column as the Glue Data Catalog holds it: Hive type names, which Athena reads the Parquet files with. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

/** Binary columns whose bytes are compressed text (the manifest's `columnEncodings`). */
export type CompressedColumns = Readonly<Record<string, { readonly encoding: string; readonly decodesTo: string }>>;

/**
 * The Hive type Athena reads a Parquet leaf column as. The logical type (newer writers) wins over the legacy
 * converted type; the physical type decides when neither says more. A type Athena cannot read throws
 * UnmappableColumnError rather than registering a column every query would fail on.
 */
export function hiveTypeOf(column: ParquetColumn): string {
  const logical = column.logicalType ?? "";
  const converted = column.convertedType ?? "";
  const is = (logicalName: string, convertedName?: string): boolean =>
    logical.startsWith(logicalName) || (convertedName !== undefined && converted === convertedName);

  if (is("DecimalType", "DECIMAL")) return decimalOf(column, logical);
  switch (column.physicalType) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
      if (is("DateType", "DATE")) return "date";
      if (is("TimeType", "TIME_MILLIS")) return unmappable(column, "a time of day");
      if (/bitWidth=8\b/.test(logical) || converted === "INT_8" || converted === "UINT_8") return "tinyint";
      if (/bitWidth=16\b/.test(logical) || converted === "INT_16" || converted === "UINT_16") return "smallint";
      return /isSigned=0\b/.test(logical) || converted === "UINT_32" ? "bigint" : "int";
    case "INT64":
      if (is("TimestampType", "TIMESTAMP_MICROS") || converted === "TIMESTAMP_MILLIS") return "timestamp";
      if (is("TimeType", "TIME_MICROS")) return unmappable(column, "a time of day");
      if (/isSigned=0\b/.test(logical) || converted === "UINT_64") return "decimal(20,0)";
      return "bigint";
    case "INT96":
      return "timestamp";
    case "FLOAT":
      return "float";
    case "DOUBLE":
      return "double";
    case "BYTE_ARRAY":
      if (is("StringType", "UTF8") || is("EnumType", "ENUM") || is("JsonType", "JSON")) return "string";
      return "binary";
    case "FIXED_LEN_BYTE_ARRAY":
      return "binary";
    default:
      return unmappable(column, `physical type ${column.physicalType}`);
  }
}

/** The catalog's columns for an exported schema, compressed binary columns commented with how to decode them. */
export function catalogColumnsOf(
  schema: readonly ParquetColumn[],
  compressed: CompressedColumns = {},
): CatalogColumn[] {
  return schema.map((column) => {
    const type = hiveTypeOf(column);
    const encoding = compressed[column.name];
    return encoding === undefined
      ? { name: column.name.toLowerCase(), type }
      : { name: column.name.toLowerCase(), type, comment: `${encoding.encoding}-compressed ${encoding.decodesTo}` };
  });
}

function decimalOf(column: ParquetColumn, logical: string): string {
  const fromLogical = (key: string): number | null => {
    const match = new RegExp(`${key}=(\\d+)`).exec(logical);
    return match ? Number(match[1]) : null;
  };
  const precision = column.precision ?? fromLogical("precision");
  const scale = column.scale ?? fromLogical("scale") ?? 0;
  if (precision === null || precision < 1 || precision > 38) return unmappable(column, "a decimal without precision");
  return `decimal(${precision},${scale})`;
}

function unmappable(column: ParquetColumn, what: string): never {
  throw new UnmappableColumnError(column.name, what);
}
