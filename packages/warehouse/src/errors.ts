import type { UnloadErrorKind } from "@data-exporter/contracts";

export const warehouseErrorCodes = [
  "WAREHOUSE_QUERY",
  "TABLE_NOT_FOUND",
  "COLUMN_NOT_FOUND",
  "ROW_COUNT_MISMATCH",
  "OBJECT_STORE",
  "INVALID_COMMAND",
  "TIMEOUT",
  "ABORTED",
  "PARQUET_WRITE",
] as const;
export type WarehouseErrorCode = (typeof warehouseErrorCodes)[number];

export type WarehouseErrorContext = Readonly<Record<string, string | number | null>>;

export interface WarehouseErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  readonly context?: WarehouseErrorContext;
}

/**
 * Base error of the warehouse port. `errorKind` is the Avro `UnloadErrorKind` the unloader reports and `retryable`
 * is decided here, where the failure is understood. `message` is safe to show an operator: it never holds the hash
 * key, credentials or the generated SQL (which embeds key material); the raw driver error stays in `cause`, which
 * must not be logged verbatim.
 */
export class WarehouseError extends Error {
  readonly code: WarehouseErrorCode;
  readonly errorKind: UnloadErrorKind;
  readonly retryable: boolean;
  readonly context: WarehouseErrorContext;

  constructor(
    code: WarehouseErrorCode,
    errorKind: UnloadErrorKind,
    message: string,
    options: WarehouseErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WarehouseError";
    this.code = code;
    this.errorKind = errorKind;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

// Factories rather than subclasses: callers branch on `code`, `errorKind` and `retryable`, never on a class.

/** The warehouse could not run a query: retryable when the connection failed, not when the SQL itself failed. */
export function warehouseQueryError(message: string, options: WarehouseErrorOptions = {}): WarehouseError {
  return new WarehouseError("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", message, options);
}

/** The table (or view) does not exist; retrying does not help until the configuration or warehouse changes. */
export function tableNotFound(schema: string, table: string): WarehouseError {
  return new WarehouseError("TABLE_NOT_FOUND", "WAREHOUSE_QUERY", `table ${schema}.${table} does not exist`, {
    context: { schema, table },
  });
}

/** The command names a column the table does not have, or one whose type does not fit its treatment. */
export function columnMismatch(message: string, context: WarehouseErrorContext): WarehouseError {
  return new WarehouseError("COLUMN_NOT_FOUND", "INVALID_COMMAND", message, { context });
}

/** The command cannot be turned into a safe query or file set (bad identifier, value, window, prefix, ...). */
export function invalidCommand(message: string, context: WarehouseErrorContext = {}): WarehouseError {
  return new WarehouseError("INVALID_COMMAND", "INVALID_COMMAND", message, { context });
}

/**
 * The written files do not hold exactly the rows the source count found in the same snapshot: the export is not
 * published. Retryable: every attempt is verified the same way, so a retry either proves itself or fails again.
 */
export function rowCountMismatch(expectedRows: number, actualRows: number, detail: string): WarehouseError {
  return new WarehouseError(
    "ROW_COUNT_MISMATCH",
    "ROW_COUNT_MISMATCH",
    `row count mismatch: source has ${expectedRows} rows, ${detail} ${actualRows}`,
    { retryable: true, context: { expectedRows, actualRows } },
  );
}

/** Uploading a file or the manifest failed; `retryable` comes from the object store's own error. */
export function objectStoreFailure(message: string, retryable: boolean, cause: unknown): WarehouseError {
  return new WarehouseError("OBJECT_STORE", "OBJECT_STORE", message, { retryable, cause });
}

/**
 * The error an aborted signal turns into: TIMEOUT when its reason is a `TimeoutError` (`deadline()`, `AbortSignal.timeout`),
 * otherwise ABORTED (a shutdown or a lost partition; nothing was published). Both are retryable.
 */
export function abortError(signal: AbortSignal): WarehouseError {
  const reason: unknown = signal.reason;
  const isTimeout =
    typeof reason === "object" && reason !== null && (reason as { name?: unknown }).name === "TimeoutError";
  return isTimeout
    ? new WarehouseError("TIMEOUT", "TIMEOUT", "unload timed out", { retryable: true, cause: reason })
    : new WarehouseError("ABORTED", "UNKNOWN", "unload aborted", { retryable: true, cause: reason });
}

export function isWarehouseError(error: unknown): error is WarehouseError {
  return error instanceof WarehouseError;
}
