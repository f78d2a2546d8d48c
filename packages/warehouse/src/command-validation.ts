import type { UnloadTableCommand } from "@data-exporter/contracts";
import { invalidCommand } from "./errors.js";

/** Plain SQL identifiers only: they are quoted anyway, but anything unusual in a configured name is refused. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const FILE_BASE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
const MAX_VALUE_LENGTH = 1000;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** Negative digits round to tens, hundreds, ... (the classification allows -10..10). */
export const MIN_ROUND_DIGITS = -10;
export const MAX_ROUND_DIGITS = 18;

export function assertIdentifier(value: unknown, role: string): asserts value is string {
  if (typeof value !== "string" || !IDENTIFIER.test(value)) {
    throw invalidCommand(`invalid ${role} identifier ${JSON.stringify(String(value)).slice(0, 80)}`, { role });
  }
}

function assertValue(value: unknown, role: string): asserts value is string {
  // The value becomes an SQL string literal: NUL cannot be stored in PostgreSQL text, other control characters are
  // not expected in source or metric names.
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    value.length > MAX_VALUE_LENGTH ||
    CONTROL_CHARACTER.test(value)
  ) {
    throw invalidCommand(`invalid ${role} value ${JSON.stringify(String(value)).slice(0, 80)}`, { role });
  }
}

/** An object key prefix: relative, ending in "/", no empty, "." or ".." segment, no control character. */
export function assertOutputPrefix(prefix: string): void {
  const segments = prefix.split("/");
  const ok =
    prefix.length > 1 &&
    prefix.length <= 512 &&
    prefix.endsWith("/") &&
    !prefix.startsWith("/") &&
    segments.slice(0, -1).every((s) => s !== "" && s !== "." && s !== "..") &&
    !CONTROL_CHARACTER.test(prefix) &&
    !prefix.includes("\\");
  if (!ok) throw invalidCommand(`invalid outputPrefix ${JSON.stringify(prefix).slice(0, 120)}`);
}

/** Checks everything about a command that can be checked without the warehouse; throws `invalidCommand`. */
export function validateUnloadCommand(command: UnloadTableCommand): void {
  assertIdentifier(command.schema, "schema");
  assertIdentifier(command.table, "table");
  if (command.timeColumn !== null) {
    assertIdentifier(command.timeColumn, "timeColumn");
    const { windowStart, windowEnd } = command;
    if (!Number.isSafeInteger(windowStart) || !Number.isSafeInteger(windowEnd) || windowStart >= windowEnd) {
      throw invalidCommand(`invalid window [${String(windowStart)}, ${String(windowEnd)})`);
    }
  }
  if (command.columns.length === 0) throw invalidCommand("no columns to export");
  const names = new Set<string>();
  for (const column of command.columns) {
    assertIdentifier(column.name, "column");
    if (names.has(column.name))
      throw invalidCommand(`column ${column.name} is projected twice`, { column: column.name });
    names.add(column.name);
    if (column.treatment === "ROUND") {
      const digits = column.roundDigits;
      if (digits === null || !Number.isInteger(digits) || digits < MIN_ROUND_DIGITS || digits > MAX_ROUND_DIGITS) {
        throw invalidCommand(`ROUND on ${column.name} needs roundDigits ${MIN_ROUND_DIGITS}..${MAX_ROUND_DIGITS}`, {
          column: column.name,
        });
      }
    }
  }
  const filter = command.rowFilter;
  if (filter.sourceColumn !== null) assertIdentifier(filter.sourceColumn, "sourceColumn");
  if (filter.metricColumn !== null) assertIdentifier(filter.metricColumn, "metricColumn");
  for (const value of filter.allowedSources) assertValue(value, "source");
  for (const value of filter.unrestrictedSources) assertValue(value, "source");
  for (const value of filter.allowedMetrics) assertValue(value, "metric");
  assertOutputPrefix(command.outputPrefix);
  if (!FILE_BASE_NAME.test(command.fileBaseName) || command.fileBaseName.includes("..")) {
    throw invalidCommand(`invalid fileBaseName ${JSON.stringify(command.fileBaseName).slice(0, 80)}`);
  }
}
