import { MAX_VARCHAR_BYTES } from "./errors.js";

/** A result column as PostgreSQL describes it, with its type's and table's names looked up. */
export interface ResultColumn {
  readonly name: string;
  /** pg_type.typname: int4, varchar, numeric, ... */
  readonly typeName: string;
  /** The type modifier (-1 when none): VARCHAR's length + 4, NUMERIC's (precision << 16 | scale) + 4. */
  readonly typeModifier: number;
  /** "" for a computed column, as the Data API reports it. */
  readonly schemaName: string;
  readonly tableName: string;
}

/** One value of GetStatementResult's `Records` (a tagged union on the wire). */
export type Field =
  | { readonly isNull: true }
  | { readonly booleanValue: boolean }
  | { readonly longValue: number }
  | { readonly doubleValue: number }
  | { readonly stringValue: string };

export interface ColumnMetadata {
  readonly isCaseSensitive: boolean;
  readonly isCurrency: boolean;
  readonly isSigned: boolean;
  readonly label: string;
  readonly name: string;
  readonly nullable: number;
  readonly precision: number;
  readonly scale: number;
  readonly schemaName: string;
  readonly tableName: string;
  readonly typeName: string;
  readonly length: number;
}

const integerTypes = new Set(["int2", "int4", "int8", "oid"]);
const floatTypes = new Set(["float4", "float8"]);
const characterTypes = new Set(["text", "varchar", "bpchar", "name"]);

/** PostgreSQL type names Redshift spells otherwise (Redshift has no TEXT: it is VARCHAR there). */
const redshiftTypeName = (typeName: string): string => (typeName === "text" ? "varchar" : typeName);

/**
 * Converts one value, given as PostgreSQL's text form, the way the Data API types it: integers as `longValue`,
 * REAL/DOUBLE PRECISION as `doubleValue`, BOOLEAN as `booleanValue`, NULL as `isNull`, everything else (NUMERIC,
 * dates and times, character types) as `stringValue` in its text form.
 */
export function toField(column: ResultColumn, value: string | null): Field {
  if (value === null) return { isNull: true };
  if (integerTypes.has(column.typeName)) return { longValue: Number(value) };
  if (floatTypes.has(column.typeName)) {
    const n = Number(value);
    // JSON has no NaN or infinities.
    return Number.isFinite(n) ? { doubleValue: n } : { stringValue: value };
  }
  if (column.typeName === "bool") return { booleanValue: value === "t" };
  return { stringValue: value };
}

function dimensions(column: ResultColumn): { precision: number; scale: number } {
  const mod = column.typeModifier;
  switch (column.typeName) {
    case "int2":
      return { precision: 5, scale: 0 };
    case "int4":
    case "oid":
      return { precision: 10, scale: 0 };
    case "int8":
      return { precision: 19, scale: 0 };
    case "float4":
      return { precision: 8, scale: 8 };
    case "float8":
      return { precision: 17, scale: 17 };
    case "bool":
      return { precision: 1, scale: 0 };
    case "numeric":
      return mod > 4
        ? { precision: ((mod - 4) >> 16) & 0xffff, scale: (mod - 4) & 0xffff }
        : { precision: 0, scale: 0 };
    case "varchar":
    case "bpchar":
      return { precision: mod > 4 ? mod - 4 : MAX_VARCHAR_BYTES, scale: 0 };
    case "text":
      return { precision: MAX_VARCHAR_BYTES, scale: 0 };
    case "date":
      return { precision: 13, scale: 0 };
    case "timestamp":
      return { precision: 29, scale: 6 };
    case "timestamptz":
      return { precision: 35, scale: 6 };
    default:
      return { precision: 0, scale: 0 };
  }
}

/** ColumnMetadata as the Data API returns it (JDBC-style precision; typeName is the type's internal name). */
export function toColumnMetadata(column: ResultColumn): ColumnMetadata {
  return {
    isCaseSensitive: characterTypes.has(column.typeName),
    isCurrency: false,
    isSigned: integerTypes.has(column.typeName) || floatTypes.has(column.typeName) || column.typeName === "numeric",
    label: column.name,
    name: column.name,
    nullable: 1,
    ...dimensions(column),
    schemaName: column.schemaName,
    tableName: column.tableName,
    typeName: redshiftTypeName(column.typeName),
    length: 0,
  };
}

/** The first character value over Redshift's 65,535-byte VARCHAR limit, if any. */
export function findOverlongValue(
  columns: readonly ResultColumn[],
  rows: readonly (readonly (string | null)[])[],
): { column: string; bytes: number } | undefined {
  const checked = columns.flatMap((c, i) => (characterTypes.has(c.typeName) ? [i] : []));
  if (checked.length === 0) return undefined;
  for (const row of rows) {
    for (const i of checked) {
      const value = row[i];
      // A character takes at most 4 bytes in UTF-8: shorter strings cannot be too long.
      if (value === null || value === undefined || value.length * 4 <= MAX_VARCHAR_BYTES) continue;
      const bytes = Buffer.byteLength(value, "utf8");
      if (bytes > MAX_VARCHAR_BYTES) return { column: columns[i]?.name ?? String(i), bytes };
    }
  }
  return undefined;
}
