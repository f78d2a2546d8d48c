import type { ColumnProjection, UnloadTableCommand } from "@data-exporter/contracts";
import { validateUnloadCommand } from "../command-validation.js";
import { columnMismatch } from "../errors.js";
import type { WarehouseColumn } from "../warehouse.js";
import { hmacSha256Pads } from "./postgres-keyed-hash.js";

/**
 * The queries of one unload. `select` and `count` run in PostgreSQL; `outer` is the DuckDB projection over the
 * select's rows, where KEYED_HASH is computed, so key material never reaches the warehouse (its logs,
 * pg_stat_activity, Redshift's query history). `secrets` lists the key-derived strings inside `outer`, for redaction.
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

/** Double-quoted identifier; callers pass only validated identifiers, the escaping is a second line of defence. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

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

/**
 * Exact match on the text form in the "C" collation: a citext or case-insensitive column, or a numeric one ('01'
 * = 1), would otherwise let values the rules never named through.
 */
function inList(column: string, values: readonly string[]): string {
  return `CAST(${quoteIdentifier(column)} AS text) COLLATE "C" IN (${values.map(quoteLiteral).join(", ")})`;
}

/** Renders the classified SELECT and its COUNT for a validated command. Throws on anything unsafe or unknown. */
export function renderUnloadQueries(command: UnloadTableCommand, options: RenderOptions): PostgresUnloadQueries {
  validateUnloadCommand(command);
  const types = new Map(options.columns.map((c) => [c.name, c.type]));
  const typeOf = (name: string, role: string): string => {
    const type = types.get(name);
    if (type === undefined) {
      throw columnMismatch(`${role} ${name} does not exist in ${command.schema}.${command.table}`, {
        column: name,
        role,
      });
    }
    return type;
  };
  const filter = command.rowFilter;
  if (filter.sourceColumn !== null) typeOf(filter.sourceColumn, "sourceColumn");
  if (filter.metricColumn !== null) typeOf(filter.metricColumn, "metricColumn");
  if (command.timeColumn !== null && !TIME_TYPE.test(typeOf(command.timeColumn, "timeColumn"))) {
    throw columnMismatch(`timeColumn ${command.timeColumn} is not a timestamp or date`, {
      column: command.timeColumn,
    });
  }

  const pads = hmacSha256Pads(options.hashKey);
  const project = (column: ColumnProjection): string => {
    const type = typeOf(column.name, "column");
    const ref = quoteIdentifier(column.name);
    // CASE ... END drops a typmod (numeric(10,2) becomes numeric, which DuckDB reads as DOUBLE): cast back when the
    // type is a plain built-in name; otherwise the CASE still keeps the base type.
    const keepType = (expression: string): string =>
      CASTABLE_TYPE.test(type) ? `CAST(${expression} AS ${type})` : expression;
    const nullOfType = (): string => keepType(`CASE WHEN false THEN ${ref} END`);
    switch (column.treatment) {
      case "AS_IS":
        return ref;
      case "NULLIFY":
        return nullOfType();
      case "NULL_UNLESS_UNRESTRICTED_SOURCE":
        // Without a source column or with no unrestricted source, no row may keep the value: fail closed.
        if (filter.sourceColumn === null || filter.unrestrictedSources.length === 0) return nullOfType();
        return keepType(`CASE WHEN ${inList(filter.sourceColumn, filter.unrestrictedSources)} THEN ${ref} END`);
      case "KEYED_HASH":
        // Only the text form leaves PostgreSQL; DuckDB hashes it (see `outer`).
        return `CAST(${ref} AS text)`;
      case "ROUND": {
        if (!NUMERIC_TYPE.test(type))
          throw columnMismatch(`ROUND on ${column.name} needs a numeric column, not ${type}`, {
            column: column.name,
          });
        const digits = column.roundDigits ?? 0;
        // A declared precision keeps the value a DECIMAL in Parquet; round() alone returns unconstrained numeric.
        // Negative digits round to tens, hundreds, ...: the result has no decimals.
        return `CAST(round(CAST(${ref} AS numeric), ${digits}) AS numeric(38, ${Math.max(0, digits)}))`;
      }
      case "TRUNCATE_TO_HOUR":
        if (!TIME_TYPE.test(type))
          throw columnMismatch(`TRUNCATE_TO_HOUR on ${column.name} needs a timestamp, not ${type}`, {
            column: column.name,
          });
        return `date_trunc('hour', ${ref})`;
    }
  };
  const projection = command.columns.map((c) => `${project(c)} AS ${quoteIdentifier(c.name)}`);
  // HMAC-SHA256(k, m) = H((k ^ opad) || H((k ^ ipad) || m)), in DuckDB over the UTF-8 text form; NULL stays NULL.
  const outer = command.columns.map((c) => {
    const ref = quoteIdentifier(c.name);
    return c.treatment === "KEYED_HASH"
      ? `sha256(unhex('${pads.outerHex}') || unhex(sha256(unhex('${pads.innerHex}') || encode(${ref})))) AS ${ref}`
      : ref;
  });

  const where: string[] = [];
  if (command.timeColumn !== null) {
    const t = quoteIdentifier(command.timeColumn);
    where.push(`${t} >= ${timestampLiteral(command.windowStart)}`, `${t} < ${timestampLiteral(command.windowEnd)}`);
  }
  if (filter.sourceColumn !== null)
    where.push(filter.allowedSources.length === 0 ? "false" : inList(filter.sourceColumn, filter.allowedSources));
  if (filter.metricColumn !== null)
    where.push(filter.allowedMetrics.length === 0 ? "false" : inList(filter.metricColumn, filter.allowedMetrics));

  const from = `FROM ${quoteIdentifier(command.schema)}.${quoteIdentifier(command.table)}`;
  const whereSql = where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`;
  const order =
    options.orderByTime === true && command.timeColumn !== null
      ? ` ORDER BY ${quoteIdentifier(command.timeColumn)}`
      : "";
  return {
    select: `SELECT ${projection.join(", ")} ${from}${whereSql}${order}`,
    // The count needs no projection: the same FROM and WHERE give the same rows.
    count: `SELECT count(*) AS row_count ${from}${whereSql}`,
    outer: outer.join(", "),
    secrets: [pads.innerHex, pads.outerHex],
  };
}
