import { SharingError } from "./errors.js";

/** What the manifest says of one exported Parquet column (packages/warehouse ParquetColumn). */
export interface ExportedColumn {
  readonly name: string;
  readonly physicalType: string;
  readonly logicalType: string | null;
  readonly convertedType: string | null;
  readonly precision: number | null;
  readonly scale: number | null;
  readonly nullable: boolean;
}

/** A field of a Delta table schema (Spark's StructField as JSON). */
export interface DeltaField {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, string>>;
}

const decimal = (column: ExportedColumn): string => `decimal(${column.precision ?? 38},${column.scale ?? 0})`;

const has = (column: ExportedColumn, logical: string, converted?: string): boolean =>
  (column.logicalType ?? "").startsWith(logical) ||
  (converted !== undefined && (column.convertedType ?? "").startsWith(converted));

/**
 * The Delta (Spark) type a Parquet column is read as: Spark's own Parquet mapping. Timestamps are `timestamp`
 * (instants; the exports write UTC-adjusted ones), unsigned 64-bit integers `decimal(20,0)`, and bytes without a text
 * annotation `binary`.
 */
export function deltaTypeOf(column: ExportedColumn): string {
  const isDecimal = has(column, "DecimalType", "DECIMAL");
  switch (column.physicalType) {
    case "BOOLEAN":
      return "boolean";
    case "INT32": {
      if (isDecimal) return decimal(column);
      if (has(column, "DateType", "DATE")) return "date";
      const logical = column.logicalType ?? "";
      const converted = column.convertedType ?? "";
      const bits = /bitWidth=(\d+)/.exec(logical)?.[1] ?? /^U?INT_(\d+)$/.exec(converted)?.[1];
      // As Spark reads them: an unsigned type is the next wider signed one, so its largest value fits (UINT_8 → short).
      const unsigned = /isSigned=0/.test(logical) || converted.startsWith("UINT_");
      if (bits === "8") return unsigned ? "short" : "byte";
      if (bits === "16") return unsigned ? "integer" : "short";
      return unsigned ? "long" : "integer";
    }
    case "INT64":
      if (isDecimal) return decimal(column);
      if (has(column, "TimestampType", "TIMESTAMP")) return "timestamp";
      if (/isSigned=0/.test(column.logicalType ?? "") || column.convertedType === "UINT_64") return "decimal(20,0)";
      return "long";
    case "INT96":
      return "timestamp";
    case "FLOAT":
      return "float";
    case "DOUBLE":
      return "double";
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY":
      if (isDecimal) return decimal(column);
      if (has(column, "StringType", "UTF8") || has(column, "EnumType", "ENUM") || has(column, "JsonType", "JSON"))
        return "string";
      return "binary";
    default:
      throw new SharingError(
        "INTERNAL_ERROR",
        `column ${column.name} has Parquet type ${column.physicalType}, which has no Delta type here`,
      );
  }
}

/**
 * The table's schema string: each exported column as Parquet has it, then the partition columns (which are not in
 * the files). `comments` become the fields' `comment` metadata (what Spark shows in DESCRIBE).
 */
export function deltaSchemaString(
  columns: readonly ExportedColumn[],
  partitionFields: readonly DeltaField[],
  comments: Readonly<Record<string, string>> = {},
): string {
  const fields: DeltaField[] = columns.map((column) => ({
    name: column.name,
    type: deltaTypeOf(column),
    nullable: column.nullable,
    metadata: comments[column.name] === undefined ? {} : { comment: comments[column.name] ?? "" },
  }));
  return JSON.stringify({ type: "struct", fields: [...fields, ...partitionFields] });
}
