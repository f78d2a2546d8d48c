export const statusTrackerErrorCodes = ["REBUILD_ARGS", "REBUILD_REFUSED", "HISTORY_DELETED"] as const;
export type StatusTrackerErrorCode = (typeof statusTrackerErrorCodes)[number];

/** Errors of the status tracker's own commands; none is worth retrying as it is. */
export class StatusTrackerError extends Error {
  readonly code: StatusTrackerErrorCode;
  readonly retryable = false;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: StatusTrackerErrorCode,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StatusTrackerError";
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }
}
