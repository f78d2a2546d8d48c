import { isRetryablePostgresError } from "@data-exporter/postgres";

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
