import { InvalidIdentifierError, InvalidValueError, type IdentifierRole, type ValueRole } from "./errors.js";

/** A plain, unquoted-safe SQL identifier of at most 63 characters (PostgreSQL's NAMEDATALEN - 1). */
export const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Longest source or metric value accepted; they become SQL literals in the unload query. */
export const maxValueLength = 256;

// Control characters, lone surrogates and line/paragraph separators have no place in a source or metric name and
// are classic ways to break or disguise an SQL literal or a log line.
const forbiddenValueCharacters = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u;

export function isValidIdentifier(value: unknown): value is string {
  return typeof value === "string" && identifierPattern.test(value);
}

/** Returns the identifier unchanged, or throws InvalidIdentifierError with the offending value. */
export function assertIdentifier(value: unknown, role: IdentifierRole, table: string | null = null): string {
  if (!isValidIdentifier(value)) throw new InvalidIdentifierError(value, role, table);
  return value;
}

/** Returns the source/metric value unchanged, or throws InvalidValueError saying why it is unsafe. */
export function assertValue(value: unknown, role: ValueRole): string {
  if (typeof value !== "string") throw new InvalidValueError(value, role, "not a string");
  if (value.length === 0) throw new InvalidValueError(value, role, "empty");
  if (value.length > maxValueLength)
    throw new InvalidValueError(value, role, `longer than ${maxValueLength} characters`);
  if (forbiddenValueCharacters.test(value)) throw new InvalidValueError(value, role, "contains control characters");
  return value;
}

/**
 * The matching key of a table or column name. PostgreSQL and Redshift fold unquoted identifiers to lower case, so
 * `Speed` in a rule and `speed` in the catalog are the same column.
 */
export function foldName(name: string): string {
  return name.toLowerCase();
}
