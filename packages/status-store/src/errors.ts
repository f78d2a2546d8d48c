export const statusStoreErrorCodes = ["STATUS_STORE_UNAVAILABLE", "STATUS_STORE_QUERY", "INVALID_SCHEMA_NAME"] as const;
export type StatusStoreErrorCode = (typeof statusStoreErrorCodes)[number];

export class StatusStoreError extends Error {
  readonly code: StatusStoreErrorCode;
  /** Outages are worth retrying; a statement the database rejected is not. */
  readonly retryable: boolean;
  constructor(code: StatusStoreErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "StatusStoreError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * SQLSTATE classes of errors another attempt cannot fix: data exceptions (22), integrity violations (23), invalid
 * transaction state (25 except read-only failover, 25006), syntax or access rules (42), feature not supported (0A).
 */
const PERMANENT_SQLSTATE = /^(22|23|42|0A|2B|3D|3F)|^25(?!006)/;

/**
 * Whether a PostgreSQL failure may pass on another attempt. Retryable unless the database rejected the statement
 * itself: connection resets, "Connection terminated unexpectedly", pool timeouts, DNS failures and failover states
 * (53300, 57P01, 25006, ...) carry no or varied codes, and losing an event to the dead-letter topic over a blip
 * is worse than retrying a statement that fails again.
 */
export function isRetryablePostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return !(typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && PERMANENT_SQLSTATE.test(code));
}

export function toStatusStoreError(error: unknown, what: string): StatusStoreError {
  if (error instanceof StatusStoreError) return error;
  if (isRetryablePostgresError(error)) {
    return new StatusStoreError("STATUS_STORE_UNAVAILABLE", `status store unavailable while ${what}`, {
      cause: error,
      retryable: true,
    });
  }
  return new StatusStoreError("STATUS_STORE_QUERY", `status store query failed while ${what}`, { cause: error });
}
