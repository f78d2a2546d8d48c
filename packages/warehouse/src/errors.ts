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

/** The warehouse could not run a query: retryable when the connection failed, not when the SQL itself failed. */
export class WarehouseQueryError extends WarehouseError {
  constructor(message: string, options: WarehouseErrorOptions = {}) {
    super("WAREHOUSE_QUERY", "WAREHOUSE_QUERY", message, options);
    this.name = "WarehouseQueryError";
  }
}

/** The table (or view) does not exist; retrying does not help until the configuration or warehouse changes. */
export class TableNotFoundError extends WarehouseError {
  constructor(schema: string, table: string) {
    super("TABLE_NOT_FOUND", "WAREHOUSE_QUERY", `table ${schema}.${table} does not exist`, {
      context: { schema, table },
    });
    this.name = "TableNotFoundError";
  }
}

/** The command names a column the table does not have, or one whose type does not fit its treatment. */
export class ColumnMismatchError extends WarehouseError {
  constructor(message: string, context: WarehouseErrorContext) {
    super("COLUMN_NOT_FOUND", "INVALID_COMMAND", message, { context });
    this.name = "ColumnMismatchError";
  }
}

/** The command cannot be turned into a safe query (bad identifier, value, window, prefix, ...). */
export class InvalidCommandError extends WarehouseError {
  constructor(message: string, context: WarehouseErrorContext = {}) {
    super("INVALID_COMMAND", "INVALID_COMMAND", message, { context });
    this.name = "InvalidCommandError";
  }
}

/**
 * The written files do not hold exactly the rows the source count found in the same snapshot: the export is not
 * published. Retryable: every attempt is verified the same way, so a retry either proves itself or fails again.
 */
export class RowCountMismatchError extends WarehouseError {
  readonly expectedRows: number;
  readonly actualRows: number;
  constructor(expectedRows: number, actualRows: number, detail: string) {
    super(
      "ROW_COUNT_MISMATCH",
      "ROW_COUNT_MISMATCH",
      `row count mismatch: source has ${expectedRows} rows, ${detail} ${actualRows}`,
      {
        retryable: true,
        context: { expectedRows, actualRows },
      },
    );
    this.name = "RowCountMismatchError";
    this.expectedRows = expectedRows;
    this.actualRows = actualRows;
  }
}

/** Uploading a file or the manifest failed; `retryable` comes from the object store's own error. */
export class UnloadObjectStoreError extends WarehouseError {
  constructor(message: string, retryable: boolean, cause: unknown) {
    super("OBJECT_STORE", "OBJECT_STORE", message, { retryable, cause });
    this.name = "UnloadObjectStoreError";
  }
}

/** The caller's AbortSignal fired with a TimeoutError reason (e.g. `AbortSignal.timeout`). */
export class UnloadTimeoutError extends WarehouseError {
  constructor(cause: unknown) {
    super("TIMEOUT", "TIMEOUT", "unload timed out", { retryable: true, cause });
    this.name = "UnloadTimeoutError";
  }
}

/** The caller's AbortSignal fired for another reason (shutdown); nothing was published. */
export class UnloadAbortedError extends WarehouseError {
  constructor(cause: unknown) {
    super("ABORTED", "UNKNOWN", "unload aborted", { retryable: true, cause });
    this.name = "UnloadAbortedError";
  }
}

/** The error an aborted signal turns into. */
export function abortError(signal: AbortSignal): WarehouseError {
  const reason: unknown = signal.reason;
  const isTimeout =
    typeof reason === "object" && reason !== null && (reason as { name?: unknown }).name === "TimeoutError";
  return isTimeout ? new UnloadTimeoutError(reason) : new UnloadAbortedError(reason);
}

export function isWarehouseError(error: unknown): error is WarehouseError {
  return error instanceof WarehouseError;
}
