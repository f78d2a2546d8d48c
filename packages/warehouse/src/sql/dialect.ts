/**
 * What differs between the warehouses' SQL for the classified selection: literals, exact text matching, window
 * bounds and the types a value may be cast back to. Everything else (treatments, filters, the shape of the SELECT)
 * is one renderer for both (`classified-select.ts`).
 */
export interface SqlDialect {
  readonly name: "postgres" | "redshift";
  quoteIdentifier(name: string): string;
  quoteLiteral(value: string): string;
  /** An exact point in time from epoch milliseconds. */
  timestampLiteral(epochMs: number): string;
  /** The value's text form: what KEYED_HASH hashes and what source and metric filters compare. */
  textOf(ref: string): string;
  /** Exact, case-sensitive match of a column's text form against values the rules name. */
  inList(column: string, values: readonly string[]): string;
  /** Whether a column type (as `describeTable` spells it) may be pasted into a CAST. */
  isCastableType(type: string): boolean;
  isNumericType(type: string): boolean;
  isTimeType(type: string): boolean;
}

/** Double-quoted identifier (the same in both); callers pass validated identifiers only. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
