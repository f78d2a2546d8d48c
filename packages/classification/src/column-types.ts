/** What a treatment needs to know about a column type. */
export type ColumnTypeFamily = "numeric" | "timestamp" | "other";

const numericTypes = new Set([
  "smallint",
  "integer",
  "int",
  "bigint",
  "int2",
  "int4",
  "int8",
  "numeric",
  "decimal",
  "real",
  "double precision",
  "float",
  "float4",
  "float8",
]);

// Dates are deliberately not timestamps: truncating a date to the hour changes nothing, so it would export raw.
const timestampTypes = new Set(["timestamp", "timestamp without time zone", "timestamp with time zone", "timestamptz"]);

/**
 * Family of a PostgreSQL/Redshift catalog type name. Modifiers such as `(10,2)` or `(3)` are ignored; arrays and
 * anything unrecognised are "other", so round and truncate_to_hour never apply to them.
 */
export function columnTypeFamily(type: string): ColumnTypeFamily {
  const normalised = type
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (normalised.endsWith("[]")) return "other";
  if (numericTypes.has(normalised)) return "numeric";
  if (timestampTypes.has(normalised)) return "timestamp";
  return "other";
}
