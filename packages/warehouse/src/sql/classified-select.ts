import type { ColumnProjection, UnloadTableCommand } from "@data-exporter/contracts";
import { validateUnloadCommand } from "../command-validation.js";
import { columnMismatch } from "../errors.js";
import type { WarehouseColumn } from "../warehouse.js";
import type { SqlDialect } from "./dialect.js";

/** The classified selection of one command in one dialect, and its count (same FROM and WHERE). */
export interface ClassifiedSelect {
  readonly select: string;
  readonly count: string;
}

export interface SelectOptions {
  /** The table's columns (from `describeTable`): used to check names and treatments and to keep types. */
  readonly columns: readonly WarehouseColumn[];
  readonly dialect: SqlDialect;
  /** ORDER BY the time column (see docs/parquet-path.md for the measurement). */
  readonly orderByTime?: boolean | undefined;
}

/**
 * Renders the classified SELECT and its COUNT for a validated command. KEYED_HASH columns come out as their text
 * form: the hash is computed outside the warehouse, so no key material is in the SQL. Throws on anything unsafe or
 * unknown.
 */
export function renderClassifiedSelect(command: UnloadTableCommand, options: SelectOptions): ClassifiedSelect {
  validateUnloadCommand(command);
  const d = options.dialect;
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
  if (command.timeColumn !== null && !d.isTimeType(typeOf(command.timeColumn, "timeColumn"))) {
    throw columnMismatch(`timeColumn ${command.timeColumn} is not a timestamp or date`, {
      column: command.timeColumn,
    });
  }

  const project = (column: ColumnProjection): string => {
    const type = typeOf(column.name, "column");
    const ref = d.quoteIdentifier(column.name);
    // CASE ... END drops a typmod (numeric(10,2) becomes numeric, which DuckDB reads as DOUBLE): cast back when the
    // type is a plain built-in name; otherwise the CASE still keeps the base type.
    const keepType = (expression: string): string =>
      d.isCastableType(type) ? `CAST(${expression} AS ${type})` : expression;
    const nullOfType = (): string => keepType(`CASE WHEN false THEN ${ref} END`);
    switch (column.treatment) {
      case "AS_IS":
        return ref;
      case "NULLIFY":
        return nullOfType();
      case "NULL_UNLESS_UNRESTRICTED_SOURCE":
        // Without a source column or with no unrestricted source, no row may keep the value: fail closed.
        if (filter.sourceColumn === null || filter.unrestrictedSources.length === 0) return nullOfType();
        return keepType(`CASE WHEN ${d.inList(filter.sourceColumn, filter.unrestrictedSources)} THEN ${ref} END`);
      case "KEYED_HASH":
        return d.textOf(ref);
      case "ROUND": {
        if (!d.isNumericType(type))
          throw columnMismatch(`ROUND on ${column.name} needs a numeric column, not ${type}`, {
            column: column.name,
          });
        const digits = column.roundDigits ?? 0;
        // A declared precision keeps the value a DECIMAL in Parquet; round() alone returns unconstrained numeric.
        // Negative digits round to tens, hundreds, ...: the result has no decimals.
        return `CAST(round(CAST(${ref} AS numeric), ${digits}) AS numeric(38, ${Math.max(0, digits)}))`;
      }
      case "TRUNCATE_TO_HOUR":
        if (!d.isTimeType(type))
          throw columnMismatch(`TRUNCATE_TO_HOUR on ${column.name} needs a timestamp, not ${type}`, {
            column: column.name,
          });
        return `date_trunc('hour', ${ref})`;
    }
  };
  const projection = command.columns.map((c) => `${project(c)} AS ${d.quoteIdentifier(c.name)}`);

  const where: string[] = [];
  if (command.timeColumn !== null) {
    const t = d.quoteIdentifier(command.timeColumn);
    where.push(`${t} >= ${d.timestampLiteral(command.windowStart)}`, `${t} < ${d.timestampLiteral(command.windowEnd)}`);
  }
  if (filter.sourceColumn !== null)
    where.push(filter.allowedSources.length === 0 ? "false" : d.inList(filter.sourceColumn, filter.allowedSources));
  if (filter.metricColumn !== null)
    where.push(filter.allowedMetrics.length === 0 ? "false" : d.inList(filter.metricColumn, filter.allowedMetrics));

  const from = `FROM ${d.quoteIdentifier(command.schema)}.${d.quoteIdentifier(command.table)}`;
  const whereSql = where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`;
  const order =
    options.orderByTime === true && command.timeColumn !== null
      ? ` ORDER BY ${d.quoteIdentifier(command.timeColumn)}`
      : "";
  return {
    select: `SELECT ${projection.join(", ")} ${from}${whereSql}${order}`,
    // The count needs no projection: the same FROM and WHERE give the same rows.
    count: `SELECT count(*) AS row_count ${from}${whereSql}`,
  };
}
