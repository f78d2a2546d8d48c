export const statusStoreErrorCodes = ["STATUS_STORE_UNAVAILABLE", "STATUS_STORE_QUERY", "INVALID_SCHEMA_NAME"] as const;
export type StatusStoreErrorCode = (typeof statusStoreErrorCodes)[number];

export class StatusStoreError extends Error {
  readonly code: StatusStoreErrorCode;
  /** Connection problems are worth retrying; a failing statement is not. */
  readonly retryable: boolean;
  constructor(code: StatusStoreErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "StatusStoreError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

const connectionErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "57P01",
  "57P03",
  "08000",
  "08003",
  "08006",
]);

/** Whether a pg error means the database could not be reached (worth retrying), not that a statement failed. */
export function isPostgresConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && connectionErrorCodes.has(code);
}

export function toStatusStoreError(error: unknown, what: string): StatusStoreError {
  if (error instanceof StatusStoreError) return error;
  if (isPostgresConnectionError(error)) {
    return new StatusStoreError("STATUS_STORE_UNAVAILABLE", `status store unavailable while ${what}`, {
      cause: error,
      retryable: true,
    });
  }
  return new StatusStoreError("STATUS_STORE_QUERY", `status store query failed while ${what}`, { cause: error });
}
