import type { UnloadTableCommand } from "@data-exporter/contracts";
import { keyedHashProjection } from "../parquet/keyed-hash.js";
import { renderClassifiedSelect } from "../sql/classified-select.js";
import { quoteIdentifier, type SqlDialect } from "../sql/dialect.js";
import type { WarehouseColumn } from "../warehouse.js";

export { quoteIdentifier };

/**
 * The queries of one unload. `select` and `count` run in PostgreSQL; `outer` is the DuckDB projection over the
 * select's rows, where KEYED_HASH is computed, so key material never reaches the warehouse (its logs,
 * pg_stat_activity). `secrets` lists the key-derived strings inside `outer`, for redaction.
 */
export interface PostgresUnloadQueries {
  readonly select: string;
  readonly count: string;
  readonly outer: string;
  readonly secrets: readonly string[];
}

export interface RenderOptions {
  /** The table's columns (from `describeTable`): used to check names and treatments and to keep types. */
  readonly columns: readonly WarehouseColumn[];
  /** Secret key of KEYED_HASH. */
  readonly hashKey: string;
  /** ORDER BY the time column (see docs/parquet-path.md for the measurement). */
  readonly orderByTime?: boolean;
  /** KEYED_HASH by the native hmac extension's function (loaded in the DuckDB that runs `outer`). */
  readonly nativeHmac?: boolean;
}

/**
 * Session settings applied (SET LOCAL) in the export transaction. They fix everything the classified SELECT's
 * result depends on: date_trunc('hour') of a timestamptz and text forms hashed by KEYED_HASH.
 */
export const postgresSessionSettings: readonly string[] = [
  "SET LOCAL TIME ZONE 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  "SET LOCAL extra_float_digits = 1",
];

/**
 * String literal that means the same whatever `standard_conforming_strings` is: the E'' form with backslashes and
 * quotes escaped.
 */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new RangeError("NUL cannot be part of a PostgreSQL string");
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/** Exact conversion of epoch milliseconds: integer arithmetic on an interval, no floating point. */
export function timestampLiteral(epochMs: number): string {
  if (!Number.isSafeInteger(epochMs)) throw new RangeError("epoch milliseconds must be a safe integer");
  return `(TIMESTAMPTZ 'epoch' + ${epochMs} * INTERVAL '1 millisecond')`;
}

// Types from format_type() that are safe to paste into a CAST: lowercase words, an optional (p) or (p,s), arrays.
const CASTABLE_TYPE = /^[a-z][a-z0-9_ ]*(\(\d{1,4}(,\d{1,4})?\))?[a-z ]*(\[\])?$/;
const NUMERIC_TYPE = /^(smallint|integer|bigint|numeric|real|double precision)\b/;
const TIME_TYPE = /^(timestamp|date)\b/;

export const postgresDialect: SqlDialect = {
  name: "postgres",
  quoteIdentifier,
  quoteLiteral,
  timestampLiteral,
  textOf: (ref) => `CAST(${ref} AS text)`,
  // Exact match on the text form in the "C" collation: a citext or case-insensitive column, or a numeric one
  // ('01' = 1), would otherwise let values the rules never named through.
  inList: (column, values) =>
    `CAST(${quoteIdentifier(column)} AS text) COLLATE "C" IN (${values.map(quoteLiteral).join(", ")})`,
  isCastableType: (type) => CASTABLE_TYPE.test(type),
  isNumericType: (type) => NUMERIC_TYPE.test(type),
  isTimeType: (type) => TIME_TYPE.test(type),
};

/** Renders the classified SELECT, its COUNT and the DuckDB projection that hashes, for a validated command. */
export function renderUnloadQueries(command: UnloadTableCommand, options: RenderOptions): PostgresUnloadQueries {
  const { select, count } = renderClassifiedSelect(command, {
    columns: options.columns,
    dialect: postgresDialect,
    orderByTime: options.orderByTime,
  });
  const { outer, secrets } = keyedHashProjection(
    command.columns,
    options.hashKey,
    quoteIdentifier,
    options.nativeHmac ?? false,
  );
  return { select, count, outer, secrets };
}
