import type { UnloadTableCommand } from "@data-exporter/contracts";
import { invalidCommand } from "../errors.js";
import { keyedHashProjection } from "../parquet/keyed-hash.js";
import { renderClassifiedSelect } from "../sql/classified-select.js";
import { quoteIdentifier, type SqlDialect } from "../sql/dialect.js";
import type { WarehouseColumn } from "../warehouse.js";

/**
 * A Redshift string literal. Redshift reads a backslash in a literal as an escape (as PostgreSQL does with
 * standard_conforming_strings off), so both backslashes and quotes are doubled.
 */
export function redshiftLiteral(value: string): string {
  if (value.includes("\u0000")) throw new RangeError("NUL cannot be part of a Redshift string");
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/** An exact instant from epoch milliseconds as an ISO literal (Redshift has no exact interval arithmetic on ms). */
export function redshiftTimestamp(epochMs: number): string {
  if (!Number.isSafeInteger(epochMs)) throw new RangeError("epoch milliseconds must be a safe integer");
  const iso = new Date(epochMs).toISOString(); // 2026-01-01T00:00:00.123Z
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) throw new RangeError(`no four-digit-year timestamp for ${epochMs}`);
  return `CAST('${iso.replace("T", " ").replace("Z", "+00")}' AS TIMESTAMPTZ)`;
}

/** Redshift's TEXT is VARCHAR(256): a value's full text form needs the widest VARCHAR. */
const TEXT = "VARCHAR(65535)";
const CASTABLE_TYPE = /^[a-z][a-z0-9_ ]*(\(\d{1,5}(,\d{1,4})?\))?[a-z ]*$/;
const NUMERIC_TYPE = /^(smallint|integer|bigint|numeric|real|double precision)\b/;
const TIME_TYPE = /^(timestamp|date)\b/;

/**
 * The classified selection in SQL that means the same on Redshift and on PostgreSQL (the local Data API emulator
 * runs it there): no E'' strings, no COLLATE (Redshift compares case-sensitively by default), VARCHAR(65535) for
 * text forms, ISO literals for the window.
 */
export const redshiftDialect: SqlDialect = {
  name: "redshift",
  quoteIdentifier,
  quoteLiteral: redshiftLiteral,
  timestampLiteral: redshiftTimestamp,
  textOf: (ref) => `CAST(${ref} AS ${TEXT})`,
  inList: (column, values) =>
    `CAST(${quoteIdentifier(column)} AS ${TEXT}) IN (${values.map(redshiftLiteral).join(", ")})`,
  isCastableType: (type) => CASTABLE_TYPE.test(type),
  isNumericType: (type) => NUMERIC_TYPE.test(type),
  isTimeType: (type) => TIME_TYPE.test(type),
};

/**
 * Session settings run before the count and the UNLOAD in the same transaction: they fix what the selection's
 * result depends on (the hour a timestamptz is truncated to, text forms that are hashed).
 */
export const redshiftSessionSettings: readonly string[] = [
  "SET timezone TO 'UTC'",
  "SET datestyle TO 'ISO, YMD'",
  "SET extra_float_digits TO 1",
];

export interface UnloadTarget {
  /** s3://bucket/prefix/{base}_: Redshift appends 000, 001, ... (PARALLEL OFF) or 0000_part_00, ... (ON). */
  readonly s3Prefix: string;
  readonly iamRole: string;
  readonly maxFileBytes: number;
  /** PARALLEL ON: one file per slice at once, faster on a large cluster; OFF: one writer, names 000, 001, ... */
  readonly parallel: boolean;
}

export interface RedshiftUnloadStatements {
  readonly count: string;
  readonly unload: string;
  /** The select inside the UNLOAD, unescaped: what Redshift runs. */
  readonly select: string;
  /** DuckDB's projection over the unloaded rows, where KEYED_HASH is computed (key material: never sent). */
  readonly outer: string;
  readonly secrets: readonly string[];
}

/** Escapes a query for UNLOAD ('...'): it is itself a string literal, read with the same rules as any other. */
export function unloadQueryLiteral(query: string): string {
  return redshiftLiteral(query);
}

const MB = 1024 * 1024;
// Redshift accepts MAXFILESIZE from 5 MB to 6.2 GB.
const MIN_MB = 5;
const MAX_MB = 6200;

/** The count and the UNLOAD of one command, for one transaction (BatchExecuteStatement). */
export function renderRedshiftUnload(
  command: UnloadTableCommand,
  options: { columns: readonly WarehouseColumn[]; hashKey: string; target: UnloadTarget; nativeHmac?: boolean },
): RedshiftUnloadStatements {
  const { select, count } = renderClassifiedSelect(command, { columns: options.columns, dialect: redshiftDialect });
  const { target } = options;
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^'\\\s]+$/.test(target.s3Prefix))
    throw invalidCommand(`invalid UNLOAD target ${JSON.stringify(target.s3Prefix).slice(0, 120)}`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(target.iamRole))
    throw invalidCommand("invalid IAM_ROLE (an arn:aws:iam::<account>:role/<name>)");
  const maxMb = Math.min(MAX_MB, Math.max(MIN_MB, Math.ceil(target.maxFileBytes / MB)));
  const unload = [
    `UNLOAD (${unloadQueryLiteral(select)})`,
    `TO '${target.s3Prefix}'`,
    `IAM_ROLE '${target.iamRole}'`,
    "FORMAT AS PARQUET",
    "MANIFEST VERBOSE",
    `MAXFILESIZE ${maxMb} MB`,
    "EXTENSION 'parquet'",
    `PARALLEL ${target.parallel ? "ON" : "OFF"}`,
  ].join(" ");
  const { outer, secrets } = keyedHashProjection(
    command.columns,
    options.hashKey,
    quoteIdentifier,
    options.nativeHmac ?? false,
  );
  return { count, unload, select, outer, secrets };
}
